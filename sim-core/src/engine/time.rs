//! Simulated time: integer nanoseconds, never floating point.
//!
//! [`SimTime`] is an instant since the start of a run; [`SimDuration`] is a span.
//! Both are `u64` nanoseconds, so ordering is total and exact, and 2⁶⁴ ns ≈ 584 years
//! is ample for the years-scale availability runs. Conversions to `f64` seconds exist
//! for reporting only; arithmetic on the clock stays integral.

use std::borrow::Cow;
use std::fmt;
use std::ops::{Add, AddAssign, Sub};
use std::str::FromStr;

/// Nanoseconds per unit, used by parsing and formatting.
const NS_PER_US: u64 = 1_000;
const NS_PER_MS: u64 = 1_000_000;
const NS_PER_S: u64 = 1_000_000_000;
const NS_PER_MIN: u64 = 60 * NS_PER_S;
const NS_PER_H: u64 = 60 * NS_PER_MIN;
const NS_PER_D: u64 = 24 * NS_PER_H;

/// A span of simulated time in nanoseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimDuration(u64);

/// An instant of simulated time: nanoseconds since the start of the run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(u64);

impl SimDuration {
    pub const ZERO: SimDuration = SimDuration(0);
    pub const MAX: SimDuration = SimDuration(u64::MAX);

    pub const fn from_nanos(ns: u64) -> Self {
        SimDuration(ns)
    }
    pub const fn from_micros(us: u64) -> Self {
        SimDuration(us * NS_PER_US)
    }
    pub const fn from_millis(ms: u64) -> Self {
        SimDuration(ms * NS_PER_MS)
    }
    pub const fn from_secs(s: u64) -> Self {
        SimDuration(s * NS_PER_S)
    }
    pub const fn from_mins(m: u64) -> Self {
        SimDuration(m * NS_PER_MIN)
    }
    pub const fn from_hours(h: u64) -> Self {
        SimDuration(h * NS_PER_H)
    }
    pub const fn from_days(d: u64) -> Self {
        SimDuration(d * NS_PER_D)
    }

    /// Rounds a non-negative number of seconds to the nearest nanosecond.
    /// Negative and NaN inputs give zero; values beyond the range saturate.
    pub fn from_secs_f64(s: f64) -> Self {
        let ns = s * NS_PER_S as f64;
        if ns.is_nan() || ns <= 0.0 {
            SimDuration(0)
        } else if ns >= u64::MAX as f64 {
            SimDuration::MAX
        } else {
            SimDuration(round_to_u64(ns))
        }
    }

    /// Like [`from_secs_f64`](Self::from_secs_f64) but in milliseconds.
    pub fn from_millis_f64(ms: f64) -> Self {
        Self::from_secs_f64(ms / 1e3)
    }

    pub const fn as_nanos(self) -> u64 {
        self.0
    }
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / NS_PER_S as f64
    }
    pub fn as_millis_f64(self) -> f64 {
        self.0 as f64 / NS_PER_MS as f64
    }
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }
    pub const fn saturating_add(self, other: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(other.0))
    }
    pub const fn saturating_sub(self, other: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_sub(other.0))
    }
    /// Multiplies by a non-negative factor, rounding to the nearest nanosecond.
    ///
    /// The model multiplies every service time and link delay by a slow-down that is 1
    /// unless a degradation is on; then the answer is `self`, without the division and
    /// rounding. The arithmetic would give the same: below 2^51 ns (26 days) its error is
    /// under half a nanosecond (tested).
    #[inline]
    pub fn mul_f64(self, k: f64) -> SimDuration {
        if k == 1.0 && self.0 < 1 << 51 {
            return self;
        }
        SimDuration::from_secs_f64(self.as_secs_f64() * k)
    }
}

/// `x.round() as u64`, exactly, without a call into libm: on x86-64 without SSE4.1,
/// `f64::round` is a function call, and every sampled delay goes through it. Below 2^52,
/// the truncation and the fraction `x − ⌊x⌋` are exact, and `round` goes up from a
/// fraction of one half. The conversions go through `i64` (exact in that range, and one
/// instruction each way on x86-64, where `u64` ↔ `f64` takes a branchy sequence).
#[inline]
pub fn round_to_u64(x: f64) -> u64 {
    if (0.0..4_503_599_627_370_496.0).contains(&x) {
        let t = x as i64;
        // Added, not branched on: the fraction is as likely below a half as above, so a
        // branch here is mispredicted half the time (~3 % of a run, perf).
        (t + i64::from(x - t as f64 >= 0.5)) as u64
    } else {
        x.round() as u64
    }
}

impl SimTime {
    pub const ZERO: SimTime = SimTime(0);
    pub const MAX: SimTime = SimTime(u64::MAX);

    pub const fn from_nanos(ns: u64) -> Self {
        SimTime(ns)
    }
    pub const fn as_nanos(self) -> u64 {
        self.0
    }
    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / NS_PER_S as f64
    }
    /// Time elapsed since `earlier`, or zero if `earlier` is later.
    pub const fn since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
    pub const fn saturating_add(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
    /// The instant as a span from time zero.
    pub const fn elapsed(self) -> SimDuration {
        SimDuration(self.0)
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    /// Saturates at [`SimTime::MAX`] ("never") rather than wrapping.
    fn add(self, d: SimDuration) -> SimTime {
        self.saturating_add(d)
    }
}

impl AddAssign<SimDuration> for SimTime {
    fn add_assign(&mut self, d: SimDuration) {
        *self = *self + d;
    }
}

impl Sub<SimTime> for SimTime {
    type Output = SimDuration;
    /// Saturates at zero.
    fn sub(self, earlier: SimTime) -> SimDuration {
        self.since(earlier)
    }
}

impl Add for SimDuration {
    type Output = SimDuration;
    fn add(self, o: SimDuration) -> SimDuration {
        self.saturating_add(o)
    }
}

impl AddAssign for SimDuration {
    fn add_assign(&mut self, o: SimDuration) {
        *self = *self + o;
    }
}

impl Sub for SimDuration {
    type Output = SimDuration;
    fn sub(self, o: SimDuration) -> SimDuration {
        self.saturating_sub(o)
    }
}

/// Why a duration string did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{input}` is not a duration: {reason} (write a number and a unit: ns, us, ms, s, m, h or d, e.g. \"250ms\", \"90s\", \"2h\", \"30d\")")]
pub struct ParseDurationError {
    pub input: String,
    pub reason: Cow<'static, str>,
}

/// Why a duration past [`SimDuration::MAX`] is refused, with the largest one accepted.
const TOO_LONG: &str = "it is too long (the limit is about 584 years, 213503d)";

impl FromStr for SimDuration {
    type Err = ParseDurationError;

    /// Parses `"<number><unit>"` with optional spaces, e.g. `"250ms"`, `"1.5 s"`, `"30d"`.
    /// Decimal fractions and exponents (`"1e3ms"`) are allowed; the result is rounded to
    /// the nanosecond.
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let err = |reason: &'static str| ParseDurationError {
            input: input.to_string(),
            reason: reason.into(),
        };
        let s = input.trim();
        if s.is_empty() {
            return Err(err("it is empty"));
        }
        let mut split = s
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| err("the unit is missing"))?;
        // An exponent (`1e3ms`, `2.5E-3s`) belongs to the number, as in TOML's floats: no
        // unit starts with `e`. Without this, `1e30h` would be an "unknown unit" where the
        // trouble is its size.
        let b = s.as_bytes();
        if split > 0 && matches!(b[split], b'e' | b'E') {
            let sign = usize::from(matches!(b.get(split + 1), Some(b'+' | b'-')));
            let from = split + 1 + sign;
            let digits = b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
            if digits > 0 {
                split = from + digits;
                if split == s.len() {
                    return Err(err("the unit is missing"));
                }
            }
        }
        let (num, unit) = s.split_at(split);
        let unit = unit.trim();
        if num.is_empty() {
            return Err(if num.is_empty() && unit.starts_with('-') {
                err("durations cannot be negative")
            } else {
                err("the number is missing")
            });
        }
        let Some(scale) = unit_scale(unit) else {
            return Err(ParseDurationError {
                input: input.to_string(),
                reason: unknown_unit(num, unit).into(),
            });
        };
        // Integer path is exact; fractional path goes through f64 of the scaled value.
        if let Ok(n) = num.parse::<u64>() {
            return n
                .checked_mul(scale)
                .map(SimDuration)
                .ok_or_else(|| err(TOO_LONG));
        }
        let x: f64 = num.parse().map_err(|_| err("the number is malformed"))?;
        let ns = x * scale as f64;
        if !ns.is_finite() || ns >= u64::MAX as f64 {
            return Err(err(TOO_LONG));
        }
        Ok(SimDuration(ns.round() as u64))
    }
}

/// Nanoseconds in one `unit`, if it is one.
fn unit_scale(unit: &str) -> Option<u64> {
    Some(match unit {
        "ns" => 1,
        "us" | "µs" => NS_PER_US,
        "ms" => NS_PER_MS,
        "s" | "sec" => NS_PER_S,
        "m" | "min" => NS_PER_MIN,
        "h" => NS_PER_H,
        "d" => NS_PER_D,
        _ => return None,
    })
}

/// Why `unit` (after the number `num`) is no unit, with what was likely meant: the
/// lowercase unit (`20S`), or one duration for several (`1m20s` is `80s`).
fn unknown_unit(num: &str, unit: &str) -> String {
    let lower = unit.to_lowercase();
    if unit_scale(&lower).is_some() {
        return format!("unknown unit `{unit}`: units are lowercase, write \"{num}{lower}\"");
    }
    if unit.contains(|c: char| c.is_ascii_digit()) {
        // Pieces such as `1m` and `20s`: each starts where a digit follows a letter.
        let text = format!("{num}{unit}");
        let mut starts = vec![0];
        let b = text.as_bytes();
        starts.extend(
            (1..b.len()).filter(|&i| b[i].is_ascii_digit() && b[i - 1].is_ascii_alphabetic()),
        );
        starts.push(text.len());
        // One piece (`1é1s`) would parse the same text again, endlessly; pieces of two or
        // more have no letter-then-digit inside, so parsing one comes back here at most once.
        if starts.len() < 3 {
            return "write one number and one unit".into();
        }
        let total = starts.windows(2).try_fold(SimDuration::ZERO, |sum, w| {
            let part: SimDuration = text[w[0]..w[1]].parse().ok()?;
            sum.as_nanos().checked_add(part.as_nanos()).map(SimDuration)
        });
        return match total {
            Some(t) => format!("write one number and one unit: \"{t}\""),
            None => "write one number and one unit".into(),
        };
    }
    format!("unknown unit `{unit}`")
}

impl fmt::Display for SimDuration {
    /// The largest unit that represents the value exactly, e.g. `250ms`, `90s`, `2h`;
    /// `Display` then `FromStr` round-trips.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ns = self.0;
        if ns == 0 {
            return write!(f, "0s");
        }
        for (scale, unit) in [
            (NS_PER_D, "d"),
            (NS_PER_H, "h"),
            (NS_PER_MIN, "m"),
            (NS_PER_S, "s"),
            (NS_PER_MS, "ms"),
            (NS_PER_US, "us"),
        ] {
            if ns.is_multiple_of(scale) {
                return write!(f, "{}{}", ns / scale, unit);
            }
        }
        write!(f, "{ns}ns")
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t={:.6}s", self.as_secs_f64())
    }
}

impl serde::Serialize for SimDuration {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for SimDuration {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = SimDuration;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration string such as \"250ms\", \"90s\", \"2h\" or \"30d\"")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<SimDuration, E> {
                v.parse().map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<SimDuration, E> {
                Err(E::custom(
                    "a bare number has no unit: write it as a string with a unit, e.g. \"250ms\" or \"90s\"",
                ))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<SimDuration, E> {
                self.visit_i64(v as i64)
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<SimDuration, E> {
                self.visit_i64(0)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_examples() {
        assert_eq!("250ms".parse(), Ok(SimDuration::from_millis(250)));
        assert_eq!("90s".parse(), Ok(SimDuration::from_secs(90)));
        assert_eq!("2h".parse(), Ok(SimDuration::from_hours(2)));
        assert_eq!("30d".parse(), Ok(SimDuration::from_days(30)));
        assert_eq!("1.5 s".parse(), Ok(SimDuration::from_millis(1500)));
        assert_eq!("5m".parse(), Ok(SimDuration::from_mins(5)));
        assert_eq!("7us".parse(), Ok(SimDuration::from_micros(7)));
        assert_eq!("0.1ms".parse(), Ok(SimDuration::from_micros(100)));
    }

    #[test]
    fn exponents_are_part_of_the_number() {
        assert_eq!("1e3ms".parse(), Ok(SimDuration::from_secs(1)));
        assert_eq!("2.5E-3s".parse(), Ok(SimDuration::from_micros(2500)));
        assert_eq!("1e+2 s".parse(), Ok(SimDuration::from_secs(100)));
        let reason = |s: &str| s.parse::<SimDuration>().unwrap_err().reason;
        assert_eq!(reason("1e30h"), TOO_LONG);
        assert_eq!(reason("1e400h"), TOO_LONG);
        assert_eq!(reason("1e3"), "the unit is missing");
        assert_eq!(reason("1e"), "unknown unit `e`");
        assert_eq!(reason("1eh"), "unknown unit `eh`");
        // The limit named is the largest duration accepted.
        assert!("213503d".parse::<SimDuration>().is_ok());
        assert_eq!(reason("213504d"), TOO_LONG);
    }

    #[test]
    fn an_unknown_unit_says_what_was_meant() {
        let reason = |s: &str| s.parse::<SimDuration>().unwrap_err().reason;
        assert_eq!(
            reason("20S"),
            "unknown unit `S`: units are lowercase, write \"20s\""
        );
        assert_eq!(
            reason("5 MS"),
            "unknown unit `MS`: units are lowercase, write \"5ms\""
        );
        assert_eq!(reason("1m20s"), "write one number and one unit: \"80s\"");
        assert_eq!(reason("1h30m"), "write one number and one unit: \"90m\"");
        assert_eq!(reason("1h3x"), "write one number and one unit");
        assert_eq!(reason("1é1s"), "write one number and one unit");
        assert_eq!(reason("1é1s2m"), "write one number and one unit");
        assert_eq!(reason("5 parsecs"), "unknown unit `parsecs`");
    }

    #[test]
    fn rejects_bad_durations_with_reasons() {
        for bad in [
            "",
            "10",
            "ms",
            "-5s",
            "5 parsecs",
            "1.2.3s",
            "99999999999999d",
        ] {
            let e = bad.parse::<SimDuration>().unwrap_err();
            assert!(e.to_string().contains("is not a duration"), "{bad}: {e}");
        }
    }

    #[test]
    fn mul_by_one_is_the_arithmetic() {
        let slow = |d: SimDuration| SimDuration::from_secs_f64(d.as_secs_f64() * 1.0);
        let mut v: Vec<u64> = vec![0, 1, 999_999_999, (1 << 51) - 1, 1 << 51, u64::MAX];
        let mut x = 0.377_f64;
        for i in 0..200_000 {
            x = (x * 7.919 + 0.3).fract();
            v.push((x * 2f64.powi(i % 52)) as u64);
            v.push((1 << 51) - 1 - i as u64);
        }
        for ns in v {
            let d = SimDuration::from_nanos(ns);
            assert_eq!(d.mul_f64(1.0), slow(d), "{ns} ns");
            assert_eq!(
                d.mul_f64(2.0),
                SimDuration::from_secs_f64(d.as_secs_f64() * 2.0)
            );
        }
    }

    #[test]
    fn round_to_u64_is_round() {
        let mut v = vec![
            0.0,
            -0.0,
            0.5,
            1.5,
            2.5,
            0.499_999_999_999_999_94,
            1e300,
            -3.7,
            f64::NAN,
            f64::INFINITY,
            4_503_599_627_370_495.5,
            4_503_599_627_370_496.0,
            9_007_199_254_740_993.0,
        ];
        let mut x = 0.123_f64;
        for i in 0..100_000 {
            x = (x * 7.919 + 0.3).fract();
            v.push(x * 10f64.powi(i % 16));
            v.push((i as f64) + 0.5);
            v.push(f64::from_bits(
                (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 2,
            ));
        }
        for x in v {
            assert_eq!(round_to_u64(x), x.round() as u64, "{x:e}");
        }
    }

    #[test]
    fn display_round_trips() {
        for d in [
            SimDuration::from_nanos(1),
            SimDuration::from_micros(1500),
            SimDuration::from_millis(250),
            SimDuration::from_secs(90),
            SimDuration::from_hours(2),
            SimDuration::from_days(30),
            SimDuration::ZERO,
        ] {
            assert_eq!(d.to_string().parse(), Ok(d));
        }
        assert_eq!(SimDuration::from_secs(90).to_string(), "90s");
        assert_eq!(SimDuration::from_secs(120).to_string(), "2m");
    }

    #[test]
    fn arithmetic_saturates_instead_of_wrapping() {
        assert_eq!(SimTime::MAX + SimDuration::from_secs(1), SimTime::MAX);
        assert_eq!(SimTime::ZERO - SimTime::from_nanos(5), SimDuration::ZERO);
        assert_eq!(SimDuration::from_secs_f64(-1.0), SimDuration::ZERO);
        assert_eq!(SimDuration::from_secs_f64(f64::NAN), SimDuration::ZERO);
    }
}

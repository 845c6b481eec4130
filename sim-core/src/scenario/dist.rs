//! Distributions of durations a scenario can choose (service times, lags, jitter).

use crate::engine::time::round_to_u64;
use crate::engine::SimDuration;
use rand::{Rng, RngExt};
use rand_distr::{Distribution, Exp1, StandardNormal};
use serde::{Deserialize, Serialize};

/// A distribution of non-negative durations, written inline in TOML, e.g.
/// `{ dist = "exponential", mean = "20ms" }` or `{ dist = "constant", value = "500ms" }`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "dist", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Dist {
    /// Always `value`.
    Constant { value: SimDuration },
    /// Exponential with the given mean (memoryless: the M in M/M/c).
    Exponential { mean: SimDuration },
    /// Log-normal with the given mean and coefficient of variation (std dev / mean):
    /// σ² = ln(1 + cv²), μ = ln(mean) − σ²/2.
    Lognormal { mean: SimDuration, cv: f64 },
    /// Uniform on `[min, max]`.
    Uniform { min: SimDuration, max: SimDuration },
}

/// Every distribution as written in a scenario (`dist = "…"`) and its fields, for the
/// message that says how to write one; a test checks it against the type.
pub const FORMS: [(&str, &[&str]); 4] = [
    ("constant", &["value"]),
    ("exponential", &["mean"]),
    ("lognormal", &["mean", "cv"]),
    ("uniform", &["min", "max"]),
];

/// How to write a distribution for `field`, with `example` (a duration such as `"4ms"`)
/// as its mean: `write e.g. jitter = { dist = "exponential", mean = "4ms" } (dists: …)`.
pub fn how_to_write(field: &str, example: &str) -> String {
    let forms: Vec<String> = FORMS
        .iter()
        .map(|(name, fields)| format!("{name} {{ {} }}", fields.join(", ")))
        .collect();
    format!(
        "write a table naming the distribution, e.g. {field} = {{ dist = \"exponential\", mean = \"{example}\" }} or {{ dist = \"constant\", value = \"{example}\" }} (dists: {}; `cv` is a number, the other fields durations such as \"4ms\")",
        forms.join(", ")
    )
}

/// Largest coefficient of variation of a log-normal: beyond it σ² = ln(1 + cv²) puts
/// nearly every draw at 0 ns and the mean in a tail no run samples (at `cv = 1e308`, cv²
/// overflows and every draw is 0).
pub const MAX_CV: f64 = 100.0;

impl Dist {
    pub fn exponential(mean: SimDuration) -> Self {
        Dist::Exponential { mean }
    }
    pub fn constant(value: SimDuration) -> Self {
        Dist::Constant { value }
    }

    /// The mean of the distribution.
    pub fn mean(&self) -> SimDuration {
        match *self {
            Dist::Constant { value } => value,
            Dist::Exponential { mean } | Dist::Lognormal { mean, .. } => mean,
            Dist::Uniform { min, max } => {
                SimDuration::from_nanos(min.as_nanos() / 2 + max.as_nanos() / 2)
            }
        }
    }

    /// Problems with the parameters, as (field, message) pairs.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut p = Vec::new();
        match *self {
            Dist::Lognormal { mean, cv } => {
                if !(cv.is_finite() && cv > 0.0 && cv <= MAX_CV) {
                    p.push(("cv", format!("must be a number in (0, {MAX_CV}], got {cv}")));
                }
                if mean.is_zero() {
                    p.push(("mean", "must be greater than zero".into()));
                }
            }
            Dist::Uniform { min, max } if max < min => {
                p.push(("max", format!("must be at least min ({min}), got {max}")));
            }
            _ => {}
        }
        p
    }

    /// One draw.
    #[inline]
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> SimDuration {
        match *self {
            Dist::Constant { value } => value,
            Dist::Exponential { mean } => {
                let e: f64 = Exp1.sample(rng);
                // `n as f64` of a `u64`, through `i64` where that is the same value (one
                // instruction instead of a branchy sequence on x86-64).
                let n = mean.as_nanos();
                let mean = match i64::try_from(n) {
                    Ok(i) => i as f64,
                    Err(_) => n as f64,
                };
                SimDuration::from_nanos(round_to_u64(e * mean))
            }
            Dist::Lognormal { mean, cv } => {
                let s2 = (1.0 + cv * cv).ln();
                let mu = (mean.as_nanos() as f64).ln() - s2 / 2.0;
                let z: f64 = StandardNormal.sample(rng);
                SimDuration::from_nanos(round_to_u64((mu + s2.sqrt() * z).exp()))
            }
            Dist::Uniform { min, max } => {
                SimDuration::from_nanos(rng.random_range(min.as_nanos()..=max.as_nanos()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Streams;

    fn mean_of(d: &Dist, n: usize) -> f64 {
        let mut r = Streams::new(1).stream("test", 0);
        (0..n).map(|_| d.sample(&mut r).as_secs_f64()).sum::<f64>() / n as f64
    }

    /// [`FORMS`] names every variant serde accepts, each with exactly its fields.
    #[test]
    fn forms_match_the_type() {
        #[derive(Deserialize)]
        struct W {
            #[allow(dead_code)]
            d: Dist,
        }
        let err = toml_edit::de::from_str::<W>("d = { dist = \"?\" }")
            .err()
            .map(|e| e.message().to_string())
            .unwrap_or_default();
        let names: Vec<&str> = err.split('`').skip(3).step_by(2).collect();
        assert_eq!(names, FORMS.map(|f| f.0), "{err}");
        for (name, fields) in FORMS {
            let values: Vec<String> = fields
                .iter()
                .map(|f| match *f {
                    "cv" => "cv = 0.5".to_string(),
                    f => format!("{f} = \"4ms\""),
                })
                .collect();
            let text = format!("d = {{ dist = \"{name}\", {} }}", values.join(", "));
            assert!(toml_edit::de::from_str::<W>(&text).is_ok(), "{text}");
        }
        let hint = how_to_write("jitter", "1ms");
        assert!(hint.contains("jitter = { dist = \"exponential\", mean = \"1ms\" }"));
        assert!(hint.contains("lognormal { mean, cv }"), "{hint}");
    }

    #[test]
    fn sample_means_match_declared_means() {
        let ms = SimDuration::from_millis;
        for d in [
            Dist::constant(ms(5)),
            Dist::exponential(ms(20)),
            Dist::Lognormal {
                mean: ms(20),
                cv: 1.5,
            },
            Dist::Uniform {
                min: ms(10),
                max: ms(30),
            },
        ] {
            let m = mean_of(&d, 400_000);
            let want = d.mean().as_secs_f64();
            assert!((m - want).abs() / want < 0.02, "{d:?}: {m} vs {want}");
        }
    }
}

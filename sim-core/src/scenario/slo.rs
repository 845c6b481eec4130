//! Service-level objectives (`[slo]`): what the capacity planner must meet.
//!
//! Only `regionsim plan` reads this table; runs and comparisons ignore it. Every field is
//! optional and the table defaults to empty (no objective). The command line's
//! `--slo key=value` flags ([`Slo::apply_flag`]) add to or replace what a file says.
//!
//! | field | unit | meaning |
//! |---|---|---|
//! | `p99` | duration | 99th percentile of the latency of served requests, all users |
//! | `p99_by_area` | area → duration | the same for one user area (stricter than `p99` or alone) |
//! | `availability` | fraction in (0, 1) | annual availability: the Markov-chain availability of the layout × the fraction served in the request-level run (see `docs/planner.md`) |
//! | `rpo` | duration | largest data-loss window: the oldest acknowledged write lost in any simulated region outage |
//! | `residency` | bool | zero residency violations (data of users under `[residency]` stays in their jurisdiction) |
//! | `budget_usd_per_month` | USD | the design's monthly cost (compute + transfer + egress) |
//! | `n_plus_one` | bool | the design keeps its latency SLOs with any one region down |

use super::error::{FieldError, FieldPath};
use crate::engine::SimDuration;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The planner's objectives; see the module docs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Slo {
    /// p99 latency bound of served requests, all areas together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub p99: Option<SimDuration>,
    /// Area name → p99 latency bound of that area's served requests.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub p99_by_area: BTreeMap<String, SimDuration>,
    /// Annual availability target, a fraction in (0, 1) such as 0.999.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability: Option<f64>,
    /// Largest acceptable recovery point (age of the oldest lost acknowledged write).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rpo: Option<SimDuration>,
    /// Require zero residency violations.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub residency: bool,
    /// Largest acceptable monthly cost, USD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_usd_per_month: Option<f64>,
    /// Require N+1: latency SLOs hold with any one region of the design down.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub n_plus_one: bool,
}

/// The `--slo` keys, for messages.
pub const SLO_KEYS: &str =
    "p99=250ms, p99[AREA]=200ms, availability=0.999 (or 99.9%), rpo=1s, residency, budget=20000, n+1";

impl Slo {
    /// Whether no objective is set.
    pub fn is_empty(&self) -> bool {
        *self == Slo::default()
    }

    /// Applies command-line flags in order ([`Slo::apply_flag`]), refusing an objective
    /// given twice: the last would silently win. (A flag does replace the file's value.)
    pub fn apply_flags<S: AsRef<str>>(&mut self, flags: &[S]) -> Result<(), String> {
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        for flag in flags {
            let flag = flag.as_ref();
            self.apply_flag(flag)?;
            let objective = objective_of(flag);
            if let Some(first) = seen.insert(objective.clone(), flag) {
                return Err(format!(
                    "--slo `{flag}`: the objective `{objective}` is already set by --slo `{first}`: give each objective once"
                ));
            }
        }
        Ok(())
    }

    /// Applies one command-line flag such as `p99=250ms`, `p99[germany]=200ms`,
    /// `availability=99.9%`, `rpo=1s`, `residency`, `budget=20000` or `n+1`.
    /// The message of an error names the flag and what is allowed.
    pub fn apply_flag(&mut self, flag: &str) -> Result<(), String> {
        let bad = |why: String| Err(format!("--slo `{flag}`: {why}"));
        let (key, value) = match flag.split_once('=') {
            Some((k, v)) => (k.trim(), Some(v.trim())),
            None => (flag.trim(), None),
        };
        let need = |v: Option<&str>| -> Result<String, String> {
            match v {
                Some(v) if !v.is_empty() => Ok(v.to_string()),
                _ => Err(format!(
                    "--slo `{flag}`: `{key}` needs a value, e.g. {SLO_KEYS}"
                )),
            }
        };
        let duration = |v: &str| -> Result<SimDuration, String> {
            v.parse::<SimDuration>()
                .map_err(|e| format!("--slo `{flag}`: `{v}` is not a duration ({e})"))
        };
        if let Some(area) = key.strip_prefix("p99[").and_then(|k| k.strip_suffix(']')) {
            if area.trim().is_empty() {
                return bad("the area name between [ and ] is empty".into());
            }
            let d = duration(&need(value)?)?;
            self.p99_by_area.insert(area.trim().to_string(), d);
            return Ok(());
        }
        match key {
            "p99" => self.p99 = Some(duration(&need(value)?)?),
            "rpo" => self.rpo = Some(duration(&need(value)?)?),
            "availability" => {
                let v = need(value)?;
                let x = match v.strip_suffix('%') {
                    // `99.9e-2` is the double nearest 0.999 (99.9 / 100 is 0.9990000000000001,
                    // which every message would then print).
                    Some(pct) => pct
                        .trim()
                        .parse::<f64>()
                        .and_then(|_| format!("{}e-2", pct.trim()).parse::<f64>()),
                    None => v.parse::<f64>(),
                };
                match x {
                    Ok(x) if x > 0.0 && x < 1.0 => self.availability = Some(x),
                    Ok(x) => {
                        return bad(format!(
                        "availability must lie strictly between 0 and 1 (or 0% and 100%), got {x}"
                    ))
                    }
                    Err(_) => return bad(format!("`{v}` is not a number such as 0.999 or 99.9%")),
                }
            }
            "budget" | "budget_usd_per_month" => {
                let v = need(value)?;
                match v.trim_start_matches('$').parse::<f64>() {
                    Ok(x) if x.is_finite() && x > 0.0 => self.budget_usd_per_month = Some(x),
                    _ => return bad(format!("`{v}` is not a positive amount of USD per month")),
                }
            }
            "residency" | "n+1" | "n1" | "n_plus_one" => {
                let on = match value {
                    None => true,
                    Some("true" | "yes" | "on" | "1") => true,
                    Some("false" | "no" | "off" | "0") => false,
                    Some(v) => return bad(format!("`{v}` is not true or false")),
                };
                if key == "residency" {
                    self.residency = on;
                } else {
                    self.n_plus_one = on;
                }
            }
            _ => {
                let keys = ["p99", "availability", "rpo", "residency", "budget", "n+1"];
                let hint = super::error::did_you_mean(key, keys.iter().copied())
                    .map(|s| format!("did you mean `{s}`? "))
                    .unwrap_or_default();
                return bad(format!(
                    "unknown objective `{key}`: {hint}allowed: {SLO_KEYS}"
                ));
            }
        }
        Ok(())
    }
}

/// The objective a valid `--slo` flag sets, one name per objective whatever the spelling
/// (`budget` and `budget_usd_per_month` are one; `p99[AREA]` is one per area).
fn objective_of(flag: &str) -> String {
    let key = flag.split_once('=').map_or(flag, |(k, _)| k).trim();
    if let Some(area) = key.strip_prefix("p99[").and_then(|k| k.strip_suffix(']')) {
        return format!("p99[{}]", area.trim());
    }
    match key {
        "budget_usd_per_month" => "budget".into(),
        "n1" | "n_plus_one" => "n+1".into(),
        k => k.into(),
    }
}

/// Problems with the `[slo]` table, each with its field path.
pub fn problems(slo: &Slo, area_names: &BTreeSet<String>) -> Vec<FieldError> {
    let mut out = Vec::new();
    let p = FieldPath::root().key("slo");
    if slo.p99.is_some_and(|d| d.is_zero()) {
        out.push(FieldError::new(
            p.key("p99"),
            "must be longer than 0s, e.g. \"250ms\"",
        ));
    }
    for (area, d) in &slo.p99_by_area {
        let f = p.key("p99_by_area").key(area);
        if !area_names.contains(area) {
            out.push(FieldError::new(
                f.clone(),
                super::error::no_such_area(area, area_names),
            ));
        }
        if d.is_zero() {
            out.push(FieldError::new(f, "must be longer than 0s, e.g. \"200ms\""));
        }
    }
    if let Some(a) = slo.availability {
        if !(a.is_finite() && a > 0.0 && a < 1.0) {
            out.push(FieldError::new(
                p.key("availability"),
                format!("must be a fraction strictly between 0 and 1 such as 0.999, got {a}"),
            ));
        }
    }
    if let Some(b) = slo.budget_usd_per_month {
        if !(b.is_finite() && b > 0.0) {
            out.push(FieldError::new(
                p.key("budget_usd_per_month"),
                format!("must be an amount of USD greater than 0, got {b}"),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_parse_and_errors_name_the_flag() {
        let mut s = Slo::default();
        for f in [
            "p99=250ms",
            "p99[germany]=200ms",
            "availability=99.9%",
            "rpo=1s",
            "residency",
            "budget=20000",
            "n+1",
        ] {
            s.apply_flag(f).unwrap();
        }
        assert_eq!(s.p99, Some(SimDuration::from_millis(250)));
        assert_eq!(s.p99_by_area["germany"], SimDuration::from_millis(200));
        // The decimal typed, not 99.9 / 100 = 0.9990000000000001 (which messages printed).
        assert_eq!(s.availability, Some(0.999));
        for (pct, x) in [("99.95%", 0.9995), ("99.999 %", 0.99999), ("50%", 0.5)] {
            s.apply_flag(&format!("availability={pct}")).unwrap();
            assert_eq!(s.availability, Some(x), "{pct}");
        }
        assert!(s.residency && s.n_plus_one);
        assert_eq!(s.budget_usd_per_month, Some(20000.0));
        for (f, want) in [
            ("p99=fast", "--slo `p99=fast`"),
            ("p99", "needs a value"),
            ("availability=1.5", "strictly between 0 and 1"),
            ("availabilty=0.9", "did you mean `availability`"),
            ("budget=-3", "positive amount"),
            ("residency=maybe", "not true or false"),
            ("p99[]=1s", "area name"),
        ] {
            let e = Slo::default().apply_flag(f).unwrap_err();
            assert!(e.contains(want), "{f}: {e}");
        }
    }

    #[test]
    fn an_objective_given_twice_is_refused_naming_both_flags() {
        for (a, b, name) in [
            ("p99=200ms", "p99=100ms", "p99"),
            ("budget=100", "budget_usd_per_month=200", "budget"),
            ("n+1", "n_plus_one=false", "n+1"),
            ("p99[eu]=1s", "p99[ eu ]=2s", "p99[eu]"),
        ] {
            let e = Slo::default().apply_flags(&[a, b]).unwrap_err();
            assert_eq!(
                e,
                format!("--slo `{b}`: the objective `{name}` is already set by --slo `{a}`: give each objective once")
            );
        }
        let mut s = Slo::default();
        s.apply_flags(&["p99=200ms", "p99[eu]=100ms", "rpo=1s"])
            .unwrap();
        assert_eq!(s.p99, Some(SimDuration::from_millis(200)));
        assert_eq!(s.p99_by_area["eu"], SimDuration::from_millis(100));
    }
}

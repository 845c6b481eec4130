//! The default user areas and the per-provider failure defaults.
//!
//! User areas are where traffic comes from when a scenario names none: countries (the
//! United States split by time zone) with at least 0.5 % of the world's internet users,
//! each at its population-weighted position, with its share of those users and a standard
//! UTC offset for the diurnal curve. Shares are normalised on load so that they sum to 1.
//!
//! Failure defaults are a region's mean time between failures and median time to repair
//! per provider, derived from status-page history (see `datasets/README.md` for the method
//! and its caveats: status pages report partial, per-service incidents, and incidents that
//! name many regions are left out because they are not independent regional failures).

use super::csvin::{records, Input};
use super::error::CatalogError;
use super::{FailureDefaults, UserArea};
use std::collections::BTreeMap;

/// The columns of a user-areas file.
pub(crate) const AREA_COLUMNS: &[&str] = &[
    "name",
    "country_iso2",
    "jurisdiction",
    "lat_deg",
    "lon_deg",
    "share",
    "utc_offset_hours",
];
/// The columns of a failure-defaults file.
pub(crate) const FAILURE_COLUMNS: &[&str] = &["provider", "mtbf_hours", "mttr_hours"];

/// How far the shares of a file may sum from 1 before the file is deemed wrong (rounding
/// in the file is expected; a forgotten row is not).
const SHARE_SUM_TOLERANCE: f64 = 0.01;

pub(crate) fn parse_areas(input: &Input) -> Result<Vec<UserArea>, CatalogError> {
    let mut out: Vec<UserArea> = Vec::new();
    let mut lines = BTreeMap::new();
    for r in records(input, AREA_COLUMNS)? {
        let name = r.text("name")?.to_string();
        if let Some(first) = lines.insert(name.clone(), r.line()) {
            return Err(r.error(
                "name",
                format!("duplicate area `{name}`: already on line {first}"),
            ));
        }
        out.push(UserArea {
            name,
            country_iso2: r.text("country_iso2")?.to_ascii_uppercase(),
            jurisdiction: r.text("jurisdiction")?.to_ascii_uppercase(),
            lat: r.number_in("lat_deg", -90.0, 90.0, "latitude")?,
            lon: r.number_in("lon_deg", -180.0, 180.0, "longitude")?,
            share: r.non_negative("share", true, "a share of")?,
            utc_offset_hours: r.number_in("utc_offset_hours", -12.0, 14.0, "a UTC offset of")?,
        });
    }
    let sum: f64 = out.iter().map(|a| a.share).sum();
    if (sum - 1.0).abs() > SHARE_SUM_TOLERANCE {
        return Err(CatalogError::File {
            file: input.name.clone(),
            problem: format!(
                "the shares sum to {sum}; they must sum to 1 (± {SHARE_SUM_TOLERANCE})"
            ),
        });
    }
    for a in &mut out {
        a.share /= sum;
    }
    Ok(out)
}

pub(crate) fn parse_failures(
    input: &Input,
) -> Result<BTreeMap<String, FailureDefaults>, CatalogError> {
    let mut out = BTreeMap::new();
    for r in records(input, FAILURE_COLUMNS)? {
        let provider = r.text("provider")?.to_ascii_lowercase();
        let d = FailureDefaults {
            mtbf_hours: r.non_negative("mtbf_hours", true, "an MTBF of")?,
            mttr_hours: r.non_negative("mttr_hours", true, "an MTTR of")?,
        };
        if out.insert(provider.clone(), d).is_some() {
            return Err(r.error("provider", format!("`{provider}` is given twice")));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(text: &'static str) -> Input {
        Input {
            name: "a.csv".into(),
            text: text.into(),
        }
    }

    #[test]
    fn shares_are_normalised_and_bad_rows_rejected() {
        let head = "name,country_iso2,jurisdiction,lat_deg,lon_deg,share,utc_offset_hours\n";
        let ok = format!("{head}A,de,eu,50,8,0.5005,1\nB,US,US,40,-75,0.5,-5\n");
        let areas = parse_areas(&Input {
            name: "a.csv".into(),
            text: ok.into(),
        })
        .expect("valid");
        assert!((areas.iter().map(|a| a.share).sum::<f64>() - 1.0).abs() < 1e-12);
        assert_eq!(
            (
                areas[0].country_iso2.as_str(),
                areas[0].jurisdiction.as_str()
            ),
            ("DE", "EU")
        );

        for (bad, field) in [
            ("A,DE,EU,50,8,0.5,1\nB,US,US,40,-75,0.2,-5\n", None),
            ("A,DE,EU,50,8,1,15\n", Some("utc_offset_hours")),
            ("A,DE,EU,50,8,0,1\n", Some("share")),
            ("A,DE,EU,50,8,0.5,1\nA,US,US,40,-75,0.5,-5\n", Some("name")),
        ] {
            let text = format!("{head}{bad}");
            let e = parse_areas(&Input {
                name: "a.csv".into(),
                text: text.into(),
            })
            .expect_err(bad);
            assert_eq!(e.field(), field, "{e}");
        }
    }

    #[test]
    fn failures_need_positive_hours() {
        let f =
            parse_failures(&input("provider,mtbf_hours,mttr_hours\nAWS,1000,2\n")).expect("valid");
        assert_eq!(
            f["aws"],
            FailureDefaults {
                mtbf_hours: 1000.0,
                mttr_hours: 2.0
            }
        );
        let e = parse_failures(&input("provider,mtbf_hours,mttr_hours\naws,1000,0\n"))
            .expect_err("zero");
        assert_eq!((e.line(), e.field()), (Some(2), Some("mttr_hours")));
    }
}

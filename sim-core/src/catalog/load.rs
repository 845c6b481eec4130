//! Assembling a [`Catalog`] from the embedded files and a scenario's override files.
//!
//! Each override file *overlays* its embedded counterpart rather than replacing it, so that
//! a scenario can give only what it knows better (its negotiated prices, its own RTT
//! measurements, an extra on-premises region) and keep the public data for the rest:
//! - regions: a row with a new id adds a region, a row with a known id replaces it;
//! - RTT: a pair of regions (either direction) given in the file takes its values from the
//!   file only; other pairs keep the embedded measurements; the latency fit uses the result;
//! - compute prices: a region given in the file takes the file's price;
//! - transfer prices: the file's rules are tried before the embedded rules.
//!
//! Regions are kept sorted by id, so a [`RegionIdx`] is a stable function of the region set.
//! Ids and providers are case-insensitive and stored in lower case.

use super::areas;
use super::csvin::{records, Input, Record};
use super::error::{closest, CatalogError, UnknownRegion};
use super::geo::Continent;
use super::latency::{self, Rtt};
use super::prices::{self, Transfer};
use super::{Catalog, CatalogFiles, Region, RegionIdx};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub(super) const EMBEDDED_REGIONS: &str = include_str!("../../../datasets/regions.csv");
pub(super) const EMBEDDED_RTT: &str = include_str!("../../../datasets/rtt_ms.csv");
pub(super) const EMBEDDED_PRICES: &str =
    include_str!("../../../datasets/compute_price_usd_per_hour.csv");
pub(super) const EMBEDDED_TRANSFER: &str =
    include_str!("../../../datasets/transfer_price_usd_per_gb.csv");
pub(super) const EMBEDDED_AREAS: &str = include_str!("../../../datasets/user_areas.csv");
pub(super) const EMBEDDED_FAILURES: &str = include_str!("../../../datasets/failure_defaults.csv");

/// The columns of a regions file.
pub(crate) const REGION_COLUMNS: &[&str] = &[
    "provider",
    "code",
    "city",
    "country",
    "country_iso2",
    "jurisdiction",
    "continent",
    "lat_deg",
    "lon_deg",
];

/// Every input of a catalog: for each overlayable table, the embedded file then the override.
#[derive(Clone, Debug)]
pub(crate) struct Sources {
    pub regions: Vec<Input>,
    pub rtt: Vec<Input>,
    pub prices: Vec<Input>,
    pub transfer: Vec<Input>,
    pub areas: Input,
    pub failures: Input,
}

impl Sources {
    pub fn embedded() -> Sources {
        Sources {
            regions: vec![Input::embedded("regions.csv", EMBEDDED_REGIONS)],
            rtt: vec![Input::embedded("rtt_ms.csv", EMBEDDED_RTT)],
            prices: vec![Input::embedded(
                "compute_price_usd_per_hour.csv",
                EMBEDDED_PRICES,
            )],
            transfer: vec![Input::embedded(
                "transfer_price_usd_per_gb.csv",
                EMBEDDED_TRANSFER,
            )],
            areas: Input::embedded("user_areas.csv", EMBEDDED_AREAS),
            failures: Input::embedded("failure_defaults.csv", EMBEDDED_FAILURES),
        }
    }

    /// The embedded sources with the files of `files` (read now) on top.
    pub fn with_files(files: &CatalogFiles, base_dir: &Path) -> Result<Sources, CatalogError> {
        let mut s = Sources::embedded();
        let layers = [
            (&files.regions, &mut s.regions),
            (&files.rtt, &mut s.rtt),
            (&files.prices, &mut s.prices),
            (&files.transfer_prices, &mut s.transfer),
        ];
        for (path, inputs) in layers {
            if let Some(path) = path {
                inputs.push(read(path, base_dir)?);
            }
        }
        Ok(s)
    }
}

fn read(path: &PathBuf, base_dir: &Path) -> Result<Input, CatalogError> {
    let full = if path.is_absolute() {
        path.clone()
    } else {
        base_dir.join(path)
    };
    let name = full.display().to_string();
    match crate::input::read_text(&full) {
        Ok(text) => Ok(Input {
            name,
            text: text.into(),
        }),
        Err(source) => Err(CatalogError::Read { file: name, source }),
    }
}

/// Region ids → indices, case-insensitive.
#[derive(Clone, Debug, Default)]
pub(crate) struct Ids {
    by_id: BTreeMap<String, RegionIdx>,
    /// `(id, code)` per index, for suggestions.
    names: Vec<(String, String)>,
}

impl Ids {
    pub fn new(regions: &[Region]) -> Ids {
        Ids {
            by_id: regions
                .iter()
                .enumerate()
                .map(|(i, r)| (r.id.clone(), i))
                .collect(),
            names: regions
                .iter()
                .map(|r| (r.id.clone(), r.code.clone()))
                .collect(),
        }
    }

    pub fn find(&self, asked: &str) -> Result<RegionIdx, UnknownRegion> {
        let key = asked.trim().to_ascii_lowercase();
        self.by_id.get(&key).copied().ok_or_else(|| UnknownRegion {
            asked: asked.to_string(),
            suggestion: closest(
                &key,
                self.names
                    .iter()
                    .map(|(id, code)| (id.as_str(), Some(code.as_str()))),
            ),
        })
    }

    /// The region named in `column` of a record, or an error at that field.
    pub fn resolve(&self, r: &Record<'_>, column: &str) -> Result<RegionIdx, CatalogError> {
        let asked = r.text(column)?;
        self.find(asked).map_err(|e| r.error(column, e.to_string()))
    }
}

/// A name usable in an id (`provider:code`): lower-case letters, digits, `-`, `_`, `.`.
fn name_field(r: &Record<'_>, column: &str) -> Result<String, CatalogError> {
    let v = r.text(column)?.to_ascii_lowercase();
    if v.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    {
        Ok(v)
    } else {
        Err(r.error(
            column,
            format!("`{v}` is not allowed; use letters, digits, `-`, `_` or `.`"),
        ))
    }
}

fn parse_region(r: &Record<'_>) -> Result<Region, CatalogError> {
    let provider = name_field(r, "provider")?;
    let code = name_field(r, "code")?;
    let iso2 = r.text("country_iso2")?.to_ascii_uppercase();
    if iso2.len() != 2 || !iso2.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(r.error(
            "country_iso2",
            format!("`{iso2}` is not a two-letter ISO 3166 code"),
        ));
    }
    let jurisdiction = r.text("jurisdiction")?.to_ascii_uppercase();
    if !jurisdiction.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(r.error(
            "jurisdiction",
            format!("`{jurisdiction}` is not allowed; use letters and digits (EU, US, UK, CH, …)"),
        ));
    }
    let continent_name = r.text("continent")?;
    let continent = Continent::from_name(continent_name).ok_or_else(|| {
        r.error(
            "continent",
            format!(
                "`{continent_name}` is not a continent; use one of {}",
                Continent::names()
            ),
        )
    })?;
    Ok(Region {
        id: format!("{provider}:{code}"),
        provider,
        code,
        city: r.text("city")?.to_string(),
        country: r.text("country")?.to_string(),
        country_iso2: iso2,
        jurisdiction,
        continent,
        lat: r.number_in("lat_deg", -90.0, 90.0, "latitude")?,
        lon: r.number_in("lon_deg", -180.0, 180.0, "longitude")?,
        usd_per_hour: None,
    })
}

/// Regions of all layers, sorted by id (later layers replace earlier ones with the same id).
fn parse_regions(inputs: &[Input]) -> Result<Vec<Region>, CatalogError> {
    let mut all = BTreeMap::new();
    for input in inputs {
        let mut lines: BTreeMap<String, u64> = BTreeMap::new();
        for r in records(input, REGION_COLUMNS)? {
            let region = parse_region(&r)?;
            if let Some(first) = lines.insert(region.id.clone(), r.line()) {
                return Err(r.error(
                    "code",
                    format!("duplicate region `{}`: already on line {first}", region.id),
                ));
            }
            all.insert(region.id.clone(), region);
        }
    }
    if all.is_empty() {
        let file = inputs.last().map_or("regions", |i| i.name.as_str());
        return Err(CatalogError::File {
            file: file.to_string(),
            problem: "no regions".into(),
        });
    }
    Ok(all.into_values().collect())
}

fn names(inputs: &[Input]) -> String {
    inputs
        .iter()
        .map(|i| i.name.as_str())
        .collect::<Vec<_>>()
        .join(" + ")
}

/// Builds and checks a catalog from its sources.
pub(crate) fn build(s: &Sources) -> Result<Catalog, CatalogError> {
    let mut regions = parse_regions(&s.regions)?;
    let ids = Ids::new(&regions);

    for input in &s.prices {
        for (idx, usd) in prices::parse_compute(input, &ids)? {
            regions[idx].usd_per_hour = Some(usd);
        }
    }

    let layers = s
        .rtt
        .iter()
        .map(|i| latency::parse(i, &ids))
        .collect::<Result<Vec<_>, _>>()?;
    let positions: Vec<_> = regions.iter().map(|r| (r.lat, r.lon)).collect();
    let rtt = Rtt::build(&positions, &layers, &names(&s.rtt))?;

    // Override rules first: they are tried before the embedded ones.
    let mut rules = Vec::new();
    for input in s.transfer.iter().rev() {
        rules.extend(prices::parse_transfer(input, &regions)?);
    }
    let transfer = Transfer::build(&regions, &rules, &names(&s.transfer))?;

    Ok(Catalog {
        areas: areas::parse_areas(&s.areas)?,
        failures: areas::parse_failures(&s.failures)?,
        regions,
        ids,
        rtt,
        transfer,
    })
}

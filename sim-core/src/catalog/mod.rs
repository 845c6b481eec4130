//! The region catalog: real cloud regions, measured inter-region round-trip times, prices,
//! default user areas and failure rates.
//!
//! Why embedded: the first command must work with no files, so the public defaults in
//! `datasets/` are compiled into the binary ([`Catalog::embedded`]). A scenario may overlay
//! its own files ([`CatalogFiles`], [`Catalog::load`]): the public data stays the default,
//! the user's knowledge wins where given. `datasets/README.md` says where every number
//! comes from and how it was derived.
//!
//! What the model uses:
//! - [`Catalog::rtt_ms`] between regions: the measured median where it exists, else a
//!   line fitted on distance ([`LatencyFit`], see [`latency`] for the rules);
//! - [`Catalog::user_rtt_ms`] from a user position to a region: the measured RTT from the
//!   anchor region nearest the user plus a last mile, else the fitted line (see
//!   [`latency::UserRoute`]; the network model adds access latency and jitter on top);
//! - [`Catalog::transfer_usd_per_gb`] and [`Catalog::egress_usd_per_gb`]: per-GB prices
//!   resolved from provider rules (see [`prices`]);
//! - [`Region::usd_per_hour`]: the on-demand price of one reference VM (2 vCPU, 8 GiB),
//!   `None` where no price is known, so that a cost report can say "no price";
//! - [`Catalog::default_areas`] and [`Catalog::failure_defaults`].
//!
//! Guarantees: regions are sorted by id and a [`RegionIdx`] indexes [`Catalog::regions`];
//! lookups by index are O(1) or O(log measured pairs), and nothing is stored per pair of
//! regions: a catalog of 10,000 regions loads in the time and memory of its files (the
//! work of a scenario follows the regions it uses); loading never panics on bad input, it
//! returns a [`CatalogError`] naming the file, line and field.

mod areas;
mod csvin;
mod error;
mod geo;
pub mod latency;
mod load;
pub mod prices;
mod table;

pub use error::{CatalogError, UnknownProvider, UnknownRegion};
pub use geo::{great_circle_km, Continent, EARTH_RADIUS_KM};
pub use latency::{FIBRE_KM_PER_MS_RTT, INTRA_REGION_RTT_MS};
pub use table::regions_table;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Index of a region in [`Catalog::regions`].
pub type RegionIdx = usize;

/// A cloud region.
#[derive(Clone, Debug, PartialEq)]
pub struct Region {
    /// `provider:code`, lower case, e.g. `aws:us-east-1`.
    pub id: String,
    /// `aws`, `gcp`, `azure`, or a scenario's own.
    pub provider: String,
    /// The provider's API code, e.g. `us-east-1`, `europe-west1`, `eastus`.
    pub code: String,
    pub city: String,
    pub country: String,
    /// ISO 3166-1 alpha-2, upper case.
    pub country_iso2: String,
    /// Where data stored here is governed: `EU` for EU/EEA countries, `UK`, else the ISO2 code.
    pub jurisdiction: String,
    /// Continent group for transfer prices.
    pub continent: Continent,
    /// Latitude in degrees.
    pub lat: f64,
    /// Longitude in degrees.
    pub lon: f64,
    /// On-demand USD per hour of the reference VM; `None` if no price is known.
    pub usd_per_hour: Option<f64>,
}

/// Where users are: a country or part of one.
#[derive(Clone, Debug, PartialEq)]
pub struct UserArea {
    pub name: String,
    pub country_iso2: String,
    pub jurisdiction: String,
    /// Latitude in degrees (population-weighted).
    pub lat: f64,
    /// Longitude in degrees (population-weighted).
    pub lon: f64,
    /// Share of the traffic; sums to 1 over the default set.
    pub share: f64,
    /// Standard (no daylight saving) offset of local time from UTC, in hours.
    pub utc_offset_hours: f64,
}

/// Per-region failure process of one provider.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FailureDefaults {
    /// Mean time between failures of one region, in hours.
    pub mtbf_hours: f64,
    /// Typical (median) time to repair, in hours.
    pub mttr_hours: f64,
}

/// The fitted distance model `RTT = intercept_ms + ms_per_km × km` and how well it fits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LatencyFit {
    pub intercept_ms: f64,
    pub ms_per_km: f64,
    /// Median over the fitted pairs of |model − measured| / measured.
    pub median_rel_err: f64,
    /// 90th percentile (nearest rank) of the same.
    pub p90_rel_err: f64,
    /// Number of region pairs (unordered, distinct regions) the fit used.
    pub pairs: usize,
}

/// A scenario's catalog files. `None` = the embedded default; a file given overlays the
/// embedded one (see [`Catalog::load`]). Relative paths resolve against a base directory
/// (the scenario file's).
#[derive(Default, Clone, Debug, serde::Deserialize, serde::Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CatalogFiles {
    /// Columns `provider, code, city, country, country_iso2, jurisdiction, continent, lat_deg, lon_deg`.
    pub regions: Option<PathBuf>,
    /// Columns `src, dst, rtt_ms` (region ids).
    pub rtt: Option<PathBuf>,
    /// Columns `region, usd_per_hour`.
    pub prices: Option<PathBuf>,
    /// Columns `provider, kind, src, dst, usd_per_gb` (see [`prices`]).
    pub transfer_prices: Option<PathBuf>,
}

/// The loaded, checked catalog; see the module docs.
#[derive(Clone, Debug)]
pub struct Catalog {
    regions: Vec<Region>,
    ids: load::Ids,
    rtt: latency::Rtt,
    transfer: prices::Transfer,
    areas: Vec<UserArea>,
    failures: BTreeMap<String, FailureDefaults>,
}

impl Catalog {
    /// The catalog built from the files in `datasets/`, compiled in. Built once.
    ///
    /// The embedded files are checked by the test suite, so this cannot fail at run time.
    pub fn embedded() -> &'static Catalog {
        static EMBEDDED: OnceLock<Catalog> = OnceLock::new();
        EMBEDDED.get_or_init(|| match load::build(&load::Sources::embedded()) {
            Ok(c) => c,
            Err(e) => {
                panic!("the embedded catalog is invalid (a build defect, caught by its tests): {e}")
            }
        })
    }

    /// The embedded catalog with the files of `files` overlaid:
    /// - regions: a new id adds a region, a known id replaces it;
    /// - RTT: a pair given in the file (either direction) takes the file's values only;
    /// - prices: a region given takes the file's price;
    /// - transfer prices: the file's rules are tried before the embedded ones.
    ///
    /// Relative paths resolve against `base_dir`.
    pub fn load(files: &CatalogFiles, base_dir: &Path) -> Result<Catalog, CatalogError> {
        if *files == CatalogFiles::default() {
            return Ok(Catalog::embedded().clone());
        }
        load::build(&load::Sources::with_files(files, base_dir)?)
    }

    /// All regions, sorted by id.
    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// The index of the region with this id (case-insensitive).
    pub fn region(&self, id: &str) -> Result<RegionIdx, UnknownRegion> {
        self.ids.find(id)
    }

    /// Providers of the regions, sorted.
    pub fn providers(&self) -> Vec<&str> {
        let mut p: Vec<&str> = self.regions.iter().map(|r| r.provider.as_str()).collect();
        p.dedup();
        p
    }

    /// Round-trip time in ms between two regions (symmetric); see [`latency`] for the rules.
    ///
    /// # Panics
    /// If an index is out of range (indices come from [`Catalog::region`]).
    pub fn rtt_ms(&self, a: RegionIdx, b: RegionIdx) -> f64 {
        self.rtt.ms(a, b)
    }

    /// Whether [`Catalog::rtt_ms`] of this pair is a measurement (else the fit or the
    /// intra-region default).
    pub fn is_measured(&self, a: RegionIdx, b: RegionIdx) -> bool {
        self.rtt.is_measured(a, b)
    }

    /// The fitted RTT in ms from region `a` to a point (degrees), without access latency.
    pub fn rtt_to_point_ms(&self, a: RegionIdx, lat: f64, lon: f64) -> f64 {
        let r = &self.regions[a];
        self.rtt
            .fit()
            .predict_ms(great_circle_km(r.lat, r.lon, lat, lon))
    }

    /// The RTT in ms from a user at a point (degrees) to `region`, without access
    /// latency: anchored on the measured matrix where it can be, else the fit
    /// ([`latency::UserRoute`]). Costs O(regions measured with `region`).
    ///
    /// # Panics
    /// If `region` is out of range.
    pub fn user_rtt_ms(&self, lat: f64, lon: f64, region: RegionIdx) -> f64 {
        self.user_route(lat, lon, region).ms()
    }

    /// How [`Catalog::user_rtt_ms`] reaches its value.
    ///
    /// # Panics
    /// If `region` is out of range.
    pub fn user_route(&self, lat: f64, lon: f64, region: RegionIdx) -> latency::UserRoute {
        self.rtt.user_route(lat, lon, region)
    }

    /// The distance model behind unmeasured RTTs.
    pub fn fit(&self) -> &LatencyFit {
        self.rtt.fit()
    }

    /// USD per GB sent from region `a` to region `b` (replication traffic): 0 within a
    /// region, the provider's inter-region rule within a provider, the source's internet
    /// egress across providers.
    pub fn transfer_usd_per_gb(&self, a: RegionIdx, b: RegionIdx) -> f64 {
        self.transfer.inter(a, b)
    }

    /// USD per GB sent from region `a` to users on the internet.
    pub fn egress_usd_per_gb(&self, a: RegionIdx) -> f64 {
        self.transfer.egress(a)
    }

    /// The default user areas; their shares sum to 1.
    pub fn default_areas(&self) -> &[UserArea] {
        &self.areas
    }

    /// Failure defaults of a provider (case-insensitive); `None` if the data has none
    /// (Azure: no status history was available).
    pub fn failure_defaults(&self, provider: &str) -> Option<FailureDefaults> {
        self.failures.get(&provider.to_ascii_lowercase()).copied()
    }
}

#[cfg(test)]
mod tests;

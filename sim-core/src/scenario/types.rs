//! The scenario: the one input type shared by the CLI, the GUI, sweeps and tests.
//!
//! Every field has a unit in its name or its type ([`SimDuration`] strings such as
//! `"250ms"`), a default where a sensible one exists, and a check in
//! [`validate`](super::validate). Unknown fields are rejected (`deny_unknown_fields`) so that
//! a misspelt option is an error, not a silently ignored line.

use super::dist::Dist;
pub use super::failures::*;
pub use super::realism::{
    Affects, Autoscaling, DataZone, Dependency, FollowTheSun, Handover, ZoneReplica,
};
pub use super::slo::Slo;
pub use crate::catalog::CatalogFiles;
use crate::engine::SimDuration;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A complete description of one service deployed across regions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// A short name, used in reports.
    #[serde(default = "defaults::name")]
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Master seed of the run; every random stream derives from it.
    #[serde(default = "defaults::seed")]
    pub seed: u64,
    /// Simulated time of a request-level run (after the warm-up).
    #[serde(default = "defaults::duration")]
    pub duration: SimDuration,
    /// Simulated time before measurement starts (queues fill, caches of DNS answers spread).
    #[serde(default = "defaults::warmup")]
    pub warmup: SimDuration,
    /// UTC hour of day at simulated time zero (drives the diurnal curve), in [0, 24).
    #[serde(default = "defaults::start_utc_hour")]
    pub start_utc_hour: f64,
    /// The layout `regionsim run` simulates (`compare` runs all three).
    #[serde(default)]
    pub layout: LayoutKind,
    /// Catalog files that replace the embedded defaults (paths relative to the scenario).
    #[serde(default)]
    pub catalog: CatalogFiles,
    #[serde(default)]
    pub workload: Workload,
    /// User areas; empty means the catalog's default areas.
    #[serde(default)]
    pub areas: Vec<Area>,
    /// Regions of the deployment, by catalog id (`provider:code`).
    #[serde(default)]
    pub regions: Vec<RegionSpec>,
    #[serde(default)]
    pub network: Network,
    #[serde(default)]
    pub routing: Routing,
    #[serde(default)]
    pub client: Client,
    #[serde(default)]
    pub residency: Residency,
    #[serde(default)]
    pub active_passive: ActivePassive,
    #[serde(default)]
    pub active_active: ActiveActive,
    #[serde(default)]
    pub sharded: Sharded,
    /// Prices that replace the catalog's.
    #[serde(default)]
    pub prices: PriceOverrides,
    /// Scheduled failures (`[[failures]]`), times from simulated time zero.
    #[serde(default)]
    pub failures: Vec<FailureSpec>,
    #[serde(default)]
    pub random_failures: RandomFailures,
    /// Shared dependencies (`[[dependencies]]`): services several regions rely on, whose
    /// outage is a common cause (`dependency-outage`, random failures).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<Dependency>,
    /// Objectives for `regionsim plan` (`[slo]`); empty by default, ignored by runs.
    #[serde(default, skip_serializing_if = "Slo::is_empty")]
    pub slo: Slo,
}

/// The three ways of running one service across regions.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum LayoutKind {
    /// One primary serves writes; a standby receives asynchronous replication.
    ActivePassive,
    /// Every region serves; writes replicate synchronously or asynchronously.
    #[default]
    ActiveActive,
    /// Each user area has a home region that holds its data.
    Sharded,
}

impl LayoutKind {
    pub const ALL: [LayoutKind; 3] = [
        LayoutKind::ActivePassive,
        LayoutKind::ActiveActive,
        LayoutKind::Sharded,
    ];
    pub fn name(self) -> &'static str {
        match self {
            LayoutKind::ActivePassive => "active-passive",
            LayoutKind::ActiveActive => "active-active",
            LayoutKind::Sharded => "sharded",
        }
    }
}

impl std::fmt::Display for LayoutKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for LayoutKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        LayoutKind::ALL
            .into_iter()
            .find(|l| l.name() == s)
            .ok_or_else(|| {
                format!("unknown layout `{s}` (allowed: active-passive, active-active, sharded)")
            })
    }
}

/// What users ask of the service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workload {
    /// Requests per second from all areas together at the daily peak.
    #[serde(default = "defaults::peak_rps")]
    pub peak_rps: f64,
    /// Follow each area's local time of day; off gives a constant rate (textbook cases).
    #[serde(default = "defaults::yes")]
    pub diurnal: bool,
    /// Rate at the daily trough as a fraction of the peak, in (0, 1].
    #[serde(default = "defaults::trough_fraction")]
    pub trough_fraction: f64,
    /// Local hour of the daily peak, in [0, 24).
    #[serde(default = "defaults::peak_local_hour")]
    pub peak_local_hour: f64,
    /// Fraction of requests that are reads, in [0, 1].
    #[serde(default = "defaults::read_fraction")]
    pub read_fraction: f64,
    #[serde(default = "defaults::request_bytes")]
    pub request_bytes: u64,
    #[serde(default = "defaults::response_bytes")]
    pub response_bytes: u64,
    /// Number of distinct keys written (for conflicts and stale reads).
    #[serde(default = "defaults::keys")]
    pub keys: u64,
    /// Zipf exponent of key popularity (0 = uniform).
    #[serde(default = "defaults::zipf_exponent")]
    pub zipf_exponent: f64,
}

/// A population of users at one place.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Area {
    pub name: String,
    pub lat_deg: f64,
    pub lon_deg: f64,
    /// Legal jurisdiction of the users' data (`EU`, `US`, `UK`, …).
    pub jurisdiction: String,
    /// Share of the total traffic; shares are normalised to sum to 1.
    pub share: f64,
    /// Offset of local time from UTC, in hours (drives the diurnal curve).
    #[serde(default)]
    pub utc_offset_hours: f64,
    /// Last-mile latency added to every round trip of these users; default `network.access_latency`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_latency: Option<SimDuration>,
    /// Region id → measured round trip from these users, replacing the distance model
    /// (the access latency is still added).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub rtt_overrides: BTreeMap<String, SimDuration>,
}

/// One region of the deployment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionSpec {
    /// Catalog id, `provider:code` (e.g. `aws:us-east-1`).
    pub id: String,
    /// Instances (servers) serving requests.
    #[serde(default = "defaults::instances")]
    pub instances: u32,
    /// Time one instance takes to serve one request.
    #[serde(default = "defaults::service_time")]
    pub service_time: Dist,
    /// Requests that may wait for an instance; more are rejected.
    #[serde(default = "defaults::queue_limit")]
    pub queue_limit: u32,
    /// Availability zones the instances are spread over, evenly (zone `k` of `z` holds
    /// `⌊c/z⌋` instances, plus one for the first `c mod z` zones). Default
    /// [`defaults::ZONES`] (the catalog has no zone counts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zones: Option<u32>,
    /// A target-tracking policy; `instances` is then the count at time zero
    /// (`docs/autoscaling.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub autoscaling: Option<Autoscaling>,
}

/// Network latency model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Network {
    /// Last-mile latency added to user↔region round trips (per area override in `areas`).
    #[serde(default = "defaults::access_latency")]
    pub access_latency: SimDuration,
    /// Random extra delay added to every one-way network transfer; none by default.
    #[serde(default)]
    pub jitter: Option<Dist>,
    /// Round-trip times that replace the catalog's (both directions).
    #[serde(default)]
    pub rtt_overrides: Vec<RttOverride>,
}

/// A measured or assumed round trip between two regions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RttOverride {
    pub a: String,
    pub b: String,
    pub rtt: SimDuration,
}

/// How the global load balancer picks a region for a user.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RoutingPolicy {
    /// The region with the lowest round trip from the user.
    #[default]
    Latency,
    /// The region nearest by great-circle distance.
    Geo,
    /// Regions in proportion to `routing.weights`.
    Weighted,
    /// The first healthy region in `routing.priority`.
    Priority,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Routing {
    #[serde(default)]
    pub policy: RoutingPolicy,
    /// Region id → weight, for the weighted policy.
    #[serde(default)]
    pub weights: BTreeMap<String, f64>,
    /// Region ids in order of preference, for the priority policy.
    #[serde(default)]
    pub priority: Vec<String>,
    /// How long clients keep a resolved answer.
    #[serde(default = "defaults::dns_ttl")]
    pub dns_ttl: SimDuration,
    #[serde(default)]
    pub health_check: HealthCheck,
}

/// Client behaviour.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Client {
    /// An attempt not answered within this time fails (and may be retried).
    #[serde(default = "defaults::client_timeout")]
    pub timeout: SimDuration,
    /// Retries after a timeout or an error, per request.
    #[serde(default = "defaults::retries")]
    pub retries: u32,
    /// Backoff before retry k is uniform in [0, min(backoff_max, backoff_base · 2^k)]
    /// ("full jitter").
    #[serde(default = "defaults::backoff_base")]
    pub backoff_base: SimDuration,
    #[serde(default = "defaults::backoff_max")]
    pub backoff_max: SimDuration,
    /// Retry budget: retries may be at most this fraction of requests (a token bucket per
    /// area that each request fills by this much and each retry drains by one); 0 = no
    /// budget, retry whenever allowed.
    #[serde(default = "defaults::retry_budget")]
    pub retry_budget: f64,
}

/// Data-residency rules.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Residency {
    /// Jurisdictions whose users' data must be stored and processed inside them.
    #[serde(default = "defaults::residency_jurisdictions")]
    pub jurisdictions: Vec<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StandbyMode {
    /// Fully provisioned, takes traffic as soon as promoted.
    #[default]
    Hot,
    /// A fraction of capacity running; scales up after promotion.
    Warm,
    /// Nothing running but the replica; starts instances after promotion.
    Cold,
}

impl StandbyMode {
    /// Every mode, hottest first.
    pub const ALL: [StandbyMode; 3] = [StandbyMode::Hot, StandbyMode::Warm, StandbyMode::Cold];

    /// The name used in scenario files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            StandbyMode::Hot => "hot",
            StandbyMode::Warm => "warm",
            StandbyMode::Cold => "cold",
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReadPolicy {
    /// All requests go to the primary.
    #[default]
    Primary,
    /// Reads go to the nearest of primary and standby (possibly stale at the standby).
    Nearest,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivePassive {
    /// The primary region; default the first of `regions`.
    pub primary: Option<String>,
    /// The standby region; default the second of `regions`.
    pub standby: Option<String>,
    #[serde(default)]
    pub standby_mode: StandbyMode,
    #[serde(default)]
    pub reads: ReadPolicy,
    /// Delay between a write's commit at the primary and its apply at the standby.
    #[serde(default = "defaults::replication_lag")]
    pub replication_lag: Dist,
    /// Instances of the primary (and of a hot standby); default the sum of all regions'
    /// instances, i.e. the same fleet consolidated in one region.
    pub instances: Option<u32>,
    /// Fraction of the primary's instances a warm standby runs before promotion, in [0, 1].
    #[serde(default = "defaults::warm_fraction")]
    pub warm_fraction: f64,
    #[serde(default)]
    pub failover: Failover,
    /// Move the write primary between the primary and the standby with the users'
    /// daytime, as a planned failover (`docs/failures.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_the_sun: Option<FollowTheSun>,
    /// The availability zone that holds each region's copy of the database, and whether a
    /// synchronous replica in another zone takes over when it fails (`docs/failures.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_zone: Option<DataZone>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WriteMode {
    /// Acknowledge after every region applied the write.
    SyncAll,
    /// Acknowledge after `quorum` regions (the local one included) applied it.
    #[default]
    SyncQuorum,
    /// Acknowledge locally; replicate in the background (multi-master, last writer wins).
    Async,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActiveActive {
    #[serde(default)]
    pub writes: WriteMode,
    /// Regions that must apply a write before it is acknowledged; default a majority.
    pub quorum: Option<u32>,
    /// Replication delay of asynchronous writes (beyond the network round trip).
    #[serde(default = "defaults::replication_lag")]
    pub replication_lag: Dist,
    /// Asynchronous writes not yet replicated when their region fails.
    #[serde(default)]
    pub async_recovery: AsyncRecovery,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HomeRule {
    /// The lowest-latency region inside the area's jurisdiction, else the nearest.
    #[default]
    Jurisdiction,
    /// The lowest-latency region.
    Proximity,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sharded {
    #[serde(default)]
    pub home: HomeRule,
    /// Give each shard an asynchronous standby in another region of its jurisdiction.
    #[serde(default)]
    pub standby: bool,
    /// Area name → home region id, overriding the rule.
    #[serde(default)]
    pub homes: BTreeMap<String, String>,
    #[serde(default = "defaults::replication_lag")]
    pub replication_lag: Dist,
    #[serde(default)]
    pub failover: Failover,
    /// Move shards' primaries between their home and their standby with the users'
    /// daytime, each move a planned failover of that shard (`docs/failures.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_the_sun: Option<FollowTheSun>,
}

/// Prices that replace the catalog's, in USD.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriceOverrides {
    /// Region id → instance price per hour.
    #[serde(default)]
    pub instance_usd_per_hour: BTreeMap<String, f64>,
    /// One price per GB for all inter-region transfer.
    pub transfer_usd_per_gb: Option<f64>,
    /// One price per GB for all internet egress.
    pub egress_usd_per_gb: Option<f64>,
}

macro_rules! default_impl {
    ($($t:ty),*) => {$(
        impl Default for $t {
            fn default() -> Self {
                // Deserialising an empty table applies every field default declared above.
                toml_edit::de::from_str("").expect("all fields have defaults")
            }
        }
    )*};
}
default_impl!(
    Workload,
    Network,
    Routing,
    Client,
    Residency,
    ActivePassive,
    ActiveActive,
    Sharded
);

/// Defaults, named so that `serde(default = …)` and the docs agree.
pub mod defaults {
    use super::*;
    pub fn name() -> String {
        "unnamed".into()
    }
    pub fn seed() -> u64 {
        1
    }
    pub fn duration() -> SimDuration {
        SimDuration::from_mins(30)
    }
    pub fn warmup() -> SimDuration {
        SimDuration::from_mins(1)
    }
    pub fn start_utc_hour() -> f64 {
        14.0
    }
    pub fn peak_rps() -> f64 {
        1000.0
    }
    pub fn yes() -> bool {
        true
    }
    pub fn trough_fraction() -> f64 {
        0.3
    }
    pub fn peak_local_hour() -> f64 {
        20.0
    }
    pub fn read_fraction() -> f64 {
        0.9
    }
    pub fn request_bytes() -> u64 {
        1_500
    }
    pub fn response_bytes() -> u64 {
        20_000
    }
    pub fn keys() -> u64 {
        1_000_000
    }
    pub fn zipf_exponent() -> f64 {
        0.9
    }
    pub fn instances() -> u32 {
        8
    }
    pub fn service_time() -> Dist {
        Dist::exponential(SimDuration::from_millis(20))
    }
    pub fn queue_limit() -> u32 {
        1_000
    }
    /// Availability zones per region when neither the scenario nor the catalog says.
    pub const ZONES: u32 = 3;
    /// Most zones a region may have (no cloud region has more than six today).
    pub const MAX_ZONES: u32 = 16;
    pub fn access_latency() -> SimDuration {
        SimDuration::from_millis(10)
    }
    pub fn dns_ttl() -> SimDuration {
        SimDuration::from_secs(60)
    }
    pub fn client_timeout() -> SimDuration {
        SimDuration::from_secs(2)
    }
    pub fn retries() -> u32 {
        2
    }
    pub fn backoff_base() -> SimDuration {
        SimDuration::from_millis(100)
    }
    pub fn backoff_max() -> SimDuration {
        SimDuration::from_secs(2)
    }
    pub fn retry_budget() -> f64 {
        0.0
    }
    pub fn residency_jurisdictions() -> Vec<String> {
        vec!["EU".into()]
    }
    pub fn replication_lag() -> Dist {
        Dist::exponential(SimDuration::from_millis(200))
    }
    pub fn warm_fraction() -> f64 {
        0.25
    }
}

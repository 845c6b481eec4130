//! Failures a scenario injects, and how the system detects and reacts to them.

use crate::engine::SimDuration;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One scheduled failure. Several may overlap.
///
/// Read through [`RawFailure`] (one flat table, then checked per kind) rather than as an
/// internally tagged enum: serde buffers a tagged enum's fields before it knows the kind,
/// which loses the path to a bad value (`failures[0]: invalid value` instead of
/// `failures[0].zone: invalid value`, located at the table instead of the field).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "kind",
    rename_all = "kebab-case",
    deny_unknown_fields,
    try_from = "RawFailure"
)]
pub enum FailureSpec {
    /// The region stops: requests there get no answer, queued work is lost.
    RegionOutage {
        region: String,
        start: SimDuration,
        duration: SimDuration,
    },
    /// Two regions cannot reach each other (`regions`), or the users of `area` cannot
    /// reach `region`.
    Partition {
        #[serde(default)]
        regions: Vec<String>,
        #[serde(default)]
        area: Option<String>,
        #[serde(default)]
        region: Option<String>,
        start: SimDuration,
        duration: SimDuration,
    },
    /// Gray failure: the region serves `factor` × slower (service times), or, with
    /// `regions = [a, b]`, the link between two regions is `factor` × slower.
    Degradation {
        #[serde(default)]
        region: Option<String>,
        #[serde(default)]
        regions: Vec<String>,
        factor: f64,
        start: SimDuration,
        duration: SimDuration,
    },
    /// A fraction of the region's instances is lost.
    CapacityLoss {
        region: String,
        fraction: f64,
        start: SimDuration,
        duration: SimDuration,
    },
    /// One availability zone of the region fails (`zone` counts from 1 to the region's
    /// `zones`): its share of the instances and the work in service on them are lost; the
    /// region's other zones keep serving. All zones down is a region outage.
    ZoneOutage {
        region: String,
        zone: u32,
        start: SimDuration,
        duration: SimDuration,
    },
    /// A shared dependency (`[[dependencies]]`, by name) fails: every region that depends
    /// on it loses what the dependency's `affects` says (routing, writes or everything).
    DependencyOutage {
        dependency: String,
        start: SimDuration,
        duration: SimDuration,
    },
}

/// The kinds of [`FailureSpec`], as written in `kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailureKind {
    RegionOutage,
    Partition,
    Degradation,
    CapacityLoss,
    ZoneOutage,
    DependencyOutage,
}

impl FailureKind {
    fn name(self) -> &'static str {
        match self {
            FailureKind::RegionOutage => "region-outage",
            FailureKind::Partition => "partition",
            FailureKind::Degradation => "degradation",
            FailureKind::CapacityLoss => "capacity-loss",
            FailureKind::ZoneOutage => "zone-outage",
            FailureKind::DependencyOutage => "dependency-outage",
        }
    }
    /// The fields a failure of this kind takes besides `kind`, `start` and `duration`.
    fn fields(self) -> &'static [&'static str] {
        match self {
            FailureKind::RegionOutage => &["region"],
            FailureKind::Partition => &["regions", "area", "region"],
            FailureKind::Degradation => &["region", "regions", "factor"],
            FailureKind::CapacityLoss => &["region", "fraction"],
            FailureKind::ZoneOutage => &["region", "zone"],
            FailureKind::DependencyOutage => &["dependency"],
        }
    }
}

/// Every field any failure kind takes, read as one table (see [`FailureSpec`]).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFailure {
    kind: FailureKind,
    region: Option<String>,
    regions: Option<Vec<String>>,
    area: Option<String>,
    factor: Option<f64>,
    fraction: Option<f64>,
    zone: Option<u32>,
    dependency: Option<String>,
    start: SimDuration,
    duration: SimDuration,
}

impl TryFrom<RawFailure> for FailureSpec {
    type Error = String;
    fn try_from(r: RawFailure) -> Result<Self, String> {
        let allowed = r.kind.fields();
        let given = [
            ("region", r.region.is_some()),
            ("regions", r.regions.is_some()),
            ("area", r.area.is_some()),
            ("factor", r.factor.is_some()),
            ("fraction", r.fraction.is_some()),
            ("zone", r.zone.is_some()),
            ("dependency", r.dependency.is_some()),
        ];
        if let Some((f, _)) = given.iter().find(|(f, set)| *set && !allowed.contains(f)) {
            return Err(format!(
                "`{f}` is not a field of a {} failure (allowed: {}, start, duration): remove \
                 it, or change `kind`",
                r.kind.name(),
                allowed.join(", ")
            ));
        }
        let need = |v: Option<String>, f: &str| v.ok_or_else(|| format!("missing field `{f}`"));
        let (start, duration) = (r.start, r.duration);
        Ok(match r.kind {
            FailureKind::RegionOutage => FailureSpec::RegionOutage {
                region: need(r.region, "region")?,
                start,
                duration,
            },
            FailureKind::Partition => FailureSpec::Partition {
                regions: r.regions.unwrap_or_default(),
                area: r.area,
                region: r.region,
                start,
                duration,
            },
            FailureKind::Degradation => FailureSpec::Degradation {
                region: r.region,
                regions: r.regions.unwrap_or_default(),
                factor: r.factor.ok_or("missing field `factor`")?,
                start,
                duration,
            },
            FailureKind::CapacityLoss => FailureSpec::CapacityLoss {
                region: need(r.region, "region")?,
                fraction: r.fraction.ok_or("missing field `fraction`")?,
                start,
                duration,
            },
            FailureKind::ZoneOutage => FailureSpec::ZoneOutage {
                region: need(r.region, "region")?,
                zone: r.zone.ok_or("missing field `zone`")?,
                start,
                duration,
            },
            FailureKind::DependencyOutage => FailureSpec::DependencyOutage {
                dependency: need(r.dependency, "dependency")?,
                start,
                duration,
            },
        })
    }
}

impl FailureSpec {
    pub fn start(&self) -> SimDuration {
        match self {
            FailureSpec::RegionOutage { start, .. }
            | FailureSpec::Partition { start, .. }
            | FailureSpec::Degradation { start, .. }
            | FailureSpec::CapacityLoss { start, .. }
            | FailureSpec::ZoneOutage { start, .. }
            | FailureSpec::DependencyOutage { start, .. } => *start,
        }
    }
    pub fn duration(&self) -> SimDuration {
        match self {
            FailureSpec::RegionOutage { duration, .. }
            | FailureSpec::Partition { duration, .. }
            | FailureSpec::Degradation { duration, .. }
            | FailureSpec::CapacityLoss { duration, .. }
            | FailureSpec::ZoneOutage { duration, .. }
            | FailureSpec::DependencyOutage { duration, .. } => *duration,
        }
    }
}

/// Random region outages: exponential times between failures and to repair, per region.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RandomFailures {
    #[serde(default)]
    pub enabled: bool,
    /// Mean time between failures of one region; default from the catalog's provider
    /// statistics (`datasets/failure_defaults.csv`), else 26,000 h.
    pub mtbf: Option<SimDuration>,
    /// Mean time to repair; default from the catalog, else 3 h.
    pub mttr: Option<SimDuration>,
    /// Per-region MTBF and MTTR, by region id (any spelling the catalog accepts), e.g.
    /// `[random_failures.regions."aws:us-east-1"] mtbf = "8000h"`. They win over `mtbf`
    /// and `mttr` above for that region; the request-level model and the annual model
    /// both use them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub regions: BTreeMap<String, RegionFailureRates>,
    /// Random outages of single availability zones, each zone of each region on its own
    /// (`[random_failures.zones] mtbf = "4000h", mttr = "2h"`); none when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zones: Option<ZoneFailureRates>,
}

/// Failure statistics of one availability zone (every zone of every region alike).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneFailureRates {
    /// Mean time between failures of one zone.
    pub mtbf: SimDuration,
    /// Mean time to repair one zone.
    pub mttr: SimDuration,
}

/// One region's failure statistics; either may be left out (then `random_failures`'
/// own, else the catalog's provider default).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegionFailureRates {
    pub mtbf: Option<SimDuration>,
    pub mttr: Option<SimDuration>,
}

/// How the global load balancer probes regions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HealthCheck {
    /// Time between probes of one region.
    #[serde(default = "hc_interval")]
    pub interval: SimDuration,
    /// Consecutive failed probes before a region is marked unhealthy (and consecutive
    /// good probes before it is healthy again).
    #[serde(default = "hc_threshold")]
    pub failure_threshold: u32,
    /// A probe not answered within this time fails. Probes hit a cheap health endpoint,
    /// so a slow (degraded) region still passes them.
    #[serde(default = "hc_timeout")]
    pub timeout: SimDuration,
}

impl Default for HealthCheck {
    fn default() -> Self {
        HealthCheck {
            interval: hc_interval(),
            failure_threshold: hc_threshold(),
            timeout: hc_timeout(),
        }
    }
}

fn hc_interval() -> SimDuration {
    SimDuration::from_secs(10)
}
fn hc_threshold() -> u32 {
    3
}
fn hc_timeout() -> SimDuration {
    SimDuration::from_secs(2)
}

/// Active-passive failover timing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Failover {
    /// Time to promote the standby once the primary is detected down.
    #[serde(default = "promotion")]
    pub promotion: SimDuration,
    /// Time for a warm or cold standby to reach full capacity after promotion.
    #[serde(default = "scale_up")]
    pub scale_up: SimDuration,
}

impl Default for Failover {
    fn default() -> Self {
        Failover {
            promotion: promotion(),
            scale_up: scale_up(),
        }
    }
}

fn promotion() -> SimDuration {
    SimDuration::from_secs(30)
}
fn scale_up() -> SimDuration {
    SimDuration::from_mins(5)
}

/// What happens to asynchronous writes a failed region had not yet replicated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AsyncRecovery {
    /// They are gone (the region's storage is lost or abandoned).
    #[default]
    Lost,
    /// They replicate when the region comes back (delayed, not lost).
    Delayed,
}

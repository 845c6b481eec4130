//! What the planner is asked: the objectives in checked form, the search options, the
//! progress it reports and the errors it returns.

use crate::engine::SimDuration;
use crate::scenario::{LayoutKind, Slo, StandbyMode};
use crate::spec::World;

/// The quantile every latency objective refers to (p99).
pub const QUANTILE: f64 = 0.99;

/// During the settled part of a simulated outage, every area must have at least this
/// fraction of its requests served (N+1: the survivors take the failed region's users).
pub const OUTAGE_MIN_SERVED: f64 = 0.99;

/// The `[slo]` table resolved against the world: times in milliseconds, areas by index.
#[derive(Clone, Debug, PartialEq)]
pub struct Objectives {
    pub p99_ms: Option<f64>,
    /// Per area (in `World::areas` order): its own p99 bound, if any.
    pub area_p99_ms: Vec<Option<f64>>,
    pub availability: Option<f64>,
    pub rpo_s: Option<f64>,
    pub residency: bool,
    pub budget_usd: Option<f64>,
    pub n_plus_one: bool,
    /// Area names, in `World::areas` order (for messages).
    pub area_names: Vec<String>,
}

impl Objectives {
    /// Resolves `slo` (already validated) against the areas of `world`.
    pub fn new(slo: &Slo, world: &World) -> Objectives {
        Objectives {
            p99_ms: slo.p99.map(SimDuration::as_millis_f64),
            area_p99_ms: world
                .areas
                .iter()
                .map(|a| slo.p99_by_area.get(&a.name).map(|d| d.as_millis_f64()))
                .collect(),
            availability: slo.availability,
            rpo_s: slo.rpo.map(SimDuration::as_secs_f64),
            residency: slo.residency,
            budget_usd: slo.budget_usd_per_month,
            n_plus_one: slo.n_plus_one,
            area_names: world.areas.iter().map(|a| a.name.clone()).collect(),
        }
    }

    /// Whether any latency objective is set.
    pub fn has_latency(&self) -> bool {
        self.p99_ms.is_some() || self.area_p99_ms.iter().any(Option::is_some)
    }

    /// The tightest latency bound that applies to one request of `area`, in ms: its
    /// area's bound or the global one (used for sizing only; the checks keep them apart).
    pub fn bound_for_area_ms(&self, area: usize) -> Option<f64> {
        match (self.p99_ms, self.area_p99_ms.get(area).copied().flatten()) {
            (Some(g), Some(a)) => Some(g.min(a)),
            (g, a) => g.or(a),
        }
    }

    /// A one-line description, e.g. `p99 ≤ 250 ms, availability ≥ 99.9 %, N+1`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(p) = self.p99_ms {
            parts.push(format!("p99 ≤ {} ms", clean(p)));
        }
        for (a, b) in self.area_p99_ms.iter().enumerate() {
            if let Some(b) = b {
                let name = self.area_names.get(a).map_or("?", String::as_str);
                parts.push(format!("p99[{name}] ≤ {} ms", clean(*b)));
            }
        }
        if let Some(x) = self.availability {
            parts.push(format!("availability ≥ {}", target_percent(x)));
        }
        if let Some(r) = self.rpo_s {
            parts.push(format!("RPO ≤ {} s", clean(r)));
        }
        if self.residency {
            parts.push("zero residency violations".into());
        }
        if let Some(b) = self.budget_usd {
            parts.push(format!("cost ≤ ${b:.0}/month"));
        }
        if self.n_plus_one {
            parts.push("N+1".into());
        }
        if parts.is_empty() {
            "none (every design is feasible; ranked by cost)".into()
        } else {
            parts.join(", ")
        }
    }
}

/// An availability objective as the planner's texts say it: `99.9 %` (the table's
/// "avail." column is in percent too; the fraction 0.999 is what the file holds).
pub fn target_percent(x: f64) -> String {
    format!("{} %", clean(100.0 * x))
}

/// An availability found (simulated or computed), in percent with three decimals, never
/// rounded up to 100 % nor down to a target it misses (`report::rows::percent`).
pub fn found_percent(x: f64) -> String {
    format!("{} %", crate::report::rows::percent(100.0 * x, 3))
}

/// A cost and the budget it is compared with, in whole dollars unless that makes them look
/// equal when they are not ("cost $18444 > $18444"): then in cents.
pub fn usd_pair(cost: f64, budget: f64) -> (String, String) {
    let whole = |x: f64| format!("${x:.0}");
    if whole(cost) == whole(budget) && cost != budget {
        (format!("${cost:.2}"), format!("${budget:.2}"))
    } else {
        (whole(cost), whole(budget))
    }
}

/// The most counts `instances` (`plan --instances`) may list.
pub const MAX_INSTANCE_COUNTS: usize = 24;

/// The most steady replications a design may get (`replications`, `max_replications`).
pub const MAX_PLAN_REPLICATIONS: u32 = 100;

/// How wide and how deep the planner searches.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanOptions {
    /// Layouts to consider.
    pub layouts: Vec<LayoutKind>,
    /// Master seed; replication `i` of every design runs with `derive_seed(seed, "plan", i)`.
    pub seed: u64,
    /// Steady (no failure) replications every simulated design gets at least: the first
    /// look of the sequential rule (`verify`'s module docs).
    pub replications: u32,
    /// Steady replications a design may get while the 95 % interval of an objective still
    /// straddles its bound; the cap is never below `replications` (equal: a fixed number).
    pub max_replications: u32,
    /// Measured requests each steady replication aims at: its window is this many
    /// requests at the simulated rate, at least [`MIN_REPLICATION_WINDOW`] and at most the
    /// scenario's window (capped by `duration`), and its warm-up at most that window.
    /// `None`: the scenario's own window and warm-up.
    pub replication_requests: Option<u64>,
    /// Replications of each simulated region outage (N+1 and RPO checks).
    pub outage_replications: u32,
    /// Per layout, stop verifying after this many designs met every objective.
    pub finalists: usize,
    /// Per layout, simulate at most this many designs (`None`: no limit).
    pub max_verified: Option<usize>,
    /// Instance counts to try in every serving region (the whole product while it has at
    /// most [`MAX_VECTORS`] members); `None`: the Erlang C size plus each of `shifts`.
    pub instances: Option<Vec<u32>>,
    /// Offsets from the Erlang C size tried when `instances` is `None`.
    pub shifts: Vec<i32>,
    /// Cap on utilisation (λ/cμ) of every region in every checked state, in (0, 1].
    pub max_utilisation: f64,
    /// Analytic pruning keeps designs whose predicted p99 is up to this much above its
    /// bound (the model is approximate; the simulation decides), e.g. 0.25 = 25 %.
    pub tolerance: f64,
    /// With more candidate regions than this, only the ones that attract the most traffic
    /// are combined (all subsets of them).
    pub max_regions: usize,
    /// Largest region subset considered (`None`: all sizes).
    pub max_subset: Option<usize>,
    /// Sharded variants: without (`false`) and/or with (`true`) a standby per shard.
    pub sharded_standby: Vec<bool>,
    /// Active-passive standby modes to try; empty: the scenario's only.
    pub standby_modes: Vec<StandbyMode>,
    /// Caps the scenario's measured duration (shorter runs: `--quick`).
    pub duration: Option<SimDuration>,
    /// Simulate every area at its daily peak rate (diurnal curve off) — the conservative
    /// sizing load. `false` simulates the scenario's own window.
    pub at_peak: bool,
    /// Keep the scenario's own `[[failures]]` (and random failures) in the steady runs.
    pub keep_failures: bool,
    /// Also try every shape autoscaled: each region with a target-tracking policy whose
    /// max is the design's count (`plan/autoscale.rs`); `None`: fixed counts only.
    pub autoscaling: Option<super::autoscale::PlanAutoscaling>,
}

/// Above this many instance vectors per design shape, `instances` is applied uniformly.
pub const MAX_VECTORS: usize = 4096;

/// The shortest measured window of a steady replication sized by
/// [`PlanOptions::replication_requests`].
pub const MIN_REPLICATION_WINDOW: SimDuration = SimDuration::from_secs(5);

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            layouts: LayoutKind::ALL.to_vec(),
            seed: 1,
            replications: 3,
            max_replications: 10,
            replication_requests: Some(250_000),
            outage_replications: 1,
            finalists: 3,
            max_verified: Some(12),
            instances: None,
            shifts: vec![-2, -1, 0, 1],
            max_utilisation: 1.0,
            tolerance: 0.25,
            max_regions: 8,
            max_subset: None,
            sharded_standby: vec![false, true],
            standby_modes: Vec::new(),
            duration: None,
            at_peak: true,
            keep_failures: false,
            autoscaling: None,
        }
    }
}

impl PlanOptions {
    /// The most steady replications a design gets: `max_replications`, never below
    /// `replications`.
    pub fn replication_cap(&self) -> u32 {
        self.max_replications.max(self.replications)
    }

    /// Fewer, shorter runs: two to four steady replications of ~150,000 requests each,
    /// outage runs of at most two minutes, two finalists.
    pub fn quick() -> Self {
        PlanOptions {
            replications: 2,
            max_replications: 4,
            replication_requests: Some(150_000),
            finalists: 2,
            max_verified: Some(6),
            shifts: vec![-1, 0, 1],
            duration: Some(SimDuration::from_mins(2)),
            ..PlanOptions::default()
        }
    }

    /// Problems with the options, each naming the option.
    pub fn problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        if self.layouts.is_empty() {
            p.push("layouts: name at least one layout".to_string());
        }
        // A layout named twice would be planned twice, and its designs listed twice.
        if let Some(l) = first_repeat(&self.layouts) {
            p.push(format!(
                "layouts: `{l}` is named twice: name each layout once"
            ));
        }
        if self.replications == 0 {
            p.push("replications: must be at least 1".into());
        }
        // Each replication is a whole simulation of every verified design.
        for (name, r) in [
            ("replications", self.replications),
            ("max_replications", self.max_replications),
        ] {
            if r > MAX_PLAN_REPLICATIONS {
                p.push(format!(
                    "{name}: at most {MAX_PLAN_REPLICATIONS} (each one simulates every verified design again), got {r}"
                ));
            }
        }
        if self.replication_requests == Some(0) {
            p.push("replication_requests: must be at least 1".into());
        }
        if self.outage_replications == 0 {
            p.push("outage_replications: must be at least 1".into());
        }
        if self.finalists == 0 {
            p.push("finalists: must be at least 1".into());
        }
        if self.max_verified == Some(0) {
            p.push("max_verified: must be at least 1".into());
        }
        if let Some(g) = &self.instances {
            if g.is_empty() || g.contains(&0) {
                p.push("instances: give one or more counts, each at least 1".into());
            }
            // Each count is an Erlang computation per region per design: a long list of
            // large counts ran for minutes before printing anything.
            if g.len() > MAX_INSTANCE_COUNTS {
                p.push(format!(
                    "instances: at most {MAX_INSTANCE_COUNTS} counts, got {}: give fewer",
                    g.len()
                ));
            }
            let max = crate::scenario::MAX_INSTANCES;
            if let Some(n) = g.iter().find(|&&n| n > max) {
                p.push(format!(
                    "instances: {n} is more than a region may run ({max}): give counts up to {max}"
                ));
            }
            // A count given twice would try every design with it twice.
            if let Some(n) = first_repeat(g) {
                p.push(format!(
                    "instances: {n} is given twice: give each count once"
                ));
            }
        }
        if let Some(m) = first_repeat(&self.standby_modes) {
            p.push(format!(
                "standby: `{}` is named twice: name each mode once",
                m.name()
            ));
        }
        if self.shifts.is_empty() {
            p.push("shifts: give at least one offset (0 = the Erlang C size)".into());
        }
        if !(self.max_utilisation > 0.0 && self.max_utilisation <= 1.0) {
            p.push(format!(
                "max_utilisation: must lie in (0, 1], got {}",
                self.max_utilisation
            ));
        }
        if !(self.tolerance.is_finite() && self.tolerance >= 0.0) {
            p.push(format!("tolerance: must be ≥ 0, got {}", self.tolerance));
        }
        if self.max_regions == 0 || self.max_regions > 12 {
            p.push(format!(
                "max_regions: must lie in [1, 12], got {}",
                self.max_regions
            ));
        }
        if self.sharded_standby.is_empty() {
            p.push("sharded_standby: give false, true or both".into());
        }
        if self.duration.is_some_and(|d| d.is_zero()) {
            p.push("duration: must be longer than 0s".into());
        }
        if let Some(a) = &self.autoscaling {
            p.extend(a.problems());
        }
        p
    }
}

/// The first item of `items` that an earlier one equals.
fn first_repeat<T: PartialEq>(items: &[T]) -> Option<&T> {
    items
        .iter()
        .enumerate()
        .find_map(|(i, x)| items[..i].contains(x).then_some(x))
}

/// What the planner is doing, for progress bars.
#[derive(Clone, Debug, PartialEq)]
pub enum Progress {
    /// Analytic sizing and pruning of `shapes` layout × region-subset shapes.
    Analytic { shapes: usize, designs: usize },
    /// Verification round `round`: `done` of `total` simulation runs finished.
    Runs {
        round: usize,
        done: usize,
        total: usize,
    },
}

/// Why planning failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    #[error("the scenario is not valid: {0}")]
    Scenario(String),
    #[error("plan option {0}")]
    Option(String),
    #[error("no design to consider: {0}")]
    Empty(String),
    #[error("cancelled")]
    Cancelled,
}

/// `x` as typed rather than as stored: a bound entered as 99.9 % is the fraction
/// 0.9990000000000001, which should read 0.999. Nine significant decimals are kept.
fn clean(x: f64) -> f64 {
    if x.is_finite() && x.abs() < 1e9 {
        (x * 1e9).round() / 1e9
    } else {
        x
    }
}

#[cfg(test)]
mod describe_tests {
    use super::{clean, usd_pair};

    /// Found by a red team: "misses: cost $18444 > $18444".
    #[test]
    fn a_cost_just_over_its_budget_is_told_in_cents() {
        assert_eq!(
            usd_pair(18444.31, 18444.0),
            ("$18444.31".to_string(), "$18444.00".to_string())
        );
        assert_eq!(
            usd_pair(18500.0, 18000.0),
            ("$18500".into(), "$18000".into())
        );
        assert_eq!(
            usd_pair(18000.0, 18000.0),
            ("$18000".into(), "$18000".into())
        );
    }

    #[test]
    fn bounds_read_as_typed() {
        assert_eq!(format!("{}", clean(99.9 / 100.0)), "0.999");
        assert_eq!(format!("{}", 99.9 / 100.0), "0.9990000000000001");
        assert_eq!(format!("{}", clean(250.0)), "250");
        assert_eq!(format!("{}", clean(0.99995)), "0.99995");
    }
}

//! Analytic models of a shape, and pruning: which designs are worth simulating.
//!
//! Per shape (layout × regions) the planner builds the layout's [`Plan`] and the traffic
//! [`State`]s it must survive: the steady state and, with N+1, each used region down.
//!
//! **Sizing** is in [`super::sizing`].
//!
//! **Pruning** removes a design, with the reason, when:
//! - residency is required and a residency user is served or stored outside their
//!   jurisdiction in a checked state;
//! - the annual availability of the layout (CTMC, [`params_for`] + [`solve`]) is below
//!   the target — the request-level availability can only lower it further;
//! - the RPO bound is 0 and the layout acknowledges writes before replicating them;
//! - the estimated cost is over the budget by more than 5 %;
//! - in a checked state an area is left without a region, a region is over the
//!   utilisation cap, or the predicted p99 (global or of an area with a bound) is more
//!   than `tolerance` above its bound ([`super::flows::quantile`]);
//! - in a checked state the network round trips alone put the p99 over its bound
//!   ([`super::flows::floor_quantile`]): every request of a flow takes at least its
//!   round trips (the jitter at its least), so no capacity brings the simulated p99
//!   below their quantile. This is a bound, not a prediction, so it needs no tolerance:
//!   it is taken at the [`FLOOR_QUANTILE`] rather than the 99th percentile, so that the
//!   random mix of areas in a run cannot put the simulated p99 below it, and compared
//!   with the bound widened by the histograms' resolution ([`FLOOR_SLACK`]).
//!
//! Pruning is a filter, not a verdict: only the simulation declares a design feasible.
//! The bound-based checks (residency, CTMC availability, RPO 0, the round-trip floor)
//! never remove a design a simulation would find feasible; the predicted p99 and
//! utilisation checks are models, kept loose by `tolerance`.

use super::candidates::{design_scenario, Design, Shape};
use super::flows::{area_rates, floor_quantile, loads, network_quantile, quantile, states, State};
use super::spec::{Objectives, PlanOptions, QUANTILE};
use crate::analytic::availability::solve;
use crate::catalog::Catalog;
use crate::experiment::availability::params_for;
use crate::model::cost::{monthly_requests, HOURS_PER_MONTH};
use crate::model::layout::{Ack, Plan};
use crate::scenario::Scenario;
use crate::spec::Resolved;

/// The quantile of the round trips that bounds the simulated p99 from below: a little
/// under 0.99, since a run's mix of areas is random (a group of flows with 1 % of the
/// requests has 1 ± 0.1 % of a run of 10,000; 0.5 points is ≥ 4.5 standard deviations).
pub const FLOOR_QUANTILE: f64 = 0.985;

/// The latency histograms keep three significant digits: a simulated p99 may read up to
/// 0.1 % under the true value; the floor must exceed the bound by more than that.
pub const FLOOR_SLACK: f64 = 1.002;

/// What the analytic models say about one design.
#[derive(Clone, Debug, PartialEq)]
pub struct Analytic {
    /// Estimated USD per month (compute exact; transfer and egress from the flows).
    pub cost_usd: f64,
    /// Predicted steady-state p99, ms (infinite when a region is overloaded).
    pub p99_ms: f64,
    /// Predicted worst p99 with one region down (N+1 only), ms.
    pub outage_p99_ms: Option<f64>,
    /// p99 of the network delay alone in the steady state, ms: a floor for the p99 that no
    /// number of instances lowers.
    pub network_p99_ms: f64,
    /// Annual availability of the layout (CTMC), when it could be computed.
    pub annual_availability: Option<f64>,
    /// Highest utilisation of a region in the steady state.
    pub utilisation: f64,
    /// Worst predicted p99 / bound over the bounds and checked states (0 without bounds);
    /// designs at most 1 are simulated before those within the tolerance above it.
    pub latency_ratio: f64,
    /// `Err(reason)` when pruned.
    pub verdict: Result<(), String>,
}

/// One shape, prepared for sizing and evaluating instance vectors.
pub struct ShapeModel {
    pub shape: Shape,
    /// The shape's scenario with provisional instance counts (sizing sets the real ones), validated.
    pub prepared: Resolved,
    /// The same with the base scenario's workload (for monthly volumes in costs).
    real: Scenario,
    pub(super) plan: Plan,
    /// Steady state first, then one per used region down (N+1 only).
    pub states: Vec<State>,
    pub(super) mu: Vec<f64>,
    /// Regions that serve or hold a replica (the ones whose outage is simulated).
    pub used: Vec<usize>,
    /// Annual availability from the CTMC.
    pub annual_availability: Option<f64>,
    /// Whether an acknowledged write can be lost when a region fails.
    pub lossy: bool,
    /// Reason the whole shape is pruned, if it is.
    shape_verdict: Result<(), String>,
}

impl ShapeModel {
    /// `Ok(None)` for a shape that is the same design as a smaller one (a sharded region
    /// that is neither a home nor a standby; a standby variant without any standby).
    pub fn new(
        base: &Scenario,
        catalog: &Catalog,
        shape: &Shape,
        obj: &Objectives,
        opts: &PlanOptions,
    ) -> Result<Option<ShapeModel>, String> {
        let design = Design {
            shape: shape.clone(),
            instances: vec![1; shape.regions.len()],
        };
        let sim = design_scenario(base, &design, opts);
        let prepared = crate::spec::validate(&sim, catalog).map_err(|errs| {
            let msgs: Vec<String> = errs.iter().map(ToString::to_string).collect();
            format!("invalid design: {}", msgs.join("; "))
        })?;
        let mut real = sim.clone();
        real.workload = base.workload.clone();
        let w = &prepared.world;
        let plan = Plan::new(&prepared, shape.layout);
        let n = w.n_regions();
        let replica = |r: usize| plan.replicas.iter().any(|reps| reps.contains(&r));
        let used: Vec<usize> = (0..n)
            .filter(|&r| plan.billed_fraction[r] > 0.0 || replica(r))
            .collect();
        if used.len() < n {
            return Ok(None);
        }
        let has_replicas = plan.replicas.iter().any(|r| !r.is_empty());
        if shape.sharded_standby && !has_replicas {
            return Ok(None);
        }
        let lossy = has_replicas && !matches!(plan.ack, Ack::Sync { quorum } if quorum >= 2);
        let rates = area_rates(w, &sim);
        let fail: Vec<usize> = if obj.n_plus_one { used.clone() } else { vec![] };
        let states = states(w, &plan, &sim, &rates, &fail);
        let mu = w
            .regions
            .iter()
            .map(|r| 1.0 / r.service.mean().as_secs_f64().max(1e-12))
            .collect();
        let (model, params) = params_for(&prepared, shape.layout);
        let annual_availability = solve(model, &params).ok().map(|r| r.availability);
        let mut shape_verdict = Ok(());
        let mut fail_with = |why: String| {
            if shape_verdict.is_ok() {
                shape_verdict = Err(why);
            }
        };
        if obj.residency {
            if let Some(why) = residency_problem(&prepared, &plan, &states) {
                fail_with(why);
            }
        }
        if let (Some(target), Some(a)) = (obj.availability, annual_availability) {
            if a < target {
                fail_with(format!(
                    "annual availability {} (CTMC) < {}",
                    super::spec::found_percent(a),
                    super::spec::target_percent(target)
                ));
            }
        }
        if obj.rpo_s == Some(0.0) && lossy {
            fail_with("RPO 0 impossible: writes are acknowledged before they replicate".into());
        }
        Ok(Some(ShapeModel {
            shape: shape.clone(),
            prepared,
            real,
            plan,
            states,
            mu,
            used,
            annual_availability,
            lossy,
            shape_verdict,
        }))
    }

    pub(super) fn n(&self) -> usize {
        self.mu.len()
    }

    /// Analytic cost, predictions and verdict of this shape with `instances`.
    pub fn evaluate(&self, instances: &[u32], obj: &Objectives, opts: &PlanOptions) -> Analytic {
        let n = self.n();
        let w = &self.prepared.world;
        let steady = &self.states[0];
        let cost_usd = self.cost(instances);
        let utilisation = loads(steady, n)
            .iter()
            .zip(instances)
            .zip(&self.mu)
            .map(|((l, &c), mu)| l / (c.max(1) as f64 * mu))
            .fold(0.0, f64::max);
        let p99 = |s: &State| quantile(s, instances, &self.mu, QUANTILE, |_| true).unwrap_or(0.0);
        let p99_ms = p99(steady) * 1e3;
        let network_p99_ms = network_quantile(steady, QUANTILE, |_| true).unwrap_or(0.0) * 1e3;
        let outage_p99_ms = obj.n_plus_one.then(|| {
            self.states[1..]
                .iter()
                .map(|s| p99(s) * 1e3)
                .fold(0.0, f64::max)
        });
        let mut verdict = self.shape_verdict.clone();
        if verdict.is_ok() {
            if let Some(b) = obj.budget_usd {
                if cost_usd > b * 1.05 {
                    let (c, b) = super::spec::usd_pair(cost_usd, b);
                    verdict = Err(format!("estimated cost {c} > budget {b}"));
                }
            }
        }
        let mut latency_ratio: f64 = 0.0;
        if verdict.is_ok() {
            for s in &self.states {
                match self.check_state(s, instances, obj, opts) {
                    Ok(r) => latency_ratio = latency_ratio.max(r),
                    Err(why) => {
                        verdict = Err(match s.failed {
                            None => why,
                            Some(f) => format!("with {} down: {why}", w.regions[f].id),
                        });
                        break;
                    }
                }
            }
        }
        Analytic {
            latency_ratio,
            cost_usd,
            p99_ms,
            outage_p99_ms,
            network_p99_ms,
            annual_availability: self.annual_availability,
            utilisation,
            verdict,
        }
    }

    fn check_state(
        &self,
        s: &State,
        c: &[u32],
        obj: &Objectives,
        opts: &PlanOptions,
    ) -> Result<f64, String> {
        let w = &self.prepared.world;
        let n = self.n();
        let mut ratio: f64 = 0.0;
        for (a, &lost) in s.unserved.iter().enumerate() {
            let sent: f64 = lost
                + s.flows
                    .iter()
                    .filter(|f| f.area == a)
                    .map(|f| f.rate)
                    .sum::<f64>();
            if sent > 0.0 && lost / sent > 1.0 - super::spec::OUTAGE_MIN_SERVED {
                return Err(format!(
                    "{} users have no region to serve them",
                    w.areas[a].name
                ));
            }
        }
        // A bound below the network delay alone is out of reach whatever the capacity:
        // say so first, rather than blaming the capacity of some region.
        let slack = 1.0 + opts.tolerance;
        let floor = |which: &dyn Fn(&super::flows::Flow) -> bool| {
            network_quantile(s, QUANTILE, which).unwrap_or(0.0) * 1e3
        };
        if let Some(b) = obj.p99_ms {
            let f = floor(&|_| true);
            if f > b * slack {
                return Err(format!(
                    "p99 bound {b} ms is below the network round trip: the network delay alone has a p99 of {f:.0} ms"
                ));
            }
        }
        for (a, b) in obj.area_p99_ms.iter().enumerate() {
            if let Some(b) = b {
                let f = floor(&|fl| fl.area == a);
                if f > b * slack {
                    return Err(format!(
                        "p99 bound of {} {b} ms is below the network round trip: the network delay alone has a p99 of {f:.0} ms",
                        w.areas[a].name
                    ));
                }
            }
        }
        // The hard floor: the round trips alone, whatever the capacity (module docs).
        let hard = |which: &dyn Fn(&super::flows::Flow) -> bool| {
            floor_quantile(s, FLOOR_QUANTILE, which).unwrap_or(0.0) * 1e3
        };
        if let Some(b) = obj.p99_ms {
            let f = hard(&|_| true);
            if f > b * FLOOR_SLACK {
                return Err(format!(
                    "p99 bound {b} ms is below the network round trip: the round trips alone put the p99 at {f:.0} ms or more"
                ));
            }
        }
        for (a, b) in obj.area_p99_ms.iter().enumerate() {
            if let Some(b) = b {
                let f = hard(&|fl| fl.area == a);
                if f > b * FLOOR_SLACK {
                    return Err(format!(
                        "p99 bound of {} {b} ms is below the network round trip: the round trips alone put its p99 at {f:.0} ms or more",
                        w.areas[a].name
                    ));
                }
            }
        }
        for (r, l) in loads(s, n).iter().enumerate() {
            let rho = l / (c[r].max(1) as f64 * self.mu[r]);
            if rho > opts.max_utilisation || rho >= 1.0 {
                return Err(format!(
                    "{} over capacity (utilisation {rho:.2} with {} instances)",
                    w.regions[r].id, c[r]
                ));
            }
        }
        if let Some(b) = obj.p99_ms {
            let p = quantile(s, c, &self.mu, QUANTILE, |_| true).unwrap_or(0.0) * 1e3;
            ratio = ratio.max(p / b);
            if p > b * slack {
                return Err(format!("predicted p99 {p:.0} ms > {b} ms"));
            }
        }
        for (a, b) in obj.area_p99_ms.iter().enumerate() {
            if let Some(b) = b {
                let p = quantile(s, c, &self.mu, QUANTILE, |f| f.area == a).unwrap_or(0.0) * 1e3;
                ratio = ratio.max(p / b);
                if p > b * slack {
                    return Err(format!(
                        "predicted p99 of {} {p:.0} ms > {b} ms",
                        w.areas[a].name
                    ));
                }
            }
        }
        Ok(ratio)
    }

    /// Compute exactly as `model::cost`; transfer and egress from the steady flows.
    fn cost(&self, c: &[u32]) -> f64 {
        let w = &self.prepared.world;
        let compute: f64 = (0..self.n())
            .map(|r| {
                c[r] as f64
                    * self.plan.billed_fraction[r]
                    * w.regions[r].usd_per_hour.unwrap_or(0.0)
                    * HOURS_PER_MONTH
            })
            .sum();
        let s = &self.real;
        let monthly = monthly_requests(w, s);
        let flows = &self.states[0].flows;
        let rate: f64 = flows.iter().map(|f| f.rate).sum();
        let wrate: f64 = flows.iter().filter(|f| f.write).map(|f| f.rate).sum();
        let egress_price = flows
            .iter()
            .map(|f| f.rate * w.regions[f.region].egress_usd_per_gb)
            .sum::<f64>()
            / rate.max(1e-12);
        let per_write = flows
            .iter()
            .filter(|f| f.write)
            .map(|f| {
                f.rate
                    * self.plan.replicas[f.region]
                        .iter()
                        .map(|&x| w.transfer_usd_per_gb(f.region, x))
                        .sum::<f64>()
            })
            .sum::<f64>()
            / wrate.max(1e-12);
        let transfer = monthly * (1.0 - s.workload.read_fraction) * s.workload.request_bytes as f64
            / 1e9
            * per_write;
        let egress = monthly * s.workload.response_bytes as f64 / 1e9 * egress_price;
        compute + transfer + egress
    }
}

/// The first residency problem in any state: a residency user served outside their
/// jurisdiction, or their data stored outside it.
fn residency_problem(p: &Resolved, plan: &Plan, states: &[State]) -> Option<String> {
    let w = &p.world;
    for (a, area) in w.areas.iter().enumerate() {
        if area.residency_required && area.share > 0.0 && plan.stored_outside[a] {
            return Some(format!(
                "residency: {} data ({}) is stored outside {}",
                area.name, area.jurisdiction, area.jurisdiction
            ));
        }
    }
    for s in states {
        for f in &s.flows {
            let area = &w.areas[f.area];
            let region = &w.regions[f.region];
            if area.residency_required && region.jurisdiction != area.jurisdiction {
                let when = s
                    .failed
                    .map_or(String::new(), |x| format!(" with {} down", w.regions[x].id));
                return Some(format!(
                    "residency: {} users ({}) served in {} ({}){when}",
                    area.name, area.jurisdiction, region.id, region.jurisdiction
                ));
            }
        }
    }
    None
}

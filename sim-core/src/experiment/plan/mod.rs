//! The capacity planner: the cheapest designs that meet the SLOs, and the Pareto front.
//!
//! Input: a scenario whose `regions` are the *candidate* regions and whose `[slo]` table
//! ([`Slo`](crate::scenario::Slo)) holds the objectives, plus [`PlanOptions`]. Steps:
//!
//! 1. **Candidates** ([`candidates`]): layouts × region subsets (× sharded standby).
//! 2. **Analytic sizing and pruning** ([`sizing`], [`prune`], [`flows`]): per shape, Erlang C sizes
//!    with N+1 headroom, instance vectors around them (or a given grid), and a verdict from
//!    residency, CTMC availability, RPO, budget and the predicted p99 in every checked
//!    state.
//! 3. **Verification** ([`verify`]): per layout, the analytically feasible designs are
//!    simulated in rounds (steady replications, outages for N+1 and RPO), cheapest first
//!    among those predicted to meet every bound, then among those within the tolerance,
//!    until `finalists` of them meet every objective — then every unsimulated design not
//!    dearer than the last finalist (+1 %) is simulated too, so no cheaper design that
//!    passed the analytic checks is skipped — or `max_verified` have been simulated.
//!    Each design's steady replications stop once its verdict is settled (the sequential
//!    rule of [`verify`]). Only a simulation makes a design feasible.
//! 4. **Ranking and front** ([`pareto`]): feasible designs by simulated cost; the Pareto
//!    front of the feasible designs over (cost, p99, availability).
//!
//! The result does not depend on the number of threads. Setting `cancel` stops the plan
//! between runs with [`PlanError::Cancelled`]. `docs/planner.md` has the user's view.

pub mod autoscale;
pub mod candidates;
pub mod flows;
mod judge;
pub mod pareto;
pub mod prune;
pub mod report;
pub mod sizing;
pub mod spec;
pub mod verify;
pub mod why;

pub use autoscale::PlanAutoscaling;
pub use candidates::{Design, Shape};
pub use prune::Analytic;
pub use spec::{Objectives, PlanError, PlanOptions, Progress};
pub use verify::Verification;

use crate::catalog::Catalog;
use crate::scenario::{LayoutKind, Scenario};
use crate::spec::Resolved;
use prune::ShapeModel;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use verify::Finalist;

/// Where a design ended up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Simulated; meets every objective.
    Feasible,
    /// Simulated; misses at least one objective.
    Infeasible,
    /// Passed the analytic checks but was not simulated (enough finalists were found).
    NotVerified,
    /// Removed by the analytic checks.
    Pruned,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Feasible => "feasible",
            Status::Infeasible => "infeasible",
            Status::NotVerified => "not-simulated",
            Status::Pruned => "pruned",
        }
    }
}

/// One design with everything known about it.
#[derive(Clone, Debug)]
pub struct DesignRow {
    pub design: Design,
    pub layout: String,
    pub regions: String,
    pub instances: String,
    pub analytic: Analytic,
    pub verification: Option<Verification>,
    pub status: Status,
    /// Why it is feasible (the figures that meet each objective) or what it misses.
    pub reason: String,
}

impl DesignRow {
    /// Simulated cost when there is one, else the estimate.
    pub fn cost(&self) -> f64 {
        self.verification
            .as_ref()
            .map_or(self.analytic.cost_usd, |v| v.cost_usd.mean)
    }
}

/// The planner's answer.
#[derive(Clone, Debug)]
pub struct PlanReport {
    pub objectives: Objectives,
    /// Ranked: feasible by cost, then infeasible, not simulated, pruned.
    pub designs: Vec<DesignRow>,
    /// Indices into `designs` of the Pareto front of the feasible designs.
    pub pareto: Vec<usize>,
    pub shapes: usize,
    /// Simulation runs made.
    pub runs: usize,
    pub notes: Vec<String>,
}

impl PlanReport {
    pub fn feasible(&self) -> impl Iterator<Item = &DesignRow> {
        self.designs.iter().filter(|d| d.status == Status::Feasible)
    }
}

/// Relative cost difference within which an unsimulated design still competes with the
/// last finalist.
const NEAR_TIE: f64 = 0.01;

/// A shape's model and its designs; `None` for a redundant shape; `Err` for an invalid one.
type Analysed = Result<Option<(ShapeModel, Vec<Candidate>)>, String>;

struct Candidate {
    design: Design,
    analytic: Analytic,
    shape: usize,
}

/// Plans `scenario` (candidate regions = its `regions`, objectives = its `[slo]`).
///
/// Stages: the candidate shapes ([`shapes_to_try`]); the analytic stage, sizing and
/// pruning every design of every shape ([`analyse`]); verification rounds, each
/// simulating the designs that could still become finalists ([`next_batch`]) until none
/// could; ranking and the Pareto front ([`rank`]).
pub fn plan(
    scenario: &Scenario,
    catalog: &Catalog,
    opts: &PlanOptions,
    cancel: &AtomicBool,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<PlanReport, PlanError> {
    let problems = opts.problems();
    if !problems.is_empty() {
        return Err(PlanError::Option(problems.join("; ")));
    }
    let base = prepare_base(scenario, catalog)?;
    let obj = Objectives::new(&scenario.slo, &base.world);
    let mut notes = Vec::new();
    // A region without a price bills its instances at $0: designs on it rank cheaper
    // than they are, so say so first (a run says the same under its cost).
    let unpriced: Vec<&str> = base
        .world
        .regions
        .iter()
        .filter(|r| r.usd_per_hour.is_none())
        .map(|r| r.id.as_str())
        .collect();
    if !unpriced.is_empty() {
        notes.push(format!(
            "{} ha{} no instance price in the catalog: {} instances are counted as $0, so \
             designs using {} look cheaper than they are; give a price under \
             [prices.instance_usd_per_hour] or leave {} out",
            unpriced.join(", "),
            if unpriced.len() == 1 { "s" } else { "ve" },
            if unpriced.len() == 1 { "its" } else { "their" },
            if unpriced.len() == 1 { "it" } else { "them" },
            if unpriced.len() == 1 { "it" } else { "them" },
        ));
    }
    let shapes = shapes_to_try(scenario, &base, opts, &mut notes)?;
    let (models, mut all) = analyse(scenario, catalog, &shapes, &obj, opts, &mut notes);
    if cancel.load(Ordering::Relaxed) {
        return Err(PlanError::Cancelled);
    }
    let shape_count = models.iter().flatten().count();
    progress(Progress::Analytic {
        shapes: shape_count,
        designs: all.len(),
    });
    // Cheapest first; ties by predicted p99, then enumeration order.
    all.sort_by(|a, b| {
        a.analytic
            .cost_usd
            .total_cmp(&b.analytic.cost_usd)
            .then(a.analytic.p99_ms.total_cmp(&b.analytic.p99_ms))
    });
    let mut verified: Vec<Option<Verification>> = vec![None; all.len()];
    let mut runs = 0;
    let mut round = 0;
    loop {
        let batch = next_batch(&all, &verified, opts);
        if batch.is_empty() {
            break;
        }
        round += 1;
        let finalists: Vec<Finalist> = batch
            .iter()
            .map(|&i| {
                let m = models[all[i].shape]
                    .as_ref()
                    .expect("candidates come from models");
                finalist(&all[i].design, m)
            })
            .collect();
        let vs = verify::verify(
            scenario,
            catalog,
            &finalists,
            &obj,
            opts,
            cancel,
            &|done, total| progress(Progress::Runs { round, done, total }),
        )?;
        for (&i, v) in batch.iter().zip(vs) {
            runs += v.runs;
            verified[i] = Some(v);
        }
    }
    let (designs, pareto) = rank(scenario, all, verified, &obj);
    Ok(PlanReport {
        objectives: obj,
        designs,
        pareto,
        shapes: shape_count,
        runs,
        notes,
    })
}

/// The shapes (layout × region subset) worth sizing; notes when only the candidate
/// regions that attract the most traffic are combined.
fn shapes_to_try(
    scenario: &Scenario,
    base: &Resolved,
    opts: &PlanOptions,
    notes: &mut Vec<String>,
) -> Result<Vec<Shape>, PlanError> {
    let pool = candidates::pool(&base.world, opts.max_regions);
    if pool.len() < base.world.n_regions() {
        let ids: Vec<&str> = pool
            .iter()
            .map(|&i| scenario.regions[i].id.as_str())
            .collect();
        notes.push(format!(
            "{} candidate regions: only the {} that attract the most traffic are combined ({})",
            base.world.n_regions(),
            pool.len(),
            ids.join(", ")
        ));
    }
    let shapes = candidates::shapes(&pool, opts);
    if shapes.is_empty() {
        return Err(PlanError::Empty(
            "active-passive needs at least two candidate regions".into(),
        ));
    }
    Ok(shapes)
}

/// The analytic stage, in parallel per shape, collected in shape order: each shape's
/// model (`None` for a redundant or invalid shape, the latter with a note) and every
/// design of every shape with its estimate.
fn analyse(
    scenario: &Scenario,
    catalog: &Catalog,
    shapes: &[Shape],
    obj: &Objectives,
    opts: &PlanOptions,
    notes: &mut Vec<String>,
) -> (Vec<Option<ShapeModel>>, Vec<Candidate>) {
    let analysed: Vec<Analysed> = shapes
        .par_iter()
        .enumerate()
        .map(|(i, shape)| {
            let Some(m) = ShapeModel::new(scenario, catalog, shape, obj, opts)? else {
                return Ok(None);
            };
            let cands = m
                .vectors(obj, opts)
                .into_iter()
                .map(|v| Candidate {
                    analytic: autoscale::evaluate(&m, &v, obj, opts, scenario),
                    design: Design {
                        shape: shape.clone(),
                        instances: v,
                    },
                    shape: i,
                })
                .collect();
            Ok(Some((m, cands)))
        })
        .collect();
    let mut models: Vec<Option<ShapeModel>> = Vec::new();
    let mut all: Vec<Candidate> = Vec::new();
    for (i, a) in analysed.into_iter().enumerate() {
        match a {
            Ok(Some((m, c))) => {
                models.push(Some(m));
                all.extend(c);
            }
            Ok(None) => models.push(None),
            Err(why) => {
                // Named as the designs table names it ("sharded+standby", not "sharded":
                // a note about the standby variant read as one about a ranked design).
                let design = Design {
                    shape: shapes[i].clone(),
                    instances: vec![1; shapes[i].regions.len()],
                };
                notes.push(format!(
                    "{} on {}: {why}",
                    design.layout_text(scenario),
                    region_list(scenario, &shapes[i])
                ));
                models.push(None);
            }
        }
    }
    (models, all)
}

/// The designs (indices into `all`, sorted cheapest first) to simulate next: per layout,
/// while fewer than `finalists` designs are known feasible, the next cheapest ones (those
/// predicted to meet every bound first); once there are enough, every design not dearer
/// than the last finalist. Each layout simulates at most `max_verified` designs. Empty
/// when nothing could change the answer.
fn next_batch(
    all: &[Candidate],
    verified: &[Option<Verification>],
    opts: &PlanOptions,
) -> Vec<usize> {
    let mut batch: Vec<usize> = Vec::new();
    for &layout in &opts.layouts {
        let of_layout: Vec<usize> = (0..all.len())
            .filter(|&i| all[i].design.shape.layout == layout && all[i].analytic.verdict.is_ok())
            .collect();
        let done: Vec<&Verification> = of_layout
            .iter()
            .filter_map(|&i| verified[i].as_ref())
            .collect();
        let mut costs: Vec<f64> = done
            .iter()
            .filter(|v| v.feasible())
            .map(|v| v.cost_usd.mean)
            .collect();
        costs.sort_by(f64::total_cmp);
        let budget = opts
            .max_verified
            .unwrap_or(usize::MAX)
            .saturating_sub(done.len());
        let todo = of_layout.iter().copied().filter(|&i| verified[i].is_none());
        match costs.get(opts.finalists - 1) {
            // Enough finalists: every design not dearer than the last one (+1 % for
            // the small gap between estimated and simulated costs) could still beat it.
            Some(&kth) => batch.extend(
                todo.take_while(|&i| all[i].analytic.cost_usd <= kth * (1.0 + NEAR_TIE))
                    .take(budget),
            ),
            // Designs predicted to meet every bound first, then those within the
            // tolerance; cheapest first in each tier.
            None => {
                let (sure, maybe): (Vec<usize>, Vec<usize>) =
                    todo.partition(|&i| all[i].analytic.latency_ratio <= 1.0);
                batch.extend(
                    sure.into_iter()
                        .chain(maybe)
                        .take((opts.finalists - costs.len()).min(budget)),
                )
            }
        }
    }
    batch
}

/// What verification needs to know of `design`, from its shape's model.
fn finalist(design: &Design, m: &ShapeModel) -> Finalist {
    Finalist {
        design: design.clone(),
        used: m.used.clone(),
        lossy: m.lossy,
        annual_availability: m.annual_availability,
    }
}

/// The report's rows, ranked (feasible by cost, then infeasible, not simulated, pruned),
/// and the Pareto front of the feasible ones (indices into the rows).
fn rank(
    scenario: &Scenario,
    all: Vec<Candidate>,
    verified: Vec<Option<Verification>>,
    obj: &Objectives,
) -> (Vec<DesignRow>, Vec<usize>) {
    let mut designs: Vec<DesignRow> = all
        .into_iter()
        .zip(verified)
        .map(|(c, v)| report::row(scenario, c.design, c.analytic, v, obj))
        .collect();
    designs.sort_by(|a, b| a.status.cmp(&b.status).then(a.cost().total_cmp(&b.cost())));
    let feasible: Vec<usize> = (0..designs.len())
        .filter(|&i| designs[i].status == Status::Feasible)
        .collect();
    let points: Vec<pareto::Point> = feasible
        .iter()
        .map(|&i| report::point(&designs[i]))
        .collect();
    let pareto = pareto::front(&points)
        .into_iter()
        .map(|k| feasible[k])
        .collect();
    (designs, pareto)
}

/// Simulates and judges `designs` with the same rule as [`plan`] (tests use it to search
/// exhaustively). `None` for a design whose shape is the same as a smaller one's (a
/// sharded region that is neither a home nor a standby; a standby variant with no standby).
pub fn verify_designs(
    scenario: &Scenario,
    catalog: &Catalog,
    designs: &[Design],
    opts: &PlanOptions,
    cancel: &AtomicBool,
) -> Result<Vec<Option<Verification>>, PlanError> {
    let base = prepare_base(scenario, catalog)?;
    let obj = Objectives::new(&scenario.slo, &base.world);
    let mut keep = Vec::new();
    let mut finalists = Vec::new();
    for d in designs {
        let m =
            ShapeModel::new(scenario, catalog, &d.shape, &obj, opts).map_err(PlanError::Empty)?;
        keep.push(m.is_some());
        if let Some(m) = m {
            finalists.push(finalist(d, &m));
        }
    }
    let mut vs = verify::verify(
        scenario,
        catalog,
        &finalists,
        &obj,
        opts,
        cancel,
        &|_, _| {},
    )?
    .into_iter();
    Ok(keep
        .into_iter()
        .map(|k| if k { vs.next() } else { None })
        .collect())
}

fn region_list(s: &Scenario, shape: &Shape) -> String {
    shape
        .regions
        .iter()
        .map(|&i| s.regions[i].id.as_str())
        .collect::<Vec<_>>()
        .join("+")
}

/// The layouts `opts` considers, for messages.
pub fn layout_names(layouts: &[LayoutKind]) -> String {
    layouts
        .iter()
        .map(|l| l.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The base scenario, checked against the catalog; every problem joined in one error.
fn prepare_base(scenario: &Scenario, catalog: &Catalog) -> Result<Resolved, PlanError> {
    crate::spec::validate(scenario, catalog).map_err(|e| {
        PlanError::Scenario(
            e.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}

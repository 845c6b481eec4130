//! Running a scenario: one layout, or the three layouts side by side.
//!
//! The GUI and the CLI both call these functions on a [`Resolved`] spec (from
//! [`crate::spec::validate`]); nothing else runs a simulation.
//! Layouts of one comparison share the scenario's seed, so they see the same users,
//! arrivals and service demands (common random numbers); they run in parallel with rayon
//! and come back in the fixed order of [`LayoutKind::ALL`].

use crate::engine::{run, Model, Scheduler, SimDuration, SimTime, Stop, StopReason};
use crate::metrics::Recorder;
use crate::model::cost::{cost, Cost};
use crate::model::layout::Plan;
use crate::model::requests::{RequestModel, WriteStats};
use crate::scenario::LayoutKind;
use crate::spec::Resolved;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// How many events a watched run handles between two looks at its cancel flag (a few
/// milliseconds of work: cancelling feels immediate, checking costs nothing measurable).
pub const WATCH_EVERY: u64 = 50_000;

/// One region outage as users lived it.
#[derive(Clone, Debug, PartialEq)]
pub struct IncidentResult {
    /// Index of the failed region.
    pub region: usize,
    pub start: SimTime,
    /// Areas whose DNS answer pointed at the region when it failed.
    pub affected_areas: usize,
    /// From the start to the end of the last second in which the affected users were
    /// down (under 90 % success), counting only seconds before the next outage affecting
    /// any of them started; zero when no users were affected or never down.
    pub rto: SimDuration,
    /// Acknowledged writes this outage lost.
    pub lost_writes: u64,
}

/// Everything one run of one layout measured.
#[derive(Clone, Debug)]
pub struct RunResult {
    pub layout: LayoutKind,
    pub seed: u64,
    pub rec: Recorder,
    pub writes: WriteStats,
    pub cost: Cost,
    pub events: u64,
    /// Seconds in which the users as a whole were down (fewer than 90 % of the requests
    /// ending in that second succeeded).
    pub downtime: SimDuration,
    /// Observed recovery time: the longest over region outages that affected users (see
    /// [`IncidentResult::rto`]).
    pub rto: SimDuration,
    /// Every region outage of the run, in order of start.
    pub incidents: Vec<IncidentResult>,
    /// Region outages that happened during the run (scheduled and random).
    pub outages: usize,
    /// Wall-clock seconds the run took (not part of any deterministic output).
    pub wall_s: f64,
    /// Names of areas and regions, in the order of the per-area and per-region results.
    pub area_names: Vec<String>,
    pub region_ids: Vec<String>,
}

/// Running a resolved spec: any layout, or the three side by side.
impl Resolved {
    /// Simulates one layout with master seed `seed`.
    pub fn run_layout(&self, layout: LayoutKind, seed: u64) -> RunResult {
        let started = Instant::now();
        let plan = Plan::new(self, layout);
        let mut model = RequestModel::new(self, &plan, seed);
        let mut sched = Scheduler::new();
        model.start(&mut sched);
        // Arrivals stop at the end of the window; every request then ends by its timeout.
        run(&mut model, &mut sched, Stop::at(SimTime::MAX));
        self.result(layout, seed, &plan, model, &sched, started)
    }

    /// [`Resolved::run_layout`] that can be stopped and reports how far it got: every
    /// [`WATCH_EVERY`] events it calls `progress` with the fraction of the simulated
    /// window done (in [0, 1]) and returns `None` as soon as `cancel` is set.
    ///
    /// The events handled are the same as in `run_layout`, in the same order: a watched
    /// run that is not cancelled returns exactly the same result.
    pub fn run_layout_watched(
        &self,
        layout: LayoutKind,
        seed: u64,
        cancel: &AtomicBool,
        progress: &dyn Fn(f64),
    ) -> Option<RunResult> {
        let started = Instant::now();
        let plan = Plan::new(self, layout);
        let mut model = RequestModel::new(self, &plan, seed);
        let mut sched = Scheduler::new();
        model.start(&mut sched);
        let end = (self.scenario.warmup + self.scenario.duration)
            .as_nanos()
            .max(1);
        loop {
            if cancel.load(Ordering::Relaxed) {
                return None;
            }
            let why = run(&mut model, &mut sched, Stop::after_events(WATCH_EVERY));
            if why != StopReason::EventBudget {
                break;
            }
            progress((sched.now().as_nanos() as f64 / end as f64).min(1.0));
        }
        progress(1.0);
        Some(self.result(layout, seed, &plan, model, &sched, started))
    }

    /// What a finished run measured.
    fn result(
        &self,
        layout: LayoutKind,
        seed: u64,
        plan: &Plan,
        model: RequestModel<'_>,
        sched: &Scheduler<<RequestModel<'_> as Model>::Event>,
        started: Instant,
    ) -> RunResult {
        let cost = cost(&self.world, plan, &self.scenario, &model.rec, &model.writes);
        let rec = &model.rec;
        let downtime = rec.downtime();
        let incidents: Vec<IncidentResult> = model
            .outages
            .iter()
            .map(|o| IncidentResult {
                region: o.region,
                start: o.start,
                affected_areas: o.affected.iter().filter(|&&a| a).count(),
                rto: rec.recovery_time(o.watch),
                lost_writes: o.lost_writes,
            })
            .collect();
        let rto = incidents
            .iter()
            .filter(|i| i.affected_areas > 0)
            .map(|i| i.rto)
            .max()
            .unwrap_or(SimDuration::ZERO);
        RunResult {
            downtime,
            rto,
            incidents,
            outages: model.outages.len(),
            layout,
            seed,
            events: sched.events_processed(),
            wall_s: started.elapsed().as_secs_f64(),
            cost,
            writes: model.writes,
            rec: model.rec,
            area_names: self.world.areas.iter().map(|a| a.name.clone()).collect(),
            region_ids: self.world.regions.iter().map(|r| r.id.clone()).collect(),
        }
    }

    /// The three layouts on common random numbers, in parallel, in `LayoutKind::ALL` order.
    pub fn compare(&self, seed: u64) -> Vec<RunResult> {
        LayoutKind::ALL
            .par_iter()
            .map(|&l| self.run_layout(l, seed))
            .collect()
    }
}

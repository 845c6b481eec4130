//! Running a scenario: one layout, or the three layouts side by side.
//!
//! The GUI and the CLI both call these functions on a [`Resolved`] spec (from
//! [`crate::spec::validate`]); nothing else runs a simulation.
//! Layouts of one comparison share the scenario's seed, so they see the same users,
//! arrivals and service demands (common random numbers); they run in parallel with rayon
//! and come back in the fixed order of [`LayoutKind::ALL`].

use super::summary::{summarize, Run};
use crate::engine::{run, Model, Scheduler, SimDuration, SimTime, Stop, StopReason};
use crate::export::csv_out::RunFiles;
use crate::metrics::{IncidentResult, StationWindow};
use crate::metrics::{Recorder, RunSummary};
use crate::model::cost::{billed_instances, cost_with, Cost};
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

/// Everything one run of one layout measured: the raw accumulators, and the numbers
/// derived from them once ([`RunSummary`]), which every report reads.
#[derive(Clone, Debug)]
pub struct RunResult {
    pub rec: Recorder,
    pub writes: WriteStats,
    pub cost: Cost,
    pub summary: RunSummary,
    /// Each region's station over the measured window, in region order (`regions.csv`).
    pub stations: Vec<StationWindow>,
    /// Every region outage of the run, in order of start (`incidents.csv`).
    pub incidents: Vec<IncidentResult>,
}

impl RunResult {
    pub fn layout(&self) -> LayoutKind {
        self.summary.layout
    }

    pub fn seed(&self) -> u64 {
        self.summary.seed
    }

    /// What its CSV files are written from ([`crate::export::csv_out::write_all`]).
    pub fn files(&self) -> RunFiles<'_> {
        RunFiles {
            summary: &self.summary,
            series: &self.rec.series,
            stations: &self.stations,
            incidents: &self.incidents,
        }
    }
}

/// Running a resolved spec: any layout, or the three side by side.
impl Resolved {
    /// Simulates one layout with master seed `seed`.
    pub fn run_layout(&self, layout: LayoutKind, seed: u64) -> RunResult {
        let started = Instant::now();
        let plan = Plan::new(self, layout);
        let mut model = RequestModel::new(self, &plan, seed);
        let mut sched = RequestModel::scheduler();
        model.start(&mut sched);
        // Arrivals stop at the end of the window; every request then ends by its timeout.
        run(&mut model, &mut sched, Stop::at(SimTime::MAX));
        model.end_run();
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
        let mut sched = RequestModel::scheduler();
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
        model.end_run();
        Some(self.result(layout, seed, &plan, model, &sched, started))
    }

    /// What a finished run measured.
    fn result(
        &self,
        layout: LayoutKind,
        seed: u64,
        plan: &Plan,
        mut model: RequestModel<'_>,
        sched: &Scheduler<<RequestModel<'_> as Model>::Event>,
        started: Instant,
    ) -> RunResult {
        let stations = model.station_windows();
        model.rec.finish();
        model.fleet.finish(sched.now(), &mut model.rec.series);
        let window_h = self.scenario.duration.as_secs_f64() / 3600.0;
        let measured: Vec<Option<f64>> = (0..self.world.n_regions())
            .map(|r| model.fleet.billed_hours(r).map(|h| h / window_h.max(1e-12)))
            .collect();
        let instance_hours = (0..self.world.n_regions())
            .map(|r| billed_instances(plan, &measured, r) * window_h)
            .sum();
        let cost = cost_with(
            &self.world,
            plan,
            &self.scenario,
            &model.rec,
            &model.writes,
            &measured,
        );
        let rec = &model.rec;
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
        let run = Run {
            layout,
            seed,
            rec,
            writes: &model.writes,
            cost: &cost,
            rto,
            outages: model.outages.len() as u64,
            events: model.events(sched.events_processed()),
            wall_s: started.elapsed().as_secs_f64(),
            instance_hours,
            scale_outs: model.fleet.scale_outs,
            scale_ins: model.fleet.scale_ins,
        };
        let summary = summarize(&run, &self.world);
        RunResult {
            summary,
            stations,
            incidents,
            cost,
            writes: model.writes,
            rec: model.rec,
        }
    }

    /// The three layouts on common random numbers, in parallel, in `LayoutKind::ALL` order.
    pub fn compare(&self, seed: u64) -> Vec<RunResult> {
        super::pool::spread(LayoutKind::ALL.len(), || {
            LayoutKind::ALL
                .par_iter()
                .with_max_len(1)
                .map(|&l| self.run_layout(l, seed))
                .collect()
        })
    }
}

//! The capacity planner in the app: its settings, its running job, its last answer, and
//! what the Planner tab's commands do.
//!
//! The objectives are not here: they are the scenario's own `[slo]` table, edited through
//! [`Command::SetScenario`] so that they are validated by
//! `sim_core::scenario::validate::validate` with the same messages as `regionsim plan`,
//! and saved with the scenario. What *is* here is what the command line takes as flags
//! (layouts, `--quick`, replications, finalists, the verification limit): they describe
//! one search, not the service, so they live in the app state only.
//!
//! A plan runs on a snapshot of the scenario. Editing the scenario while it runs does not
//! cancel it (unlike a comparison): a plan is long, and loading one of its designs into
//! the editor is itself an edit. Its answer keeps the scenario it was planned on
//! ([`PlanResult::base`]), so every design can be loaded again after another was, and the
//! candidate scenario restored.
//!
//! [`handle`] is called by [`crate::app::PlannerApp::handle`] for
//! [`Command::Plan`]; it changes the state and returns follow-up commands (loading a
//! design asks for the Compare tab and a comparison).

use crate::plan_job::{PlanEnd, PlanJob};
use crate::state::{AppState, Message, Tab};
use crate::Command;
use egui::Context;
use sim_core::catalog::Catalog;
use sim_core::experiment::plan::candidates::design_scenario;
use sim_core::experiment::plan::{layout_names, report, PlanOptions, PlanReport, Status};
use sim_core::export::write_atomic;
use sim_core::scenario::validate::Lookup;
use sim_core::scenario::{LayoutKind, Scenario, StandbyMode};
use std::path::{Path, PathBuf};

/// How one search is run: the planner's own options (the command line's flags), and the
/// two choices that only the window has. The objectives are the scenario's.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanSettings {
    /// What `regionsim plan` would be given. Its seed is replaced by the scenario's when
    /// a plan starts ([`PlanSettings::options`]).
    pub options: PlanOptions,
    /// Which preset the options started from (`--quick` or not): ticking the box swaps
    /// the preset's sizes, replications, finalists and limit in.
    pub quick: bool,
    /// The table lists pruned and not-simulated designs too.
    pub show_all: bool,
}

impl Default for PlanSettings {
    /// Quick: in a window, a first answer in seconds matters more than the last digit.
    fn default() -> Self {
        PlanSettings {
            options: preset(true),
            quick: true,
            show_all: false,
        }
    }
}

impl PlanSettings {
    /// Switches quick mode: the preset's options, keeping what the user chose that the
    /// presets do not set (layouts, standby modes, time of day, failures, autoscaling).
    pub fn set_quick(&mut self, quick: bool) {
        let o = &self.options;
        self.options = PlanOptions {
            layouts: o.layouts.clone(),
            standby_modes: o.standby_modes.clone(),
            at_peak: o.at_peak,
            keep_failures: o.keep_failures,
            autoscaling: o.autoscaling.clone(),
            ..preset(quick)
        };
        self.quick = quick;
    }

    /// The planner's options, with the master seed `seed` (the scenario's own) and the
    /// layouts and standby modes in their canonical order (whatever order they were
    /// ticked in).
    pub fn options(&self, seed: u64) -> PlanOptions {
        let o = &self.options;
        PlanOptions {
            layouts: LayoutKind::ALL
                .into_iter()
                .filter(|l| o.layouts.contains(l))
                .collect(),
            standby_modes: StandbyMode::ALL
                .into_iter()
                .filter(|m| o.standby_modes.contains(m))
                .collect(),
            seed,
            ..o.clone()
        }
    }
}

fn preset(quick: bool) -> PlanOptions {
    if quick {
        PlanOptions::quick()
    } else {
        PlanOptions::default()
    }
}

/// A finished plan and what it was planned on.
#[derive(Clone, Debug)]
pub struct PlanResult {
    pub report: PlanReport,
    /// The scenario planned: its regions are the candidates, its `[slo]` the objectives.
    pub base: Scenario,
    pub options: PlanOptions,
    /// Wall-clock seconds the plan took (shown only).
    pub wall_s: f64,
}

impl PlanResult {
    /// The scenario of design `i` in the user's own conditions, named after the design:
    /// its regions, instances and layout options, with the candidates' scenario's diurnal
    /// curve, duration and failures (those that name a region of the design). The planner
    /// itself simulated the design at peak and without failures; loading it where the
    /// user's outages happen is how they see what it does in them.
    pub fn design_scenario(&self, i: usize) -> Option<Scenario> {
        let row = self.report.designs.get(i)?;
        let own_conditions = PlanOptions {
            at_peak: false,
            keep_failures: true,
            duration: None,
            ..self.options.clone()
        };
        let mut s = design_scenario(&self.base, &row.design, &own_conditions);
        s.name = format!("{} — plan #{} {}", self.base.name, i + 1, row.layout);
        Some(s)
    }

    /// How many designs ended with `status`.
    pub fn count(&self, status: Status) -> usize {
        self.report
            .designs
            .iter()
            .filter(|d| d.status == status)
            .count()
    }
}

/// Everything the app knows about planning.
#[derive(Debug, Default)]
pub struct PlannerState {
    pub settings: PlanSettings,
    pub job: Option<PlanJob>,
    pub result: Option<PlanResult>,
    /// The design last loaded into the editor (an index into the result's designs).
    pub loaded: Option<usize>,
    /// Where the Pareto scatter was last drawn (plot ↔ screen), for hit tests and tests.
    pub plot_transform: Option<egui_plot::PlotTransform>,
}

/// What the Planner tab asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum PlanCommand {
    SetSettings(Box<PlanSettings>),
    /// Plan the scenario as it is in the editor.
    Start,
    /// Stop the running plan at its next check (between runs).
    Cancel,
    /// Put design `i` of the last plan into the editor, then compare it.
    LoadDesign(usize),
    /// Put the scenario the last plan was made on back into the editor.
    RestoreCandidates,
    /// Write `designs.csv` and `pareto.csv` of the last plan into a folder.
    Export(PathBuf),
    /// Ask for the folder to export into.
    ExportDialog,
}

impl From<PlanCommand> for Command {
    fn from(c: PlanCommand) -> Self {
        Command::Plan(c)
    }
}

/// The names of the user areas: the scenario's, or the catalog's when it lists none (as
/// validation resolves them).
pub fn area_names(s: &Scenario, catalog: &Catalog) -> Vec<String> {
    if s.areas.is_empty() {
        catalog.default_area_names()
    } else {
        s.areas.iter().map(|a| a.name.clone()).collect()
    }
}

/// Carries out one planner command; returns what should happen next.
pub fn handle(st: &mut AppState, cmd: PlanCommand, ctx: &Context) -> Vec<Command> {
    match cmd {
        PlanCommand::SetSettings(s) => st.planner.settings = *s,
        PlanCommand::Start => start(st, ctx),
        PlanCommand::Cancel => {
            if let Some(job) = &st.planner.job {
                job.cancel();
                st.message = Some(Message::info(
                    "cancelling the plan (the runs in progress finish first)…",
                ));
            }
        }
        PlanCommand::LoadDesign(i) => {
            let Some(res) = &st.planner.result else {
                st.message = Some(Message::error("no plan yet: press ▶ Plan first"));
                return Vec::new();
            };
            let Some(s) = res.design_scenario(i) else {
                st.message = Some(Message::error(format!("the plan has no design #{}", i + 1)));
                return Vec::new();
            };
            st.set_scenario(s);
            st.planner.loaded = Some(i);
            // The comparison shows the design next to the other two layouts on its regions.
            return vec![Command::ShowTab(Tab::Compare), Command::Compare];
        }
        PlanCommand::RestoreCandidates => {
            if let Some(res) = &st.planner.result {
                let base = res.base.clone();
                st.set_scenario(base);
                st.planner.loaded = None;
                st.message = Some(Message::info(
                    "the scenario the plan was made on is back in the editor",
                ));
            }
        }
        PlanCommand::Export(dir) => {
            st.message = Some(match export(&dir, st.planner.result.as_ref()) {
                Ok(files) => Message::info(format!(
                    "wrote {} into {}",
                    files.join(" and "),
                    dir.display()
                )),
                Err(e) => Message::error(e),
            })
        }
        // Dialogs belong to the app; it handles this one before it gets here.
        PlanCommand::ExportDialog => {}
    }
    Vec::new()
}

fn start(st: &mut AppState, ctx: &Context) {
    if st.planner.job.is_some() {
        return;
    }
    if !st.is_valid() {
        st.message = Some(Message::error(format!(
            "the scenario has {} problem(s); fix them before planning (objectives in the \
             Planner tab, the rest in the editor)",
            st.errors.len()
        )));
        return;
    }
    let opts = st.planner.settings.options(st.scenario.seed);
    let problems = opts.problems();
    if !problems.is_empty() {
        st.message = Some(Message::error(format!(
            "cannot plan: {}",
            problems.join("; ")
        )));
        return;
    }
    let note = format!(
        "planning {} candidate regions; layouts: {}…",
        st.scenario.regions.len(),
        layout_names(&opts.layouts)
    );
    let wake = ctx.clone();
    match PlanJob::start(st.scenario.clone(), st.catalog.clone(), opts, move || {
        wake.request_repaint()
    }) {
        Ok(job) => {
            st.planner.job = Some(job);
            st.message = Some(Message::info(note));
        }
        Err(e) => {
            st.message = Some(Message::error(format!(
                "cannot start the planner thread: {e}"
            )))
        }
    }
}

/// Takes the worker's news; called once per frame by the app's logic.
pub fn poll(st: &mut AppState, ctx: &Context) {
    let Some(job) = st.planner.job.as_mut() else {
        return;
    };
    let Some(end) = job.poll() else {
        // Progress wakes the window itself; this only keeps the elapsed seconds going.
        ctx.request_repaint_after(std::time::Duration::from_secs(1));
        return;
    };
    let Some(job) = st.planner.job.take() else {
        return;
    };
    match end {
        PlanEnd::Finished(report) => {
            let res = PlanResult {
                report: *report,
                base: job.scenario.clone(),
                options: job.options.clone(),
                wall_s: job.started().elapsed().as_secs_f64(),
            };
            st.message = Some(Message::info(format!(
                "plan: {} designs, {} simulated in {} runs, {} feasible ({:.1} s)",
                res.report.designs.len(),
                res.count(Status::Feasible) + res.count(Status::Infeasible),
                res.report.runs,
                res.count(Status::Feasible),
                res.wall_s
            )));
            st.planner.result = Some(res);
            st.planner.loaded = None;
        }
        PlanEnd::Failed(e) => st.message = Some(Message::error(format!("the plan failed: {e}"))),
        PlanEnd::Cancelled => st.message = Some(Message::info("plan cancelled")),
    }
}

/// Writes `designs.csv` and `pareto.csv` (the same files as `regionsim plan`) into `dir`.
fn export(dir: &Path, res: Option<&PlanResult>) -> Result<Vec<String>, String> {
    let res = res.ok_or("nothing to export yet: run a plan first")?;
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create the folder {}: {e}", dir.display()))?;
    let files = [
        ("designs.csv", report::designs_csv(&res.report)),
        ("pareto.csv", report::pareto_csv(&res.report)),
    ];
    let mut written = Vec::new();
    for (name, bytes) in files {
        let path = dir.join(name);
        bytes
            .and_then(|b| write_atomic(&path, &b))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        written.push(name.to_string());
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::experiment::plan::PlanAutoscaling;

    #[test]
    fn settings_follow_the_command_lines_presets() {
        let s = PlanSettings::default();
        let o = s.options(42);
        assert_eq!(
            o,
            PlanOptions {
                seed: 42,
                ..PlanOptions::quick()
            }
        );
        let mut full = s.clone();
        full.set_quick(false);
        full.options.layouts = vec![LayoutKind::Sharded, LayoutKind::ActiveActive];
        let o = full.options(1);
        assert_eq!(o.replications, PlanOptions::default().replications);
        assert_eq!(o.duration, None);
        assert!(o.at_peak && !o.keep_failures && o.standby_modes.is_empty());
        full.options.standby_modes = vec![StandbyMode::Cold, StandbyMode::Hot];
        full.options.at_peak = false;
        full.options.keep_failures = true;
        full.options.autoscaling = Some(PlanAutoscaling::default());
        let o = full.options(1);
        assert_eq!(o.autoscaling, Some(PlanAutoscaling::default()));
        assert_eq!(o.standby_modes, vec![StandbyMode::Hot, StandbyMode::Cold]);
        assert!(!o.at_peak && o.keep_failures);
        // Passed in LayoutKind::ALL order whatever order they were ticked in.
        assert_eq!(
            o.layouts,
            vec![LayoutKind::ActiveActive, LayoutKind::Sharded]
        );
        // Back to quick: the preset's numbers, the user's choices kept.
        full.set_quick(true);
        let o = full.options(1);
        assert_eq!(o.replications, PlanOptions::quick().replications);
        assert_eq!(o.duration, PlanOptions::quick().duration);
        assert!(!o.at_peak && o.keep_failures);
        assert_eq!(o.standby_modes, vec![StandbyMode::Hot, StandbyMode::Cold]);
        assert_eq!(o.autoscaling, Some(PlanAutoscaling::default()), "kept");
    }

    #[test]
    fn export_without_a_plan_is_an_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert!(export(dir.path(), None).is_err());
    }
}

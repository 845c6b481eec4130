//! The comparison view: a table of the headline numbers with the best per row
//! highlighted, and the charts of [`super::charts`] and [`super::time_charts`].
//!
//! With replications or a pinned baseline the table is [`super::baseline`]'s: means with
//! their 95 % intervals, and the differences B − A to the baseline.

use super::{baseline, charts, estimates, layout_color, time_charts, Commands};
use super::{BEST_COLOR, ERROR_COLOR, WARNING_COLOR};
use crate::ab::{Baseline, TimeChart};
use crate::state::{Estimates, Results};
use crate::Command;
use egui::{Grid, RichText, Ui};
use sim_core::experiment::RunResult;
use sim_core::metrics::RunSummary;
use sim_core::scenario::LayoutKind;

/// What the view shows.
pub struct CompareView<'a> {
    pub results: Option<&'a Results>,
    /// The scenario was edited after these results were computed.
    pub stale: bool,
    pub timeline_layout: LayoutKind,
    /// The instant analytic estimates of the scenario being edited.
    pub estimates: &'a Estimates,
    /// How far a running comparison is, if one is running.
    pub running: Option<f32>,
    /// The results pinned as A, if any.
    pub baseline: Option<&'a Baseline>,
}

pub use sim_core::report::{Better, Row};

/// Beside results of a scenario edited since.
pub const STALE: &str = "⚠ the scenario changed since: run again";

/// Beside the previous results while a new comparison runs (`fraction` done).
pub fn running_again(fraction: f32) -> String {
    format!(
        "⏳ running again, {:.0} % done: these are the previous results",
        100.0 * fraction
    )
}

/// The summary rows for `runs`, in table order: the same rows as the HTML report
/// ([`sim_core::report::summary_rows`]).
pub fn summary_rows(runs: &[RunResult]) -> Vec<Row> {
    let s: Vec<&RunSummary> = runs.iter().map(|r| &r.summary).collect();
    sim_core::report::summary_rows(&s)
}

/// One paragraph that reads the table for the user; the report prints the same one
/// ([`sim_core::report::verdict`]).
pub fn verdict(runs: &[RunResult]) -> String {
    let s: Vec<&RunSummary> = runs.iter().map(|r| &r.summary).collect();
    sim_core::report::verdict(&s)
}

pub fn show(ui: &mut Ui, view: &CompareView<'_>) -> Commands {
    let mut cmds = Commands::new();
    let Some(res) = view.results else {
        ui.add_space(24.0);
        ui.vertical_centered(|ui| match view.running {
            Some(f) => {
                ui.heading(format!("Simulating the three layouts… {:.0} %", 100.0 * f));
                ui.label("Meanwhile, what the analytic model says:");
            }
            None => {
                ui.heading("No simulation results yet");
                ui.label("Press ▶ Compare (Ctrl+R) to run the three layouts on this scenario.");
            }
        });
        ui.add_space(12.0);
        estimates::show(ui, view.estimates);
        return cmds;
    };
    let runs = &res.runs;
    ui.horizontal_wrapped(|ui| {
        ui.heading(format!(
            "{} — seed {}",
            res.scenario.name, res.scenario.seed
        ));
        ui.label(format!(
            "{} simulated after {} warm-up · {:.0} req/s peak",
            res.scenario.duration, res.scenario.warmup, res.scenario.workload.peak_rps
        ));
        match (view.running, view.stale) {
            // A second run keeps the first's results on screen until its own are in: say
            // which these are, not "run again" while it runs.
            (Some(f), _) => {
                ui.colored_label(WARNING_COLOR, running_again(f));
            }
            (None, true) => {
                ui.colored_label(ERROR_COLOR, STALE);
            }
            (None, false) => {}
        }
    });
    cmds.extend(baseline::toolbar(ui, view.baseline));
    // eframe restores egui's memory, scroll offsets included, from the last session: the
    // first results of a new session opened halfway down, the verdict out of sight. An id
    // of this process starts them at the top; within a session a re-run keeps its place.
    egui::ScrollArea::vertical()
        .id_salt(("compare-results", std::process::id()))
        .show(ui, |ui| {
            if res.samples.count() > 1 || view.baseline.is_some() {
                // Intervals and differences need the width of the view.
                baseline::table(ui, res, view.baseline);
                ui.add_space(8.0);
                super::responsive::pair(
                    ui,
                    |ui| estimates::show(ui, view.estimates),
                    |ui| charts::cost(ui, runs, 240.0),
                );
            } else {
                super::responsive::pair(
                    ui,
                    |ui| {
                        table(ui, runs);
                        ui.add_space(8.0);
                        estimates::show(ui, view.estimates);
                    },
                    |ui| charts::cost(ui, runs, 240.0),
                );
            }
            ui.separator();
            super::bill::show(ui, runs);
            ui.separator();
            super::responsive::pair(
                ui,
                |ui| charts::latency_cdf(ui, runs, 260.0),
                |ui| charts::area_p99(ui, runs, 260.0),
            );
            ui.separator();
            ui.columns(2, |cols| {
                for (col, which) in cols
                    .iter_mut()
                    .zip([TimeChart::Latency, TimeChart::Availability])
                {
                    cmds.extend(time_charts::show(col, res, which, 220.0));
                }
            });
            ui.separator();
            ui.horizontal(|ui| {
                ui.strong("Timeline per region of");
                for l in LayoutKind::ALL {
                    let text = RichText::new(l.name()).color(layout_color(l));
                    if ui
                        .selectable_label(view.timeline_layout == l, text)
                        .clicked()
                    {
                        cmds.push(Command::SetTimelineLayout(l));
                    }
                }
            });
            if let Some(r) = runs.iter().find(|r| r.layout() == view.timeline_layout) {
                let windows = charts::failure_windows(&res.scenario);
                charts::timeline(ui, r, &windows, 200.0);
                let l = view.timeline_layout;
                cmds.extend(time_charts::save_buttons(
                    ui,
                    &[TimeChart::RegionFailed(l), TimeChart::RegionP99(l)],
                ));
            }
        });
    cmds
}

fn table(ui: &mut Ui, runs: &[RunResult]) {
    ui.label(verdict(runs));
    ui.add_space(4.0);
    ui.strong("Summary (best per row in green)");
    let layouts: Vec<LayoutKind> = runs.iter().map(|r| r.layout()).collect();
    grid(ui, "summary", &layouts, summary_rows(runs));
}

/// A table with one column per layout and the best value of each row in green.
pub fn grid(ui: &mut Ui, id: &str, layouts: &[LayoutKind], rows: Vec<Row>) {
    Grid::new(id)
        .striped(true)
        .num_columns(layouts.len() + 1)
        .spacing([18.0, 4.0])
        .show(ui, |ui| {
            ui.label("");
            for l in layouts {
                ui.label(RichText::new(l.name()).strong().color(layout_color(*l)));
            }
            ui.end_row();
            for row in rows {
                ui.label(row.name);
                let best = row.best();
                for i in 0..layouts.len() {
                    let text = RichText::new(row.format(i)).monospace();
                    ui.label(if best.contains(&i) {
                        text.color(BEST_COLOR).strong()
                    } else {
                        text
                    });
                }
                ui.end_row();
            }
        });
}

//! A vs B in the compare view: the baseline controls, the table of means with their 95 %
//! intervals, the differences to a pinned baseline, and the Report menu.
//!
//! The table has one column per layout and, with a baseline that pairs with these
//! results, a "B − A" column beside each: the mean paired difference with its 95 %
//! interval ([`crate::ab`]). A difference whose interval excludes 0 is marked, and says
//! "better" or "worse" in words as well as in colour, by the metric's direction
//! ([`sim_core::report::Better`]). Rows, labels, units and rounding are the report's
//! ([`sim_core::report::rows::shown`]), so the screen and the HTML file read the same.

use super::{layout_color, Commands, BEST_COLOR, ERROR_COLOR, WARNING_COLOR};
use crate::ab::{against, AbCommand, Baseline};
use crate::dialogs::DialogKind;
use crate::state::Results;
use crate::Command;
use egui::{Grid, RichText, Ui};
use sim_core::metrics::{Metric, MetricDifference, MetricInterval};
use sim_core::report::rows::{shown, SHOWN};
use sim_core::report::Row;

/// The button that pins the results as A.
pub const PIN: &str = "Pin as baseline";
pub const CLEAR: &str = "Clear baseline";
/// The compare view's report button (the Report menu has its own entries).
pub const EXPORT: &str = "Export report…";
/// The heading of a difference column.
pub const DIFFERENCE: &str = "B − A";

/// Pin / clear the baseline, what is pinned, and the report button.
pub fn toolbar(ui: &mut Ui, baseline: Option<&Baseline>) -> Commands {
    let mut cmds = Commands::new();
    ui.horizontal_wrapped(|ui| {
        let pin = ui.button(PIN).on_hover_text(
            "keep these results as A; then edit the scenario (or open another), Compare \
             again, and read each number's difference B − A with its 95 % interval",
        );
        if pin.clicked() {
            cmds.push(AbCommand::Pin.into());
        }
        if let Some(b) = baseline {
            ui.label(format!(
                "baseline A: “{}” · {} replication{} · seed {}",
                b.scenario.name,
                b.samples.count(),
                if b.samples.count() == 1 { "" } else { "s" },
                b.samples.seed
            ));
            if ui.button(CLEAR).clicked() {
                cmds.push(AbCommand::ClearBaseline.into());
            }
        }
        ui.separator();
        let export = ui.button(EXPORT).on_hover_text(
            "one self-contained HTML page to share: the tables, the verdict, the charts, \
             and the scenario with its SHA-256, seed and version",
        );
        if export.clicked() {
            cmds.push(AbCommand::ExportReportDialog.into());
        }
    });
    cmds
}

/// The Report menu of the menu bar.
pub fn report_menu(ui: &mut Ui, has_results: bool) -> Commands {
    let mut cmds = Commands::new();
    ui.menu_button("Report", |ui| {
        let items = [
            (
                "Export report (HTML)…",
                AbCommand::ExportReportDialog.into(),
            ),
            (
                "Export report to a typed path…",
                Command::PromptPath(DialogKind::ReportFile),
            ),
        ];
        for (text, cmd) in items {
            if ui
                .add_enabled(has_results, egui::Button::new(text))
                .clicked()
            {
                cmds.push(cmd);
                ui.close();
            }
        }
        if !has_results {
            ui.weak("run Compare first");
        }
    });
    cmds
}

/// `x` of metric `m` as shown, with `± half-width` when there is an interval.
fn plus_minus(m: Metric, x: String, lo: Option<f64>, hi: Option<f64>) -> String {
    let sh = shown(m);
    let mut s = x;
    if let (Some(lo), Some(hi)) = (lo, hi) {
        s.push_str(&format!(" ± {}", sh.number((hi - lo) / 2.0)));
    }
    if !sh.unit.is_empty() {
        s.push(' ');
        s.push_str(sh.unit);
    }
    s
}

/// A mean with the half-width of its 95 % interval: `12.3 ± 0.4 ms`. An RTO of 0 in
/// every replication is "none": no region outage took users down (a zone outage or a
/// follow-the-sun handover may have: that is downtime, not an RTO), as the summary says.
pub fn value_cell(m: Metric, r: &MetricInterval) -> String {
    let zero = |v: Option<f64>| v.is_none_or(|v| v == 0.0);
    let (lo, hi) = (r.ci95_low.map(|f| f.value), r.ci95_high.map(|f| f.value));
    if m == Metric::Rto && r.mean.value == 0.0 && zero(lo) && zero(hi) {
        return "none".to_string();
    }
    plus_minus(
        m,
        shown(m).number(r.mean.value),
        r.ci95_low.map(|f| f.value),
        r.ci95_high.map(|f| f.value),
    )
}

/// Whether a difference is a change for the better (`Some(true)`), for the worse
/// (`Some(false)`), or neither / not told apart from 0 at the 95 % level (`None`).
pub fn direction(m: Metric, d: &MetricDifference) -> Option<bool> {
    sim_core::report::rows::change(m, d)
}

/// A mean difference B − A with a sign and its paired half-width, marked when it is
/// better or worse at 95 %: `+120 ± 0 USD · worse`.
pub fn difference_cell(m: Metric, d: &MetricDifference) -> String {
    let sh = shown(m);
    let x = sh.scale * d.difference.value;
    // What rounds to zero is +0, never "−0.0".
    let zero = (x * 10f64.powi(sh.decimals as i32)).round() == 0.0;
    let x = format!("{:+.*}", sh.decimals, if zero { 0.0 } else { x });
    let s = plus_minus(
        m,
        x,
        d.ci95_low.map(|f| f.value),
        d.ci95_high.map(|f| f.value),
    );
    match direction(m, d) {
        Some(true) => format!("{s} · better"),
        Some(false) => format!("{s} · worse"),
        None => s,
    }
}

/// Beside results that are the pinned baseline itself.
pub const PINNED: &str =
    "These results are the baseline (A). Edit the scenario and Compare again: \
     the next results (B) are shown against them, B − A with its 95 % interval.";

/// The verdict tells one run's story (its outages, downtime and losses); with several
/// replications it is replication 0's, and says so beside the table of means.
pub fn verdict_of_replications(runs: &[sim_core::experiment::RunResult], n: usize) -> String {
    let v = super::compare::verdict(runs);
    if n > 1 {
        format!("In replication 0 of {n} (the table below gives means over all {n}): {v}")
    } else {
        v
    }
}

/// The verdict, notes on the pairing, and the table of means (± 95 %) with the
/// differences to the baseline.
pub fn table(ui: &mut Ui, res: &Results, baseline: Option<&Baseline>) {
    let n = res.samples.count();
    ui.label(verdict_of_replications(&res.runs, n));
    ui.add_space(4.0);
    // Just pinned, the results are the baseline: B − A would be "+0 ± 0" in every row.
    let is_baseline =
        baseline.is_some_and(|b| b.samples == res.samples && b.scenario == res.scenario);
    if is_baseline {
        ui.label(PINNED);
    }
    let paired = baseline
        .filter(|_| !is_baseline)
        .map(|b| (b, against(res, b)));
    let diffs = match &paired {
        Some((b, Ok(p))) => {
            ui.label(format!(
                "{DIFFERENCE}: these results (B) minus the baseline “{}” (A), mean of the \
                 paired differences ± its 95 % interval; marked better (green) or worse \
                 (red) where the interval excludes 0.",
                b.scenario.name
            ));
            if !p.common_random_numbers {
                ui.colored_label(
                    WARNING_COLOR,
                    format!(
                        "The baseline ran on seed {} and these results on seed {}: the \
                         pairs do not share random numbers, so the intervals are valid \
                         but wider. Set the seed back to {} to pair them.",
                        b.samples.seed, res.samples.seed, b.samples.seed
                    ),
                );
            }
            if n < 2 {
                ui.colored_label(
                    WARNING_COLOR,
                    "With one replication a difference has no interval: set Replications \
                     to 2 or more, Compare, pin, edit and Compare again.",
                );
            }
            Some(p.rows.as_slice())
        }
        Some((_, Err(e))) => {
            ui.colored_label(
                ERROR_COLOR,
                format!("⚠ Not comparable with the baseline: {e}."),
            );
            None
        }
        None => None,
    };
    ui.strong(if n > 1 {
        format!("Mean ± 95 % interval over {n} replications (best mean per row in green)")
    } else {
        "Summary (best per row in green)".to_string()
    });
    let intervals = res.samples.intervals();
    let layouts = &res.samples.layouts;
    egui::ScrollArea::horizontal()
        .id_salt("ab-table-scroll")
        .show(ui, |ui| {
            let per_layout = if diffs.is_some() { 2 } else { 1 };
            Grid::new("ab-table")
                .striped(true)
                .num_columns(1 + per_layout * layouts.len())
                .spacing([16.0, 4.0])
                .show(ui, |ui| {
                    ui.label("");
                    for &l in layouts {
                        ui.label(RichText::new(l.name()).strong().color(layout_color(l)));
                        if diffs.is_some() {
                            ui.label(RichText::new(DIFFERENCE).strong().color(layout_color(l)));
                        }
                    }
                    ui.end_row();
                    for m in SHOWN {
                        let sh = shown(m);
                        ui.label(sh.label);
                        let cells: Vec<Option<&MetricInterval>> = layouts
                            .iter()
                            .map(|&l| {
                                intervals
                                    .iter()
                                    .find(|r| r.layout == l && r.metric == m.name())
                            })
                            .collect();
                        let best = Row {
                            name: sh.label,
                            values: cells
                                .iter()
                                .map(|c| c.map_or(f64::NAN, |r| sh.scale * r.mean.value))
                                .collect(),
                            better: sh.better,
                            decimals: sh.decimals,
                            unit: "",
                        }
                        .best();
                        for (i, (&l, cell)) in layouts.iter().zip(&cells).enumerate() {
                            let text =
                                RichText::new(cell.map_or_else(String::new, |r| value_cell(m, r)))
                                    .monospace();
                            ui.label(if best.contains(&i) {
                                text.color(BEST_COLOR).strong()
                            } else {
                                text
                            });
                            if let Some(rows) = diffs {
                                difference(
                                    ui,
                                    m,
                                    rows.iter().find(|d| d.layout == l && d.metric == m.name()),
                                );
                            }
                        }
                        ui.end_row();
                    }
                });
        });
}

fn difference(ui: &mut Ui, m: Metric, d: Option<&MetricDifference>) {
    let Some(d) = d else {
        ui.label("");
        return;
    };
    let text = RichText::new(difference_cell(m, d)).monospace();
    ui.label(match direction(m, d) {
        Some(true) => text.color(BEST_COLOR).strong(),
        Some(false) => text.color(ERROR_COLOR).strong(),
        None => text,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::metrics::replicated::Fixed;
    use sim_core::scenario::LayoutKind;

    fn interval(mean: f64, ci: Option<(f64, f64)>) -> MetricInterval {
        let f = |value| Fixed { value, decimals: 1 };
        MetricInterval {
            layout: LayoutKind::ActiveActive,
            metric: "rto_s",
            unit: "s",
            replications: if ci.is_some() { 5 } else { 1 },
            mean: f(mean),
            ci95_low: ci.map(|c| f(c.0)),
            ci95_high: ci.map(|c| f(c.1)),
        }
    }

    /// Found by a person driving the app: "observed RTO 0.0 s" next to 286 s of downtime
    /// (a zone outage: users down, but no region outage to have an RTO).
    #[test]
    fn an_rto_of_zero_in_every_replication_is_none() {
        assert_eq!(value_cell(Metric::Rto, &interval(0.0, None)), "none");
        let all_zero = interval(0.0, Some((0.0, 0.0)));
        assert_eq!(value_cell(Metric::Rto, &all_zero), "none");
        let some = interval(12.0, Some((10.0, 14.0)));
        assert_eq!(value_cell(Metric::Rto, &some), "12.0 ± 2.0 s");
        // Other metrics keep their zero.
        let down = interval(0.0, None);
        assert_eq!(value_cell(Metric::Downtime, &down), "0.0 s");
    }
}

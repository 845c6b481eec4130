//! The comparison view: a table of the headline numbers with the best per row
//! highlighted, and the charts of [`super::charts`].

use super::{charts, estimates, layout_color, Commands, BEST_COLOR, ERROR_COLOR};
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
}

/// Which value of a row is best.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Better {
    Lower,
    Higher,
    /// Not a figure of merit (e.g. request counts).
    Neither,
}

/// One row of the summary table.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub name: &'static str,
    pub values: Vec<f64>,
    pub better: Better,
    /// Decimal places; `unit` is appended.
    pub decimals: usize,
    pub unit: &'static str,
}

impl Row {
    /// Indices of the best values as shown (ties share it); none when every value ties or
    /// the row is not a figure of merit.
    pub fn best(&self) -> Vec<usize> {
        let scale = 10f64.powi(self.decimals as i32);
        let key: Vec<f64> = self
            .values
            .iter()
            .map(|&v| match self.better {
                Better::Lower => -(v * scale).round(),
                Better::Higher => (v * scale).round(),
                Better::Neither => 0.0,
            })
            .collect();
        if self.better == Better::Neither || key.iter().all(|k| *k == key[0]) {
            return Vec::new();
        }
        let top = key.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        (0..key.len()).filter(|&i| key[i] == top).collect()
    }

    pub fn format(&self, i: usize) -> String {
        format!("{:.*}{}", self.decimals, self.values[i], self.unit)
    }
}

/// The summary rows for `runs`, in table order: figures of their [`RunSummary`]s.
pub fn summary_rows(runs: &[RunResult]) -> Vec<Row> {
    let row = |name, better, decimals, unit, f: &dyn Fn(&RunSummary) -> f64| Row {
        name,
        values: runs.iter().map(|r| f(&r.summary)).collect(),
        better,
        decimals,
        unit,
    };
    use Better::*;
    vec![
        row("requests", Neither, 0, "", &|r| r.requests as f64),
        row("availability in this run", Higher, 4, " %", &|r| {
            100.0 * r.availability
        }),
        row("failed requests", Lower, 0, "", &|r| r.failed as f64),
        // The failure story: how long users were down, what was lost, what it took.
        row("downtime (users down)", Lower, 0, " s", &|r| r.downtime_s),
        row("observed RTO", Lower, 0, " s", &|r| r.rto_s),
        row("lost writes", Lower, 0, "", &|r| r.lost_writes as f64),
        row("observed RPO", Lower, 3, " s", &|r| r.rpo_s),
        row("failovers", Neither, 0, "", &|r| r.failovers as f64),
        row("retried attempts", Lower, 0, "", &|r| r.retries as f64),
        row("p50 latency", Lower, 1, " ms", &|r| r.p50_ms),
        row("p99 latency", Lower, 1, " ms", &|r| r.p99_ms),
        row("p99.9 latency", Lower, 1, " ms", &|r| r.p999_ms),
        row("read p99", Lower, 1, " ms", &|r| r.read_p99_ms),
        row("write p99", Lower, 1, " ms", &|r| r.write_p99_ms),
        row("stale reads", Lower, 3, " %", &|r| {
            100.0 * r.stale_read_fraction
        }),
        row("write conflicts", Lower, 0, "", &|r| r.conflicts as f64),
        row("residency violations", Lower, 0, "", &|r| {
            r.residency_violations as f64
        }),
        row("cost per month", Lower, 0, " USD", &|r| r.cost_usd_month),
    ]
}

/// One paragraph that reads the table for the user: which layout is cheapest and fastest,
/// how long each layout's users were down and what they lost.
pub fn verdict(runs: &[RunResult]) -> String {
    let s: Vec<&RunSummary> = runs.iter().map(|r| &r.summary).collect();
    let (Some(cheap), Some(fast)) = (
        s.iter()
            .min_by(|a, b| a.cost_usd_month.total_cmp(&b.cost_usd_month)),
        s.iter().min_by(|a, b| a.p99_ms.total_cmp(&b.p99_ms)),
    ) else {
        return String::new();
    };
    let mut out = if cheap.layout == fast.layout {
        format!(
            "{} is cheapest ({:.0} USD/month) and fastest (p99 {:.0} ms).",
            cheap.layout, cheap.cost_usd_month, fast.p99_ms
        )
    } else {
        format!(
            "{} is cheapest ({:.0} USD/month); {} is fastest (p99 {:.0} ms).",
            cheap.layout, cheap.cost_usd_month, fast.layout, fast.p99_ms
        )
    };
    for r in &s {
        let lost = match r.lost_writes {
            0 => "lost no acknowledged write".to_string(),
            n => format!("lost {n} acknowledged writes (RPO {:.1} s)", r.rpo_s),
        };
        if r.outages == 0 {
            out.push_str(&format!(" {}: no outage in this run, {lost}.", r.layout));
        } else if r.downtime_s == 0.0 {
            out.push_str(&format!(" {}: users were never down, {lost}.", r.layout));
        } else {
            out.push_str(&format!(
                " {}: users were down {:.0} s and recovered in {:.0} s (RTO); it {lost}.",
                r.layout, r.downtime_s, r.rto_s
            ));
        }
    }
    out
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
    ui.horizontal(|ui| {
        ui.heading(format!(
            "{} — seed {}",
            res.scenario.name, res.scenario.seed
        ));
        ui.label(format!(
            "{} simulated after {} warm-up · {:.0} req/s peak",
            res.scenario.duration, res.scenario.warmup, res.scenario.workload.peak_rps
        ));
        if view.stale {
            ui.colored_label(ERROR_COLOR, "⚠ the scenario changed since: run again");
        }
    });
    egui::ScrollArea::vertical().show(ui, |ui| {
        ui.columns(2, |cols| {
            table(&mut cols[0], runs);
            cols[0].add_space(8.0);
            estimates::show(&mut cols[0], view.estimates);
            charts::cost(&mut cols[1], runs, 240.0);
        });
        ui.separator();
        ui.columns(2, |cols| {
            charts::latency_cdf(&mut cols[0], runs, 260.0);
            charts::area_p99(&mut cols[1], runs, 260.0);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn row(values: Vec<f64>, better: Better) -> Row {
        Row {
            name: "x",
            values,
            better,
            decimals: 1,
            unit: "",
        }
    }

    #[test]
    fn best_follows_the_direction_and_shares_ties() {
        assert_eq!(row(vec![3.0, 1.0, 2.0], Better::Lower).best(), vec![1]);
        assert_eq!(row(vec![3.0, 1.0, 2.0], Better::Higher).best(), vec![0]);
        assert_eq!(row(vec![1.0, 1.04, 2.0], Better::Lower).best(), vec![0, 1]);
        assert!(row(vec![2.0, 2.0, 2.0], Better::Lower).best().is_empty());
        assert!(row(vec![3.0, 1.0, 2.0], Better::Neither).best().is_empty());
    }
}

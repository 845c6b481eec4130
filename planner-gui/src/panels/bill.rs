//! The itemised monthly bill of each layout: one line per region and part, as
//! `sim_core::model::cost` bills them.
//!
//! The compare view's cost chart says how much each layout costs by part; this says
//! *where* the money goes — which region's instances, which region's internet egress,
//! which region's replication traffic — so that a user can see why a layout is dear and
//! which region to trim. The lines are the model's own split ([`Cost::by_region`]: compute
//! per region; egress to the serving region; inter-region transfer to the region whose
//! writes are replicated), never recomputed here, and they add up to the total of the
//! summary table and the CSV.

use super::layout_color;
use egui::{Grid, RichText, Ui};
use sim_core::experiment::RunResult;
use sim_core::model::cost::Cost;

/// The title of the section.
pub const TITLE: &str = "Monthly bill, itemised (USD per month)";

/// A part of the bill.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// Instance-hours at the on-demand price.
    Compute,
    /// Inter-region transfer of replicated writes.
    Replication,
    /// Responses to users over the internet.
    Egress,
}

impl Part {
    pub const ALL: [Part; 3] = [Part::Compute, Part::Replication, Part::Egress];

    pub fn name(self) -> &'static str {
        match self {
            Part::Compute => "compute",
            Part::Replication => "replication transfer",
            Part::Egress => "internet egress",
        }
    }

    fn hint(self) -> &'static str {
        match self {
            Part::Compute => "billed instances × on-demand USD per instance-hour × 730.5 h",
            Part::Replication => {
                "writes × request bytes × inter-region USD per GB to each replica, billed to \
                 the region the writes commit at"
            }
            Part::Egress => {
                "requests × response bytes × internet egress USD per GB, billed to the \
                 serving region"
            }
        }
    }
}

/// One line of a bill.
#[derive(Clone, Debug, PartialEq)]
pub struct Line {
    pub region: String,
    pub part: Part,
    pub usd_per_month: f64,
}

/// The non-zero lines of `cost`, by region (the world's order) then part.
pub fn lines(cost: &Cost) -> Vec<Line> {
    cost.by_region
        .iter()
        .flat_map(|r| {
            Part::ALL.into_iter().map(move |part| Line {
                region: r.region.clone(),
                part,
                usd_per_month: match part {
                    Part::Compute => r.compute,
                    Part::Replication => r.transfer,
                    Part::Egress => r.egress,
                },
            })
        })
        .filter(|l| l.usd_per_month != 0.0)
        .collect()
}

/// The id of layout `run`'s bill table (for tests).
pub fn grid_id(run: &RunResult) -> String {
    format!("bill-{}", run.layout().name())
}

/// The section: one collapsible table per layout.
pub fn show(ui: &mut Ui, runs: &[RunResult]) {
    egui::CollapsingHeader::new(RichText::new(TITLE).strong())
        .id_salt("bill")
        .show(ui, |ui| {
            ui.weak(
                "Each region's share of each layout's monthly cost: compute is the region's \
                 instances; egress the responses to a month of the users' requests (all of \
                 them, failed ones too: the bill is the planned traffic, not this run's \
                 failures), split by where the run served each area; replication the transfer of the \
                 writes committed there (a failover's moved writes stay with their planned \
                 region). The lines add up to the summary's cost per month.",
            );
            for run in runs {
                layout_bill(ui, run);
            }
        });
}

fn layout_bill(ui: &mut Ui, run: &RunResult) {
    let c = &run.cost;
    let head = RichText::new(format!(
        "{} — {} per month",
        run.layout().name(),
        usd(c.total())
    ))
    .color(layout_color(run.layout()));
    egui::CollapsingHeader::new(head)
        .id_salt(grid_id(run))
        .default_open(true)
        .show(ui, |ui| {
            Grid::new(grid_id(run))
                .striped(true)
                .num_columns(Part::ALL.len() + 2)
                .spacing([14.0, 3.0])
                .show(ui, |ui| {
                    ui.strong("region");
                    for p in Part::ALL {
                        ui.strong(p.name()).on_hover_text(p.hint());
                    }
                    ui.strong("total");
                    ui.end_row();
                    for r in c.by_region.iter().filter(|r| r.total() != 0.0) {
                        ui.label(&r.region);
                        for v in [r.compute, r.transfer, r.egress] {
                            ui.monospace(usd(v));
                        }
                        ui.monospace(RichText::new(usd(r.total())).strong());
                        ui.end_row();
                    }
                    ui.strong("all regions");
                    for v in [c.compute, c.transfer, c.egress] {
                        ui.monospace(RichText::new(usd(v)).strong());
                    }
                    ui.monospace(RichText::new(usd(c.total())).strong());
                    ui.end_row();
                });
            if !c.unpriced.is_empty() {
                ui.colored_label(
                    super::WARNING_COLOR,
                    format!(
                        "⚠ no instance price for {}: their compute counts as $0",
                        c.unpriced.join(", ")
                    ),
                );
            }
        });
}

/// Dollars with thousands separators and cents: `$12,345.67`.
pub fn usd(v: f64) -> String {
    let cents = (v * 100.0).round() as i64;
    let (sign, cents) = if cents < 0 {
        ("-", -cents)
    } else {
        ("", cents)
    };
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, ch) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    format!("{sign}${grouped}.{:02}", cents % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_are_grouped() {
        assert_eq!(usd(0.0), "$0.00");
        assert_eq!(usd(12.345), "$12.35");
        assert_eq!(usd(1234567.891), "$1,234,567.89");
        assert_eq!(usd(-1000.0), "-$1,000.00");
    }
}

//! The Planner tab's table of ranked designs: one row per design with a button that loads
//! it into the editor, its layout, regions and instances, the simulated (or, ≈, analytic)
//! cost, p99 and availability, and its status with the reasons under it. Kept apart from
//! [`super::planner`], which lays out the tab, because its column widths are a budget of
//! their own (measured at 1400 × 900; see `show`).

use super::planner::{load_label, PlannerView, AUTOSCALED};
use super::{layout_color, Commands, BEST_COLOR, ERROR_COLOR};
use crate::planner::{PlanCommand, PlanResult};
use egui::{Grid, RichText, Ui};
use sim_core::experiment::plan::{DesignRow, Status};
use sim_core::scenario::LayoutKind;

/// The designs table's columns: short headers, each with its units in a tooltip, so that
/// the table fits the width left at 1400 × 900 with both side panels open (no horizontal
/// scroll). The regions and the reasons wrap in the room that is left.
pub const COLUMNS: [(&str, &str); 7] = [
    ("", "load the design into the editor and compare it"),
    (
        "layout",
        "AP: active-passive, with its standby's mode (hot, warm, cold) · AA: active-active · \
         SH: sharded; SH+sb: each shard with an asynchronous standby · auto: autoscaled",
    ),
    (
        "regions × instances",
        "each region and its instances (the provider prefix is left out when the design \
         has one provider; hover a row for the full ids)",
    ),
    (
        "$/mo",
        "USD per month: the simulated mean; ≈ the analytic estimate of a design not simulated",
    ),
    (
        "p99",
        "ms, all users: the mean over replications (in brackets the upper end of its 95 % \
         interval); ≈ the queueing model's prediction",
    ),
    ("avail.", "% of requests served, simulated"),
    (
        "status · why",
        "feasible, infeasible (missed an objective in simulation), not simulated or pruned; \
         · front: on the Pareto front. Under it, the figures that meet or miss each objective",
    ),
];

/// The short name of a layout in the table.
pub fn layout_abbrev(l: LayoutKind) -> &'static str {
    match l {
        LayoutKind::ActivePassive => "AP",
        LayoutKind::ActiveActive => "AA",
        LayoutKind::Sharded => "SH",
    }
}

/// The layout column of a design: the layout's short name, its standby (`AP hot`, `SH+sb`:
/// two designs on the same regions that differ only there cost and survive differently,
/// and read alike without it) and `auto` for an autoscaled design (its instances are its
/// policy's maximum). The full name is the cell's tooltip.
pub fn layout_cell(d: &DesignRow) -> String {
    let shape = &d.design.shape;
    let mut name = layout_abbrev(shape.layout).to_string();
    match shape.layout {
        LayoutKind::ActivePassive => {
            // `active-passive/hot`: the mode is in the row's full name.
            if let Some(mode) = d.layout.split('/').nth(1) {
                let mode = mode.split('+').next().unwrap_or(mode);
                name = format!("{name} {mode}");
            }
        }
        LayoutKind::Sharded if shape.sharded_standby => name.push_str("+sb"),
        _ => {}
    }
    if shape.autoscaled {
        name = format!("{name} {AUTOSCALED}");
    }
    name
}

/// `a;b` regions and `4;2` instances as `a ×4, b ×2`, without the provider prefix when
/// every region has the same one.
pub fn regions_cell(regions: &str, instances: &str) -> String {
    let ids: Vec<&str> = regions.split(';').collect();
    let providers: Vec<&str> = ids
        .iter()
        .filter_map(|i| i.split_once(':'))
        .map(|p| p.0)
        .collect();
    let one = providers.len() == ids.len() && providers.windows(2).all(|w| w[0] == w[1]);
    let counts: Vec<&str> = instances.split(';').collect();
    ids.iter()
        .enumerate()
        .map(|(k, id)| {
            let short = if one {
                id.split_once(':').map_or(*id, |p| p.1)
            } else {
                *id
            };
            match counts.get(k) {
                Some(n) => format!("{short} ×{n}"),
                None => short.to_string(),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A cell `width` points wide whose text wraps.
fn wrapped(ui: &mut Ui, width: f32, text: impl Into<egui::WidgetText>) {
    // As the status column: a zero-height allocation here started the text at the row's
    // middle, so a two-line cell ran into the next row (seen by hand under Xvfb).
    ui.vertical(|ui| {
        ui.set_width(width);
        ui.add(egui::Label::new(text).wrap());
    });
}

/// The ranked designs (feasible and infeasible; every design with "also pruned").
pub fn show(ui: &mut Ui, view: &PlannerView<'_>, res: &PlanResult, cmds: &mut Commands) {
    let shown: Vec<usize> = (0..res.report.designs.len())
        .filter(|&i| {
            view.settings.show_all
                || matches!(
                    res.report.designs[i].status,
                    Status::Feasible | Status::Infeasible
                )
        })
        .collect();
    if shown.is_empty() {
        ui.label("no design was simulated (see the reasons with “also pruned”)");
        return;
    }
    // The five narrow columns and the spacing take about FIXED points (a load button, the
    // layout, four-digit dollars, "1234 (1567)" ms, "99.9653"; measured at 1400 × 900 with
    // a plan of the examples: 330 was too few and cut the status column off); the two
    // wrapping columns share the rest (2 : 3), never narrower than a short region list.
    const FIXED: f32 = 410.0;
    let flexible = (ui.available_width() - FIXED).max(220.0);
    let widths = (flexible * 0.4, flexible * 0.6);
    egui::ScrollArea::vertical()
        .id_salt("plan-table")
        .auto_shrink([false, true])
        .show(ui, |ui| {
            Grid::new("plan-designs")
                .striped(true)
                .num_columns(COLUMNS.len())
                .spacing([10.0, 4.0])
                .show(ui, |ui| {
                    for (h, tip) in COLUMNS {
                        let r = ui.strong(h);
                        if !tip.is_empty() {
                            r.on_hover_text(tip);
                        }
                    }
                    ui.end_row();
                    for i in shown {
                        row(
                            ui,
                            i,
                            &res.report.designs[i],
                            res,
                            view.loaded,
                            widths,
                            cmds,
                        );
                        ui.end_row();
                    }
                });
        });
}

fn row(
    ui: &mut Ui,
    i: usize,
    d: &DesignRow,
    res: &PlanResult,
    loaded: Option<usize>,
    (regions_w, status_w): (f32, f32),
    cmds: &mut Commands,
) {
    let on_front = res.report.pareto.contains(&i);
    let b = ui
        .add(
            egui::Button::new(load_label(i))
                .selected(loaded == Some(i))
                .small(),
        )
        .on_hover_text("load this design into the editor and compare it");
    if b.clicked() {
        cmds.push(PlanCommand::LoadDesign(i).into());
    }
    let layout = d.design.shape.layout;
    let name = layout_cell(d);
    ui.label(RichText::new(name).color(layout_color(layout)))
        .on_hover_text(&d.layout);
    ui.scope(|ui| wrapped(ui, regions_w, regions_cell(&d.regions, &d.instances)))
        .response
        .on_hover_text(format!(
            "{}\ninstances {}",
            d.regions.replace(';', ", "),
            d.instances.replace(';', ", ")
        ));
    let (cost, p99, avail) = match &d.verification {
        Some(v) => (
            format!("{:.0}", v.cost_usd.mean),
            format!("{:.0} ({:.0})", v.p99_ms.mean, v.p99_ms.high),
            // Never "100.0000" for a design that lost requests (rows::percent).
            sim_core::report::rows::percent(100.0 * v.availability, 4),
        ),
        None => (
            format!("≈{:.0}", d.analytic.cost_usd),
            if d.analytic.p99_ms.is_finite() {
                format!("≈{:.0}", d.analytic.p99_ms)
            } else {
                "overload".into()
            },
            String::new(),
        ),
    };
    ui.monospace(cost);
    ui.monospace(p99);
    ui.monospace(avail);
    let status = RichText::new(format!(
        "{}{}",
        d.status.name(),
        if on_front { " · front" } else { "" }
    ));
    let status = match d.status {
        Status::Feasible => status.color(BEST_COLOR),
        Status::Infeasible => status.color(ERROR_COLOR),
        Status::NotVerified | Status::Pruned => status.weak(),
    };
    ui.vertical(|ui| {
        ui.set_width(status_w);
        ui.label(status);
        ui.add(egui::Label::new(RichText::new(&d.reason).small()).wrap());
    });
}

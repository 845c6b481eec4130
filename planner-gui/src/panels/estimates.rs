//! The instant estimates: each layout's availability over years from the Markov model
//! (`sim_core::experiment::availability::analytic_estimates`).
//!
//! A request-level run covers minutes or hours and cannot say how many minutes a year a
//! layout is down: outages are rare. The Markov model answers that in microseconds, so the
//! compare view shows it at once, before and while the simulation runs, next to what the
//! run measured.

use super::compare::{self, Better, Row};
use super::ERROR_COLOR;
use crate::state::Estimates;
use egui::Ui;

/// The rows of the estimates table, for the layouts whose model was solved.
pub fn rows(estimates: &Estimates) -> Vec<Row> {
    let solved: Vec<_> = estimates
        .iter()
        .filter_map(|(_, r)| r.as_ref().ok())
        .collect();
    let row = |name, better, decimals, unit, f: &dyn Fn(usize) -> f64| Row {
        name,
        values: (0..solved.len()).map(f).collect(),
        better,
        decimals,
        unit,
    };
    vec![
        row("availability per year", Better::Higher, 4, " %", &|i| {
            100.0 * solved[i].availability
        }),
        row("downtime per year", Better::Lower, 1, " min", &|i| {
            solved[i].downtime_min_per_year
        }),
        row("failovers per year", Better::Neither, 2, "", &|i| {
            solved[i].failovers_per_year
        }),
        row("lost writes per year", Better::Lower, 0, "", &|i| {
            solved[i].lost_writes_per_year
        }),
    ]
}

/// Draws the estimates table (nothing while the scenario is invalid).
pub fn show(ui: &mut Ui, estimates: &Estimates) {
    ui.strong("Over a year (Markov model, instant)")
        .on_hover_text(
            "regions fail and are repaired at their MTBF / MTTR (scenario random_failures, else \
         the provider's history); failover takes detection + promotion + DNS TTL. \
         `regionsim availability` adds the years-scale simulation with confidence intervals.",
        );
    if estimates.is_empty() {
        ui.weak("no estimate while the scenario has problems");
        return;
    }
    for (layout, r) in estimates {
        if let Err(e) = r {
            ui.colored_label(ERROR_COLOR, format!("⚠ {layout}: {e}"));
        }
    }
    let layouts: Vec<_> = estimates
        .iter()
        .filter(|(_, r)| r.is_ok())
        .map(|(l, _)| *l)
        .collect();
    compare::grid(ui, "estimates", &layouts, rows(estimates));
}

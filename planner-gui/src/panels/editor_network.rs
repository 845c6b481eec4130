//! The editor's "Network and residency" section: the last-mile latency and jitter every
//! user request pays, and the jurisdictions whose users' data must stay home. (The request
//! and response sizes and the key space are in the Workload section.)
//!
//! These were only editable in the file: a team testing how a mobile audience (more
//! last-mile latency, more jitter) or a new residency rule change the answer had to leave
//! the app. Every field goes through [`field::row`], so its label, tooltip and problems come
//! from the same table as the rest of the editor, and validation is the command line's.

use super::editor::{duration, Problems};
use super::field;
use egui::{Grid, Ui};
use sim_core::catalog::Catalog;
use sim_core::scenario::{Dist, Scenario};

/// The mean a jitter starts with when it is switched on.
const JITTER_START_MS: f64 = 1.0;

/// Draws the section; edits `s` in place.
pub fn show(ui: &mut Ui, s: &mut Scenario, catalog: &Catalog, p: &mut Problems<'_>) {
    egui::CollapsingHeader::new("Network and residency")
        .id_salt("network-and-residency")
        .default_open(false)
        .show(ui, |ui| {
            Grid::new("network-grid").num_columns(2).show(ui, |ui| {
                field::row(ui, p, "network.access_latency", |ui| {
                    duration(ui, &mut s.network.access_latency, 1e-3, " ms", 1000.0)
                });
                field::row(ui, p, "network.jitter", |ui| {
                    jitter(ui, &mut s.network.jitter)
                });
                field::row(ui, p, "residency.jurisdictions", |ui| {
                    jurisdictions(ui, s, catalog)
                });
            });
            p.under(ui, "network");
            p.under(ui, "residency");
        });
}

/// Jitter off, or on with an exponential mean (a shape given in the file is kept).
fn jitter(ui: &mut Ui, j: &mut Option<Dist>) -> egui::Response {
    ui.horizontal(|ui| {
        let mut on = j.is_some();
        let r = ui.checkbox(&mut on, "");
        if r.changed() {
            *j = on.then(|| Dist::Exponential {
                mean: sim_core::engine::SimDuration::from_secs_f64(JITTER_START_MS * 1e-3),
            });
        }
        match j {
            Some(
                Dist::Constant { value: m }
                | Dist::Exponential { mean: m }
                | Dist::Lognormal { mean: m, .. },
            ) => duration(ui, m, 1e-3, " ms mean", 1000.0),
            Some(d @ Dist::Uniform { .. }) => ui.label(format!("{} mean (uniform)", d.mean())),
            None => ui.weak("none"),
        };
        r
    })
    .inner
}

/// The jurisdictions users or deployed regions are in, each a checkbox: ticked, its users'
/// data must be stored and processed inside it. A listed one that nothing is in stays
/// listed (ticked) so it can be unticked; validation says it protects no one.
fn jurisdictions(ui: &mut Ui, s: &mut Scenario, catalog: &Catalog) -> egui::Response {
    let mut known: Vec<String> = Vec::new();
    let mut add = |j: &str| {
        if !j.is_empty() && !known.iter().any(|k| k.eq_ignore_ascii_case(j)) {
            known.push(j.to_string());
        }
    };
    if s.areas.is_empty() {
        catalog
            .default_areas()
            .iter()
            .for_each(|a| add(&a.jurisdiction));
    } else {
        s.areas.iter().for_each(|a| add(&a.jurisdiction));
    }
    for r in &s.regions {
        if let Ok(i) = catalog.region(&r.id) {
            add(&catalog.regions()[i].jurisdiction);
        }
    }
    for j in &s.residency.jurisdictions {
        add(j);
    }
    known.sort();
    ui.horizontal_wrapped(|ui| {
        let mut any = None::<egui::Response>;
        for j in &known {
            let listed = s
                .residency
                .jurisdictions
                .iter()
                .position(|x| x.eq_ignore_ascii_case(j));
            let mut on = listed.is_some();
            let r = ui.checkbox(&mut on, j.as_str());
            if r.changed() {
                match listed {
                    Some(i) if !on => {
                        s.residency.jurisdictions.remove(i);
                    }
                    None if on => s.residency.jurisdictions.push(j.clone()),
                    _ => {}
                }
            }
            any = Some(match any {
                Some(a) => a.union(r),
                None => r,
            });
        }
        any.unwrap_or_else(|| ui.weak("no user area or region"))
    })
    .inner
}

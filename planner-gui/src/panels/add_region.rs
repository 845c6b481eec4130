//! The editor's list of catalog regions to add, with a text filter.
//!
//! A catalog has dozens of regions: the list is filtered by what the user types (every
//! word must appear in the id, provider, code, city or country, in any case), and each
//! entry shows what one chooses a region by — its on-demand price per instance-hour and
//! its round-trip time to the nearest region already deployed (the catalog's measured
//! matrix, or its distance fit where the pair was not measured, marked `≈`). Clicking an
//! entry returns [`Command::ToggleRegion`], as a click on the map does.
//!
//! The filter text is the panel's own (egui memory), not the scenario's: it is not saved,
//! not undone and does not mark the scenario edited.

use super::Commands;
use crate::Command;
use egui::{RichText, Ui};
use sim_core::catalog::{Catalog, Region, RegionIdx};
use sim_core::scenario::Scenario;

/// The label of the filter field.
pub const FILTER_LABEL: &str = "find";
/// The prefix of every entry's button.
pub const ENTRY_PREFIX: &str = "+ ";

/// One region that can be added.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub index: RegionIdx,
    /// On-demand USD per instance-hour, if the catalog knows it.
    pub usd_per_hour: Option<f64>,
    /// The nearest deployed region, its RTT in ms and whether that RTT was measured.
    pub nearest: Option<(String, f64, bool)>,
}

/// Whether `r` matches `filter`: every whitespace-separated word of it appears in the
/// region's id, provider, code, city or country (case-insensitive). An empty filter
/// matches every region.
pub fn matches(r: &Region, filter: &str) -> bool {
    let hay = format!(
        "{} {} {} {} {} {}",
        r.id, r.provider, r.code, r.city, r.country, r.country_iso2
    )
    .to_lowercase();
    filter
        .split_whitespace()
        .all(|w| hay.contains(&w.to_lowercase()))
}

/// The catalog regions not deployed in `s` that match `filter`, in catalog order.
pub fn entries(catalog: &Catalog, s: &Scenario, filter: &str) -> Vec<Entry> {
    let deployed: Vec<RegionIdx> = s
        .regions
        .iter()
        .filter_map(|d| catalog.region(&d.id).ok())
        .collect();
    catalog
        .regions()
        .iter()
        .enumerate()
        .filter(|(i, r)| !deployed.contains(i) && matches(r, filter))
        .map(|(i, r)| Entry {
            index: i,
            usd_per_hour: r.usd_per_hour,
            nearest: deployed
                .iter()
                .map(|&d| (d, catalog.rtt_ms(i, d)))
                .min_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)))
                .map(|(d, ms)| {
                    (
                        catalog.regions()[d].id.clone(),
                        ms,
                        catalog.is_measured(i, d),
                    )
                }),
        })
        .collect()
}

/// The text of an entry's button.
pub fn entry_text(catalog: &Catalog, e: &Entry) -> String {
    let r = &catalog.regions()[e.index];
    let price = match e.usd_per_hour {
        Some(p) => format!("${p:.4}/h"),
        None => "no price".into(),
    };
    let rtt = match &e.nearest {
        Some((id, ms, measured)) => {
            format!(" · {}{ms:.0} ms to {id}", if *measured { "" } else { "≈" })
        }
        None => String::new(),
    };
    format!("{ENTRY_PREFIX}{} · {} · {price}{rtt}", r.id, r.city)
}

/// Draws the filter and the list; returns the region clicked.
pub fn show(ui: &mut Ui, catalog: &Catalog, s: &Scenario) -> Commands {
    let mut cmds = Commands::new();
    let id = ui.make_persistent_id("add-region-filter");
    let mut filter: String = ui.data(|d| d.get_temp(id)).unwrap_or_default();
    let all = entries(catalog, s, "");
    egui::CollapsingHeader::new(format!("Add a region ({} more in the catalog)", all.len()))
        .id_salt("add-region")
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                let l = ui.label(FILTER_LABEL);
                ui.add(
                    egui::TextEdit::singleline(&mut filter)
                        .hint_text("id, provider or city, e.g. “aws tokyo”")
                        .desired_width(220.0),
                )
                .labelled_by(l.id)
                .on_hover_text(
                    "every word must appear in the region's id, provider, city or country",
                );
            });
            let shown = entries(catalog, s, &filter);
            ui.weak(format!(
                "{} of {} · price per instance-hour (on demand) · RTT to the nearest deployed \
                 region (≈: estimated from distance, not measured)",
                shown.len(),
                all.len()
            ));
            egui::ScrollArea::vertical()
                .id_salt("add-region-list")
                .max_height(220.0)
                .auto_shrink([false, true])
                .show(ui, |ui| {
                    if shown.is_empty() {
                        ui.label(RichText::new("no region matches").italics());
                    }
                    for e in &shown {
                        let r = &catalog.regions()[e.index];
                        if ui
                            .add(egui::Button::new(entry_text(catalog, e)).small())
                            .on_hover_text(format!(
                                "add {} ({}, {}) to the deployment",
                                r.id, r.city, r.country
                            ))
                            .clicked()
                        {
                            cmds.push(Command::ToggleRegion(r.id.clone()));
                        }
                    }
                });
        });
    ui.data_mut(|d| d.insert_temp(id, filter));
    cmds
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::experiment::{load_text, DEFAULT_SCENARIO};
    use std::path::Path;

    #[test]
    fn every_word_must_match_in_any_case() {
        let (s, cat) = load_text(DEFAULT_SCENARIO, Path::new("default")).expect("default");
        let all = entries(&cat, &s, "");
        assert_eq!(all.len(), cat.regions().len() - s.regions.len());
        let tokyo = entries(&cat, &s, "GCP tokyo");
        assert!(!tokyo.is_empty() && tokyo.len() < all.len());
        for e in &tokyo {
            let r = &cat.regions()[e.index];
            assert_eq!(r.provider, "gcp");
            assert!(r.city.to_lowercase().contains("tokyo"), "{}", r.city);
        }
        assert!(entries(&cat, &s, "tokyo nowhere-at-all").is_empty());
    }

    #[test]
    fn the_nearest_deployed_region_is_the_lowest_rtt() {
        let (s, cat) = load_text(DEFAULT_SCENARIO, Path::new("default")).expect("default");
        for e in entries(&cat, &s, "") {
            let (id, ms, measured) = e.nearest.clone().expect("regions are deployed");
            let j = cat.region(&id).expect("in the catalog");
            assert_eq!(ms, cat.rtt_ms(e.index, j));
            assert_eq!(measured, cat.is_measured(e.index, j));
            for d in &s.regions {
                let k = cat.region(&d.id).expect("deployed");
                assert!(cat.rtt_ms(e.index, k) >= ms);
            }
        }
    }
}

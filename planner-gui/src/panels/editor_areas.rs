//! The editor's "User areas" section: where the users are, how much of the traffic each
//! area sends, its local time, its legal jurisdiction and its last mile.
//!
//! The users decide most of what a layout is judged on — who is far from which region,
//! whose data must stay home, when each area's evening peak comes — and they could only be
//! changed in the file: a team whose users are mostly in Asia, or who wanted to see the
//! answer with one market more, had to leave the app. The section is a list and one area's
//! details: the list shows each area with its share of the traffic (shares are relative
//! weights; the run normalises them) and removes areas; the details edit the selected
//! area through [`field::row`], so labels, tooltips and problems come from the same table
//! as every other field and validation is the command line's. Areas are added from the
//! catalog's list (the countries with the most internet users), then edited.
//!
//! A scenario without `[[areas]]` uses the catalog's default areas; the section says so
//! and offers to copy them into the scenario, to edit them. Renaming an area renames it
//! where the scenario refers to it (partitions, per-area p99 objectives, shard homes), so
//! a rename never breaks a reference; removing one leaves its references to validation,
//! which names them.

use super::editor::{duration, Problems};
use super::field;
use egui::{Grid, RichText, Ui};
use sim_core::catalog::{Catalog, UserArea};
use sim_core::engine::SimDuration;
use sim_core::scenario::{Area, FailureSpec, Scenario};

/// The label of the button that copies the catalog's default areas into the scenario.
pub const EDIT_DEFAULTS: &str = "edit them here";
/// The label of the list of catalog areas to add.
pub const ADD_AREA: &str = "add an area";

/// An area of the catalog as a scenario area (no access latency or RTT of its own).
pub fn from_catalog(a: &UserArea) -> Area {
    Area {
        name: a.name.clone(),
        lat_deg: a.lat,
        lon_deg: a.lon,
        jurisdiction: a.jurisdiction.clone(),
        share: a.share,
        utc_offset_hours: a.utc_offset_hours,
        access_latency: None,
        rtt_overrides: Default::default(),
    }
}

/// The catalog areas not in `s` yet (by name, in any case), in catalog order.
pub fn addable<'c>(s: &Scenario, catalog: &'c Catalog) -> Vec<&'c UserArea> {
    catalog
        .default_areas()
        .iter()
        .filter(|c| !s.areas.iter().any(|a| a.name.eq_ignore_ascii_case(&c.name)))
        .collect()
}

/// The scenario area within 500 km of catalog area `c`, if any (the nearest).
pub fn near_area<'s>(s: &'s Scenario, c: &UserArea) -> Option<&'s str> {
    s.areas
        .iter()
        .map(|a| {
            let km = sim_core::catalog::great_circle_km(a.lat_deg, a.lon_deg, c.lat, c.lon);
            (km, a.name.as_str())
        })
        .filter(|(km, _)| *km < 500.0)
        .min_by(|x, y| x.0.total_cmp(&y.0))
        .map(|(_, n)| n)
}

/// Renames area `i` to `new`, and everywhere the scenario names it. References follow
/// only while both names are the area's alone: renamed onto another area's name (or
/// away from a name two areas share) they stay, and validation names the duplicate or
/// the dangling reference, rather than a reference silently moving to another area.
pub fn rename(s: &mut Scenario, i: usize, new: &str) {
    let old = s.areas[i].name.clone();
    if old == new {
        return;
    }
    s.areas[i].name = new.to_string();
    let others = |n: &str| {
        s.areas
            .iter()
            .enumerate()
            .any(|(j, a)| j != i && a.name == n)
    };
    if others(&old) || others(new) {
        return;
    }
    let old = old.as_str();
    for f in &mut s.failures {
        if let FailureSpec::Partition { area: Some(a), .. } = f {
            if a == old {
                *a = new.to_string();
            }
        }
    }
    if let Some(d) = s.slo.p99_by_area.remove(old) {
        s.slo.p99_by_area.insert(new.to_string(), d);
    }
    if let Some(r) = s.sharded.homes.remove(old) {
        s.sharded.homes.insert(new.to_string(), r);
    }
}

/// Each area's share of the traffic in percent (shares are weights the run normalises);
/// `None` where the shares do not add up to a positive finite total.
pub fn normalised_percent(areas: &[Area]) -> Vec<Option<f64>> {
    let total: f64 = areas.iter().map(|a| a.share).sum();
    areas
        .iter()
        .map(|a| {
            (total.is_finite() && total > 0.0 && a.share >= 0.0).then(|| 100.0 * a.share / total)
        })
        .collect()
}

/// The name field of area `i`.
fn name_id(i: usize) -> egui::Id {
    egui::Id::unique(("user-area-name", i))
}

/// Where the name an area had when its name field took the focus is kept.
fn pending_id() -> egui::Id {
    egui::Id::unique("user-area-rename")
}

/// Once the name field has lost the focus (Enter, a click elsewhere, another area
/// selected), renames the references from the name it had then to the one typed. Each
/// keystroke renaming them went through every prefix of the new name, and a prefix that
/// was another area's name ("franc…" of "france") left them behind for good.
fn commit_rename(ui: &mut Ui, s: &mut Scenario) {
    let Some((i, start)) = ui.data(|d| d.get_temp::<(usize, String)>(pending_id())) else {
        return;
    };
    if ui.ctx().memory(|m| m.has_focus(name_id(i))) {
        return;
    }
    ui.data_mut(|d| d.remove::<(usize, String)>(pending_id()));
    if i < s.areas.len() {
        let typed = std::mem::replace(&mut s.areas[i].name, start);
        rename(s, i, &typed);
    }
}

/// Draws the section; edits `s` in place.
pub fn show(ui: &mut Ui, s: &mut Scenario, catalog: &Catalog, p: &mut Problems<'_>) {
    commit_rename(ui, s);
    let n = if s.areas.is_empty() {
        catalog.default_areas().len()
    } else {
        s.areas.len()
    };
    egui::CollapsingHeader::new(format!("User areas ({n})"))
        .id_salt("user-areas")
        .default_open(false)
        .show(ui, |ui| {
            if s.areas.is_empty() {
                defaults(ui, s, catalog);
            } else {
                let selected_id = ui.make_persistent_id("user-areas-selected");
                let mut selected: usize = ui.data(|d| d.get_temp(selected_id)).unwrap_or(0);
                selected = selected.min(s.areas.len() - 1);
                list(ui, s, &mut selected, p);
                add(ui, s, catalog, &mut selected);
                ui.separator();
                details(ui, s, selected, p);
                ui.data_mut(|d| d.insert_temp(selected_id, selected));
            }
            p.exact(ui, "areas");
        });
}

/// No areas in the scenario: the catalog's are used; a button copies them in.
fn defaults(ui: &mut Ui, s: &mut Scenario, catalog: &Catalog) {
    let n = catalog.default_areas().len();
    ui.label(format!(
        "The scenario lists no areas, so the catalog's {n} default areas are used: the \
         countries with the most internet users, each weighted by its internet users."
    ));
    if ui
        .button(EDIT_DEFAULTS)
        .on_hover_text("copy the default areas into the scenario, to change, add or remove areas")
        .clicked()
    {
        s.areas = catalog.default_areas().iter().map(from_catalog).collect();
    }
}

/// Every area with its share of the traffic; a click selects one, ✖ removes it.
fn list(ui: &mut Ui, s: &mut Scenario, selected: &mut usize, p: &mut Problems<'_>) {
    let shares = normalised_percent(&s.areas);
    let mut remove = None;
    let last = s.areas.len() == 1;
    egui::ScrollArea::vertical()
        .id_salt("user-areas-list")
        .max_height(200.0)
        .auto_shrink([false, true])
        .show(ui, |ui| {
            Grid::new("user-areas-list-grid")
                .num_columns(4)
                .striped(true)
                .show(ui, |ui| {
                    for (i, a) in s.areas.iter().enumerate() {
                        if ui
                            .selectable_label(i == *selected, &a.name)
                            .on_hover_text("show this area's details below")
                            .clicked()
                        {
                            *selected = i;
                        }
                        ui.label(shares[i].map_or("—".into(), |v| format!("{v:.1} %")))
                            .on_hover_text("its share of all requests (shares are normalised)");
                        ui.weak(format!("{} · UTC{:+}", a.jurisdiction, a.utc_offset_hours));
                        let x = ui.add_enabled(!last, egui::Button::new("✖").small());
                        let x = if last {
                            x.on_disabled_hover_text("a scenario needs at least one user area")
                        } else {
                            x.on_hover_text(format!("remove {} from the scenario", a.name))
                        };
                        if x.clicked() {
                            remove = Some(i);
                        }
                        ui.end_row();
                        // The problems of an area not shown below, under its row.
                        if i != *selected {
                            p.grid_row_narrow(ui, 1, &format!("areas[{i}]"), 150.0);
                        }
                    }
                });
        });
    if let Some(i) = remove {
        s.areas.remove(i);
        if *selected > i || *selected >= s.areas.len() {
            *selected = selected.saturating_sub(1);
        }
    }
}

/// The catalog areas not in the scenario, to add one (it is then selected).
fn add(ui: &mut Ui, s: &mut Scenario, catalog: &Catalog, selected: &mut usize) {
    let choices = addable(s, catalog);
    if choices.is_empty() {
        return;
    }
    let mut picked = None;
    ui.horizontal(|ui| {
        let l = ui.label(ADD_AREA);
        egui::ComboBox::from_id_salt("add-user-area")
            .selected_text("a country of the catalog…")
            .show_ui(ui, |ui| {
                for c in &choices {
                    // A country whose users an area already stands for (the default's "uk"
                    // for "United Kingdom"): said, so that the same users are not added twice.
                    let near = near_area(s, c)
                        .map(|n| format!(" · near {n}"))
                        .unwrap_or_default();
                    if ui
                        .selectable_label(false, format!("{} ({}){near}", c.name, c.jurisdiction))
                        .clicked()
                    {
                        picked = Some(from_catalog(c));
                    }
                }
            })
            .response
            .labelled_by(l.id)
            .on_hover_text(
                "add a country from the catalog with its internet users' share; edit its \
                 name and place below to make it a city or a region of your own",
            );
    });
    if let Some(a) = picked {
        s.areas.push(a);
        *selected = s.areas.len() - 1;
    }
}

/// The selected area's fields.
fn details(ui: &mut Ui, s: &mut Scenario, i: usize, p: &mut Problems<'_>) {
    let default_access = s.network.access_latency;
    let path = |f: &str| format!("areas[{i}].{f}");
    let mut name = s.areas[i].name.clone();
    ui.label(RichText::new(format!("{} — details", s.areas[i].name)).strong());
    Grid::new("user-area-grid").num_columns(2).show(ui, |ui| {
        let r = field::row(ui, p, &path("name"), |ui| {
            ui.add(egui::TextEdit::singleline(&mut name).id(name_id(i)))
        });
        if r.gained_focus() {
            let start = (i, s.areas[i].name.clone());
            ui.data_mut(|d| d.insert_temp(pending_id(), start));
        }
        let a = &mut s.areas[i];
        field::row(ui, p, &path("jurisdiction"), |ui| {
            ui.add(egui::TextEdit::singleline(&mut a.jurisdiction).desired_width(60.0))
        });
        field::row(ui, p, &path("share"), |ui| {
            super::typed::drag(ui, &mut a.share, |d| d.speed(0.001).max_decimals(6))
        });
        field::row(ui, p, &path("utc_offset_hours"), |ui| {
            super::typed::drag(ui, &mut a.utc_offset_hours, |d| d.speed(0.25).suffix(" h"))
        });
        field::row(ui, p, &path("lat_deg"), |ui| {
            super::typed::drag(ui, &mut a.lat_deg, |d| d.speed(0.1).suffix("°"))
        });
        field::row(ui, p, &path("lon_deg"), |ui| {
            super::typed::drag(ui, &mut a.lon_deg, |d| d.speed(0.1).suffix("°"))
        });
        field::row(ui, p, &path("access_latency"), |ui| {
            access(ui, &mut a.access_latency, default_access)
        });
    });
    let a = &s.areas[i];
    if !a.rtt_overrides.is_empty() {
        ui.weak(format!(
            "{} measured round trip(s) from the file replace the distance model for this \
             area (kept; edit them in the file)",
            a.rtt_overrides.len()
        ));
    }
    p.under(ui, &format!("areas[{i}]"));
    // As typed; the references follow when the name is done (see `commit_rename`).
    s.areas[i].name = name;
}

/// The area's own last mile, or (unticked) the network's.
fn access(ui: &mut Ui, v: &mut Option<SimDuration>, default: SimDuration) -> egui::Response {
    ui.horizontal(|ui| {
        let mut own = v.is_some();
        let tick = ui.checkbox(&mut own, "own");
        if tick.changed() {
            *v = own.then_some(default);
        }
        // The number is the field when there is one (the tick is named "own").
        match v {
            Some(d) => duration(ui, d, 1e-3, " ms", 1000.0),
            None => {
                ui.weak(format!(
                    "the network's ({} ms)",
                    default.as_secs_f64() * 1e3
                ));
                tick
            }
        }
    })
    .inner
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::experiment::{load_text, DEFAULT_SCENARIO};
    use std::path::Path;

    fn default() -> (Scenario, std::sync::Arc<Catalog>) {
        load_text(DEFAULT_SCENARIO, Path::new("default")).expect("the default loads")
    }

    #[test]
    fn a_rename_follows_every_reference() {
        let (mut s, cat) = default();
        let old = s.areas[0].name.clone();
        let region = s.regions[0].id.clone();
        s.failures.push(FailureSpec::Partition {
            regions: vec![],
            area: Some(old.clone()),
            region: Some(region.clone()),
            start: s.warmup,
            duration: SimDuration::from_secs(10),
        });
        s.slo
            .p99_by_area
            .insert(old.clone(), SimDuration::from_millis(200));
        s.sharded.homes.insert(old.clone(), region);
        assert!(sim_core::spec::validate(&s, &cat).is_ok());
        rename(&mut s, 0, "east coast");
        assert_eq!(s.areas[0].name, "east coast");
        assert!(
            matches!(s.failures.last().expect("pushed"), FailureSpec::Partition { area: Some(a), .. } if a == "east coast")
        );
        assert!(
            s.slo.p99_by_area.contains_key("east coast") && !s.slo.p99_by_area.contains_key(&old)
        );
        assert!(s.sharded.homes.contains_key("east coast"));
        // Still valid: nothing refers to the old name.
        sim_core::spec::validate(&s, &cat).expect("valid after the rename");
        // Onto another area's name: the references stay where they were (validation
        // names the duplicate), and the other area's objective is not overwritten.
        let other = s.areas[1].name.clone();
        s.slo
            .p99_by_area
            .insert(other.clone(), SimDuration::from_millis(300));
        rename(&mut s, 0, &other);
        assert_eq!(s.slo.p99_by_area[&other], SimDuration::from_millis(300));
        assert!(s.slo.p99_by_area.contains_key("east coast"));
        assert!(sim_core::spec::validate(&s, &cat).is_err());
    }

    #[test]
    fn copied_defaults_run_the_same_areas() {
        let (mut s, cat) = default();
        s.areas.clear();
        let implicit = sim_core::spec::validate(&s, &cat).expect("valid");
        s.areas = cat.default_areas().iter().map(from_catalog).collect();
        let explicit = sim_core::spec::validate(&s, &cat).expect("valid");
        assert_eq!(implicit.world.areas.len(), explicit.world.areas.len());
        for (a, b) in implicit.world.areas.iter().zip(&explicit.world.areas) {
            assert_eq!(a.name, b.name);
            assert_eq!(a.share, b.share);
            assert_eq!(a.utc_offset_hours, b.utc_offset_hours);
            assert_eq!(a.jurisdiction, b.jurisdiction);
        }
    }

    #[test]
    fn a_country_an_area_already_stands_for_is_named_near_it() {
        let (s, cat) = default();
        let uk = cat
            .default_areas()
            .iter()
            .find(|c| c.country_iso2 == "GB")
            .expect("the catalog has the UK");
        assert_eq!(near_area(&s, uk), Some("uk"));
        let far = cat
            .default_areas()
            .iter()
            .find(|c| c.country_iso2 == "AR")
            .expect("the catalog has Argentina");
        assert_eq!(near_area(&s, far), None, "no default area near Argentina");
    }

    #[test]
    fn only_areas_not_present_can_be_added_and_shares_are_normalised() {
        let (mut s, cat) = default();
        s.areas = cat.default_areas()[..3].iter().map(from_catalog).collect();
        let left = addable(&s, &cat);
        assert_eq!(left.len(), cat.default_areas().len() - 3);
        assert!(left
            .iter()
            .all(|c| s.areas.iter().all(|a| a.name != c.name)));
        s.areas[0].share = 3.0;
        s.areas[1].share = 1.0;
        s.areas[2].share = 0.0;
        let p = normalised_percent(&s.areas);
        assert_eq!(p, vec![Some(75.0), Some(25.0), Some(0.0)]);
        s.areas[0].share = f64::NAN;
        assert!(normalised_percent(&s.areas).iter().all(Option::is_none));
    }
}

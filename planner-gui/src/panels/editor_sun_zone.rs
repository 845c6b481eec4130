//! The editor's fields for where the active-passive database lives inside a region
//! (`[active_passive.data_zone]`) and for follow-the-sun of sharded homes
//! (`[sharded.follow_the_sun]`), issue #20.
//!
//! They sit apart from [`super::editor_realism`] (zones, autoscaling, active-passive
//! follow-the-sun) only to keep files short; `editor_layouts.rs` calls in at one line per
//! section. Like the rest of the editor they edit a copy of the scenario that goes through
//! `sim_core::spec::validate`, and every field is drawn through [`field::row`], so its
//! label, tooltip (unit, default, valid range) and the problems shown right under it come
//! from one path in [`field::FIELDS`].
//!
//! Nothing typed is corrected here: a number field accepts values validation refuses (a
//! zone the regions do not have, an hour past 24), and validation's located message says
//! why under the field, as the command line would. Switching an option on sets only what
//! it needs to be valid (a hot standby, `sharded.standby = true`), the same way the
//! active-passive follow-the-sun switch does.
//!
//! New entries take their defaults from the model's own serde defaults (parsed from a
//! one-line TOML), so the GUI keeps no second copy that could drift.

use super::editor::{duration, Problems};
use super::field;
use egui::{DragValue, Grid, Ui};
use sim_core::scenario::{ActivePassive, DataZone, ZoneReplica};

/// The label of the switch of `[active_passive.data_zone]`.
pub const DATA_ZONE: &str = "database zone";

/// The database's zone: off (a zone outage costs capacity only), or the zone that holds
/// each region's copy, an optional synchronous replica in another zone and its in-region
/// failover. Problems of `active_passive.data_zone` show under it.
pub fn data_zone(ui: &mut Ui, ap: &mut ActivePassive, p: &mut Problems<'_>) {
    ui.add_space(4.0);
    let mut on = ap.data_zone.is_some();
    let c = field::describe(ui.checkbox(&mut on, DATA_ZONE), "active_passive.data_zone");
    if c.changed() {
        ap.data_zone = if on { new_data_zone() } else { None };
    }
    if let Some(d) = &mut ap.data_zone {
        ui.indent("data-zone", |ui| {
            Grid::new("data-zone-grid").num_columns(2).show(ui, |ui| {
                field::row(ui, p, "active_passive.data_zone.zone", |ui| {
                    // Any count a region may have: a zone it lacks is validation's to name.
                    ui.add(
                        DragValue::new(&mut d.zone)
                            .range(0..=sim_core::scenario::defaults::MAX_ZONES * 10)
                            .clamp_existing_to_range(false)
                            .speed(0.05),
                    )
                });
                field::row(ui, p, "active_passive.data_zone.replica", |ui| {
                    ui.horizontal(|ui| {
                        for (v, name) in [
                            (ZoneReplica::None, "none"),
                            (ZoneReplica::OtherZone, "other-zone"),
                        ] {
                            field::describe(
                                ui.radio_value(&mut d.replica, v, name),
                                "active_passive.data_zone.replica",
                            );
                        }
                    })
                    .response
                });
                if d.replica == ZoneReplica::OtherZone {
                    field::row(ui, p, "active_passive.data_zone.failover", |ui| {
                        duration(ui, &mut d.failover, 1.0, " s", 86_400.0)
                    });
                }
            });
        });
    }
    p.under(ui, "active_passive.data_zone");
}

/// A new `[active_passive.data_zone]`: zone 1, the model's defaults for the rest.
pub fn new_data_zone() -> Option<DataZone> {
    toml_edit::de::from_str("zone = 1").ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::catalog::Catalog;
    use sim_core::experiment::load_scenario;
    use sim_core::scenario::Scenario;

    fn errors(s: &Scenario, cat: &Catalog) -> Vec<String> {
        sim_core::spec::validate(s, cat)
            .err()
            .unwrap_or_default()
            .iter()
            .map(|e| format!("{}: {}", e.path, e.message))
            .collect()
    }

    #[test]
    fn a_new_data_zone_has_the_models_defaults_and_validates() {
        let d = new_data_zone().expect("parses");
        assert_eq!(d.zone, 1);
        assert_eq!(d.replica, ZoneReplica::None);
        assert_eq!(d.failover, sim_core::engine::SimDuration::from_secs(30));
        let (mut s, cat) = load_scenario(None).unwrap();
        s.failures.clear();
        s.active_passive.data_zone = Some(d);
        assert_eq!(errors(&s, &cat), Vec::<String>::new());
    }
}

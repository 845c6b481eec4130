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
use super::editor_realism::SunMode;
use super::field;
use egui::{ComboBox, Grid, Ui};
use sim_core::catalog::Catalog;
use sim_core::scenario::{ActivePassive, DataZone, Handover, Scenario, ZoneReplica};

/// The label of the switch of `[active_passive.data_zone]`.
pub const DATA_ZONE: &str = "database zone";
/// The labels of a sharded handover's region choices (tests find them by these).
pub const SHARD: &str = "shard";
pub const LEADS: &str = "leads";
/// The button that adds a sharded handover.
pub const ADD_SHARD_HANDOVER: &str = "+ shard handover";

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
                    // No range (egui clamps what is typed): a zone the region lacks is
                    // validation's to name.
                    super::typed::drag(ui, &mut d.zone, |d| d.speed(0.05))
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

/// The radio texts of sharded follow-the-sun (distinct from the active-passive ones, so
/// that each names its own setting).
pub fn shard_mode_label(m: SunMode) -> &'static str {
    match m {
        SunMode::Off => "shards stay home",
        SunMode::Schedule => "shard schedule",
        SunMode::Daytime => "shards follow daytime users",
    }
}

/// The label of a sharded handover's hour field (tests find it by this).
pub fn shard_hour_label(i: usize) -> String {
    format!("shard handover {} at UTC hour", i + 1)
}

/// Follow-the-sun of sharded homes: off, a daily schedule of handovers (each naming its
/// shard by its home region), or hourly by each shard's daytime users; and the drain
/// before each move. `catalog` resolves the shards' homes and standbys for new entries.
/// Problems of `sharded.follow_the_sun` show under it, those of a handover under its row.
pub fn sharded_sun(ui: &mut Ui, s: &mut Scenario, catalog: &Catalog, p: &mut Problems<'_>) {
    ui.add_space(4.0);
    let ids: Vec<String> = s.regions.iter().map(|r| r.id.clone()).collect();
    let now = SunMode::of(s.sharded.follow_the_sun.as_ref());
    ui.horizontal_wrapped(|ui| {
        field::describe(ui.label("follow-the-sun"), "sharded.follow_the_sun");
        for mode in [SunMode::Off, SunMode::Schedule, SunMode::Daytime] {
            let r = ui.radio(now == mode, shard_mode_label(mode));
            if field::describe(r, "sharded.follow_the_sun").clicked() && now != mode {
                let pairs = shard_pairs(s, catalog);
                set_shard_sun_mode(s, mode, &pairs);
            }
        }
    });
    let mut add = false;
    if let Some(f) = &mut s.sharded.follow_the_sun {
        ui.indent("shard-sun", |ui| {
            if SunMode::of(Some(f)) == SunMode::Schedule {
                add = shard_schedule(ui, &mut f.schedule, &ids, p);
            } else {
                ui.weak(
                    "each hour every shard with a standby leads from whichever of its home \
                     and standby has more of the shard's own users in daytime \
                     (08:00–20:00 local)",
                );
            }
            Grid::new("shard-sun-drain").num_columns(2).show(ui, |ui| {
                field::row(ui, p, "sharded.follow_the_sun.drain", |ui| {
                    duration(ui, &mut f.drain, 1.0, " s", 86_400.0)
                });
            });
        });
    }
    if add {
        let pairs = shard_pairs(s, catalog);
        if let Some(f) = &mut s.sharded.follow_the_sun {
            f.schedule
                .push(next_shard_handover(&f.schedule, &pairs, &ids));
        }
    }
    p.under(ui, "sharded.follow_the_sun");
}

/// The handovers, one row each (hour, shard, the region that leads), each row's problems
/// in a row under it. Returns whether "+ shard handover" was clicked.
fn shard_schedule(
    ui: &mut Ui,
    schedule: &mut Vec<Handover>,
    ids: &[String],
    p: &mut Problems<'_>,
) -> bool {
    let mut remove = None;
    let base = "sharded.follow_the_sun.schedule[]";
    // One wrapping line per handover, not a grid: hour, shard and leader side by side
    // were wider than the editor panel at 1400 points, and the leader was cut off (seen
    // by hand under Xvfb). Each handover's problems follow it (ids stay stable either way).
    for (i, h) in schedule.iter_mut().enumerate() {
        ui.horizontal_wrapped(|ui| {
            field::labelled_as(
                ui,
                &shard_hour_label(i),
                &format!("{base}.utc_hour"),
                |ui| {
                    // Not bounded to a day: an hour out of [0, 24) is validation's to name.
                    super::typed::drag(ui, &mut h.utc_hour, |d| d.speed(0.1).max_decimals(2))
                },
            );
            field::labelled_as(ui, SHARD, &format!("{base}.shard"), |ui| {
                let shown = h.shard.clone().unwrap_or_else(|| "(none)".into());
                ComboBox::from_id_salt(("shard-sun-shard", i))
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        for c in ids {
                            ui.selectable_value(&mut h.shard, Some(c.clone()), c);
                        }
                    })
                    .response
            });
            field::labelled_as(ui, LEADS, &format!("{base}.primary"), |ui| {
                super::editor_realism::region_choice(
                    ui,
                    ("shard-sun-primary", i),
                    &mut h.primary,
                    ids,
                )
            });
            if ui
                .small_button("🗑")
                .on_hover_text("remove this handover")
                .clicked()
            {
                remove = Some(i);
            }
        });
        p.under(ui, &format!("sharded.follow_the_sun.schedule[{i}]"));
    }
    if let Some(i) = remove {
        schedule.remove(i);
    }
    ui.button(ADD_SHARD_HANDOVER)
        .on_hover_text("another daily move, twelve hours after the last one")
        .clicked()
}

/// Each shard's home and standby (canonical region ids, in home order) as validation
/// resolves them with `sharded.standby` on; homes without a standby (no other deployed
/// region of their jurisdiction) are left out. Empty while the rest of the scenario has
/// problems: new entries then name the deployed regions and validation says what to fix.
pub fn shard_pairs(s: &Scenario, catalog: &Catalog) -> Vec<(String, String)> {
    let mut t = s.clone();
    t.sharded.standby = true;
    t.sharded.follow_the_sun = None;
    let Ok(r) = sim_core::spec::validate(&t, catalog) else {
        return Vec::new();
    };
    let mut homes = r.sharded.homes.clone();
    homes.sort();
    homes.dedup();
    homes
        .into_iter()
        .filter_map(|h| {
            let sb = r.world.shard_standby(h.index())?;
            Some((r.region_name(h).to_string(), r.world.regions[sb].id.clone()))
        })
        .collect()
}

/// Switches sharded follow-the-sun to `mode`. Turning it on gives the shards standbys
/// (`sharded.standby = true`, which it needs); a new schedule moves the first shard of
/// `pairs` to its standby at 07:00 UTC and home at 19:00.
pub fn set_shard_sun_mode(s: &mut Scenario, mode: SunMode, pairs: &[(String, String)]) {
    let sh = &mut s.sharded;
    if mode == SunMode::Off {
        sh.follow_the_sun = None;
        return;
    }
    sh.standby = true;
    let Some(mut f) = sh
        .follow_the_sun
        .clone()
        .or_else(super::editor_realism::new_follow_the_sun)
    else {
        return;
    };
    let ids: Vec<String> = s.regions.iter().map(|r| r.id.clone()).collect();
    match mode {
        SunMode::Daytime => {
            f.schedule.clear();
            f.daytime = true;
        }
        _ => {
            f.daytime = false;
            if f.schedule.is_empty() {
                let first = next_shard_handover(&[], pairs, &ids);
                let back = next_shard_handover(std::slice::from_ref(&first), pairs, &ids);
                f.schedule = vec![first, back];
            }
        }
    }
    s.sharded.follow_the_sun = Some(f);
}

/// A handover twelve hours after the last one, of the same shard, to whichever of its
/// home and standby did not lead then; the first one moves the first shard of `pairs` to
/// its standby at 07:00 UTC. Without pairs, it names the deployed regions `ids`.
pub fn next_shard_handover(
    schedule: &[Handover],
    pairs: &[(String, String)],
    ids: &[String],
) -> Handover {
    let same = |a: &str, b: &str| a.trim().eq_ignore_ascii_case(b.trim());
    let last = schedule.last();
    let hour = last.map_or(7.0, |h| (h.utc_hour + 12.0) % 24.0);
    let shard = last
        .and_then(|h| h.shard.clone())
        .or_else(|| pairs.first().map(|p| p.0.clone()))
        .or_else(|| ids.first().cloned());
    let pair: Vec<String> = shard
        .as_deref()
        .and_then(|sh| pairs.iter().find(|p| same(&p.0, sh)))
        .map_or_else(|| ids.to_vec(), |(h, sb)| vec![sb.clone(), h.clone()]);
    let primary = pair
        .iter()
        .find(|c| last.is_none_or(|h| !same(&h.primary, c)))
        .or(pair.first())
        .cloned()
        .unwrap_or_default();
    Handover {
        utc_hour: hour,
        shard,
        primary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::experiment::load_scenario;

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

    #[test]
    fn each_sharded_mode_on_the_default_scenario_is_valid_or_named() {
        let (mut s, cat) = load_scenario(None).unwrap();
        s.failures.clear();
        let pairs = shard_pairs(&s, &cat);
        assert!(
            pairs.contains(&("aws:us-east-1".into(), "aws:us-west-2".into())),
            "{pairs:?}"
        );
        set_shard_sun_mode(&mut s, SunMode::Schedule, &pairs);
        assert!(s.sharded.standby, "follow-the-sun needs standbys");
        let f = s.sharded.follow_the_sun.clone().unwrap();
        let rows: Vec<(f64, Option<&str>, &str)> = f
            .schedule
            .iter()
            .map(|h| (h.utc_hour, h.shard.as_deref(), h.primary.as_str()))
            .collect();
        let (home, standby) = (&pairs[0].0, &pairs[0].1);
        assert_eq!(
            rows,
            vec![
                (7.0, Some(home.as_str()), standby.as_str()),
                (19.0, Some(home.as_str()), home.as_str())
            ]
        );
        assert_eq!(errors(&s, &cat), Vec::<String>::new());
        // Every home moves with daytime: those without a standby are named.
        set_shard_sun_mode(&mut s, SunMode::Daytime, &pairs);
        let e = errors(&s, &cat);
        assert!(
            e.iter().all(|e| e.starts_with("sharded.follow_the_sun")) && !e.is_empty(),
            "{e:?}"
        );
        set_shard_sun_mode(&mut s, SunMode::Off, &pairs);
        assert_eq!(s.sharded.follow_the_sun, None);
        assert_eq!(errors(&s, &cat), Vec::<String>::new());
    }

    #[test]
    fn a_new_shard_handover_moves_the_same_shard_back_twelve_hours_on() {
        let pairs = vec![("a".to_string(), "b".to_string())];
        let ids = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        let first = next_shard_handover(&[], &pairs, &ids);
        assert_eq!(
            (
                first.utc_hour,
                first.shard.as_deref(),
                first.primary.as_str()
            ),
            (7.0, Some("a"), "b")
        );
        let second = next_shard_handover(std::slice::from_ref(&first), &pairs, &ids);
        assert_eq!(
            (
                second.utc_hour,
                second.shard.as_deref(),
                second.primary.as_str()
            ),
            (19.0, Some("a"), "a")
        );
        // Without resolved pairs, the deployed regions.
        let bare = next_shard_handover(&[], &[], &ids);
        assert_eq!(
            (bare.shard.as_deref(), bare.primary.as_str()),
            (Some("a"), "a")
        );
    }
}

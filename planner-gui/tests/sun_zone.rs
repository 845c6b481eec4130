//! The database zone (`[active_passive.data_zone]`) and sharded follow-the-sun
//! (`[sharded.follow_the_sun]`) in the editor (#20), driven through the widgets: each edit
//! must reach the scenario as typed (never clamped), go through the command line's
//! validation with its message right under the field, and survive a save and a reopen
//! with the file's own comments.

mod common;

use common::{
    click, click_button, error_paths, example, harness, is_checked, numbers, open, scratch_copy,
    set_nth_value, set_value, type_into,
};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::{NodeT, Queryable};
use egui_kittest::Harness;
use planner_gui::dialogs::NoDialogs;
use planner_gui::panels::editor_realism::ZONES;
use planner_gui::panels::editor_sun_zone::{
    self, shard_hour_label, ADD_SHARD_HANDOVER, DATA_ZONE, LEADS, SHARD,
};
use planner_gui::state::AppState;
use planner_gui::PlannerApp;
use sim_core::engine::SimDuration;
use sim_core::scenario::ZoneReplica;
use std::path::Path;

const ZONE: &str = "database in zone";
const REPLICA_OTHER: &str = "other-zone";
const FAILOVER: &str = "zone failover";

/// Saves with Ctrl+S (to the file the harness opened), reopens it and checks the scenario
/// read back is the one in the editor; returns the saved text.
fn save_and_reopen(h: &mut Harness<'_, PlannerApp>, path: &Path) -> String {
    let edited = h.state().state.scenario.clone();
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_ok();
    let st = &h.state().state;
    assert!(!st.dirty, "not saved: {:?}", st.message);
    let text = std::fs::read_to_string(path).expect("saved");
    let back = open(path.to_path_buf());
    assert_eq!(back.state().state.scenario, edited, "{text}");
    text
}

/// The top of the first widget labelled `label` that contains `text`, and its bottom.
fn rect_of(h: &Harness<'_, PlannerApp>, label: &str) -> egui::Rect {
    h.get_by_label_contains(label).rect()
}

#[test]
fn the_database_zone_is_switched_on_and_a_zone_the_regions_lack_is_named_under_it() {
    let mut h = open(example("follow-the-sun"));
    assert!(h.state().state.scenario.active_passive.data_zone.is_none());
    click(&mut h, Role::CheckBox, DATA_ZONE, 0);
    let st = &h.state().state;
    assert_eq!(
        st.scenario.active_passive.data_zone,
        editor_sun_zone::new_data_zone()
    );
    assert!(st.errors.is_empty(), "{:?}", st.errors);
    assert_eq!(numbers(&h, ZONE), vec![1.0]);
    assert!(is_checked(&h, Role::RadioButton, "none"));

    // The regions have the default 3 zones: zone 4 stays as typed, and is named.
    type_into(&mut h, ZONE, "4");
    let d = h.state().state.scenario.active_passive.data_zone.clone();
    assert_eq!(d.map(|d| d.zone), Some(4), "not clamped");
    assert_eq!(error_paths(&h), vec!["active_passive.data_zone.zone"]);
    let e = rect_of(&h, "has 3 zones: give a zone from 1 to 3");
    let zone = h.get_by_role_and_label(Role::SpinButton, ZONE).rect();
    let replica = h
        .get_by_role_and_label(Role::RadioButton, REPLICA_OTHER)
        .rect();
    assert!(
        e.top() >= zone.bottom() && e.bottom() <= replica.top(),
        "error at {e:?}, zone at {zone:?}, replica at {replica:?}"
    );

    // A replica in another zone, with its in-region failover.
    set_value(&mut h, ZONE, 1.0);
    click(&mut h, Role::RadioButton, REPLICA_OTHER, 0);
    let st = &h.state().state;
    let d = st.scenario.active_passive.data_zone.clone().unwrap();
    assert_eq!((d.zone, d.replica), (1, ZoneReplica::OtherZone));
    assert!(st.errors.is_empty(), "{:?}", st.errors);
    assert_eq!(numbers(&h, FAILOVER), vec![30.0]);
    set_value(&mut h, FAILOVER, 45.0);
    let d = h.state().state.scenario.active_passive.data_zone.clone();
    assert_eq!(d.map(|d| d.failover), Some(SimDuration::from_secs(45)));

    // One zone in the primary's region: no other zone for the replica.
    set_nth_value(&mut h, ZONES, 0, 1.0);
    assert_eq!(error_paths(&h), vec!["active_passive.data_zone.replica"]);
    h.get_by_label_contains("has one zone: a replica in another zone needs `zones` of at least 2");
    assert!(h
        .get_by_role_and_label(Role::Button, "▶ Compare")
        .accesskit_node()
        .is_disabled());

    // Off again: the table goes.
    set_nth_value(&mut h, ZONES, 0, 3.0);
    click(&mut h, Role::CheckBox, DATA_ZONE, 0);
    assert!(h.state().state.scenario.active_passive.data_zone.is_none());
}

#[test]
fn a_database_zone_in_the_file_round_trips_through_the_editor_with_its_comments() {
    let (_dir, path) = scratch_copy(&example("follow-the-sun"));
    let text = std::fs::read_to_string(&path).unwrap()
        + "\n[active_passive.data_zone]\nzone = 2 # the database's zone\n\
           replica = \"other-zone\"\nfailover = \"45s\"\n";
    std::fs::write(&path, text).unwrap();
    let mut h = open(path.clone());
    let st = &h.state().state;
    assert!(st.errors.is_empty(), "{:?}", st.errors);
    assert!(is_checked(&h, Role::CheckBox, DATA_ZONE));
    assert_eq!(numbers(&h, ZONE), vec![2.0]);
    assert!(is_checked(&h, Role::RadioButton, REPLICA_OTHER));
    assert_eq!(numbers(&h, FAILOVER), vec![45.0]);
    set_value(&mut h, FAILOVER, 60.0);
    let saved = save_and_reopen(&mut h, &path);
    assert!(saved.contains("zone = 2 # the database's zone"), "{saved}");
    assert!(saved.contains("replica = \"other-zone\""), "{saved}");
    assert!(saved.contains("# Example (#20): follow-the-sun"), "{saved}");
    let back = sim_core::experiment::load_text(&saved, &path).unwrap().0;
    let d = back.active_passive.data_zone.expect("kept");
    assert_eq!(
        (d.zone, d.replica, d.failover),
        (2, ZoneReplica::OtherZone, SimDuration::from_secs(60))
    );
}

/// The schedule of sharded follow-the-sun as (hour, shard, leader).
fn shard_schedule(h: &Harness<'_, PlannerApp>) -> Vec<(f64, String, String)> {
    let st = &h.state().state;
    let f = st.scenario.sharded.follow_the_sun.as_ref();
    f.map(|f| {
        f.schedule
            .iter()
            .map(|x| {
                let shard = x.shard.clone().unwrap_or_default();
                (x.utc_hour, shard, x.primary.clone())
            })
            .collect()
    })
    .unwrap_or_default()
}

const EAST: &str = "aws:us-east-1";
const WEST: &str = "aws:us-west-2";

#[test]
fn the_sharded_example_opens_and_its_schedule_is_edited_where_it_is_shown() {
    let (_dir, path) = scratch_copy(&example("follow-the-sun-shards"));
    let mut h = open(path.clone());
    let st = &h.state().state;
    assert!(st.errors.is_empty(), "{:?}", st.errors);
    assert!(is_checked(&h, Role::RadioButton, "shard schedule"));
    assert_eq!(numbers(&h, &shard_hour_label(0)), vec![7.0]);
    assert_eq!(numbers(&h, &shard_hour_label(1)), vec![15.0]);
    assert_eq!(
        h.get_all_by_role_and_label(Role::ComboBox, SHARD).count(),
        2
    );
    assert_eq!(
        h.get_all_by_role_and_label(Role::ComboBox, LEADS).count(),
        2
    );
    let (e, w) = (EAST.to_string(), WEST.to_string());
    assert_eq!(
        shard_schedule(&h),
        vec![(7.0, w.clone(), e.clone()), (15.0, w.clone(), w.clone())]
    );

    // An hour past midnight stays as typed, and is named under its own row.
    type_into(&mut h, &shard_hour_label(1), "25");
    assert_eq!(shard_schedule(&h)[1].0, 25.0, "not clamped");
    assert_eq!(
        error_paths(&h),
        vec!["sharded.follow_the_sun.schedule[1].utc_hour"]
    );
    let msg = h
        .get_by_label_contains("must be an hour in [0, 24), got 25")
        .rect();
    let field = h
        .get_by_role_and_label(Role::SpinButton, &shard_hour_label(1))
        .rect();
    let add = h
        .get_by_role_and_label(Role::Button, ADD_SHARD_HANDOVER)
        .rect();
    assert!(
        msg.top() >= field.bottom() && msg.bottom() <= add.top(),
        "message at {msg:?}, field at {field:?}, + at {add:?}"
    );

    // Fixed, then a third handover: twelve hours on, the shard to its standby again.
    set_value(&mut h, &shard_hour_label(1), 16.5);
    click_button(&mut h, ADD_SHARD_HANDOVER);
    assert_eq!(
        shard_schedule(&h),
        vec![
            (7.0, w.clone(), e.clone()),
            (16.5, w.clone(), w.clone()),
            (4.5, w.clone(), e.clone())
        ]
    );
    assert!(
        h.state().state.errors.is_empty(),
        "{:?}",
        h.state().state.errors
    );

    // No standby: nothing to move to, named under the standby switch.
    let standby = "standby"; // the checkbox, named by its row's label
    click(&mut h, Role::CheckBox, standby, 0);
    assert_eq!(error_paths(&h), vec!["sharded.standby"]);
    h.get_by_label_contains(
        "sharded follow-the-sun moves each shard between its home and its standby",
    );
    click(&mut h, Role::CheckBox, standby, 0);
    assert!(h.state().state.errors.is_empty());

    // Saved into the file: its comments stay, the new handover is there, it reads back.
    let saved = save_and_reopen(&mut h, &path);
    assert!(saved.contains("# back home"), "{saved}");
    assert!(
        saved.contains("# the shard, named by its home region"),
        "{saved}"
    );
    assert_eq!(
        saved.matches("[[sharded.follow_the_sun.schedule]]").count(),
        3,
        "{saved}"
    );
    let back = sim_core::experiment::load_text(&saved, &path).unwrap().0;
    let f = back.sharded.follow_the_sun.expect("kept");
    assert_eq!(f.schedule[2].utc_hour, 4.5);
    assert_eq!(f.schedule[2].shard.as_deref(), Some(WEST));

    // Removing a handover (its 🗑) and switching follow-the-sun off.
    let before = shard_schedule(&h).len();
    let bins = h.get_all_by_role_and_label(Role::Button, "🗑").count();
    click(&mut h, Role::Button, "🗑", bins - 1);
    assert_eq!(shard_schedule(&h).len(), before - 1);
    click(&mut h, Role::RadioButton, "shards stay home", 0);
    assert!(h.state().state.scenario.sharded.follow_the_sun.is_none());
}

#[test]
fn sharded_follow_the_sun_switched_on_in_the_default_scenario() {
    let mut h = harness(AppState::from_default(), Box::new(NoDialogs));
    assert!(!h.state().state.scenario.sharded.standby);
    click(&mut h, Role::RadioButton, "shard schedule", 0);
    let st = &h.state().state;
    assert!(
        st.scenario.sharded.standby,
        "switched on with the standby it needs"
    );
    let (e, w) = (EAST.to_string(), WEST.to_string());
    // The first shard that has a standby (us-east-1's US users, standby us-west-2).
    assert_eq!(
        shard_schedule(&h),
        vec![(7.0, e.clone(), w.clone()), (19.0, e.clone(), e.clone())]
    );
    assert!(st.errors.is_empty(), "{:?}", st.errors);
    // Daytime moves every shard: those with no other region of their jurisdiction are
    // named, at the field, in validation's words.
    click(&mut h, Role::RadioButton, "shards follow daytime users", 0);
    let st = &h.state().state;
    let f = st.scenario.sharded.follow_the_sun.as_ref().unwrap();
    assert!(f.daytime && f.schedule.is_empty());
    assert!(
        error_paths(&h)
            .iter()
            .all(|p| p == "sharded.follow_the_sun.daytime"),
        "{:?}",
        st.errors
    );
    assert!(!st.errors.is_empty());
    let shown = h
        .get_all_by_label_contains("has no standby (no other deployed region of its jurisdiction)")
        .count();
    assert_eq!(shown, st.errors.len(), "each shown once");
    click(&mut h, Role::RadioButton, "shards stay home", 0);
    let st = &h.state().state;
    assert!(st.scenario.sharded.follow_the_sun.is_none());
    assert!(st.errors.is_empty(), "{:?}", st.errors);
}

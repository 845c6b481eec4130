//! The database zone (`[active_passive.data_zone]`) and sharded follow-the-sun
//! (`[sharded.follow_the_sun]`) in the editor (#20), driven through the widgets: each edit
//! must reach the scenario as typed (never clamped), go through the command line's
//! validation with its message right under the field, and survive a save and a reopen
//! with the file's own comments.

mod common;

use common::{
    click, error_paths, example, is_checked, numbers, open, scratch_copy, set_nth_value, set_value,
};
use egui::accesskit::Role;
use egui::{Key, Modifiers};
use egui_kittest::kittest::{NodeT, Queryable};
use egui_kittest::Harness;
use planner_gui::panels::editor_realism::ZONES;
use planner_gui::panels::editor_sun_zone::{self, DATA_ZONE};
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
    set_value(&mut h, ZONE, 4.0);
    let d = h.state().state.scenario.active_passive.data_zone.clone();
    assert_eq!(d.map(|d| d.zone), Some(4), "not clamped");
    assert_eq!(error_paths(&h), vec!["active_passive.data_zone.zone"]);
    let e = rect_of(&h, "has 3 zones: give a zone in 1..=3");
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

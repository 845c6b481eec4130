//! The editor's "User areas" section as a user meets it: the catalog's default areas
//! copied in to edit, an area added from the catalog, one selected and its weight, name
//! and own last mile edited — each edit reaching the scenario the run uses, and a rename
//! keeping the objectives that name the area.

mod common;

use common::{click, click_button, harness, set_value};
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};
use planner_gui::dialogs::NoDialogs;
use planner_gui::panels::editor_areas::{ADD_AREA, EDIT_DEFAULTS};
use planner_gui::state::AppState;
use sim_core::engine::SimDuration;

fn open_section(h: &mut egui_kittest::Harness<'_, planner_gui::PlannerApp>, n: usize) {
    let header = format!("User areas ({n})");
    h.get_by_label(&header).scroll_to_me();
    h.run_ok();
    h.get_by_label(&header).click();
    h.run_ok();
}

#[test]
fn default_areas_are_copied_in_to_be_edited_and_one_is_added() {
    let d = AppState::from_default();
    let mut s = d.scenario.clone();
    s.areas.clear();
    s.slo = Default::default();
    s.sharded.homes.clear();
    s.failures.retain(|f| {
        !matches!(
            f,
            sim_core::scenario::FailureSpec::Partition { area: Some(_), .. }
        )
    });
    let n = d.catalog.default_areas().len();
    let st = AppState::new(s, d.catalog.clone(), None);
    assert!(st.is_valid(), "{:?}", st.errors);
    let mut h = harness(st, Box::new(NoDialogs));
    open_section(&mut h, n);
    click_button(&mut h, EDIT_DEFAULTS);
    let areas = &h.state().state.scenario.areas;
    assert_eq!(areas.len(), n, "every default area copied in");
    assert!(h.state().state.is_valid(), "{:?}", h.state().state.errors);

    // Remove the last area, then add it back from the catalog list.
    let last = h.state().state.scenario.areas[n - 1].name.clone();
    // The regions' ✖ come first, then one per area.
    let regions = h.state().state.scenario.regions.len();
    click(&mut h, Role::Button, "✖", regions + n - 1);
    assert!(
        h.state()
            .state
            .scenario
            .areas
            .iter()
            .all(|a| a.name != last),
        "{last} removed"
    );
    click(&mut h, Role::ComboBox, ADD_AREA, 0);
    let entry = h
        .get_all_by_role(Role::Button)
        .find(|b| {
            b.accesskit_node()
                .label()
                .is_some_and(|l| l.starts_with(&format!("{last} (")))
        })
        .map(|b| b.accesskit_node().label().unwrap_or_default())
        .unwrap_or_else(|| panic!("{last} is not offered"));
    click(&mut h, Role::Button, &entry, 0);
    let areas = &h.state().state.scenario.areas;
    assert_eq!(areas.len(), n);
    assert_eq!(areas[n - 1].name, last, "added at the end");
}

#[test]
fn the_selected_area_is_edited_and_a_rename_keeps_its_objective() {
    let mut st = AppState::from_default();
    let mut s = st.scenario.clone();
    let name = s.areas[1].name.clone();
    s.slo
        .p99_by_area
        .insert(name.clone(), SimDuration::from_millis(200));
    st = AppState::new(s, st.catalog.clone(), None);
    let n = st.scenario.areas.len();
    let mut h = harness(st, Box::new(NoDialogs));
    open_section(&mut h, n);
    // Select the second area; its details show its weight.
    click(&mut h, Role::Button, &name, 0);
    set_value(&mut h, "traffic weight", 0.5);
    assert_eq!(h.state().state.scenario.areas[1].share, 0.5);
    set_value(&mut h, "UTC offset", 5.5);
    assert_eq!(h.state().state.scenario.areas[1].utc_offset_hours, 5.5);
    // Its own last mile: ticked, it starts at the network's and is then its own.
    click(&mut h, Role::CheckBox, "own access latency", 0);
    let network = h.state().state.scenario.network.access_latency;
    assert_eq!(
        h.state().state.scenario.areas[1].access_latency,
        Some(network)
    );
    set_value(&mut h, "own access latency", 25.0);
    assert_eq!(
        h.state().state.scenario.areas[1].access_latency,
        Some(SimDuration::from_millis(25))
    );
    // A rename typed into the name field: once it is done (Enter), the objective follows
    // and nothing is invalid.
    type_name(&mut h, "-metro");
    let s = &h.state().state.scenario;
    let renamed = format!("{name}-metro");
    assert_eq!(s.areas[1].name, renamed);
    assert!(
        s.slo.p99_by_area.contains_key(&renamed),
        "{:?}",
        s.slo.p99_by_area
    );
    assert!(h.state().state.is_valid(), "{:?}", h.state().state.errors);

    // Found by a person: typed over with another area's name, key by key, the objective
    // was left on a prefix ("franc") for good. Now it waits for the name to be done: onto
    // another area's name it stays (the duplicate is an error), and typing the old name
    // back makes all valid again.
    let other = h.state().state.scenario.areas[0].name.clone();
    retype_name(&mut h, &other);
    let s = &h.state().state.scenario;
    assert_eq!(s.areas[1].name, other);
    assert!(
        s.slo.p99_by_area.contains_key(&renamed),
        "{:?}",
        s.slo.p99_by_area
    );
    assert!(!h.state().state.is_valid(), "a duplicate name is an error");
    retype_name(&mut h, &renamed);
    assert_eq!(h.state().state.scenario.areas[1].name, renamed);
    assert!(h.state().state.is_valid(), "{:?}", h.state().state.errors);
}

/// Types `text` at the end of the focused area name field and presses Enter.
fn type_name(h: &mut egui_kittest::Harness<'_, planner_gui::PlannerApp>, text: &str) {
    h.get_by_role_and_label(Role::TextInput, "area name")
        .focus();
    h.run_ok();
    h.key_press(egui::Key::End);
    h.run_ok();
    h.input_mut().events.push(egui::Event::Text(text.into()));
    h.run_ok();
    h.key_press(egui::Key::Enter);
    h.run_ok();
}

/// Types `text` over the whole area name, key by key as a person does, and presses Enter.
fn retype_name(h: &mut egui_kittest::Harness<'_, planner_gui::PlannerApp>, text: &str) {
    h.get_by_role_and_label(Role::TextInput, "area name")
        .focus();
    h.run_ok();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run_ok();
    for c in text.chars() {
        h.input_mut().events.push(egui::Event::Text(c.to_string()));
        h.run_ok();
    }
    h.key_press(egui::Key::Enter);
    h.run_ok();
}

//! Editing a user can trust: what is typed is what the scenario gets, even when validation
//! messages come and go while typing.

mod common;

use common::harness;
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use planner_gui::dialogs::NoDialogs;
use planner_gui::state::AppState;
use planner_gui::PlannerApp;

/// The drag value showing `value` (the editor's numbers are spin buttons). A region's
/// unset zone count holds 0 (shown as "3 (default)"), so the zones fields are left out.
fn spin_button<'h>(h: &'h Harness<'_, PlannerApp>, value: f64) -> egui_kittest::Node<'h> {
    h.get_by(move |n| {
        n.role() == Role::SpinButton
            && n.numeric_value() == Some(value)
            && n.label().as_deref() != Some(planner_gui::panels::editor_realism::ZONES)
    })
}

/// Clicks into the field, clears it and types `keys` one character a frame, so that
/// validation runs (and its messages appear or vanish) between keystrokes.
fn retype(h: &mut Harness<'_, PlannerApp>, current: f64, keys: &str) {
    spin_button(h, current).scroll_to_me();
    h.run_ok();
    spin_button(h, current).focus();
    h.run_ok();
    for _ in 0..16 {
        h.key_press(egui::Key::Backspace);
        h.step();
    }
    for c in keys.chars() {
        h.input_mut().events.push(egui::Event::Text(c.to_string()));
        h.step();
        h.step();
    }
    h.key_press(egui::Key::Enter);
    h.run_ok();
}

#[test]
fn typing_after_an_error_appears_keeps_every_keystroke() {
    let mut h = harness(AppState::from_default(), Box::new(NoDialogs));
    let before = h.state().state.scenario.workload.peak_rps;
    assert_eq!(before, 12000.0);
    // "0" first: a peak of 0 req/s is an error, shown above the editor at once; the
    // following keystrokes must still reach the field.
    retype(&mut h, before, "09000");
    let st = &h.state().state;
    assert_eq!(st.scenario.workload.peak_rps, 9000.0);
    assert!(st.errors.is_empty(), "{:?}", st.errors);
}

#[test]
fn typing_that_clears_an_error_keeps_every_keystroke() {
    let mut state = AppState::from_default();
    let mut s = state.scenario.clone();
    s.workload.peak_rps = 0.0;
    state.set_scenario(s);
    assert!(!state.is_valid(), "a peak of 0 is an error");
    let mut h = harness(state, Box::new(NoDialogs));
    // The first keystroke makes the scenario valid: the problem heading disappears.
    retype(&mut h, 0.0, "2400");
    let st = &h.state().state;
    assert_eq!(st.scenario.workload.peak_rps, 2400.0);
    assert!(st.is_valid(), "{:?}", st.errors);
}

#[test]
fn undo_and_redo_walk_through_edits() {
    let mut h = harness(AppState::from_default(), Box::new(NoDialogs));
    retype(&mut h, 12000.0, "9000");
    // Typing a number key by key is one step.
    retype(&mut h, 9000.0, "7000");
    assert_eq!(
        h.state().state.history.undo.len(),
        1,
        "one step: both numbers were typed within the coalescing time"
    );
    h.state_mut().state.history.last = None; // the next edit starts a new step
    retype(&mut h, 7000.0, "5000");
    let peak = |h: &Harness<'_, PlannerApp>| h.state().state.scenario.workload.peak_rps;
    assert_eq!(peak(&h), 5000.0);
    // Ctrl+Z outside any field undoes; Ctrl+Shift+Z redoes.
    h.key_press(egui::Key::Escape);
    h.run_ok();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run_ok();
    assert_eq!(peak(&h), 7000.0);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run_ok();
    assert_eq!(peak(&h), 12000.0);
    assert!(h.state().state.is_valid());
    h.key_press_modifiers(
        egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
        egui::Key::Z,
    );
    h.run_ok();
    assert_eq!(peak(&h), 7000.0);
    // A new edit after an undo drops what could be redone.
    h.state_mut().state.history.last = None;
    retype(&mut h, 7000.0, "3000");
    assert!(h.state().state.history.redo.is_empty());
}

#[test]
fn new_open_and_close_ask_before_dropping_unsaved_edits() {
    let mut h = harness(AppState::from_default(), Box::new(NoDialogs));
    retype(&mut h, 12000.0, "9000");
    assert!(h.state().state.dirty);
    h.get_by_label("File").click();
    h.run_ok();
    common::click_button(&mut h, "New from the default scenario");
    h.get_by_label("Unsaved changes");
    common::click_button(&mut h, "Cancel");
    let st = &h.state().state;
    assert!(st.confirm.is_none());
    assert_eq!(
        st.scenario.workload.peak_rps, 9000.0,
        "cancel keeps the edits"
    );

    h.get_by_label("File").click();
    h.run_ok();
    common::click_button(&mut h, "New from the default scenario");
    common::click_button(&mut h, "Discard the edits");
    let st = &h.state().state;
    assert_eq!(
        st.scenario.workload.peak_rps, 12000.0,
        "discarded: the default again"
    );
    assert!(!st.dirty);

    // Closing the window with edits asks too.
    retype(&mut h, 12000.0, "8000");
    let ctx = h.ctx.clone();
    h.state_mut().handle(planner_gui::Command::Quit, &ctx);
    h.run_ok();
    assert_eq!(h.state().state.confirm, Some(planner_gui::Command::Quit));
}

/// Whether the status bar says the scenario is edited.
fn title_says_edited(h: &Harness<'_, PlannerApp>) -> bool {
    h.query_all_by(|n| {
        [n.label(), n.value()]
            .into_iter()
            .flatten()
            .any(|t| t.contains("(edited)"))
    })
    .next()
    .is_some()
}

/// Found by hand: "Discard the edits" before Open, then Cancel of the path prompt, left
/// the edits in the editor but unmarked, so File → New dropped them without asking and
/// Undo had nothing. The discard takes effect only when another file opens.
#[test]
fn a_discard_for_an_open_that_is_cancelled_keeps_the_edits_marked() {
    let mut h = harness(AppState::from_default(), Box::new(NoDialogs));
    retype(&mut h, 12000.0, "9000");
    assert!(h.state().state.dirty && title_says_edited(&h));
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::O);
    h.run_ok();
    h.get_by_label("Unsaved changes");
    common::click_button(&mut h, "Discard the edits");
    // No portal (NoDialogs): the app's own path prompt opens; cancel it.
    h.get_by_label(planner_gui::panels::path_prompt::PATH_LABEL);
    common::click_button(&mut h, "Cancel");
    let st = &h.state().state;
    assert!(st.prompt.is_none());
    assert_eq!(st.scenario.workload.peak_rps, 9000.0, "the edits stay");
    assert!(st.dirty, "still edited after the cancelled open");
    assert!(!st.history.undo.is_empty(), "the undo history stays");
    assert!(title_says_edited(&h));
    h.get_by_label("File").click();
    h.run_ok();
    common::click_button(&mut h, "New from the default scenario");
    h.get_by_label("Unsaved changes");
    common::click_button(&mut h, "Cancel");
    assert_eq!(h.state().state.scenario.workload.peak_rps, 9000.0);

    // Agreed, and a file is named: it opens without asking a second time.
    let file = common::example("zone-outage");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::O);
    h.run_ok();
    common::click_button(&mut h, "Discard the edits");
    h.state_mut()
        .state
        .prompt
        .as_mut()
        .expect("the prompt")
        .text = file.display().to_string();
    h.run_ok();
    common::click_button(&mut h, "OK");
    let st = &h.state().state;
    assert!(st.confirm.is_none(), "asked twice");
    assert_eq!(st.path.as_deref(), Some(file.as_path()), "{:?}", st.message);
    assert!(!st.dirty && !title_says_edited(&h));
}

/// Undoing every edit brings back the opened scenario: no longer edited, and Open does
/// not ask.
#[test]
fn undoing_every_edit_clears_edited() {
    let mut h = harness(AppState::from_default(), Box::new(NoDialogs));
    retype(&mut h, 12000.0, "9000");
    h.state_mut().state.history.last = None;
    retype(&mut h, 9000.0, "8000");
    assert!(h.state().state.dirty);
    let ctx = h.ctx.clone();
    h.state_mut().handle(planner_gui::Command::Undo, &ctx);
    h.run_ok();
    assert!(h.state().state.dirty, "one edit is left");
    h.state_mut().handle(planner_gui::Command::Undo, &ctx);
    h.run_ok();
    let st = &h.state().state;
    assert_eq!(st.scenario.workload.peak_rps, 12000.0);
    assert!(!st.dirty && !title_says_edited(&h));
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::O);
    h.run_ok();
    let st = &h.state().state;
    assert!(st.confirm.is_none(), "Open asked with nothing to lose");
    assert!(st.prompt.is_some(), "the path prompt opens at once");
    // Redo: edited again.
    h.state_mut().handle(planner_gui::Command::Redo, &ctx);
    h.run_ok();
    assert!(h.state().state.dirty);
}

/// The network, data and residency fields that only the file held: typed here, they reach
/// the scenario (and a click on a jurisdiction adds or drops it).
#[test]
fn network_sizes_keys_and_residency_are_edited_in_the_app() {
    use common::{click, is_checked, type_into};
    let mut h = harness(AppState::from_default(), Box::new(NoDialogs));
    h.get_by_label("Network and residency").scroll_to_me();
    h.run_ok();
    h.get_by_label("Network and residency").click();
    h.run_ok();
    type_into(&mut h, "access latency", "35");
    type_into(&mut h, "response size", "64000");
    type_into(&mut h, "keys", "5000");
    type_into(&mut h, "key skew (Zipf)", "1.2");
    let s = h.state().state.scenario.clone();
    assert_eq!(s.network.access_latency.as_millis_f64(), 35.0);
    assert_eq!(s.workload.response_bytes, 64_000);
    assert_eq!(s.workload.keys, 5000);
    assert_eq!(s.workload.zipf_exponent, 1.2);
    // Jitter: the default has 1 ms; unticked it is gone, ticked back it is 1 ms again.
    assert!(s.network.jitter.is_some());
    click(&mut h, Role::CheckBox, "jitter", 0);
    assert!(h.state().state.scenario.network.jitter.is_none());
    click(&mut h, Role::CheckBox, "jitter", 0);
    assert!(h.state().state.scenario.network.jitter.is_some());
    // Residency: EU is ticked by default; US is added by a click, EU dropped by another.
    assert!(is_checked(&h, Role::CheckBox, "EU"));
    click(&mut h, Role::CheckBox, "US", 0);
    click(&mut h, Role::CheckBox, "EU", 0);
    let st = &h.state().state;
    assert_eq!(st.scenario.residency.jurisdictions, vec!["US".to_string()]);
    assert!(st.errors.is_empty(), "{:?}", st.errors);
}

/// Found by a person: seven areas removed with seven quick clicks came back with one
/// Ctrl+Z — edits within the coalescing time were one step whatever they were. Only edits
/// of one widget (typing, a drag) are merged now; two quick removals are two steps.
#[test]
fn quick_clicks_on_different_buttons_are_separate_undo_steps() {
    let mut h = harness(AppState::from_default(), Box::new(NoDialogs));
    let n = h.state().state.scenario.regions.len();
    common::click(&mut h, egui::accesskit::Role::Button, "✖", 0);
    common::click(&mut h, egui::accesskit::Role::Button, "✖", 0);
    assert_eq!(h.state().state.scenario.regions.len(), n - 2);
    assert_eq!(h.state().state.history.undo.len(), 2, "two steps");
    h.key_press(egui::Key::Escape);
    h.run_ok();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run_ok();
    assert_eq!(h.state().state.scenario.regions.len(), n - 1);
}

//! Files without a desktop file dialog: where no portal answers, the app's own prompt lets
//! a user type a path to save, open and export (#19 B3).

mod common;

use common::{click_button, harness};
use egui::accesskit::Role;
use egui::{Event, Key, Modifiers};
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use planner_gui::dialogs::{DialogKind, NoDialogs};
use planner_gui::panels::path_prompt::PATH_LABEL;
use planner_gui::state::AppState;
use planner_gui::PlannerApp;
use std::path::PathBuf;

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("planner-files-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Types `text` into the focused prompt field (replacing what it holds) and presses Enter.
fn answer(h: &mut Harness<'_, PlannerApp>, text: &str) {
    h.run_ok();
    h.get_by_role_and_label(Role::TextInput, PATH_LABEL).focus();
    h.run_ok();
    // Select what the field holds, so that typing replaces it.
    h.key_press_modifiers(Modifiers::COMMAND, Key::A);
    h.step();
    h.input_mut().events.push(Event::Text(text.into()));
    h.step();
    h.step();
    h.key_press(Key::Enter);
    h.run_ok();
}

#[test]
fn without_a_file_dialog_a_typed_path_saves_and_opens() {
    let dir = scratch("save");
    let file = dir.join("mine.toml");
    // NoDialogs answers "nothing" at once, as a desktop without a portal does.
    let mut h = harness(AppState::from_default(), Box::new(NoDialogs));
    h.key_press_modifiers(Modifiers::COMMAND, Key::S);
    h.run_ok();
    let prompt = h
        .state()
        .state
        .prompt
        .clone()
        .expect("the app's own prompt opened");
    assert_eq!(prompt.kind, DialogKind::SaveScenario);
    h.get_by_label_contains("No file dialog is available");
    answer(&mut h, file.to_str().unwrap());
    let st = &h.state().state;
    assert!(st.prompt.is_none(), "{:?}", st.prompt);
    assert!(file.is_file(), "saved to the typed path");
    let saved = std::fs::read_to_string(&file).unwrap();
    assert_eq!(
        saved,
        sim_core::experiment::DEFAULT_SCENARIO,
        "an unedited scenario saves as the text it came from, comments and all"
    );
    assert_eq!(st.path.as_deref(), Some(file.as_path()));
    assert!(!st.dirty);

    // Change the file on disk, then open it through File → "Open a typed path…".
    let text = std::fs::read_to_string(&file)
        .unwrap()
        .replace("name = \"global-web-service\"", "name = \"edited-outside\"");
    std::fs::write(&file, text).unwrap();
    h.get_by_label("File").click();
    h.run_ok();
    click_button(&mut h, "Open a typed path…");
    assert_eq!(
        h.state().state.prompt.as_ref().map(|p| p.kind),
        Some(DialogKind::OpenScenario)
    );
    answer(&mut h, file.to_str().unwrap());
    assert_eq!(h.state().state.scenario.name, "edited-outside");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_prompt_can_be_cancelled_and_changes_nothing() {
    let mut h = harness(AppState::from_default(), Box::new(NoDialogs));
    let before = h.state().state.scenario.clone();
    h.key_press_modifiers(Modifiers::COMMAND, Key::O);
    h.run_ok();
    assert!(h.state().state.prompt.is_some());
    h.key_press(Key::Escape);
    h.run_ok();
    let st = &h.state().state;
    assert!(st.prompt.is_none());
    assert_eq!(st.scenario, before);
}

/// Found by hand: Save as / Open prompts opened with the current path unselected, so what
/// was typed went after it ("/tmp/a.toml/tmp/b.toml"). The prefilled path is selected.
#[test]
fn typing_into_a_fresh_prompt_replaces_the_prefilled_path() {
    let dir = scratch("prefill");
    let mut state = AppState::from_default();
    state.path = Some(dir.join("current.toml"));
    let mut h = harness(state, Box::new(NoDialogs));
    for kind in [DialogKind::SaveScenario, DialogKind::OpenScenario] {
        let ctx = h.ctx.clone();
        h.state_mut()
            .handle(planner_gui::Command::PromptPath(kind), &ctx);
        h.run_ok();
        let prompt = h.state().state.prompt.clone().expect("the prompt");
        assert_eq!(prompt.text, dir.join("current.toml").display().to_string());
        // No click, no Ctrl+A: the user just types.
        let typed = dir.join("other.toml").display().to_string();
        h.input_mut().events.push(Event::Text(typed.clone()));
        h.step();
        h.step();
        let prompt = h.state().state.prompt.clone().expect("the prompt");
        assert_eq!(prompt.text, typed, "{kind:?}: typing added to the path");
        h.key_press(Key::Escape);
        h.run_ok();
    }
    let _ = std::fs::remove_dir_all(&dir);
}

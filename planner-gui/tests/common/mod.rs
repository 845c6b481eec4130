//! What the headless GUI test files share: the harness, a fixed dialog answer, waiting
//! for a worker, clicking a button wherever it is, opening an example as a user does, and
//! reading and setting widgets by their accessible names.
//!
//! Each test file uses only part of it, hence `dead_code` is allowed here.
#![allow(dead_code)]

use egui::accesskit::{Action, ActionData, ActionRequest, Role};
use egui::{Key, Modifiers};
use egui_kittest::kittest::{NodeT, Queryable};
use egui_kittest::Harness;
use planner_gui::dialogs::{DialogKind, Dialogs};
use planner_gui::state::AppState;
use planner_gui::PlannerApp;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver};

/// Frames to step while a worker runs (each step also sleeps a few milliseconds).
pub const STEP_CAP: usize = 100_000;

/// Answers every dialog with one path.
pub struct FixedDialogs(pub PathBuf);

impl Dialogs for FixedDialogs {
    fn ask(&self, _: DialogKind, _: Option<PathBuf>) -> Receiver<Option<PathBuf>> {
        let (tx, rx) = channel();
        let _ = tx.send(Some(self.0.clone()));
        rx
    }
}

/// The app on `state` in a 1500 × 1000 window, after its first frames. Whenever a frame
/// settles, kittest checks that every input has an accessible name.
pub fn harness(state: AppState, dialogs: Box<dyn Dialogs>) -> Harness<'static, PlannerApp> {
    let mut h = Harness::builder()
        .with_size([1500.0, 1000.0])
        .build_eframe(|_| PlannerApp::new(state, dialogs));
    h.run_ok();
    h
}

/// Steps until `done` holds (a worker finished); panics naming `what` after [`STEP_CAP`].
pub fn wait(h: &mut Harness<'_, PlannerApp>, what: &str, done: impl Fn(&AppState) -> bool) {
    for _ in 0..STEP_CAP {
        h.step();
        if done(&h.state().state) {
            h.run_ok();
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    panic!("{what} did not finish within {STEP_CAP} frames");
}

/// Clicks the button labelled `label`, scrolling to it first (widgets below the fold of
/// a scroll area take no clicks).
pub fn click_button(h: &mut Harness<'_, PlannerApp>, label: &str) {
    h.get_by_role_and_label(Role::Button, label).scroll_to_me();
    h.run_ok();
    h.get_by_role_and_label(Role::Button, label).click();
    h.run_ok();
}

/// Clicks ▶ Compare and checks that a comparison started. One frame after the click, not
/// `run_ok`: a quick comparison can end while frames run until idle, and then no job is
/// left to see (the test failed about one run in ten under load).
pub fn start_compare(h: &mut Harness<'_, PlannerApp>) {
    h.get_by_role_and_label(Role::Button, "▶ Compare")
        .scroll_to_me();
    h.run_ok();
    h.get_by_role_and_label(Role::Button, "▶ Compare").click();
    h.step();
    assert!(h.state().state.job.is_some(), "Compare started no job");
}

/// A real mouse click (move, press, release) at screen position `pos`.
pub fn click_at(h: &mut Harness<'_, PlannerApp>, pos: egui::Pos2) {
    h.input_mut().events.push(egui::Event::PointerMoved(pos));
    h.step();
    for pressed in [true, false] {
        h.input_mut().events.push(egui::Event::PointerButton {
            pos,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::default(),
        });
        h.step();
    }
    h.run_ok();
}

/// Every text the window shows (labels and values of its accessibility tree) can be drawn
/// by the installed fonts: a missing glyph shows as "□" (the Pareto "◆" once did) or, for
/// some, panics in the renderer (a "→" once did). Panics listing each text and character.
pub fn assert_every_glyph_drawable(h: &Harness<'_, PlannerApp>) {
    use egui_kittest::kittest::{by, NodeT};
    let font = egui::FontId::proportional(14.0);
    let mut missing = Vec::new();
    let mut texts = 0;
    for node in h.query_all(by()) {
        let node = node.accesskit_node();
        for text in [node.label(), node.value()].into_iter().flatten() {
            texts += 1;
            let bad: String = h.ctx.fonts_mut(|f| {
                text.chars()
                    .filter(|&c| !c.is_whitespace() && !f.has_glyph(&font, c))
                    .collect()
            });
            if !bad.is_empty() {
                missing.push(format!("{bad:?} in {text:?}"));
            }
        }
    }
    assert!(texts > 10, "only {texts} texts found: is the window drawn?");
    assert!(missing.is_empty(), "no glyph for: {}", missing.join("; "));
}

/// `datasets/examples/{name}.toml`.
pub fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../datasets/examples")
        .join(format!("{name}.toml"))
}

/// Opens `path` as a user does: Ctrl+O, the file dialog answers `path` (and every later
/// dialog too: Ctrl+S saves back to it).
pub fn open(path: PathBuf) -> Harness<'static, PlannerApp> {
    let mut h = harness(
        AppState::from_default(),
        Box::new(FixedDialogs(path.clone())),
    );
    h.key_press_modifiers(Modifiers::COMMAND, Key::O);
    h.run_ok();
    let st = &h.state().state;
    assert_eq!(st.path.as_deref(), Some(path.as_path()), "{:?}", st.message);
    h
}

/// A copy of `from` in a fresh temporary folder (kept alive by the returned guard), for
/// tests that save over the file they opened.
pub fn scratch_copy(from: &Path) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let to = dir.path().join(from.file_name().expect("a file name"));
    std::fs::copy(from, &to).expect("copy the example");
    (dir, to)
}

/// Clicks the widget of `role` labelled `label` (the `nth` of them), scrolled into view.
pub fn click(h: &mut Harness<'_, PlannerApp>, role: Role, label: &str, nth: usize) {
    let missing = || format!("no {nth}th {role:?} {label:?}");
    h.get_all_by_role_and_label(role, label)
        .nth(nth)
        .unwrap_or_else(|| panic!("{}", missing()))
        .scroll_to_me();
    h.run_ok();
    h.get_all_by_role_and_label(role, label)
        .nth(nth)
        .unwrap_or_else(|| panic!("{}", missing()))
        .click();
    h.run_ok();
}

/// Sets the number field labelled `label` to `v` (as a screen reader would); the row's
/// other widgets (a handover's leader) share its label, so only spin buttons are asked.
pub fn set_value(h: &mut Harness<'_, PlannerApp>, label: &str, v: f64) {
    let (target_node, target_tree) = h
        .get_by_role_and_label(Role::SpinButton, label)
        .accesskit_node()
        .locate();
    set_node(h, target_node, target_tree, v);
}

/// [`set_value`] of the `nth` number field labelled `label` (one per region, say).
pub fn set_nth_value(h: &mut Harness<'_, PlannerApp>, label: &str, nth: usize, v: f64) {
    let (target_node, target_tree) = h
        .get_all_by_role_and_label(Role::SpinButton, label)
        .nth(nth)
        .unwrap_or_else(|| panic!("no {nth}th number field {label:?}"))
        .accesskit_node()
        .locate();
    set_node(h, target_node, target_tree, v);
}

fn set_node(
    h: &mut Harness<'_, PlannerApp>,
    target_node: egui::accesskit::NodeId,
    target_tree: egui::accesskit::TreeId,
    v: f64,
) {
    h.input_mut()
        .events
        .push(egui::Event::AccessKitActionRequest(ActionRequest {
            action: Action::SetValue,
            target_tree,
            target_node,
            data: Some(ActionData::NumericValue(v)),
        }));
    h.run_ok();
}

/// Types `text` into the number field labelled `label` as a user does (focus, clear,
/// keys, Enter): unlike [`set_value`], this goes through the widget's own parsing and
/// range, so a test sees what a user's typing would store.
pub fn type_into(h: &mut Harness<'_, PlannerApp>, label: &str, text: &str) {
    h.get_by_role_and_label(Role::SpinButton, label)
        .scroll_to_me();
    h.run_ok();
    h.get_by_role_and_label(Role::SpinButton, label).focus();
    h.run_ok();
    type_keys(h, text);
}

/// Into the focused field: clears it, types `text` key by key, presses Enter.
pub fn type_keys(h: &mut Harness<'_, PlannerApp>, text: &str) {
    for _ in 0..24 {
        h.key_press(Key::Backspace);
        h.step();
    }
    for c in text.chars() {
        h.input_mut().events.push(egui::Event::Text(c.to_string()));
        h.step();
    }
    h.key_press(Key::Enter);
    h.run_ok();
}

/// The number fields labelled `label`, as their values.
pub fn numbers(h: &Harness<'_, PlannerApp>, label: &str) -> Vec<f64> {
    h.get_all_by_label(label)
        .filter(|n| n.accesskit_node().role() == Role::SpinButton)
        .filter_map(|n| n.accesskit_node().numeric_value())
        .collect()
}

/// Whether the first widget of `role` labelled `label` is ticked.
pub fn is_checked(h: &Harness<'_, PlannerApp>, role: Role, label: &str) -> bool {
    h.get_all_by_role_and_label(role, label)
        .next()
        .and_then(|n| n.accesskit_node().toggled())
        .is_some_and(|t| t == egui::accesskit::Toggled::True)
}

/// The paths of the scenario's current validation errors.
pub fn error_paths(h: &Harness<'_, PlannerApp>) -> Vec<String> {
    h.state()
        .state
        .errors
        .iter()
        .map(|e| e.path.to_string())
        .collect()
}

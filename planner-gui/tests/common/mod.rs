//! What the headless GUI test files share: the harness, a fixed dialog answer, waiting
//! for a worker, and clicking a button wherever it is.
//!
//! Each test file uses only part of it, hence `dead_code` is allowed here.
#![allow(dead_code)]

use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use planner_gui::dialogs::{DialogKind, Dialogs};
use planner_gui::state::AppState;
use planner_gui::PlannerApp;
use std::path::PathBuf;
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

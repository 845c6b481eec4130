//! The View menu and the theme button of the top bar: light or dark theme, and which side
//! panels are open.
//!
//! The side panels can be shut so that the map, the charts and the designs table get the
//! width of a small screen (1024 px); a shut panel keeps a thin handle at the window's
//! edge that drags it open again. The choices are [`ViewPrefs`], kept between sessions.

use super::Commands;
use crate::state::ViewPrefs;
use crate::Command;
use egui::Ui;

/// The label of the theme button while the theme is dark (it switches to light).
pub const TO_LIGHT: &str = "☀ Light";
/// The label of the theme button while the theme is light (it switches to dark).
pub const TO_DARK: &str = "🌙 Dark";

/// The View menu (in the menu bar).
pub fn menu(ui: &mut Ui, view: &ViewPrefs) -> Commands {
    let mut next = *view;
    ui.menu_button("View", |ui| {
        ui.checkbox(&mut next.editor_open, "Scenario editor (left)");
        ui.checkbox(&mut next.planner_inputs_open, "Planner objectives (left)");
        ui.separator();
        ui.checkbox(&mut next.dark, "Dark theme");
    });
    changed(view, next)
}

/// The theme switch (in the top bar): one click flips light and dark.
pub fn theme_button(ui: &mut Ui, view: &ViewPrefs) -> Commands {
    let label = if view.dark { TO_LIGHT } else { TO_DARK };
    let mut next = *view;
    if ui
        .button(label)
        .on_hover_text("switch between the light and the dark theme")
        .clicked()
    {
        next.dark = !view.dark;
    }
    changed(view, next)
}

/// Shows the theme of `view` from this frame on (a no-op when it is shown already).
pub fn apply_theme(ctx: &egui::Context, view: &ViewPrefs) {
    let theme = if view.dark {
        egui::Theme::Dark
    } else {
        egui::Theme::Light
    };
    if ctx.options(|o| o.theme_preference) != egui::ThemePreference::from(theme) {
        ctx.set_theme(theme);
    }
}

fn changed(view: &ViewPrefs, next: ViewPrefs) -> Commands {
    if next == *view {
        Commands::new()
    } else {
        vec![Command::SetView(next)]
    }
}

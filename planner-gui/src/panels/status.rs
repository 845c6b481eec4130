//! The status line: the last message (errors in red) and what the window is showing.

use super::{Commands, ERROR_COLOR};
use crate::state::Message;
use crate::Command;
use egui::Ui;
use std::path::Path;

pub struct StatusView<'a> {
    pub message: Option<&'a Message>,
    pub path: Option<&'a Path>,
    pub dirty: bool,
    pub scenario_name: &'a str,
}

pub fn show(ui: &mut Ui, view: &StatusView<'_>) -> Commands {
    let mut cmds = Commands::new();
    ui.horizontal(|ui| {
        let file = view.path.map_or_else(
            || "embedded default".to_string(),
            |p| p.display().to_string(),
        );
        ui.weak(format!(
            "{}{} — {file}",
            view.scenario_name,
            if view.dirty { " (edited)" } else { "" }
        ));
        if let Some(m) = view.message {
            ui.separator();
            if m.is_error {
                ui.colored_label(ERROR_COLOR, format!("⚠ {}", m.text));
            } else {
                ui.label(&m.text);
            }
            if ui.small_button("dismiss").clicked() {
                cmds.push(Command::DismissMessage);
            }
        }
    });
    cmds
}

//! The File menu: new, open, recent files, save, save as, export CSV.
//!
//! Dialog buttons ask the desktop's file dialog; the path field below them does the same
//! without a dialog (for desktops without a file-dialog portal, and for typing a path).

use super::Commands;
use crate::Command;
use egui::Ui;
use std::path::{Path, PathBuf};

/// What the menu shows.
pub struct FilesView<'a> {
    pub path: Option<&'a Path>,
    pub recent: &'a [PathBuf],
    pub has_results: bool,
}

pub fn show(ui: &mut Ui, view: &FilesView<'_>) -> Commands {
    let mut cmds = Commands::new();
    ui.menu_button("File", |ui| {
        item(
            ui,
            &mut cmds,
            true,
            "New from the default scenario",
            "",
            Command::NewDefault,
        );
        item(ui, &mut cmds, true, "Open…", "Ctrl+O", Command::OpenDialog);
        ui.menu_button("Open recent", |ui| {
            if view.recent.is_empty() {
                ui.weak("(none yet)");
            }
            for p in view.recent {
                if ui.button(p.display().to_string()).clicked() {
                    cmds.push(Command::Open(p.clone()));
                    ui.close();
                }
            }
        });
        ui.separator();
        item(ui, &mut cmds, true, "Save", "Ctrl+S", Command::Save);
        item(ui, &mut cmds, true, "Save as…", "", Command::SaveAsDialog);
        let export = "Export results as CSV…";
        item(
            ui,
            &mut cmds,
            view.has_results,
            export,
            "",
            Command::ExportDialog,
        );
        ui.separator();
        path_field(ui, view, &mut cmds);
    });
    cmds
}

/// A menu entry that pushes `cmd` when clicked.
fn item(ui: &mut Ui, cmds: &mut Commands, enabled: bool, text: &str, hint: &str, cmd: Command) {
    let mut b = egui::Button::new(text);
    if !hint.is_empty() {
        b = b.shortcut_text(hint);
    }
    if ui.add_enabled(enabled, b).clicked() {
        cmds.push(cmd);
        ui.close();
    }
}

/// A path typed by hand, with open / save / export buttons.
fn path_field(ui: &mut Ui, view: &FilesView<'_>, cmds: &mut Commands) {
    let id = ui.make_persistent_id("typed-path");
    let mut text: String = ui.data_mut(|d| {
        d.get_temp::<String>(id).unwrap_or_else(|| {
            view.path
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        })
    });
    ui.label("or type a path:");
    ui.add(
        egui::TextEdit::singleline(&mut text)
            .desired_width(320.0)
            .hint_text("/path/to/scenario.toml or a folder"),
    );
    let path = PathBuf::from(text.trim());
    let has = !text.trim().is_empty();
    ui.horizontal(|ui| {
        if ui.add_enabled(has, egui::Button::new("Open it")).clicked() {
            cmds.push(Command::Open(path.clone()));
            ui.close();
        }
        if ui
            .add_enabled(has, egui::Button::new("Save to it"))
            .clicked()
        {
            cmds.push(Command::SaveAs(path.clone()));
            ui.close();
        }
        if ui
            .add_enabled(
                has && view.has_results,
                egui::Button::new("Export CSV into it"),
            )
            .clicked()
        {
            cmds.push(Command::Export(path.clone()));
            ui.close();
        }
    });
    ui.data_mut(|d| d.insert_temp(id, text));
}

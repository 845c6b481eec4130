//! The File menu: new, open, recent files, save, save as, export CSV.
//!
//! Dialog buttons ask the desktop's file dialog; the "typed path" entries below them ask the
//! same in the app's own prompt ([`super::path_prompt`]), for desktops without a
//! file-dialog portal and for typing a path.

use super::Commands;
use crate::dialogs::DialogKind;
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
        typed_paths(ui, view, &mut cmds);
    });
    cmds
}

/// The Edit menu: undo and redo of scenario edits.
pub fn edit_menu(ui: &mut Ui, can_undo: bool, can_redo: bool) -> Commands {
    let mut cmds = Commands::new();
    ui.menu_button("Edit", |ui| {
        item(ui, &mut cmds, can_undo, "Undo", "Ctrl+Z", Command::Undo);
        item(
            ui,
            &mut cmds,
            can_redo,
            "Redo",
            "Ctrl+Shift+Z",
            Command::Redo,
        );
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

/// The same questions answered in the app's own prompt, for desktops without a file
/// dialog (a text field inside a menu would close it on the first click).
fn typed_paths(ui: &mut Ui, view: &FilesView<'_>, cmds: &mut Commands) {
    ui.weak("or type a path:");
    let ask = |k| Command::PromptPath(k);
    item(
        ui,
        cmds,
        true,
        "Open a typed path…",
        "",
        ask(DialogKind::OpenScenario),
    );
    item(
        ui,
        cmds,
        true,
        "Save to a typed path…",
        "",
        ask(DialogKind::SaveScenario),
    );
    item(
        ui,
        cmds,
        view.has_results,
        "Export CSV to a typed folder…",
        "",
        ask(DialogKind::ExportFolder),
    );
}

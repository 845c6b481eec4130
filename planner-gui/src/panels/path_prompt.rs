//! Type a path: the app's own file prompt, for desktops without a file-dialog portal.
//!
//! The native dialogs ([`crate::dialogs::NativeDialogs`]) need an xdg-desktop-portal on
//! Linux; where none runs they answer "nothing" at once, and a user could not open, save or
//! export at all. So a native answer of "nothing" that comes back faster than a person can
//! cancel ([`NO_PORTAL_WITHIN`]) opens this prompt instead, and File → "Type a path…" opens
//! it on any desktop. It is a modal window (a text field that a menu cannot close), with
//! the folder's entries listed to click on, for every kind of question the dialogs ask.

use crate::ab::AbCommand;
use crate::dialogs::DialogKind;
use crate::planner::PlanCommand;
use crate::Command;
use egui::{Key, Ui};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A native dialog that answers "nothing" sooner than this never showed (no portal).
pub const NO_PORTAL_WITHIN: Duration = Duration::from_millis(700);

/// The name of the path field (for screen readers and tests).
pub const PATH_LABEL: &str = "Path:";

/// Entries of a folder listed at most (the rest are counted).
const MAX_LISTED: usize = 200;

/// An open prompt: what it is for and what is typed so far.
#[derive(Clone, Debug, PartialEq)]
pub struct PathPrompt {
    pub kind: DialogKind,
    pub text: String,
    /// Why the prompt opened (e.g. no file dialog on this desktop).
    pub note: Option<String>,
    /// The field takes the keyboard focus when the prompt opens.
    grab_focus: bool,
    /// The user agreed to drop unsaved edits for the file this prompt opens (Cancel
    /// keeps them).
    pub discard: bool,
}

impl PathPrompt {
    pub fn new(kind: DialogKind, start: Option<&Path>, note: Option<String>) -> Self {
        // Asked for a file but given a folder: suggest a file in it, so that OK works.
        let start = start.map(|p| match default_file(kind) {
            Some(name) if p.is_dir() => p.join(name),
            _ => p.to_path_buf(),
        });
        PathPrompt {
            kind,
            text: start.map(|p| p.display().to_string()).unwrap_or_default(),
            note,
            grab_focus: true,
            discard: false,
        }
    }

    fn title(&self) -> &'static str {
        match self.kind {
            DialogKind::OpenScenario => "Open a scenario file",
            DialogKind::SaveScenario => "Save the scenario as",
            DialogKind::ExportFolder => "Export the results' CSV into a folder",
            DialogKind::PlanExportFolder => {
                "Export the plan (designs.csv, pareto.csv) into a folder"
            }
            DialogKind::ReportFile => "Write the comparison report (HTML) to",
            DialogKind::ChartPng(_) => "Save the chart as PNG to",
        }
    }

    /// The kind of file asked for (listed in the folder, shown as the hint), if a file.
    fn extension(&self) -> Option<&'static str> {
        match self.kind {
            DialogKind::OpenScenario | DialogKind::SaveScenario => Some("toml"),
            DialogKind::ReportFile => Some("html"),
            DialogKind::ChartPng(_) => Some("png"),
            DialogKind::ExportFolder | DialogKind::PlanExportFolder => None,
        }
    }

    /// The command that answers the question with `path`.
    pub fn answer(&self, path: PathBuf) -> Command {
        match self.kind {
            DialogKind::OpenScenario if self.discard => {
                Command::Discard(Box::new(Command::Open(path)))
            }
            DialogKind::OpenScenario => Command::Open(path),
            DialogKind::SaveScenario => Command::SaveAs(path),
            DialogKind::ExportFolder => Command::Export(path),
            DialogKind::PlanExportFolder => PlanCommand::Export(path).into(),
            DialogKind::ReportFile => AbCommand::ExportReport(path).into(),
            DialogKind::ChartPng(c) => AbCommand::SaveChart(c, path).into(),
        }
    }
}

/// What the user did with the prompt this frame.
pub enum Outcome {
    Open,
    Cancelled,
    Answered(Command),
}

/// Draws the prompt as a modal window.
pub fn show(ctx: &egui::Context, prompt: &mut PathPrompt) -> Outcome {
    let mut outcome = Outcome::Open;
    egui::Modal::new(egui::Id::unique("path-prompt")).show(ctx, |ui| {
        ui.set_width(560.0);
        ui.heading(prompt.title());
        if let Some(note) = &prompt.note {
            ui.label(note);
        }
        let hint = match prompt.extension() {
            None => "/path/to/a/folder".to_string(),
            Some("toml") => "/path/to/scenario.toml".to_string(),
            Some(ext) => format!("/path/to/file.{ext}"),
        };
        let name = ui.label(PATH_LABEL);
        let field = ui
            .add(
                egui::TextEdit::singleline(&mut prompt.text)
                    .id(egui::Id::unique("path-prompt-field"))
                    .desired_width(f32::INFINITY)
                    .hint_text(hint),
            )
            .labelled_by(name.id);
        if std::mem::take(&mut prompt.grab_focus) {
            field.request_focus();
            // The prefilled path selected: typing replaces it instead of adding to it
            // (found by hand: Save as typed after the current file's path).
            let mut state = egui::TextEdit::load_state(ui.ctx(), field.id).unwrap_or_default();
            state
                .cursor
                .set_char_range(Some(egui::text::CCursorRange::select_all_str(&prompt.text)));
            state.store(ui.ctx(), field.id);
        }
        listing(ui, prompt);
        let path = PathBuf::from(prompt.text.trim());
        let ok = !prompt.text.trim().is_empty();
        let enter = field.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
        ui.horizontal(|ui| {
            if ui.add_enabled(ok, egui::Button::new("OK")).clicked() || (ok && enter) {
                outcome = Outcome::Answered(prompt.answer(path));
            }
            if ui.button("Cancel").clicked() || ui.input(|i| i.key_pressed(Key::Escape)) {
                outcome = Outcome::Cancelled;
            }
        });
    });
    outcome
}

/// The folder the typed text names (or lies in), its sub-folders and scenario files,
/// each a click away.
fn listing(ui: &mut Ui, prompt: &mut PathPrompt) {
    let typed = PathBuf::from(prompt.text.trim());
    let dir = if typed.is_dir() {
        typed
    } else {
        match typed.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
        }
    };
    let Ok(read) = std::fs::read_dir(&dir) else {
        ui.weak(format!("{} cannot be listed", dir.display()));
        return;
    };
    let mut entries: Vec<(bool, PathBuf)> = read
        .filter_map(Result::ok)
        .map(|e| (e.path().is_dir(), e.path()))
        .filter(|(is_dir, p)| {
            *is_dir
                || prompt
                    .extension()
                    .is_some_and(|ext| p.extension().is_some_and(|x| x == ext))
        })
        .collect();
    entries.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    ui.weak(format!("in {}:", dir.display()));
    egui::ScrollArea::vertical()
        .max_height(220.0)
        .show(ui, |ui| {
            if let Some(up) = dir.parent() {
                if ui.link("⬆ ..").clicked() {
                    prompt.text = up.display().to_string();
                }
            }
            for (is_dir, p) in entries.iter().take(MAX_LISTED) {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                let label = if *is_dir { format!("{name}/") } else { name };
                if ui.link(label).clicked() {
                    prompt.text = p.display().to_string();
                }
            }
            if entries.len() > MAX_LISTED {
                ui.weak(format!("… and {} more", entries.len() - MAX_LISTED));
            }
        });
}

/// The file a prompt for `kind` suggests inside a folder (none for opening or folders).
fn default_file(kind: DialogKind) -> Option<String> {
    use crate::ab::TimeChart;
    match kind {
        DialogKind::SaveScenario => Some("scenario.toml".into()),
        DialogKind::ReportFile => Some("report.html".into()),
        DialogKind::ChartPng(c) => Some(match c {
            TimeChart::Latency => "p99-over-time.png".into(),
            TimeChart::Availability => "served-over-time.png".into(),
            TimeChart::RegionFailed(l) => format!("{l}-failed-per-region.png"),
            TimeChart::RegionP99(l) => format!("{l}-p99-per-region.png"),
        }),
        DialogKind::OpenScenario | DialogKind::ExportFolder | DialogKind::PlanExportFolder => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by hand under Xvfb: the report prompt offered the folder itself, so OK
    /// tried to write the report over a directory.
    #[test]
    fn a_file_prompt_started_in_a_folder_suggests_a_file_in_it() {
        let dir = std::env::temp_dir();
        let p = PathPrompt::new(DialogKind::ReportFile, Some(&dir), None);
        assert_eq!(p.text, dir.join("report.html").display().to_string());
        let p = PathPrompt::new(DialogKind::ExportFolder, Some(&dir), None);
        assert_eq!(p.text, dir.display().to_string());
        let file = dir.join("mine.toml");
        let p = PathPrompt::new(DialogKind::SaveScenario, Some(&file), None);
        assert_eq!(p.text, file.display().to_string(), "a file stays as given");
        let p = PathPrompt::new(DialogKind::OpenScenario, Some(&dir), None);
        assert_eq!(p.text, dir.display().to_string());
    }
}

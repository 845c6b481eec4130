//! Native file dialogs behind a trait, so that tests and headless runs need none.
//!
//! [`NativeDialogs`] asks the desktop through `rfd` (the xdg-desktop-portal on Linux, no
//! GTK needed to build) on a named thread, and answers over a channel the app polls: the
//! window keeps drawing while a dialog is open. Where no portal runs, the dialog returns
//! nothing and the app says so; the Files menu's path field works everywhere.

use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver};

/// What the dialog is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogKind {
    OpenScenario,
    SaveScenario,
    ExportFolder,
    /// Where to write a plan's `designs.csv` and `pareto.csv`.
    PlanExportFolder,
    /// Where to write the HTML report of the comparison.
    ReportFile,
    /// Where to write a chart of the comparison as PNG.
    ChartPng(crate::ab::TimeChart),
}

/// Something that can ask the user for a path.
pub trait Dialogs {
    /// Starts asking; the answer (`None` when cancelled or unavailable) arrives on the
    /// receiver. A receiver whose sender is gone also means "no answer".
    fn ask(&self, kind: DialogKind, start_dir: Option<PathBuf>) -> Receiver<Option<PathBuf>>;
}

/// No dialogs: every question is answered "cancelled" (headless use).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoDialogs;

impl Dialogs for NoDialogs {
    fn ask(&self, _: DialogKind, _: Option<PathBuf>) -> Receiver<Option<PathBuf>> {
        let (tx, rx) = channel();
        let _ = tx.send(None);
        rx
    }
}

/// The desktop's own file dialogs.
#[derive(Clone, Copy, Debug, Default)]
pub struct NativeDialogs;

impl Dialogs for NativeDialogs {
    fn ask(&self, kind: DialogKind, start_dir: Option<PathBuf>) -> Receiver<Option<PathBuf>> {
        let (tx, rx) = channel();
        let spawned = std::thread::Builder::new()
            .name("planner-file-dialog".into())
            .spawn(move || {
                let mut d = rfd::AsyncFileDialog::new();
                if let Some(dir) = start_dir {
                    d = d.set_directory(dir);
                }
                let toml = |d: rfd::AsyncFileDialog| d.add_filter("scenario (TOML)", &["toml"]);
                let picked = pollster::block_on(async move {
                    match kind {
                        DialogKind::OpenScenario => toml(d).pick_file().await,
                        DialogKind::SaveScenario => {
                            toml(d).set_file_name("scenario.toml").save_file().await
                        }
                        DialogKind::ExportFolder | DialogKind::PlanExportFolder => {
                            d.pick_folder().await
                        }
                        DialogKind::ReportFile => {
                            d.add_filter("report (HTML)", &["html"])
                                .set_file_name("report.html")
                                .save_file()
                                .await
                        }
                        DialogKind::ChartPng(c) => {
                            d.add_filter("image (PNG)", &["png"])
                                .set_file_name(c.file_name())
                                .save_file()
                                .await
                        }
                    }
                });
                let _ = tx.send(picked.map(|h| h.path().to_path_buf()));
            });
        // If the thread cannot start, the sender is dropped and the app reads "no answer".
        drop(spawned);
        rx
    }
}

//! A file dialog waiting for the user, and what its answer asks the app to do.
//!
//! Native dialogs answer over a channel the app polls each frame ([`crate::dialogs`]). An
//! answer of "nothing" sooner than a person cancels means no dialog could show (no
//! xdg-desktop-portal): the app's own path prompt opens instead. A dialog asked after the
//! user agreed to drop unsaved edits ("Discard the edits" before Open) carries that consent
//! to its answer: the edits go only if a file is actually chosen.

use crate::ab::AbCommand;
use crate::dialogs::DialogKind;
use crate::panels::path_prompt::{PathPrompt, NO_PORTAL_WITHIN};
use crate::planner::PlanCommand;
use crate::Command;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::Instant;

/// A file dialog waiting for the user.
pub struct Pending {
    kind: DialogKind,
    answer: Receiver<Option<PathBuf>>,
    asked: Instant,
    /// The user agreed to drop unsaved edits for the file this dialog opens.
    discard: bool,
}

/// What became of a dialog.
pub enum Answer {
    Waiting,
    /// Carry out this command (open, save, export… the chosen path).
    Do(Command),
    /// No dialog could show: ask in the app's own prompt.
    Prompt(PathPrompt),
    /// The user cancelled.
    NoFile,
}

impl Pending {
    pub fn new(kind: DialogKind, answer: Receiver<Option<PathBuf>>, discard: bool) -> Self {
        Pending {
            kind,
            answer,
            asked: Instant::now(),
            discard,
        }
    }

    /// The dialog's answer, if there is one yet; `start_dir` is where a prompt starts.
    pub fn poll(&self, start_dir: Option<&Path>) -> Answer {
        let answer = match self.answer.try_recv() {
            Ok(a) => a,
            Err(TryRecvError::Disconnected) => None,
            Err(TryRecvError::Empty) => return Answer::Waiting,
        };
        let quick = self.asked.elapsed() < NO_PORTAL_WITHIN;
        Answer::Do(match (self.kind, answer) {
            (DialogKind::OpenScenario, Some(p)) if self.discard => {
                Command::Discard(Box::new(Command::Open(p)))
            }
            (DialogKind::OpenScenario, Some(p)) => Command::Open(p),
            (DialogKind::SaveScenario, Some(p)) => Command::SaveAs(p),
            (DialogKind::ExportFolder, Some(p)) => Command::Export(p),
            (DialogKind::PlanExportFolder, Some(p)) => PlanCommand::Export(p).into(),
            (DialogKind::ReportFile, Some(p)) => AbCommand::ExportReport(p).into(),
            (DialogKind::ChartPng(c), Some(p)) => AbCommand::SaveChart(c, p).into(),
            // Nothing, sooner than a person cancels: no dialog could show.
            (kind, None) if quick => {
                let mut prompt = PathPrompt::new(
                    kind,
                    start_dir,
                    Some("No file dialog is available on this desktop: type the path.".into()),
                );
                prompt.discard = self.discard;
                return Answer::Prompt(prompt);
            }
            (_, None) => return Answer::NoFile,
        })
    }
}

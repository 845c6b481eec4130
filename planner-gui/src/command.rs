//! Commands: what the panels, the shortcuts and the dialogs ask the app to do.
//!
//! Panels return these instead of changing the state, so that every change happens in one
//! place ([`crate::app::PlannerApp::handle`]) and tests can drive the app either through
//! the widgets or through the same commands.

use crate::state::Tab;
use sim_core::scenario::{LayoutKind, Scenario};
use std::path::PathBuf;

/// One thing the user asked for.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    /// Replace the scenario with an edited copy (from the editor).
    SetScenario(Box<Scenario>),
    /// Add the catalog region with this id to the deployment, or remove it (map click).
    ToggleRegion(String),
    /// The layout whose replication links the map draws.
    SetMapLayout(LayoutKind),
    /// The layout whose per-minute series the timeline shows.
    SetTimelineLayout(LayoutKind),
    /// Run the three layouts on the worker thread.
    Compare,
    /// Stop the running comparison (its result is dropped).
    Cancel,
    /// Start again from the embedded default scenario.
    NewDefault,
    Open(PathBuf),
    OpenDialog,
    /// Save to the current file, or ask where when there is none.
    Save,
    SaveAs(PathBuf),
    SaveAsDialog,
    /// Write the CSV files of the last results into a folder.
    Export(PathBuf),
    ExportDialog,
    /// Ask for a path in the app's own prompt (no desktop dialog needed).
    PromptPath(crate::dialogs::DialogKind),
    ShowTab(Tab),
    /// Theme and side panels ([`crate::state::ViewPrefs`]).
    SetView(crate::state::ViewPrefs),
    /// Back to the scenario before the last edit (Ctrl+Z).
    Undo,
    /// Forward again after an undo (Ctrl+Shift+Z).
    Redo,
    /// Carry out a command that discards unsaved edits, the user having agreed.
    Discard(Box<Command>),
    /// Carry out a command once the scenario is saved (nothing if the save failed).
    IfSaved(Box<Command>),
    /// Close the window (asks first when there are unsaved edits).
    Quit,
    DismissMessage,
    /// Something the Planner tab asked for ([`crate::planner::handle`]).
    Plan(crate::planner::PlanCommand),
    /// Replications, the baseline, the report and PNG charts ([`crate::ab::handle`]).
    Ab(crate::ab::AbCommand),
}

//! `planner-gui`: explore and compare multi-region layouts in a desktop app.
//!
//! A thin layer over `sim-core`; every number it shows comes from
//! [`sim_core::experiment::Resolved`] runs or from the scenario and catalog themselves.
//!
//! How the parts fit (egui's `logic` / `ui` split, as in the style guide's habit 12):
//!
//! - [`state`] holds everything the app knows: the scenario being edited, its validation
//!   problems, the last results, the running job, messages and recent files;
//! - [`panels`] are functions that draw a part of the window from a read-only view of the
//!   state and *return* [`Command`]s; they never change the state themselves;
//! - [`app`] polls the worker and the file dialogs ([`pending`]), turns shortcuts into commands, draws
//!   the panels and carries out the commands in one place ([`app::PlannerApp::handle`]);
//! - [`job`] is the one background-job type: a named worker thread with progress over a
//!   channel, cancel (also on drop) and panics caught as error messages, so the window
//!   never blocks nor dies with a worker; [`jobs`] runs the three layouts on it (editing
//!   the scenario cancels a stale comparison);
//! - [`edit`] holds the scenario edits that need more than setting a field (adding or
//!   removing a region and everything that refers to it), [`links`] what the map draws
//!   between places (taken from the model's own layout plan), and [`files`] opening,
//!   saving and exporting;
//! - [`planner`] holds the capacity planner's options (`sim_core`'s own `PlanOptions`,
//!   wrapped with the two choices only the window has) and answer and carries out the
//!   Planner tab's commands; [`plan_job`] runs `sim_core`'s planner as a [`job`];
//! - [`ab`] holds the replications of a comparison and the pinned baseline (A vs B with
//!   95 % intervals), and writes the HTML report and the charts as PNG.
//!
//! Nothing here panics on bad input: a file that fails to load, a scenario that fails to
//! validate or an export that cannot be written becomes a message in the window.

pub mod ab;
pub mod app;
pub mod args;
pub mod command;
pub mod dialogs;
pub mod edit;
pub mod files;
pub mod job;
pub mod jobs;
pub mod links;
pub mod panels;
pub mod pending;
pub mod plan_job;
pub mod planner;
pub mod state;
pub mod toml_merge;

pub use app::PlannerApp;
pub use command::Command;

//! Everything the app knows, in one place; changed only by [`crate::app::PlannerApp::handle`].

use crate::jobs::CompareJob;
use crate::links::{map_links, MapLinks};
use sim_core::analytic::availability::AvailabilityReport;
use sim_core::catalog::Catalog;
use sim_core::experiment::availability::analytic_estimates;
use sim_core::experiment::{load_text, Resolved, RunResult, DEFAULT_SCENARIO};
use sim_core::scenario::{FieldError, LayoutKind, Scenario};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// How many recent files the File menu keeps.
pub const MAX_RECENT: usize = 8;

/// The view in the middle of the window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tab {
    #[default]
    Map,
    Compare,
    /// The capacity planner ([`crate::planner`]).
    Planner,
}

/// A line for the status bar.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub text: String,
    pub is_error: bool,
}

impl Message {
    pub fn info(text: impl Into<String>) -> Self {
        Message {
            text: text.into(),
            is_error: false,
        }
    }
    pub fn error(text: impl Into<String>) -> Self {
        Message {
            text: text.into(),
            is_error: true,
        }
    }
}

/// The analytic availability of each layout, in `LayoutKind::ALL` order (or why the
/// model could not be solved).
pub type Estimates = Vec<(LayoutKind, Result<AvailabilityReport, String>)>;

/// The results of one comparison and the scenario that produced them.
#[derive(Clone, Debug)]
pub struct Results {
    /// One run per layout, in `LayoutKind::ALL` order (replication 0, in full).
    pub runs: Vec<RunResult>,
    pub scenario: Scenario,
    /// Every replication's summary, for intervals and differences to a baseline.
    pub samples: crate::ab::Samples,
}

/// The whole state of the app.
pub struct AppState {
    pub scenario: Scenario,
    pub catalog: Arc<Catalog>,
    /// The file the scenario came from or was last saved to.
    pub path: Option<PathBuf>,
    /// The scenario differs from `saved` (kept equal to `scenario != saved` by every
    /// change): "(edited)" in the title, and New / Open / closing ask first. Undoing every
    /// edit clears it; a discard confirmed for an Open that is then cancelled keeps it.
    pub dirty: bool,
    /// The scenario as last opened or saved (the embedded default's for a new one).
    pub saved: Scenario,
    /// Earlier and undone versions of the scenario (Ctrl+Z, Ctrl+Shift+Z).
    pub history: History,
    /// A command waiting for the user to confirm that unsaved edits may go.
    pub confirm: Option<crate::Command>,
    /// The text the scenario was read from or last saved as (the embedded default's for
    /// a new one): saving writes the new values into it, keeping its comments.
    pub source_text: Option<String>,
    /// Every validation problem of `scenario` (empty when it can run).
    pub errors: Vec<FieldError>,
    /// Legal but surely unintended input (a failure after the run ends…): shown by its
    /// field, does not stop a run. The same messages as `regionsim validate`.
    pub warnings: Vec<FieldError>,
    /// The resolved spec of `scenario` while it is valid: what Compare, the map and the
    /// estimates use (validated once per edit).
    pub spec: Option<Resolved>,
    /// What the map draws for `map_layout` (`None` while the scenario is invalid).
    pub links: Option<MapLinks>,
    pub map_layout: LayoutKind,
    pub timeline_layout: LayoutKind,
    pub results: Option<Results>,
    /// The Markov-model availability of each layout of `scenario`, recomputed on every
    /// edit (microseconds): shown at once, before and while the request-level runs go.
    pub estimates: Estimates,
    pub job: Option<CompareJob>,
    pub message: Option<Message>,
    /// The app's own path prompt, while open (desktops without a file-dialog portal).
    pub prompt: Option<crate::panels::path_prompt::PathPrompt>,
    pub recent: Vec<PathBuf>,
    pub tab: Tab,
    /// Where the map was last drawn on screen (plot ↔ screen), for hit tests and tests.
    pub map_transform: Option<egui_plot::PlotTransform>,
    /// The capacity planner: its options, running plan and last answer.
    pub planner: crate::planner::PlannerState,
    /// How the window is arranged: theme and side panels (kept between sessions).
    pub view: ViewPrefs,
    /// Start a comparison at once and close the window when it ends, printing its wall
    /// time (`planner-gui --compare-and-exit`, for timing the GUI against the CLI).
    pub compare_and_exit: bool,
    /// Replications of a comparison and the pinned baseline ([`crate::ab`]).
    pub ab: crate::ab::AbState,
}

/// How the window is arranged; changed with [`crate::Command::SetView`] from the View
/// menu, the theme button or by dragging a side panel shut.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ViewPrefs {
    /// Dark theme (else light).
    pub dark: bool,
    /// The scenario editor on the left.
    pub editor_open: bool,
    /// The Planner tab's objectives and options column.
    pub planner_inputs_open: bool,
}

impl Default for ViewPrefs {
    fn default() -> Self {
        ViewPrefs {
            dark: true,
            editor_open: true,
            planner_inputs_open: true,
        }
    }
}

impl ViewPrefs {
    /// As eframe stores it: `(dark, editor_open, planner_inputs_open)`.
    pub fn to_stored(self) -> (bool, bool, bool) {
        (self.dark, self.editor_open, self.planner_inputs_open)
    }

    pub fn from_stored((dark, editor_open, planner_inputs_open): (bool, bool, bool)) -> Self {
        ViewPrefs {
            dark,
            editor_open,
            planner_inputs_open,
        }
    }
}

impl AppState {
    /// The state for `scenario` checked against `catalog`.
    pub fn new(scenario: Scenario, catalog: Arc<Catalog>, path: Option<PathBuf>) -> Self {
        let map_layout = scenario.layout;
        let mut s = AppState {
            saved: scenario.clone(),
            scenario,
            catalog,
            path,
            dirty: false,
            source_text: None,
            history: History::default(),
            confirm: None,
            errors: Vec::new(),
            warnings: Vec::new(),
            spec: None,
            links: None,
            map_layout,
            timeline_layout: map_layout,
            results: None,
            estimates: Vec::new(),
            job: None,
            message: None,
            prompt: None,
            recent: Vec::new(),
            tab: Tab::Map,
            map_transform: None,
            planner: Default::default(),
            view: ViewPrefs::default(),
            compare_and_exit: false,
            ab: Default::default(),
        };
        s.revalidate();
        s
    }

    /// The state for the embedded default scenario.
    pub fn from_default() -> Self {
        match load_text(DEFAULT_SCENARIO, Path::new("<embedded default scenario>")) {
            Ok((scenario, catalog)) => {
                let mut s = AppState::new(scenario, catalog, None);
                s.source_text = Some(DEFAULT_SCENARIO.to_string());
                s
            }
            // The default is tested to load; should it ever fail, show why and go on.
            Err(e) => {
                let catalog = sim_core::experiment::load::embedded_catalog();
                let mut s = AppState::new(defaults_only_scenario(), catalog, None);
                s.message = Some(Message::error(format!(
                    "the embedded default scenario does not load: {e}"
                )));
                s
            }
        }
    }

    /// Whether the scenario passes validation (and so may run).
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn is_running(&self) -> bool {
        self.job.is_some()
    }

    /// Replaces the scenario with an edited one: re-validates, redraws the links and
    /// cancels a comparison of the old scenario. The old one can be had back with
    /// [`AppState::undo`].
    pub fn set_scenario(&mut self, scenario: Scenario) {
        self.edit_scenario(scenario, None);
    }

    /// [`set_scenario`](Self::set_scenario) by an edit in `widget` (the focused or dragged
    /// one): edits of one widget in quick succession are one undo step.
    pub fn edit_scenario(&mut self, scenario: Scenario, widget: Option<egui::Id>) {
        if scenario == self.scenario {
            return;
        }
        let old = std::mem::replace(&mut self.scenario, scenario);
        self.history.record(old, widget);
        self.scenario_changed();
    }

    /// Goes back to the scenario before the last edit; `false` if there is none.
    pub fn undo(&mut self) -> bool {
        let Some(prev) = self.history.undo.pop() else {
            return false;
        };
        let now = std::mem::replace(&mut self.scenario, prev);
        self.history.redo.push(now);
        self.history.last = None;
        self.scenario_changed();
        true
    }

    /// Goes forward again after [`AppState::undo`]; `false` if nothing was undone.
    pub fn redo(&mut self) -> bool {
        let Some(next) = self.history.redo.pop() else {
            return false;
        };
        let now = std::mem::replace(&mut self.scenario, next);
        self.history.undo.push(now);
        self.history.last = None;
        self.scenario_changed();
        true
    }

    /// Records that the scenario now is what was just saved to (or opened from) a file.
    pub fn mark_saved(&mut self) {
        self.saved = self.scenario.clone();
        self.dirty = false;
    }

    fn scenario_changed(&mut self) {
        self.dirty = self.scenario != self.saved;
        if let Some(job) = self.job.take() {
            job.cancel();
            self.message = Some(Message::info(
                "the scenario changed: the running comparison was cancelled",
            ));
        }
        self.revalidate();
    }

    /// Checks the scenario again (the same checks and messages as the command line).
    pub fn revalidate(&mut self) {
        match sim_core::spec::validate(&self.scenario, &self.catalog) {
            Ok(spec) => {
                self.errors = Vec::new();
                self.warnings = spec.warnings.clone();
                self.spec = Some(spec);
            }
            Err(errors) => {
                self.errors = errors;
                self.warnings = Vec::new();
                self.spec = None;
            }
        }
        self.refresh_links();
        self.refresh_estimates();
    }

    /// The instant analytic estimates of a valid scenario (none while it has problems).
    fn refresh_estimates(&mut self) {
        self.estimates = self
            .spec
            .as_ref()
            .map(analytic_estimates)
            .unwrap_or_default();
    }

    pub fn refresh_links(&mut self) {
        self.links = self.spec.as_ref().map(|s| map_links(s, self.map_layout));
    }

    /// Whether the shown results came from an older version of the scenario.
    pub fn results_are_stale(&self) -> bool {
        self.results
            .as_ref()
            .is_some_and(|r| r.scenario != self.scenario)
    }

    /// Puts `path` first in the recent files, without duplicates.
    pub fn remember(&mut self, path: &Path) {
        self.recent.retain(|p| p != path);
        self.recent.insert(0, path.to_path_buf());
        self.recent.truncate(MAX_RECENT);
    }
}

/// Undo and redo stacks of the scenario.
///
/// Edits of one widget that follow each other within [`History::coalesce`] (a drag, a
/// number typed key by key) are one step: undo goes back to before the first of them.
/// Edits of different widgets (seven areas removed with seven clicks) are steps of their
/// own however quick, and so is any edit not made in a focused or dragged widget.
#[derive(Debug)]
pub struct History {
    pub undo: Vec<Scenario>,
    pub redo: Vec<Scenario>,
    /// When the last step was recorded and the widget it was made in (`None`: the next
    /// edit starts a new step).
    pub last: Option<std::time::Instant>,
    pub last_widget: Option<egui::Id>,
    pub coalesce: std::time::Duration,
}

/// Undo steps kept.
pub const MAX_UNDO: usize = 200;

impl Default for History {
    fn default() -> Self {
        History {
            undo: Vec::new(),
            redo: Vec::new(),
            last: None,
            last_widget: None,
            coalesce: std::time::Duration::from_millis(750),
        }
    }
}

impl History {
    /// Remembers `before`, the scenario an edit replaced (unless it continues the last step).
    fn record(&mut self, before: Scenario, widget: Option<egui::Id>) {
        let now = std::time::Instant::now();
        let continues = widget.is_some()
            && widget == self.last_widget
            && self
                .last
                .is_some_and(|t| now.duration_since(t) < self.coalesce);
        if !continues {
            self.undo.push(before);
            if self.undo.len() > MAX_UNDO {
                self.undo.remove(0);
            }
        }
        self.last = Some(now);
        self.last_widget = widget;
        self.redo.clear();
    }
}

/// A scenario of field defaults only (it has no regions, so it shows what to add).
fn defaults_only_scenario() -> Scenario {
    Scenario {
        name: "unnamed".into(),
        description: String::new(),
        seed: 1,
        duration: sim_core::scenario::defaults::duration(),
        warmup: sim_core::scenario::defaults::warmup(),
        start_utc_hour: sim_core::scenario::defaults::start_utc_hour(),
        layout: LayoutKind::default(),
        catalog: Default::default(),
        workload: Default::default(),
        areas: Vec::new(),
        regions: Vec::new(),
        dependencies: Vec::new(),
        network: Default::default(),
        routing: Default::default(),
        client: Default::default(),
        residency: Default::default(),
        active_passive: Default::default(),
        active_active: Default::default(),
        sharded: Default::default(),
        prices: Default::default(),
        failures: Vec::new(),
        random_failures: Default::default(),
        slo: Default::default(),
    }
}

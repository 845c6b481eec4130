//! The app: polls the worker and dialogs, draws the panels, and carries out commands.
//!
//! One frame is `logic` (poll the job and the dialogs, read shortcuts), then `ui` (draw
//! the panels, collect their commands), then `handle` for each command. Only `handle`
//! changes the state.

use crate::ab::AbCommand;
use crate::dialogs::{DialogKind, Dialogs, NativeDialogs};
use crate::jobs::{CompareJob, JobEnd};
use crate::panels::path_prompt::{self, PathPrompt};
use crate::panels::{
    compare, editor, files, map, planner as planner_panel, run, status, view_menu,
};
use crate::pending::{Answer, Pending};
use crate::planner::{self, PlanCommand};
use crate::state::{AppState, Message, Results, Tab};
use crate::{edit, Command};
use egui::{Context, Key, KeyboardShortcut, Modifiers, Ui};
use std::path::PathBuf;

/// The storage key of the recent-files list.
const RECENT_KEY: &str = "planner-gui.recent";
/// The storage key of the theme and side panels ([`crate::state::ViewPrefs::to_stored`]).
const VIEW_KEY: &str = "planner-gui.view";
/// The command-line flag that compares at once and exits (timing the GUI, see README).
pub const COMPARE_AND_EXIT: &str = "--compare-and-exit";

/// The desktop app.
pub struct PlannerApp {
    pub state: AppState,
    dialogs: Box<dyn Dialogs>,
    /// The user agreed to close with unsaved edits.
    closing: bool,
    /// A file dialog waiting for the user, and when it was asked.
    pending: Option<Pending>,
    /// The comparison of `--compare-and-exit` was started.
    auto_started: bool,
    /// Another scenario replaced the edited one: drop the texts its number fields kept
    /// ([`crate::panels::typed::clear`]) before the next frame draws them.
    clear_typed: bool,
}

impl PlannerApp {
    /// The app on `state`, asking for paths through `dialogs`.
    pub fn new(state: AppState, dialogs: Box<dyn Dialogs>) -> Self {
        PlannerApp {
            state,
            dialogs,
            closing: false,
            pending: None,
            auto_started: false,
            clear_typed: false,
        }
    }

    /// Whether the app asked the window to close (after the user agreed, or at the end of
    /// `--compare-and-exit`).
    pub fn is_closing(&self) -> bool {
        self.closing
    }

    /// The app as the binary starts it: the default scenario, native dialogs, and the
    /// recent files remembered by eframe's storage.
    pub fn from_creation_context(cc: &eframe::CreationContext<'_>) -> Self {
        let mut state = AppState::from_default();
        if let Some(storage) = cc.storage {
            if let Some(recent) = eframe::get_value::<Vec<PathBuf>>(storage, RECENT_KEY) {
                state.recent = recent;
            }
            if let Some(view) = eframe::get_value(storage, VIEW_KEY) {
                state.view = crate::state::ViewPrefs::from_stored(view);
            }
        }
        PlannerApp::new(state, Box::new(NativeDialogs))
    }

    /// One frame on the window's root `ui`: logic, panels, commands.
    pub fn frame(&mut self, ui: &mut Ui) {
        let ctx = &ui.ctx().clone();
        crate::panels::view_menu::apply_theme(ctx, &self.state.view);
        let mut cmds = self.logic(ctx);
        if self.state.compare_and_exit && !self.auto_started {
            self.auto_started = true;
            cmds.push(Command::Compare);
        }
        // Closing the window with unsaved edits asks first.
        if ctx.input(|i| i.viewport().close_requested()) && self.state.dirty && !self.closing {
            ctx.send_viewport_cmd(egui::ViewportCommand::CancelClose);
            self.state.confirm = Some(Command::Quit);
        }
        cmds.extend(self.ui(ui));
        for c in cmds {
            self.handle(c, ctx);
        }
        if std::mem::take(&mut self.clear_typed) {
            crate::panels::typed::clear(ctx);
        }
        // `--compare-and-exit`: the comparison ended (or could not start): close.
        if self.state.compare_and_exit && self.auto_started && self.state.job.is_none() {
            if self.state.results.is_none() && !self.closing {
                let why = self.state.message.as_ref().map_or("", |m| m.text.as_str());
                eprintln!("planner-gui: no comparison: {why}");
            }
            self.closing = true;
            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }

    /// Polls the worker and the dialogs; turns shortcuts into commands.
    fn logic(&mut self, ctx: &Context) -> Vec<Command> {
        let mut cmds = Vec::new();
        if let Some(job) = self.state.job.as_mut() {
            match job.poll() {
                // The worker wakes the window on progress (a few times a second at
                // most, `job::WAKE_EVERY`); this only keeps the elapsed seconds going.
                None => ctx.request_repaint_after(std::time::Duration::from_secs(1)),
                Some(end) => {
                    let job = self.state.job.take();
                    let wall = job.as_ref().map(|j| j.started().elapsed());
                    self.finish(end, job.map(|j| j.scenario), wall);
                }
            }
        }
        planner::poll(&mut self.state, ctx);
        if let Some(pending) = &self.pending {
            match pending.poll(self.start_dir().as_deref()) {
                Answer::Waiting => {
                    ctx.request_repaint_after(std::time::Duration::from_millis(200));
                }
                answer => {
                    self.pending = None;
                    match answer {
                        Answer::Do(c) => cmds.push(c),
                        Answer::Prompt(p) => self.state.prompt = Some(p),
                        Answer::NoFile | Answer::Waiting => {
                            self.state.message = Some(Message::info("no file chosen"))
                        }
                    }
                }
            }
        }
        let shortcut = |k| KeyboardShortcut::new(Modifiers::COMMAND, k);
        ctx.input_mut(|i| {
            if i.consume_shortcut(&shortcut(Key::R)) {
                cmds.push(Command::Compare);
            }
            if i.consume_shortcut(&shortcut(Key::S)) {
                cmds.push(Command::Save);
            }
            if i.consume_shortcut(&shortcut(Key::O)) {
                cmds.push(Command::OpenDialog);
            }
        });
        // Ctrl+Z / Ctrl+Shift+Z undo scenario edits, except in a field being typed in
        // (which has its own undo).
        if ctx.memory(|m| m.focused().is_none()) {
            let redo = KeyboardShortcut::new(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
            ctx.input_mut(|i| {
                if i.consume_shortcut(&redo) {
                    cmds.push(Command::Redo);
                } else if i.consume_shortcut(&shortcut(Key::Z)) {
                    cmds.push(Command::Undo);
                }
            });
        }
        cmds
    }

    /// Takes the end of a comparison; `wall` is how long the whole comparison took, from
    /// Compare to its end (not the slowest layout's own time).
    fn finish(
        &mut self,
        end: JobEnd,
        scenario: Option<sim_core::scenario::Scenario>,
        wall: Option<std::time::Duration>,
    ) {
        if self.state.compare_and_exit {
            // The answer of `--compare-and-exit`: on stdout, then the window closes.
            match &end {
                JobEnd::Finished(runs) => println!(
                    "planner-gui: compared {} layouts in {:.3} s (wall time)",
                    runs.layouts.len(),
                    wall.map_or(0.0, |w| w.as_secs_f64())
                ),
                JobEnd::Failed(e) => eprintln!("planner-gui: the comparison failed: {e}"),
                JobEnd::Cancelled => eprintln!("planner-gui: the comparison was cancelled"),
            }
        }
        match end {
            JobEnd::Finished(replicated) => {
                let wall = wall.map_or(0.0, |w| w.as_secs_f64());
                let (runs, samples) = crate::ab::split(replicated);
                let times = match samples.count() {
                    1 => String::new(),
                    r => format!(" × {r} replications"),
                };
                // The view stays where the user is: Compare opened when the run started,
                // and one who went to the map or the planner meanwhile is not pulled back.
                let where_ = if self.state.tab == Tab::Compare {
                    ""
                } else {
                    " — results in Compare view"
                };
                self.state.message = Some(Message::info(format!(
                    "compared {} layouts{times} in {:.1} s (wall time){where_}",
                    runs.len(),
                    wall
                )));
                self.state.results = Some(Results {
                    runs,
                    scenario: scenario.unwrap_or_else(|| self.state.scenario.clone()),
                    samples,
                });
            }
            JobEnd::Failed(e) => {
                self.state.message = Some(Message::error(format!("the comparison failed: {e}")))
            }
            JobEnd::Cancelled => self.state.message = Some(Message::info("comparison cancelled")),
        }
    }

    /// Draws every panel; returns what they asked for.
    fn ui(&mut self, ui: &mut Ui) -> Vec<Command> {
        let ctx = &ui.ctx().clone();
        let mut cmds = Vec::new();
        if let Some(then) = self.state.confirm.clone() {
            match crate::panels::confirm::show(ctx, self.state.path.is_some()) {
                crate::panels::confirm::Choice::Waiting => {}
                crate::panels::confirm::Choice::Cancel => self.state.confirm = None,
                crate::panels::confirm::Choice::Discard => {
                    self.state.confirm = None;
                    cmds.push(Command::Discard(Box::new(then)));
                }
                crate::panels::confirm::Choice::SaveFirst => {
                    self.state.confirm = None;
                    cmds.push(Command::Save);
                    cmds.push(Command::IfSaved(Box::new(then)));
                }
            }
        }
        if let Some(prompt) = self.state.prompt.as_mut() {
            match path_prompt::show(ctx, prompt) {
                path_prompt::Outcome::Open => {}
                path_prompt::Outcome::Cancelled => self.state.prompt = None,
                path_prompt::Outcome::Answered(c) => {
                    self.state.prompt = None;
                    cmds.push(c);
                }
            }
        }
        let st = &self.state;
        egui::Panel::top("top").show(ui, |ui| {
            egui::MenuBar::new().ui(ui, |ui| {
                cmds.extend(files::show(
                    ui,
                    &files::FilesView {
                        path: st.path.as_deref(),
                        recent: &st.recent,
                        has_results: st.results.is_some(),
                    },
                ));
                cmds.extend(crate::panels::baseline::report_menu(
                    ui,
                    st.results.is_some(),
                ));
                cmds.extend(files::edit_menu(
                    ui,
                    !st.history.undo.is_empty(),
                    !st.history.redo.is_empty(),
                ));
                cmds.extend(view_menu::menu(ui, &st.view));
                cmds.extend(view_menu::theme_button(ui, &st.view));
                ui.separator();
                cmds.extend(run::show(
                    ui,
                    &run::RunView {
                        job: st.job.as_ref(),
                        problems: st.errors.len()
                            + crate::panels::typed::invalid_in_scenario(ctx).len(),
                        tab: st.tab,
                        replications: st.ab.replications,
                    },
                ));
            });
        });
        egui::Panel::bottom("status").show(ui, |ui| {
            cmds.extend(status::show(
                ui,
                &status::StatusView {
                    message: st.message.as_ref(),
                    path: st.path.as_deref(),
                    dirty: st.dirty,
                    scenario_name: &st.scenario.name,
                },
            ));
        });
        // The editor takes a third of a small window, at most 430 points; it can be shut
        // (View menu, or dragged to the edge) and scrolls both ways when narrower than
        // its widest row, so nothing in it is cut off.
        let mut view = st.view;
        let width = ctx.content_rect().width();
        egui::Panel::left("editor")
            .default_size((width * 0.3).clamp(280.0, 430.0))
            .min_size(220.0)
            .resizable(true)
            .show_collapsible(ui, &mut view.editor_open, |ui| {
                egui::ScrollArea::both().show(ui, |ui| {
                    cmds.extend(editor::show(
                        ui,
                        &editor::EditorView {
                            scenario: &st.scenario,
                            catalog: &st.catalog,
                            errors: &st.errors,
                            warnings: &st.warnings,
                        },
                    ));
                });
            });
        let mut transform = None;
        let mut plan_transform = None;
        egui::CentralPanel::default().show(ui, |ui| match st.tab {
            Tab::Map => {
                let out = map::show(
                    ui,
                    &map::MapView {
                        scenario: &st.scenario,
                        catalog: &st.catalog,
                        links: st.links.as_ref(),
                        layout: st.map_layout,
                        results: st.results.as_ref(),
                    },
                );
                cmds.extend(out.commands);
                transform = out.transform;
            }
            Tab::Compare => cmds.extend(compare::show(
                ui,
                &compare::CompareView {
                    results: st.results.as_ref(),
                    stale: st.results_are_stale(),
                    timeline_layout: st.timeline_layout,
                    estimates: &st.estimates,
                    running: st.job.as_ref().map(|j| j.fraction()),
                    baseline: st.ab.baseline.as_ref(),
                },
            )),
            Tab::Planner => {
                let areas = planner::area_names(&st.scenario, &st.catalog);
                let out = planner_panel::show(
                    ui,
                    &planner_panel::PlannerView {
                        scenario: &st.scenario,
                        errors: &st.errors,
                        area_names: &areas,
                        settings: &st.planner.settings,
                        job: st.planner.job.as_ref(),
                        result: st.planner.result.as_ref(),
                        loaded: st.planner.loaded,
                        inputs_open: st.view.planner_inputs_open,
                    },
                );
                view.planner_inputs_open = out.inputs_open;
                cmds.extend(out.commands);
                plan_transform = out.transform;
            }
        });
        if view != st.view {
            // A side panel was dragged shut or open.
            cmds.push(Command::SetView(view));
        }
        self.state.map_transform = transform;
        self.state.planner.plot_transform = plan_transform;
        cmds
    }

    /// Carries out one command: the only place the state changes.
    pub fn handle(&mut self, cmd: Command, ctx: &Context) {
        let st = &mut self.state;
        match cmd {
            Command::SetScenario(s) => {
                let widget = ctx.dragged_id().or_else(|| ctx.memory(|m| m.focused()));
                st.edit_scenario(*s, widget)
            }
            Command::ToggleRegion(id) => {
                let mut s = st.scenario.clone();
                let note = edit::toggle_region(&mut s, &st.catalog, &id);
                st.set_scenario(s);
                st.message = Some(Message::info(note));
            }
            Command::SetMapLayout(l) => {
                st.map_layout = l;
                st.refresh_links();
            }
            Command::SetTimelineLayout(l) => st.timeline_layout = l,
            Command::Compare => self.compare(ctx),
            Command::Cancel => {
                if let Some(job) = st.job.take() {
                    job.cancel();
                    st.message = Some(Message::info("comparison cancelled"));
                }
            }
            // Commands that would drop unsaved edits ask first.
            Command::NewDefault | Command::Open(_) | Command::OpenDialog | Command::Quit
                if st.dirty =>
            {
                st.confirm = Some(cmd);
            }
            // The edits go only when another scenario actually replaces them: a dialog
            // or prompt cancelled after "Discard" keeps them, still edited, with their undo.
            Command::Discard(then) => match *then {
                Command::NewDefault => self.new_default(),
                Command::Open(p) => self.open(p),
                Command::Quit => self.quit(ctx),
                Command::OpenDialog => self.ask_discarding(DialogKind::OpenScenario, true),
                other => self.handle(other, ctx),
            },
            Command::IfSaved(then) => {
                // A save that failed left the edits unsaved: keep them (its message shows).
                if !st.dirty {
                    self.handle(*then, ctx);
                }
            }
            Command::Quit => self.quit(ctx),
            Command::Undo => {
                if !st.undo() {
                    st.message = Some(Message::info("nothing to undo"));
                }
            }
            Command::Redo => {
                if !st.redo() {
                    st.message = Some(Message::info("nothing to redo"));
                }
            }
            Command::NewDefault => self.new_default(),
            Command::Open(p) => self.open(p),
            Command::OpenDialog => self.ask(DialogKind::OpenScenario),
            Command::Save => match st.path.clone() {
                Some(p) => self.handle(Command::SaveAs(p), ctx),
                None => self.ask(DialogKind::SaveScenario),
            },
            Command::SaveAs(p) => {
                match crate::files::save(&st.scenario, &p, st.source_text.as_deref()) {
                    Ok(text) => {
                        st.source_text = Some(text);
                        st.path = Some(p.clone());
                        st.mark_saved();
                        st.remember(&p);
                        st.message = Some(Message::info(format!("saved {}", p.display())));
                    }
                    Err(e) => st.message = Some(Message::error(e)),
                }
            }
            Command::SaveAsDialog => self.ask(DialogKind::SaveScenario),
            Command::Export(dir) => {
                let runs = st
                    .results
                    .as_ref()
                    .map(|r| r.runs.as_slice())
                    .unwrap_or(&[]);
                st.message = Some(match crate::files::export(&dir, runs) {
                    Ok(written) => Message::info(format!(
                        "wrote {} files into {}",
                        written.len(),
                        dir.display()
                    )),
                    Err(e) => Message::error(e),
                });
            }
            Command::ExportDialog => self.ask(DialogKind::ExportFolder),
            Command::PromptPath(kind) => {
                let start = match kind {
                    DialogKind::SaveScenario | DialogKind::OpenScenario => st.path.clone(),
                    DialogKind::ExportFolder
                    | DialogKind::PlanExportFolder
                    | DialogKind::ReportFile
                    | DialogKind::ChartPng(_) => None,
                };
                st.prompt = Some(PathPrompt::new(kind, start.as_deref(), None));
            }
            Command::ShowTab(t) => st.tab = t,
            Command::SetView(v) => {
                st.view = v;
                crate::panels::view_menu::apply_theme(ctx, &st.view);
            }
            Command::DismissMessage => st.message = None,
            Command::Plan(PlanCommand::ExportDialog) => self.ask(DialogKind::PlanExportFolder),
            Command::Ab(AbCommand::ExportReportDialog) => self.ask(DialogKind::ReportFile),
            Command::Ab(AbCommand::SaveChartDialog(c)) => self.ask(DialogKind::ChartPng(c)),
            Command::Ab(c) => crate::ab::handle(st, c),
            Command::Plan(c) => {
                for next in planner::handle(st, c, ctx) {
                    self.handle(next, ctx);
                }
            }
        }
    }

    fn quit(&mut self, ctx: &Context) {
        self.closing = true;
        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
    }

    fn new_default(&mut self) {
        let recent = std::mem::take(&mut self.state.recent);
        self.replace_state(AppState::from_default(), recent);
    }

    /// Opens `p` in place of the scenario (a file that does not load changes nothing).
    fn open(&mut self, p: PathBuf) {
        match crate::files::open(&p) {
            Ok((s, cat, text)) => {
                let recent = std::mem::take(&mut self.state.recent);
                let mut next = AppState::new(s, cat, Some(p.clone()));
                next.source_text = Some(text);
                self.replace_state(next, recent);
                self.state.remember(&p);
                self.state.message = Some(Message::info(format!("opened {}", p.display())));
            }
            Err(e) => self.state.message = Some(Message::error(e)),
        }
    }

    fn replace_state(&mut self, mut next: AppState, recent: Vec<PathBuf>) {
        // Text typed into the old scenario's fields is not the new one's.
        self.clear_typed = true;
        if let Some(job) = self.state.job.take() {
            job.cancel();
        }
        next.recent = recent;
        next.tab = self.state.tab;
        next.planner.settings = self.state.planner.settings.clone();
        next.view = self.state.view;
        // A baseline is compared against whatever is opened next.
        next.ab = std::mem::take(&mut self.state.ab);
        self.state = next;
    }

    fn compare(&mut self, ctx: &Context) {
        let st = &mut self.state;
        if st.job.is_some() {
            return;
        }
        if !st.is_valid() {
            st.message = Some(Message::error(format!(
                "the scenario has {} problem(s); fix them in the editor before running",
                st.errors.len()
            )));
            return;
        }
        if let Some((path, why)) = crate::panels::typed::invalid_in_scenario(ctx)
            .into_iter()
            .next()
        {
            st.message = Some(Message::error(format!(
                "{path}: {why}; fix it in the editor before running"
            )));
            return;
        }
        let wake = ctx.clone();
        let reps = st.ab.replications;
        match CompareJob::start(st.scenario.clone(), st.catalog.clone(), reps, move || {
            wake.request_repaint()
        }) {
            Ok(job) => {
                st.job = Some(job);
                // The compare view shows the analytic estimates while the runs go on.
                st.tab = Tab::Compare;
                st.message = Some(Message::info("comparing the three layouts…"));
            }
            Err(e) => {
                st.message = Some(Message::error(format!(
                    "cannot start the worker thread: {e}"
                )))
            }
        }
    }

    fn ask(&mut self, kind: DialogKind) {
        self.ask_discarding(kind, false);
    }

    /// Asks for a path; `discard`: the user agreed to drop unsaved edits for the answer.
    fn ask_discarding(&mut self, kind: DialogKind, discard: bool) {
        if self.pending.is_some() || self.state.prompt.is_some() {
            return;
        }
        let start = self.start_dir();
        self.pending = Some(Pending::new(kind, self.dialogs.ask(kind, start), discard));
    }

    /// Where dialogs start: the folder of the current file.
    fn start_dir(&self) -> Option<PathBuf> {
        self.state
            .path
            .as_ref()
            .and_then(|p| p.parent())
            .map(|p| p.to_path_buf())
    }
}

impl eframe::App for PlannerApp {
    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        self.frame(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, RECENT_KEY, &self.state.recent);
        eframe::set_value(storage, VIEW_KEY, &self.state.view.to_stored());
    }
}

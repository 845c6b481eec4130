//! The Planner tab: objectives and search options on the left; progress, the Pareto
//! scatter ([`super::pareto`]) and the ranked designs on the right.
//!
//! The objectives are the scenario's `[slo]` table: the panel edits a copy of the scenario
//! and returns [`Command::SetScenario`], so they are validated by the same function, with
//! the same messages, as `regionsim plan`, and every problem under `slo` is shown here with
//! its path. The search options are the app's ([`PlanSettings`]) and come back as
//! [`PlanCommand::SetSettings`]. ▶ Plan is disabled while the scenario or the options have
//! a problem. Loading a design (a dot or a table row) returns [`PlanCommand::LoadDesign`].

use super::designs_table;
pub use super::designs_table::{layout_abbrev, regions_cell, COLUMNS};
use super::editor::Problems;
use super::{field, layout_color, pareto, Commands, ERROR_COLOR};
use crate::plan_job::PlanJob;
use crate::planner::{PlanCommand, PlanResult, PlanSettings};
use crate::Command;
use egui::{Checkbox, DragValue, Grid, RichText, Ui};
use egui_plot::PlotTransform;
use sim_core::engine::SimDuration;
use sim_core::experiment::plan::{PlanAutoscaling, Status};
use sim_core::scenario::{FieldError, LayoutKind, Scenario, StandbyMode};

/// What the tab shows.
pub struct PlannerView<'a> {
    pub scenario: &'a Scenario,
    /// Every validation problem of the scenario.
    pub errors: &'a [FieldError],
    /// The user areas' names (the scenario's, or the catalog's when it lists none).
    pub area_names: &'a [String],
    pub settings: &'a PlanSettings,
    pub job: Option<&'a PlanJob>,
    pub result: Option<&'a PlanResult>,
    /// The design loaded into the editor.
    pub loaded: Option<usize>,
    /// The objectives and options column is open (it can be shut on small windows).
    pub inputs_open: bool,
}

/// What the tab returns.
pub struct PlannerOutput {
    pub commands: Commands,
    /// Where the scatter was drawn, if it was.
    pub transform: Option<PlotTransform>,
    /// Whether the objectives column is open after this frame (dragging its edge shuts it).
    pub inputs_open: bool,
}

/// The label of the checkbox that also tries autoscaled designs (`--autoscale`).
pub const AUTOSCALE: &str = "try autoscaled designs";

/// What the designs table adds to the layout of an autoscaled design ("AA auto").
pub const AUTOSCALED: &str = "auto";

/// The label of the button that plans.
pub const PLAN_BUTTON: &str = "▶ Plan";
/// The label of the button that cancels a running plan.
pub const CANCEL_BUTTON: &str = "⏹ Cancel plan";

/// The label of the button that loads design `i` (0-based) from the table.
pub fn load_label(i: usize) -> String {
    format!("load #{}", i + 1)
}

pub fn show(ui: &mut Ui, view: &PlannerView<'_>) -> PlannerOutput {
    let mut commands = Commands::new();
    let mut transform = None;
    let mut inputs_open = view.inputs_open;
    let width = ui.available_width();
    egui::Panel::left("planner-inputs")
        .resizable(true)
        .default_size((width * 0.3).clamp(220.0, 330.0))
        .min_size(180.0)
        .show_collapsible(ui, &mut inputs_open, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                inputs(ui, view, &mut commands);
            });
        });
    egui::CentralPanel::default().show(ui, |ui| match view.result {
        Some(res) => transform = Some(results(ui, view, res, &mut commands)),
        None => {
            ui.add_space(40.0);
            ui.vertical_centered(|ui| {
                ui.heading("No plan yet");
                ui.label(
                    "Set the objectives on the left and press ▶ Plan: the scenario's regions are \
                     the candidates; the planner searches layouts × region subsets × instances \
                     and simulates the promising designs.",
                );
            });
        }
    });
    PlannerOutput {
        commands,
        transform,
        inputs_open,
    }
}

fn inputs(ui: &mut Ui, view: &PlannerView<'_>, cmds: &mut Commands) {
    let mut s = view.scenario.clone();
    ui.heading("Objectives");
    ui.weak("the scenario's [slo] table (saved with it)");
    // Each objective's problems under it (in percent for the availability); those of no
    // objective's field after them.
    let mut p = Problems::new(view.errors, &[]);
    objectives(ui, &mut s, view.area_names, &mut p);
    p.under(ui, "slo");
    let slo_errors: Vec<&FieldError> = view.errors.iter().filter(|e| is_slo_problem(e)).collect();
    if s != *view.scenario {
        cmds.push(Command::SetScenario(Box::new(s)));
    }

    ui.separator();
    ui.heading("Search");
    let mut set = view.settings.clone();
    search(ui, &mut set, view.scenario.regions.len());
    let problems = set.options(view.scenario.seed).problems();
    for p in &problems {
        ui.colored_label(ERROR_COLOR, format!("⚠ {p}"));
    }
    if set != *view.settings {
        cmds.push(PlanCommand::SetSettings(Box::new(set)).into());
    }

    ui.separator();
    match view.job {
        Some(job) => progress(ui, job, cmds),
        None => {
            let typed = super::typed::invalid(ui.ctx());
            let ok = view.errors.is_empty() && problems.is_empty() && typed.is_empty();
            let b = ui
                .add_enabled(ok, egui::Button::new(RichText::new(PLAN_BUTTON).strong()))
                .on_hover_text("find the cheapest designs that meet the objectives")
                .on_disabled_hover_text("fix the problems first");
            if b.clicked() {
                cmds.push(PlanCommand::Start.into());
            }
            if !view.errors.is_empty() {
                let other = view.errors.len() - slo_errors.len();
                let mut text = format!(
                    "⚠ {} problem{} in the scenario",
                    view.errors.len(),
                    if view.errors.len() == 1 { "" } else { "s" }
                );
                if other > 0 {
                    text += &format!(" ({other} shown in the editor)");
                }
                ui.colored_label(ERROR_COLOR, text);
            }
        }
    }
}

/// The `[slo]` fields. Each optional objective is a checkbox; its value is edited beside it
/// (and named by it), with the objective's problems in a row under it.
fn objectives(ui: &mut Ui, s: &mut Scenario, area_names: &[String], p: &mut Problems<'_>) {
    let slo = &mut s.slo;
    Grid::new("slo-grid").num_columns(2).show(ui, |ui| {
        opt_ms(ui, "slo.p99", None, &mut slo.p99, 250.0, 10_000.0);
        ui.end_row();
        p.grid_row(ui, 1, "slo.p99");
        let mut on = slo.availability.is_some();
        let c = field::describe(
            ui.add(Checkbox::new(&mut on, "availability")),
            "slo.availability",
        );
        if on != slo.availability.is_some() {
            slo.availability = on.then_some(0.999);
        }
        // Edited in percent; 100 % is accepted here so that validation can say why not.
        let mut pct = field::percent_of_fraction(slo.availability.unwrap_or(0.999));
        let r = enabled_drag(ui, on, "slo.availability", &mut pct, false, |d| {
            d.speed(0.001).max_decimals(4).suffix(" %")
        })
        .labelled_by(c.id);
        let r = field::describe(r, "slo.availability");
        if r.changed() && on {
            slo.availability = Some(field::fraction_of_percent(pct));
        }
        ui.end_row();
        p.grid_row(ui, 1, "slo.availability");
        let mut on = slo.rpo.is_some();
        let c = field::describe(
            ui.add(Checkbox::new(&mut on, "RPO (data loss window)")),
            "slo.rpo",
        );
        let mut secs = slo.rpo.map_or(1.0, SimDuration::as_secs_f64);
        let r = enabled_drag(ui, on, "slo.rpo", &mut secs, true, |d| {
            d.speed(0.05).suffix(" s")
        })
        .labelled_by(c.id);
        let r = field::describe(r, "slo.rpo");
        if on != slo.rpo.is_some() || (r.changed() && on) {
            slo.rpo = on.then(|| SimDuration::from_secs_f64(secs));
        }
        ui.end_row();
        p.grid_row(ui, 1, "slo.rpo");
        let mut on = slo.budget_usd_per_month.is_some();
        let c = field::describe(
            ui.add(Checkbox::new(&mut on, "budget")),
            "slo.budget_usd_per_month",
        );
        let mut v = slo.budget_usd_per_month.unwrap_or(20_000.0);
        let r = enabled_drag(ui, on, "slo.budget_usd_per_month", &mut v, false, |d| {
            d.speed(100.0).prefix("$").suffix(" / month")
        })
        .labelled_by(c.id);
        let r = field::describe(r, "slo.budget_usd_per_month");
        if on != slo.budget_usd_per_month.is_some() || (r.changed() && on) {
            slo.budget_usd_per_month = on.then_some(v);
        }
        ui.end_row();
        p.grid_row(ui, 1, "slo.budget_usd_per_month");
        field::describe(
            ui.checkbox(&mut slo.residency, "residency"),
            "slo.residency",
        );
        ui.weak("data stays in its jurisdiction");
        ui.end_row();
        p.grid_row(ui, 1, "slo.residency");
        field::describe(ui.checkbox(&mut slo.n_plus_one, "N+1"), "slo.n_plus_one");
        ui.weak("survive any one region down");
        ui.end_row();
        p.grid_row(ui, 1, "slo.n_plus_one");
    });
    let set = slo.p99_by_area.len();
    egui::CollapsingHeader::new(format!("p99 per user area ({set} set)"))
        .id_salt("slo-areas")
        .show(ui, |ui| {
            Grid::new("slo-area-grid").num_columns(2).show(ui, |ui| {
                // Bounds for names the scenario does not have stay (validation names them).
                let mut names: Vec<String> = area_names.to_vec();
                for k in slo.p99_by_area.keys() {
                    if !names.contains(k) {
                        names.push(k.clone());
                    }
                }
                for name in names {
                    let mut v = slo.p99_by_area.get(&name).copied();
                    let path = format!("slo.p99_by_area.{name}");
                    opt_ms(ui, &path, Some(&name), &mut v, 200.0, 10_000.0);
                    match v {
                        Some(d) => {
                            slo.p99_by_area.insert(name, d);
                        }
                        None => {
                            slo.p99_by_area.remove(&name);
                        }
                    }
                    ui.end_row();
                    p.grid_row(ui, 1, &path);
                }
            });
            p.under(ui, "slo.p99_by_area");
        });
}

/// An objective's number, greyed out while `enabled` is off, keeping what is typed
/// ([`super::typed`]) under `path`; a duration (`non_negative`) refuses a negative one
/// rather than storing 0.
fn enabled_drag(
    ui: &mut Ui,
    enabled: bool,
    path: &str,
    v: &mut f64,
    non_negative: bool,
    style: impl FnOnce(DragValue<'_>) -> DragValue<'_>,
) -> egui::Response {
    ui.add_enabled_ui(enabled, |ui| {
        super::typed::at(ui, path, |ui| match non_negative {
            true => super::typed::non_negative(ui, v, style),
            false => super::typed::drag(ui, v, style),
        })
    })
    .inner
}

/// An optional duration in milliseconds: a checkbox named `label` (else the field's label)
/// and a value labelled by it, both with the tooltip of `path`.
fn opt_ms(
    ui: &mut Ui,
    path: &str,
    label: Option<&str>,
    v: &mut Option<SimDuration>,
    default_ms: f64,
    max_ms: f64,
) {
    let label = label.or(field::doc(path).map(|d| d.label)).unwrap_or(path);
    let mut on = v.is_some();
    let c = field::describe(ui.add(Checkbox::new(&mut on, label)), path);
    let mut ms = v.map_or(default_ms, SimDuration::as_millis_f64);
    let r =
        enabled_drag(ui, on, path, &mut ms, true, |d| d.speed(1.0).suffix(" ms")).labelled_by(c.id);
    field::drag_within(&r, &mut ms, 0.0, max_ms);
    let r = field::describe(r, path);
    if on != v.is_some() || (r.changed() && on) {
        *v = on.then(|| SimDuration::from_millis_f64(ms));
    }
}

fn search(ui: &mut Ui, set: &mut PlanSettings, candidates: usize) {
    ui.weak(format!(
        "{candidates} candidate regions: the scenario's [[regions]]"
    ));
    ui.horizontal_wrapped(|ui| {
        ui.label("layouts");
        for l in LayoutKind::ALL {
            let mut on = set.options.layouts.contains(&l);
            if ui
                .checkbox(&mut on, RichText::new(l.name()).color(layout_color(l)))
                .changed()
            {
                if on {
                    set.options.layouts.push(l);
                } else {
                    set.options.layouts.retain(|x| *x != l);
                }
            }
        }
    });
    let mut quick = set.quick;
    if ui
        .checkbox(&mut quick, "quick")
        .on_hover_text("runs of at most 2 simulated minutes, fewer sizes and finalists (--quick)")
        .changed()
    {
        set.set_quick(quick);
    }
    Grid::new("plan-options").num_columns(2).show(ui, |ui| {
        let l = ui
            .label("replications")
            .on_hover_text("steady-state runs per simulated design");
        super::typed::at(ui, "plan.replications", |ui| {
            super::typed::drag(ui, &mut set.options.replications, |d| d)
        })
        .labelled_by(l.id);
        ui.end_row();
        let l = ui
            .label("finalists per layout")
            .on_hover_text("stop once this many designs of a layout met every objective");
        super::typed::at(ui, "plan.finalists", |ui| {
            super::typed::drag(ui, &mut set.options.finalists, |d| d)
        })
        .labelled_by(l.id);
        ui.end_row();
        let l = ui
            .label("simulate at most")
            .on_hover_text("designs per layout");
        let mut max = set.options.max_verified.unwrap_or(usize::MAX);
        super::typed::at(ui, "plan.max_verified", |ui| {
            super::typed::drag(ui, &mut max, |d| d.suffix(" per layout"))
        })
        .labelled_by(l.id);
        if Some(max) != set.options.max_verified {
            set.options.max_verified = Some(max).filter(|&m| m != usize::MAX);
        }
        ui.end_row();
    });
    // Text typed into these that is no number stays, named here, and stops ▶ Plan.
    for (path, why) in super::typed::invalid(ui.ctx()) {
        if let Some(name) = path.strip_prefix("plan.") {
            ui.colored_label(ERROR_COLOR, format!("⚠ {name}: {why}"));
        }
    }
    ui.horizontal_wrapped(|ui| {
        ui.label("active-passive standby")
            .on_hover_text("standby modes to try (--standby); none ticked: the scenario's own");
        for m in StandbyMode::ALL {
            let mut on = set.options.standby_modes.contains(&m);
            if ui.checkbox(&mut on, m.name()).changed() {
                if on {
                    set.options.standby_modes.push(m);
                } else {
                    set.options.standby_modes.retain(|x| *x != m);
                }
            }
        }
    });
    let mut window = !set.options.at_peak;
    ui.checkbox(&mut window, "simulate the scenario's time of day")
        .on_hover_text("instead of every area at its daily peak at once (--window)");
    set.options.at_peak = !window;
    ui.checkbox(
        &mut set.options.keep_failures,
        "keep the scenario's failures in the runs",
    )
    .on_hover_text("the scheduled and random failures run too (--keep-failures)");
    // The command line's `--autoscale`: the same option, handed to the same planner.
    let mut auto = set.options.autoscaling.is_some();
    let c = field::describe(ui.checkbox(&mut auto, AUTOSCALE), "plan.autoscale");
    if c.changed() {
        set.options.autoscaling = auto.then(PlanAutoscaling::default);
    }
}

fn progress(ui: &mut Ui, job: &PlanJob, cmds: &mut Commands) {
    let secs = job.started().elapsed().as_secs();
    // No spinner: it would repaint the window every frame while the plan runs (#17).
    if job.is_cancelling() {
        ui.label(format!("cancelling… ({secs} s)"));
    } else {
        ui.label("planning…");
    }
    ui.add(
        egui::ProgressBar::new(job.fraction())
            .desired_width(300.0)
            .text(format!("{} · {secs} s", job.stage())),
    );
    let b = ui.add_enabled(!job.is_cancelling(), egui::Button::new(CANCEL_BUTTON));
    if b.clicked() {
        cmds.push(PlanCommand::Cancel.into());
    }
}

fn results(
    ui: &mut Ui,
    view: &PlannerView<'_>,
    res: &PlanResult,
    cmds: &mut Commands,
) -> PlotTransform {
    let r = &res.report;
    ui.horizontal_wrapped(|ui| {
        ui.strong(format!("Plan of {}", res.base.name));
        ui.label(format!("objectives: {}", r.objectives.describe()));
    });
    ui.horizontal_wrapped(|ui| {
        ui.label(format!(
            "{} shapes, {} designs: {} pruned, {} simulated in {} runs, {} feasible · {:.1} s",
            r.shapes,
            r.designs.len(),
            res.count(Status::Pruned),
            res.count(Status::Feasible) + res.count(Status::Infeasible),
            r.runs,
            res.count(Status::Feasible),
            res.wall_s
        ));
        if *view.scenario != res.base
            && ui
                .small_button("↩ candidates back into the editor")
                .on_hover_text("the scenario this plan was made on")
                .clicked()
        {
            cmds.push(PlanCommand::RestoreCandidates.into());
        }
        if ui.small_button("Export designs.csv, pareto.csv…").clicked() {
            cmds.push(PlanCommand::ExportDialog.into());
        }
    });
    // Edited since the plan (and no design of it loaded): a design is built on the plan's
    // scenario, so loading one replaces those edits — say so before the click does it.
    if *view.scenario != res.base && view.loaded.is_none() {
        ui.colored_label(
            super::WARNING_COLOR,
            "⚠ the scenario changed since this plan: loading a design starts from the \
             scenario the plan was made on, so your edits go (Ctrl+Z brings them back) — \
             or ▶ Plan again",
        );
    }
    if !r.notes.is_empty() {
        egui::CollapsingHeader::new(format!("notes ({})", r.notes.len()))
            .id_salt("plan-notes")
            .show(ui, |ui| {
                for n in &r.notes {
                    ui.weak(n);
                }
            });
    }
    let out = pareto::show(ui, res, view.loaded, 300.0);
    if let Some(i) = out.clicked {
        cmds.push(PlanCommand::LoadDesign(i).into());
    }
    ui.weak(
        "filled: feasible · hollow: missed an objective in simulation · ringed: Pareto front \
         (cost, p99, availability) · click a design to load it into the editor and compare it",
    );
    ui.separator();
    let mut set = view.settings.clone();
    ui.horizontal(|ui| {
        ui.strong("Designs, ranked");
        ui.checkbox(&mut set.show_all, "also pruned and not simulated");
    });
    if set != *view.settings {
        cmds.push(PlanCommand::SetSettings(Box::new(set)).into());
    }
    designs_table::show(ui, view, res, cmds);
    out.transform
}

/// Whether a validation problem is one of the objectives' (shown in this tab).
pub fn is_slo_problem(e: &FieldError) -> bool {
    let p = e.path.to_string();
    p == "slo" || p.starts_with("slo.") || p.starts_with("slo[")
}

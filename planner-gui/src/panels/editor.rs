//! The scenario editor: workload, regions, routing, client and run settings.
//!
//! The panel edits a copy of the scenario and returns [`Command::SetScenario`] when a field
//! changed; adding or removing a region goes through [`Command::ToggleRegion`] so that the
//! map and the editor do the same thing. Every validation problem (and warning, in its own
//! colour) is shown under the field its path names; problems of fields the editor has no
//! widget for are listed at the end.
//!
//! Messages come and go while the user types, and egui numbers widgets by the order they
//! are laid out in: a message appearing above a field would give it a new id and take the
//! keyboard focus away mid-number (typing 12000 gave 1). So every place that may show
//! messages takes exactly one slot of that order whether it shows any or not
//! ([`show_messages`]): fields keep their ids, and keystrokes their field.

use super::{editor_failures, editor_layouts};
use super::{Commands, ERROR_COLOR, WARNING_COLOR};
use crate::Command;
use egui::{DragValue, Grid, RichText, Ui};
use sim_core::catalog::Catalog;
use sim_core::engine::SimDuration;
use sim_core::scenario::{Dist, FieldError, RoutingPolicy, Scenario};

/// What the editor shows.
pub struct EditorView<'a> {
    pub scenario: &'a Scenario,
    pub catalog: &'a Catalog,
    pub errors: &'a [FieldError],
    /// Warnings of `regionsim validate` (do not stop a run).
    pub warnings: &'a [FieldError],
}

/// Validation problems and warnings, each shown once under the first field that claims it.
pub struct Problems<'a> {
    /// Errors first, then warnings (`warning[i]` tells which).
    errors: Vec<&'a FieldError>,
    warning: Vec<bool>,
    paths: Vec<String>,
    shown: Vec<bool>,
}

impl<'a> Problems<'a> {
    pub fn new(errors: &'a [FieldError], warnings: &'a [FieldError]) -> Self {
        let all: Vec<&FieldError> = errors.iter().chain(warnings).collect();
        Problems {
            warning: (0..all.len()).map(|i| i >= errors.len()).collect(),
            paths: all.iter().map(|e| e.path.to_string()).collect(),
            shown: vec![false; all.len()],
            errors: all,
        }
    }

    fn label(&self, ui: &mut Ui, i: usize, text: String) {
        if self.warning[i] {
            ui.colored_label(WARNING_COLOR, format!("⚠ warning: {text}"));
        } else {
            ui.colored_label(ERROR_COLOR, format!("⚠ {text}"));
        }
    }

    /// Shows the problems whose path is `path` or lies under it (`path.x`, `path[i]`).
    pub fn under(&mut self, ui: &mut Ui, path: &str) {
        self.show_matching(ui, |p| {
            p == path
                || p.strip_prefix(path)
                    .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
        });
    }

    /// Shows the problems whose path is exactly `path`.
    pub fn exact(&mut self, ui: &mut Ui, path: &str) {
        self.show_matching(ui, |p| p == path);
    }

    /// Shows every problem not shown yet, with its path.
    pub fn rest(&mut self, ui: &mut Ui) {
        for i in 0..self.errors.len() {
            if !self.shown[i] {
                self.shown[i] = true;
                self.label(ui, i, self.errors[i].to_string());
            }
        }
    }

    fn show_matching(&mut self, ui: &mut Ui, matches: impl Fn(&str) -> bool) {
        let hits: Vec<usize> = (0..self.errors.len())
            .filter(|&i| !self.shown[i] && matches(&self.paths[i]))
            .collect();
        for &i in &hits {
            self.shown[i] = true;
        }
        show_messages(ui, !hits.is_empty(), |ui| {
            for &i in &hits {
                self.label(ui, i, self.errors[i].message.clone());
            }
        });
    }
}

/// Draws `messages` (when `any`) in one scope, or skips the one widget id that scope
/// would take: the widgets after it keep their ids, and a focused field its focus, whether
/// messages are shown or not (see the module docs).
pub fn show_messages(ui: &mut Ui, any: bool, messages: impl FnOnce(&mut Ui)) {
    if any {
        ui.scope(messages);
    } else {
        ui.skip_ahead_auto_ids(1);
    }
}

/// Draws the editor; returns the edits.
pub fn show(ui: &mut Ui, view: &EditorView<'_>) -> Commands {
    let mut s = view.scenario.clone();
    let mut cmds = Commands::new();
    let mut p = Problems::new(view.errors, view.warnings);
    show_messages(ui, !view.errors.is_empty(), |ui| {
        ui.colored_label(
            ERROR_COLOR,
            RichText::new(format!(
                "⚠ {} problem{} — fix {} to run",
                view.errors.len(),
                if view.errors.len() == 1 { "" } else { "s" },
                if view.errors.len() == 1 { "it" } else { "them" },
            ))
            .strong(),
        );
    });
    general(ui, &mut s, &mut p);
    workload(ui, &mut s, &mut p);
    regions(ui, &mut s, view.catalog, &mut p, &mut cmds);
    routing(ui, &mut s, &mut p);
    editor_layouts::show(ui, &mut s, &mut p);
    let area_names: Vec<String> = if s.areas.is_empty() {
        view.catalog
            .default_areas()
            .iter()
            .map(|a| a.name.clone())
            .collect()
    } else {
        s.areas.iter().map(|a| a.name.clone()).collect()
    };
    editor_failures::show(ui, &mut s, &area_names, &mut p);
    egui::CollapsingHeader::new("Other problems")
        .default_open(true)
        .show(ui, |ui| {
            p.rest(ui);
        });
    if s != *view.scenario {
        cmds.insert(0, Command::SetScenario(Box::new(s)));
    }
    cmds
}

/// A duration edited as a number of `unit_s` seconds; writes only when changed.
pub fn duration(ui: &mut Ui, d: &mut SimDuration, unit_s: f64, suffix: &str, max: f64) {
    let mut v = d.as_secs_f64() / unit_s;
    let speed = (max / 1000.0).max(0.01);
    let r = ui.add(
        DragValue::new(&mut v)
            .range(0.0..=max)
            .speed(speed)
            .suffix(suffix),
    );
    if r.changed() {
        *d = SimDuration::from_secs_f64(v * unit_s);
    }
}

fn general(ui: &mut Ui, s: &mut Scenario, p: &mut Problems<'_>) {
    egui::CollapsingHeader::new("Run")
        .default_open(true)
        .show(ui, |ui| {
            Grid::new("run-grid").num_columns(2).show(ui, |ui| {
                ui.label("name");
                ui.text_edit_singleline(&mut s.name);
                ui.end_row();
                ui.label("seed");
                ui.add(DragValue::new(&mut s.seed).speed(1.0));
                ui.end_row();
                ui.label("duration")
                    .on_hover_text("simulated time that is measured");
                duration(ui, &mut s.duration, 60.0, " min", 24.0 * 60.0);
                ui.end_row();
                ui.label("warm-up")
                    .on_hover_text("simulated time before measurement starts");
                duration(ui, &mut s.warmup, 60.0, " min", 120.0);
                ui.end_row();
                ui.label("start (UTC hour)");
                ui.add(
                    DragValue::new(&mut s.start_utc_hour)
                        .range(0.0..=23.99)
                        .speed(0.1),
                );
                ui.end_row();
            });
            for f in ["name", "seed", "duration", "warmup", "start_utc_hour"] {
                p.under(ui, f);
            }
        });
}

fn workload(ui: &mut Ui, s: &mut Scenario, p: &mut Problems<'_>) {
    let w = &mut s.workload;
    egui::CollapsingHeader::new("Workload")
        .default_open(true)
        .show(ui, |ui| {
            Grid::new("workload-grid").num_columns(2).show(ui, |ui| {
                ui.label("peak rate")
                    .on_hover_text("requests per second from all areas at the daily peak");
                ui.add(
                    DragValue::new(&mut w.peak_rps)
                        .range(0.0..=10_000_000.0)
                        .speed(50.0)
                        .suffix(" req/s"),
                );
                ui.end_row();
                ui.label("diurnal");
                ui.checkbox(&mut w.diurnal, "follow local time of day");
                ui.end_row();
                ui.label("trough / peak");
                ui.add_enabled(
                    w.diurnal,
                    DragValue::new(&mut w.trough_fraction)
                        .range(0.0..=1.0)
                        .speed(0.01),
                );
                ui.end_row();
                ui.label("peak local hour");
                ui.add_enabled(
                    w.diurnal,
                    DragValue::new(&mut w.peak_local_hour)
                        .range(0.0..=23.99)
                        .speed(0.1),
                );
                ui.end_row();
                ui.label("read fraction");
                ui.add(egui::Slider::new(&mut w.read_fraction, 0.0..=1.0));
                ui.end_row();
            });
            p.under(ui, "workload");
        });
}

fn regions(
    ui: &mut Ui,
    s: &mut Scenario,
    catalog: &Catalog,
    p: &mut Problems<'_>,
    cmds: &mut Commands,
) {
    egui::CollapsingHeader::new(format!("Regions ({})", s.regions.len()))
        .default_open(true)
        .show(ui, |ui| {
            Grid::new("regions-grid")
                .num_columns(5)
                .striped(true)
                .show(ui, |ui| {
                    ui.label("region");
                    ui.label("instances");
                    ui.label("service time");
                    ui.label("queue");
                    ui.label("");
                    ui.end_row();
                    for r in s.regions.iter_mut() {
                        let city = catalog
                            .region(&r.id)
                            .ok()
                            .map(|i| catalog.regions()[i].city.clone())
                            .unwrap_or_default();
                        ui.label(&r.id).on_hover_text(city);
                        ui.add(DragValue::new(&mut r.instances).range(0..=100_000));
                        service_time(ui, &mut r.service_time);
                        ui.add(DragValue::new(&mut r.queue_limit).range(0..=10_000_000));
                        if ui
                            .small_button("✖")
                            .on_hover_text(format!("remove {} from the deployment", r.id))
                            .clicked()
                        {
                            cmds.push(Command::ToggleRegion(r.id.clone()));
                        }
                        ui.end_row();
                    }
                });
            for i in 0..s.regions.len() {
                p.under(ui, &format!("regions[{i}]"));
            }
            p.exact(ui, "regions");
            cmds.extend(super::add_region::show(ui, catalog, s));
        });
}

/// The mean of a service-time distribution, in milliseconds (its shape is kept).
fn service_time(ui: &mut Ui, d: &mut Dist) {
    let kind = match d {
        Dist::Constant { .. } => "const",
        Dist::Exponential { .. } => "exp",
        Dist::Lognormal { .. } => "lognormal",
        Dist::Uniform { .. } => "uniform",
    };
    match d {
        Dist::Constant { value: m }
        | Dist::Exponential { mean: m }
        | Dist::Lognormal { mean: m, .. } => {
            ui.horizontal(|ui| {
                duration(ui, m, 1e-3, " ms", 60_000.0);
                ui.weak(kind);
            });
        }
        Dist::Uniform { .. } => {
            ui.label(format!("{} mean ({kind})", d.mean()));
        }
    }
}

fn routing(ui: &mut Ui, s: &mut Scenario, p: &mut Problems<'_>) {
    let ids: Vec<String> = s.regions.iter().map(|r| r.id.clone()).collect();
    let r = &mut s.routing;
    egui::CollapsingHeader::new("Routing and clients")
        .default_open(true)
        .show(ui, |ui| {
            Grid::new("routing-grid").num_columns(2).show(ui, |ui| {
                ui.label("policy");
                egui::ComboBox::from_id_salt("routing-policy")
                    .selected_text(policy_name(r.policy))
                    .show_ui(ui, |ui| {
                        for pol in [
                            RoutingPolicy::Latency,
                            RoutingPolicy::Geo,
                            RoutingPolicy::Weighted,
                            RoutingPolicy::Priority,
                        ] {
                            ui.selectable_value(&mut r.policy, pol, policy_name(pol));
                        }
                    });
                ui.end_row();
                ui.label("DNS TTL")
                    .on_hover_text("how long clients keep a resolved answer");
                duration(ui, &mut r.dns_ttl, 1.0, " s", 3600.0);
                ui.end_row();
                ui.label("health checks")
                    .on_hover_text("how often each region is probed, and how many failed probes in a row mark it down");
                ui.horizontal(|ui| {
                    let hc = &mut r.health_check;
                    ui.label("every");
                    duration(ui, &mut hc.interval, 1.0, " s", 600.0);
                    ui.label("down after");
                    ui.add(DragValue::new(&mut hc.failure_threshold).range(1..=100));
                    ui.label("misses of");
                    duration(ui, &mut hc.timeout, 1.0, " s", 60.0);
                });
                ui.end_row();
                let c = &mut s.client;
                ui.label("client timeout")
                    .on_hover_text("a request not answered within this time fails");
                duration(ui, &mut c.timeout, 1.0, " s", 600.0);
                ui.end_row();
                ui.label("retries")
                    .on_hover_text("retries of a failed request, with exponential backoff and jitter");
                ui.horizontal(|ui| {
                    ui.add(DragValue::new(&mut c.retries).range(0..=20));
                    ui.label("backoff");
                    duration(ui, &mut c.backoff_base, 1e-3, " ms", 60_000.0);
                    ui.label("up to");
                    duration(ui, &mut c.backoff_max, 1e-3, " ms", 600_000.0);
                });
                ui.end_row();
                ui.label("retry budget").on_hover_text(
                    "retries may be at most this fraction of requests (0 = no budget)",
                );
                ui.add(egui::Slider::new(&mut c.retry_budget, 0.0..=1.0));
                ui.end_row();
            });
            match r.policy {
                RoutingPolicy::Weighted => {
                    ui.label("weights (relative):");
                    for id in &ids {
                        ui.horizontal(|ui| {
                            let mut w = r.weights.get(id).copied().unwrap_or(0.0);
                            if ui
                                .add(DragValue::new(&mut w).range(0.0..=1000.0).speed(0.05))
                                .changed()
                            {
                                r.weights.insert(id.clone(), w);
                            }
                            ui.label(id);
                        });
                    }
                }
                RoutingPolicy::Priority => priority_list(ui, &mut r.priority, &ids),
                _ => {}
            }
            p.under(ui, "routing");
            p.under(ui, "client");
        });
}

fn priority_list(ui: &mut Ui, order: &mut Vec<String>, ids: &[String]) {
    ui.label("failover order (first healthy region wins):");
    let mut swap = None;
    let mut remove = None;
    for (i, id) in order.iter().enumerate() {
        ui.horizontal(|ui| {
            ui.label(format!("{}. {id}", i + 1));
            if i > 0 && ui.small_button("⬆").clicked() {
                swap = Some(i);
            }
            if ui.small_button("✖").clicked() {
                remove = Some(i);
            }
        });
    }
    if let Some(i) = swap {
        order.swap(i - 1, i);
    }
    if let Some(i) = remove {
        order.remove(i);
    }
    for id in ids.iter().filter(|id| !order.contains(id)) {
        if ui.small_button(format!("+ {id}")).clicked() {
            order.push(id.clone());
            break;
        }
    }
}

pub fn policy_name(p: RoutingPolicy) -> &'static str {
    match p {
        RoutingPolicy::Latency => "latency",
        RoutingPolicy::Geo => "geo-proximity",
        RoutingPolicy::Weighted => "weighted",
        RoutingPolicy::Priority => "priority failover",
    }
}

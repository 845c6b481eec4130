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

use super::{editor_deps, editor_failures, editor_layouts, editor_realism, field};
use super::{Commands, ERROR_COLOR, WARNING_COLOR};
use crate::Command;
use egui::{Grid, Response, RichText, Ui};
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

/// Validation problems and warnings, each shown once under the first field that claims it,
/// and the texts typed into number fields that are no number they can hold
/// ([`super::typed`]), under their fields as errors.
pub struct Problems<'a> {
    /// Errors first, then warnings (`warning[i]` tells which); typed texts' messages are
    /// added as they come ([`Problems::sync_typed`]).
    errors: Vec<std::borrow::Cow<'a, str>>,
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
            errors: all
                .iter()
                .map(|e| field::message(&e.path.to_string(), &e.message).into())
                .collect(),
        }
    }

    /// Takes in the typed texts refused so far (a field drawn just above may have refused
    /// one this frame), each once.
    fn sync_typed(&mut self, ui: &Ui) {
        for (path, message) in super::typed::invalid_in_scenario(ui.ctx()) {
            let known = (0..self.errors.len())
                .any(|i| self.paths[i] == path && self.errors[i] == message.as_str());
            if !known {
                self.errors.push(message.into());
                self.paths.push(path);
                self.warning.push(false);
                self.shown.push(false);
            }
        }
    }

    /// Problem `i` in its colour. Fields shown in percent have the message in percent
    /// ([`field::message`]).
    fn label(&self, ui: &mut Ui, i: usize, with_path: bool) {
        let text = self.errors[i].to_string();
        let text = match with_path {
            true => format!("{}: {text}", self.paths[i]),
            false => text,
        };
        let (color, text) = match self.warning[i] {
            true => (WARNING_COLOR, format!("⚠ warning: {text}")),
            false => (ERROR_COLOR, format!("⚠ {text}")),
        };
        ui.add(egui::Label::new(RichText::new(text).color(color)).wrap());
    }

    /// Shows the problems whose path is `path` or lies under it (`path.x`, `path[i]`).
    pub fn under(&mut self, ui: &mut Ui, path: &str) {
        self.sync_typed(ui);
        self.show_matching(ui, |p| is_under(p, path));
    }

    /// Shows the problems whose path is exactly `path`.
    pub fn exact(&mut self, ui: &mut Ui, path: &str) {
        self.sync_typed(ui);
        self.show_matching(ui, |p| p == path);
    }

    /// In a grid, right under a field's row: the problems of `path` (and under it) in a
    /// row of their own, in the column after `skip` empty cells; no row when there are
    /// none. Either way it takes the same number of widget ids (see the module docs).
    pub fn grid_row(&mut self, ui: &mut Ui, skip: usize, path: &str) {
        self.grid_row_matching(ui, skip, |p| is_under(p, path));
    }

    /// [`grid_row`](Self::grid_row) in a table of narrow columns: the message wraps at
    /// `width`, so it does not widen its column and push the columns after it out of the
    /// panel (a message under a region's instances hid its service time and queue).
    pub fn grid_row_narrow(&mut self, ui: &mut Ui, skip: usize, path: &str, width: f32) {
        self.grid_row_within(ui, skip, |p| is_under(p, path), width);
    }

    /// [`grid_row`](Self::grid_row) for the problems whose path passes `pick`.
    pub fn grid_row_matching(&mut self, ui: &mut Ui, skip: usize, pick: impl Fn(&str) -> bool) {
        self.grid_row_within(ui, skip, pick, MESSAGE_WIDTH);
    }

    fn grid_row_within(
        &mut self,
        ui: &mut Ui,
        skip: usize,
        pick: impl Fn(&str) -> bool,
        width: f32,
    ) {
        self.sync_typed(ui);
        let hits = self.take(pick);
        if hits.is_empty() {
            ui.skip_ahead_auto_ids(skip + 1);
            return;
        }
        for _ in 0..skip {
            ui.scope(|_| {});
        }
        ui.scope(|ui| {
            // A message widens its column only so far, then wraps.
            ui.set_max_width(width);
            for &i in &hits {
                self.label(ui, i, false);
            }
        });
        ui.end_row();
    }

    /// Shows every problem not shown yet, with its path.
    /// How many problems no field has shown yet (what [`rest`](Self::rest) would list).
    pub fn rest_count(&mut self, ui: &Ui) -> usize {
        self.sync_typed(ui);
        self.shown.iter().filter(|s| !**s).count()
    }

    pub fn rest(&mut self, ui: &mut Ui) {
        self.sync_typed(ui);
        for i in 0..self.errors.len() {
            if !self.shown[i] {
                self.shown[i] = true;
                self.label(ui, i, true);
            }
        }
    }

    /// Marks the problems not shown yet whose path matches as shown; returns them.
    fn take(&mut self, matches: impl Fn(&str) -> bool) -> Vec<usize> {
        let hits: Vec<usize> = (0..self.errors.len())
            .filter(|&i| !self.shown[i] && matches(&self.paths[i]))
            .collect();
        for &i in &hits {
            self.shown[i] = true;
        }
        hits
    }

    fn show_matching(&mut self, ui: &mut Ui, matches: impl Fn(&str) -> bool) {
        let hits = self.take(matches);
        show_messages(ui, !hits.is_empty(), |ui| {
            for &i in &hits {
                self.label(ui, i, false);
            }
        });
    }
}

/// The widest a message under a grid field grows before it wraps, in points.
const MESSAGE_WIDTH: f32 = 280.0;

/// Whether problem path `p` is `path` or lies under it (`path.x`, `path[i]`).
fn is_under(p: &str, path: &str) -> bool {
    p == path
        || p.strip_prefix(path)
            .is_some_and(|rest| rest.starts_with('.') || rest.starts_with('['))
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
    // Text typed into a number field that is no number counts too (`typed`).
    let n = view.errors.len() + super::typed::invalid_in_scenario(ui.ctx()).len();
    // The banner's row is always there, blank without problems, and never wraps: a banner
    // appearing used to push every field down a row, under the pointer (a click meant for
    // one field landed on the next).
    let banner = match n {
        0 => String::new(),
        1 => "⚠ 1 problem — fix it to run".to_string(),
        n => format!("⚠ {n} problems — fix them to run"),
    };
    ui.add(egui::Label::new(RichText::new(banner).color(ERROR_COLOR).strong()).truncate());
    general(ui, &mut s, &mut p);
    workload(ui, &mut s, &mut p);
    regions(ui, &mut s, view.catalog, &mut p, &mut cmds);
    routing(ui, &mut s, &mut p);
    super::editor_network::show(ui, &mut s, view.catalog, &mut p);
    super::editor_areas::show(ui, &mut s, view.catalog, &mut p);
    editor_layouts::show(ui, &mut s, view.catalog, &mut p);
    let area_names: Vec<String> = if s.areas.is_empty() {
        view.catalog
            .default_areas()
            .iter()
            .map(|a| a.name.clone())
            .collect()
    } else {
        s.areas.iter().map(|a| a.name.clone()).collect()
    };
    editor_deps::show(ui, &mut s, &mut p);
    editor_failures::show(ui, &mut s, &area_names, &mut p);
    // Only when there are some: an empty "Other problems" header read as a problem.
    let rest = p.rest_count(ui);
    if rest > 0 {
        egui::CollapsingHeader::new(format!("Other problems ({rest})"))
            .id_salt("other-problems")
            .default_open(true)
            .show(ui, |ui| {
                p.rest(ui);
            });
    }
    if s != *view.scenario {
        cmds.insert(0, Command::SetScenario(Box::new(s)));
    }
    cmds
}

/// A duration edited as a number of `unit_s` seconds; writes only when changed.
pub fn duration(ui: &mut Ui, d: &mut SimDuration, unit_s: f64, suffix: &str, max: f64) -> Response {
    let mut v = d.as_secs_f64() / unit_s;
    let speed = (max / 1000.0).max(0.01);
    let r = super::typed::non_negative(ui, &mut v, |d| d.speed(speed).suffix(suffix));
    field::drag_within(&r, &mut v, 0.0, max);
    if r.changed() {
        *d = SimDuration::from_secs_f64(v * unit_s);
    }
    r
}

fn general(ui: &mut Ui, s: &mut Scenario, p: &mut Problems<'_>) {
    egui::CollapsingHeader::new("Run")
        .default_open(true)
        .show(ui, |ui| {
            Grid::new("run-grid").num_columns(2).show(ui, |ui| {
                field::row(ui, p, "name", |ui| ui.text_edit_singleline(&mut s.name));
                field::row(ui, p, "seed", |ui| {
                    super::typed::drag(ui, &mut s.seed, |d| d.speed(1.0))
                });
                field::row(ui, p, "duration", |ui| {
                    duration(ui, &mut s.duration, 60.0, " min", 24.0 * 60.0)
                });
                field::row(ui, p, "warmup", |ui| {
                    duration(ui, &mut s.warmup, 60.0, " min", 120.0)
                });
                field::row(ui, p, "start_utc_hour", |ui| {
                    super::typed::drag(ui, &mut s.start_utc_hour, |d| d.speed(0.1).suffix(" h"))
                });
            });
        });
}

fn workload(ui: &mut Ui, s: &mut Scenario, p: &mut Problems<'_>) {
    let w = &mut s.workload;
    egui::CollapsingHeader::new("Workload")
        .default_open(true)
        .show(ui, |ui| {
            Grid::new("workload-grid").num_columns(2).show(ui, |ui| {
                field::row(ui, p, "workload.peak_rps", |ui| {
                    super::typed::drag(ui, &mut w.peak_rps, |d| d.speed(50.0).suffix(" req/s"))
                });
                field::row(ui, p, "workload.diurnal", |ui| {
                    ui.checkbox(&mut w.diurnal, "follow local time of day")
                });
                let diurnal = w.diurnal;
                field::row(ui, p, "workload.trough_fraction", |ui| {
                    ui.add_enabled_ui(diurnal, |ui| {
                        field::percent(ui, &mut w.trough_fraction, 100.0)
                    })
                    .inner
                });
                field::row(ui, p, "workload.peak_local_hour", |ui| {
                    ui.add_enabled_ui(diurnal, |ui| {
                        super::typed::drag(ui, &mut w.peak_local_hour, |d| {
                            d.speed(0.1).suffix(" h")
                        })
                    })
                    .inner
                });
                field::row(ui, p, "workload.read_fraction", |ui| {
                    field::percent(ui, &mut w.read_fraction, 100.0)
                });
                // Sizes bill egress and transfer; the key space and its skew decide stale
                // reads and write conflicts.
                field::row(ui, p, "workload.request_bytes", |ui| {
                    super::typed::drag(ui, &mut w.request_bytes, |d| d.speed(100.0).suffix(" B"))
                });
                field::row(ui, p, "workload.response_bytes", |ui| {
                    super::typed::drag(ui, &mut w.response_bytes, |d| d.speed(100.0).suffix(" B"))
                });
                field::row(ui, p, "workload.keys", |ui| {
                    super::typed::drag(ui, &mut w.keys, |d| d.speed(1000.0))
                });
                field::row(ui, p, "workload.zipf_exponent", |ui| {
                    super::typed::drag(ui, &mut w.zipf_exponent, |d| d.speed(0.01).max_decimals(3))
                });
            });
            // The workload's problems no row above claimed.
            p.under(ui, "workload");
        });
}

/// The columns of the regions table, by the field each edits (the first is the id).
const REGION_COLUMNS: [&str; 4] = ["id", "instances", "service_time", "queue_limit"];

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
                    let heads: Vec<egui::Id> = REGION_COLUMNS
                        .iter()
                        .map(|c| {
                            let path = format!("regions[0].{c}");
                            let text = field::doc(&path).map_or(*c, |d| d.label);
                            ui.label(text).on_hover_text(field::tooltip_of(&path)).id
                        })
                        .collect();
                    ui.label("");
                    ui.end_row();
                    for (i, r) in s.regions.iter_mut().enumerate() {
                        let city = catalog
                            .region(&r.id)
                            .ok()
                            .map(|i| catalog.regions()[i].city.clone())
                            .unwrap_or_default();
                        let name = ui.label(&r.id).on_hover_text(city);
                        // Each number is named by its region and its column ("aws:… instances").
                        let cell = |r: Response, col: usize| {
                            let path = format!("regions[{i}].{}", REGION_COLUMNS[col]);
                            field::describe(r.labelled_by(name.id).labelled_by(heads[col]), &path)
                        };
                        let at = |c: usize| format!("regions[{i}].{}", REGION_COLUMNS[c]);
                        let n = super::typed::at(ui, &at(1), |ui| {
                            super::typed::drag(ui, &mut r.instances, |d| d)
                        });
                        cell(n, 1);
                        let t = super::typed::at(ui, &at(2), |ui| {
                            service_time(ui, &mut r.service_time)
                        });
                        cell(t, 2);
                        let q = super::typed::at(ui, &at(3), |ui| {
                            super::typed::drag(ui, &mut r.queue_limit, |d| d)
                        });
                        cell(q, 3);
                        if ui
                            .small_button("✖")
                            .on_hover_text(format!("remove {} from the deployment", r.id))
                            .clicked()
                        {
                            cmds.push(Command::ToggleRegion(r.id.clone()));
                        }
                        ui.end_row();
                        // This region's problems under it, each in the column of its field.
                        let path = format!("regions[{i}]");
                        for (col, c) in REGION_COLUMNS.iter().enumerate().skip(1) {
                            p.grid_row_narrow(ui, col, &format!("{path}.{c}"), 110.0);
                        }
                        // Zones and autoscaling problems show at their fields below.
                        let (zones, auto) =
                            (format!("{path}.zones"), format!("{path}.autoscaling"));
                        p.grid_row_matching(ui, 0, |q| {
                            is_under(q, &path) && !is_under(q, &zones) && !is_under(q, &auto)
                        });
                    }
                });
            editor_realism::regions(ui, &mut s.regions, p);
            p.exact(ui, "regions");
            cmds.extend(super::add_region::show(ui, catalog, s));
        });
}

/// The mean of a service-time distribution, in milliseconds (its shape is kept).
fn service_time(ui: &mut Ui, d: &mut Dist) -> Response {
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
                let r = duration(ui, m, 1e-3, " ms", 60_000.0);
                ui.weak(kind);
                r
            })
            .inner
        }
        Dist::Uniform { .. } => ui.label(format!("{} mean ({kind})", d.mean())),
    }
}

fn routing(ui: &mut Ui, s: &mut Scenario, p: &mut Problems<'_>) {
    let ids: Vec<String> = s.regions.iter().map(|r| r.id.clone()).collect();
    let r = &mut s.routing;
    egui::CollapsingHeader::new("Routing and clients")
        .default_open(true)
        .show(ui, |ui| {
            Grid::new("routing-grid").num_columns(2).show(ui, |ui| {
                field::row(ui, p, "routing.policy", |ui| {
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
                        })
                        .response
                });
                field::row(ui, p, "routing.dns_ttl", |ui| {
                    duration(ui, &mut r.dns_ttl, 1.0, " s", 3600.0)
                });
                ui.label("health checks").on_hover_text(
                    "how often each region is probed, and how many failed probes in a row mark it down",
                );
                let hc = &mut r.health_check;
                // Wraps: on one line this was the editor's widest row, wider than its
                // panel at 1400 points (a horizontal scrollbar, clipped widgets).
                // In a vertical scope: a wrapping row straight in a grid cell starts at the
                // row's middle and its second line runs into the next row.
                ui.vertical(|ui| {
                    ui.horizontal_wrapped(|ui| {
                        field::labelled(ui, "routing.health_check.interval", |ui| {
                            duration(ui, &mut hc.interval, 1.0, " s", 600.0)
                        });
                        field::labelled(ui, "routing.health_check.failure_threshold", |ui| {
                            super::typed::drag(ui, &mut hc.failure_threshold, |d| d)
                        });
                        field::labelled(ui, "routing.health_check.timeout", |ui| {
                            duration(ui, &mut hc.timeout, 1.0, " s", 60.0)
                        });
                    });
                });
                ui.end_row();
                p.grid_row(ui, 1, "routing.health_check");
                let c = &mut s.client;
                field::row(ui, p, "client.timeout", |ui| {
                    duration(ui, &mut c.timeout, 1.0, " s", 600.0)
                });
                field::labelled(ui, "client.retries", |ui| {
                    ui.horizontal(|ui| {
                        let r = super::typed::drag(ui, &mut c.retries, |d| d);
                        field::labelled(ui, "client.backoff_base", |ui| {
                            duration(ui, &mut c.backoff_base, 1e-3, " ms", 60_000.0)
                        });
                        field::labelled(ui, "client.backoff_max", |ui| {
                            duration(ui, &mut c.backoff_max, 1e-3, " ms", 600_000.0)
                        });
                        r
                    })
                    .inner
                });
                ui.end_row();
                for f in ["client.retries", "client.backoff_base", "client.backoff_max"] {
                    p.grid_row(ui, 1, f);
                }
                field::row(ui, p, "client.retry_budget", |ui| {
                    field::percent(ui, &mut c.retry_budget, 1000.0)
                });
            });
            match r.policy {
                RoutingPolicy::Weighted => {
                    ui.label("weights (relative):");
                    for id in &ids {
                        let path = format!("routing.weights.{id}");
                        ui.horizontal(|ui| {
                            field::labelled_as(ui, id, &path, |ui| {
                                let mut w = r.weights.get(id).copied().unwrap_or(0.0);
                                let resp = super::typed::drag(ui, &mut w, |d| d.speed(0.05));
                                if resp.changed() {
                                    r.weights.insert(id.clone(), w);
                                }
                                resp
                            });
                        });
                        p.under(ui, &path);
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

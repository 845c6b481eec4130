//! The failure schedule as a timeline: every scheduled failure is a bar over the run's
//! window, and a row of fields under it; buttons add outages, partitions, gray failures and
//! capacity losses; random (MTBF/MTTR) failures are switched on below.
//!
//! Like the rest of the editor it edits a copy of the scenario, so every change is checked
//! by the same validation as the command line and problems show under the failure they
//! name (`failures[2].region: …`).

use super::editor::{duration, Problems};
use super::failure_timeline;
use super::field;
use super::ERROR_COLOR;
use egui::{Color32, ComboBox, Grid, Response, Ui};
use sim_core::engine::SimDuration;
use sim_core::scenario::{FailureSpec, Scenario};

/// What the add buttons create, in the order they are shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NewFailure {
    Outage,
    Partition,
    Degradation,
    CapacityLoss,
    ZoneOutage,
    DependencyOutage,
}

impl NewFailure {
    pub const ALL: [NewFailure; 6] = [
        NewFailure::Outage,
        NewFailure::Partition,
        NewFailure::Degradation,
        NewFailure::CapacityLoss,
        NewFailure::ZoneOutage,
        NewFailure::DependencyOutage,
    ];

    /// Why this kind cannot be added to `s` yet, if it cannot: a dependency outage names
    /// a `[[dependencies]]` entry, so one must be declared first.
    pub fn unavailable(self, s: &Scenario) -> Option<&'static str> {
        match self {
            NewFailure::DependencyOutage if s.dependencies.is_empty() => {
                Some("declare a shared dependency first (Shared dependencies)")
            }
            _ => None,
        }
    }

    /// The add button's text.
    pub fn button(self) -> &'static str {
        match self {
            NewFailure::Outage => "+ region outage",
            NewFailure::Partition => "+ partition",
            NewFailure::Degradation => "+ gray failure",
            NewFailure::CapacityLoss => "+ capacity loss",
            NewFailure::ZoneOutage => "+ zone outage",
            NewFailure::DependencyOutage => "+ dependency outage",
        }
    }
}

/// The short name of a failure's kind, as the timeline labels it.
pub fn kind_name(f: &FailureSpec) -> &'static str {
    match f {
        FailureSpec::RegionOutage { .. } => "outage",
        FailureSpec::Partition { .. } => "partition",
        FailureSpec::Degradation { .. } => "gray failure",
        FailureSpec::CapacityLoss { .. } => "capacity loss",
        FailureSpec::ZoneOutage { .. } => "zone outage",
        FailureSpec::DependencyOutage { .. } => "dependency outage",
    }
}

/// The colour of a failure's kind on the timeline.
pub fn kind_color(f: &FailureSpec) -> Color32 {
    match f {
        FailureSpec::RegionOutage { .. } => ERROR_COLOR,
        FailureSpec::Partition { .. } => Color32::from_rgb(170, 90, 200),
        FailureSpec::Degradation { .. } => Color32::from_rgb(220, 170, 40),
        FailureSpec::CapacityLoss { .. } => Color32::from_rgb(230, 120, 60),
        FailureSpec::ZoneOutage { .. } => Color32::from_rgb(200, 80, 120),
        FailureSpec::DependencyOutage { .. } => Color32::from_rgb(90, 120, 210),
    }
}

/// What a failure hits, in words (`aws:us-east-1`, `aws:a ↔ aws:b`, `europe cut from aws:x`: the GUI font has no → glyph).
pub fn target(f: &FailureSpec) -> String {
    let pair = |rs: &[String]| rs.join(" ↔ ");
    match f {
        FailureSpec::RegionOutage { region, .. } | FailureSpec::CapacityLoss { region, .. } => {
            region.clone()
        }
        FailureSpec::Partition {
            regions,
            area,
            region,
            ..
        } => match (area, region) {
            (Some(a), Some(r)) => format!("{a} cut from {r}"),
            _ => pair(regions),
        },
        FailureSpec::Degradation {
            region, regions, ..
        } => region.clone().unwrap_or_else(|| pair(regions)),
        FailureSpec::ZoneOutage { region, zone, .. } => format!("{region} zone {zone}"),
        FailureSpec::DependencyOutage { dependency, .. } => dependency.clone(),
    }
}

/// A new failure of `kind` with useful defaults: the first deployed region(s), starting a
/// quarter into the measured window and lasting a quarter of it (at most 5 minutes).
pub fn new_failure(kind: NewFailure, s: &Scenario, area_names: &[String]) -> FailureSpec {
    let ids: Vec<String> = s.regions.iter().map(|r| r.id.clone()).collect();
    let first = ids.first().cloned().unwrap_or_default();
    let second = ids.get(1).cloned().unwrap_or_else(|| first.clone());
    let quarter = SimDuration::from_nanos(s.duration.as_nanos() / 4);
    let start = s.warmup + quarter;
    let duration = quarter
        .min(SimDuration::from_secs(300))
        .max(SimDuration::from_secs(1));
    match kind {
        NewFailure::Outage => FailureSpec::RegionOutage {
            region: first,
            start,
            duration,
        },
        NewFailure::Partition => match area_names.first() {
            // With one region only users can be cut off from it.
            Some(a) if ids.len() < 2 => FailureSpec::Partition {
                regions: Vec::new(),
                area: Some(a.clone()),
                region: Some(first),
                start,
                duration,
            },
            _ => FailureSpec::Partition {
                regions: vec![first, second],
                area: None,
                region: None,
                start,
                duration,
            },
        },
        NewFailure::Degradation => FailureSpec::Degradation {
            region: Some(first),
            regions: Vec::new(),
            factor: 10.0,
            start,
            duration,
        },
        NewFailure::CapacityLoss => FailureSpec::CapacityLoss {
            region: first,
            fraction: 0.5,
            start,
            duration,
        },
        NewFailure::ZoneOutage => FailureSpec::ZoneOutage {
            region: first,
            zone: 1,
            start,
            duration,
        },
        // Without a `[[dependencies]]` entry the name stays empty, and validation says
        // to declare one.
        NewFailure::DependencyOutage => FailureSpec::DependencyOutage {
            dependency: s
                .dependencies
                .first()
                .map(|d| d.name.clone())
                .unwrap_or_default(),
            start,
            duration,
        },
    }
}

/// Draws the failure section; edits `s` in place.
pub fn show(ui: &mut Ui, s: &mut Scenario, area_names: &[String], p: &mut Problems<'_>) {
    let title = match s.failures.len() {
        0 => "Failures".to_string(),
        n => format!("Failures ({n} scheduled)"),
    };
    egui::CollapsingHeader::new(title)
        .id_salt("failures")
        .default_open(true)
        .show(ui, |ui| {
            failure_timeline::show(ui, s);
            let ids: Vec<String> = s.regions.iter().map(|r| r.id.clone()).collect();
            let deps: Vec<String> = s.dependencies.iter().map(|d| d.name.clone()).collect();
            let zones: Vec<u32> = s
                .regions
                .iter()
                .map(|r| r.zones.unwrap_or(sim_core::scenario::defaults::ZONES))
                .collect();
            let names = Names {
                ids: &ids,
                areas: area_names,
                deps: &deps,
                zones: &zones,
            };
            let mut remove = None;
            for (i, f) in s.failures.iter_mut().enumerate() {
                ui.separator();
                ui.horizontal(|ui| {
                    ui.colored_label(kind_color(f), format!("#{} {}", i + 1, kind_name(f)));
                    if ui
                        .small_button("🗑")
                        .on_hover_text("remove this failure")
                        .clicked()
                    {
                        remove = Some(i);
                    }
                });
                fields(ui, i, f, &names, p);
                p.under(ui, &format!("failures[{i}]"));
            }
            if let Some(i) = remove {
                s.failures.remove(i);
            }
            ui.separator();
            ui.horizontal_wrapped(|ui| {
                for kind in NewFailure::ALL {
                    let why = kind.unavailable(s);
                    let b = ui.add_enabled(why.is_none(), egui::Button::new(kind.button()));
                    let b = match why {
                        Some(w) => b.on_disabled_hover_text(w),
                        None => b,
                    };
                    if b.clicked() {
                        let f = new_failure(kind, s, area_names);
                        s.failures.push(f);
                    }
                }
            });
            p.under(ui, "failures");
            random(ui, s, p);
            p.under(ui, "random_failures");
        });
}

/// What a failure's fields can name: deployed regions (with their zone counts), user
/// areas and shared dependencies.
struct Names<'a> {
    ids: &'a [String],
    areas: &'a [String],
    deps: &'a [String],
    zones: &'a [u32],
}

/// The fields of failure `i`, each with its problems in a row under it.
fn fields(ui: &mut Ui, i: usize, f: &mut FailureSpec, names: &Names<'_>, p: &mut Problems<'_>) {
    let (ids, areas) = (names.ids, names.areas);
    let path = |k: &str| format!("failures[{i}].{k}");
    Grid::new(("failure", i)).num_columns(2).show(ui, |ui| {
        match f {
            FailureSpec::RegionOutage { region, .. } => {
                field::row(ui, p, &path("region"), |ui| {
                    pick(ui, ("f-region", i), region, ids)
                });
            }
            FailureSpec::CapacityLoss {
                region, fraction, ..
            } => {
                field::row(ui, p, &path("region"), |ui| {
                    pick(ui, ("f-region", i), region, ids)
                });
                field::row(ui, p, &path("fraction"), |ui| {
                    field::percent(ui, fraction, 100.0)
                });
            }
            FailureSpec::Degradation {
                region,
                regions,
                factor,
                ..
            } => {
                let link = either(ui, "slow", region.is_none(), "region", "link");
                if link && region.is_some() {
                    *regions = link_of(region.take(), ids);
                } else if !link && region.is_none() {
                    *region = regions.first().cloned().or_else(|| ids.first().cloned());
                    regions.clear();
                }
                match region {
                    Some(r) => {
                        field::row(ui, p, &path("region"), |ui| {
                            pick(ui, ("f-region", i), r, ids)
                        });
                    }
                    None => {
                        field::labelled_as(ui, "link", &path("regions"), |ui| {
                            pair(ui, i, regions, ids)
                        });
                        ui.end_row();
                        p.grid_row(ui, 1, &path("regions"));
                    }
                }
                field::row(ui, p, &path("factor"), |ui| {
                    super::typed::drag(ui, factor, |d| d.speed(0.1).suffix("×"))
                });
            }
            FailureSpec::Partition {
                regions,
                area,
                region,
                ..
            } => {
                let users = either(
                    ui,
                    "cut",
                    area.is_some(),
                    "two regions",
                    "users from a region",
                );
                if users && area.is_none() {
                    *area = areas.first().cloned();
                    *region = regions.first().cloned().or_else(|| ids.first().cloned());
                    regions.clear();
                } else if !users && area.is_some() {
                    *area = None;
                    *regions = link_of(region.take(), ids);
                }
                match (area.as_mut(), region.as_mut()) {
                    (Some(a), Some(r)) => {
                        field::row(ui, p, &path("area"), |ui| pick(ui, ("f-area", i), a, areas));
                        field::labelled_as(ui, "from region", &path("region"), |ui| {
                            pick(ui, ("f-region", i), r, ids)
                        });
                        ui.end_row();
                        p.grid_row(ui, 1, &path("region"));
                    }
                    _ => {
                        field::row(ui, p, &path("regions"), |ui| pair(ui, i, regions, ids));
                    }
                }
            }
            FailureSpec::ZoneOutage { region, zone, .. } => {
                field::row(ui, p, &path("region"), |ui| {
                    pick(ui, ("f-region", i), region, ids)
                });
                let of = ids
                    .iter()
                    .position(|r| r.eq_ignore_ascii_case(region))
                    .map_or(sim_core::scenario::defaults::ZONES, |k| names.zones[k]);
                field::row(ui, p, &path("zone"), |ui| {
                    super::typed::drag(ui, zone, |d| d.suffix(format!(" of {of}")))
                });
            }
            FailureSpec::DependencyOutage { dependency, .. } => {
                field::row(ui, p, &path("dependency"), |ui| {
                    if names.deps.is_empty() {
                        ui.label("none declared: add one under Shared dependencies")
                    } else {
                        pick(ui, ("f-dep", i), dependency, names.deps)
                    }
                });
            }
        }
        let (start, length) = times(f);
        field::row(ui, p, &path("start"), |ui| {
            duration(ui, start, 1.0, " s", 30.0 * 86_400.0)
        });
        field::row(ui, p, &path("duration"), |ui| {
            duration(ui, length, 1.0, " s", 30.0 * 86_400.0)
        });
    });
}

/// A grid row choosing between two forms of a failure; returns whether `second` is chosen.
fn either(ui: &mut Ui, label: &str, is_second: bool, first: &str, second: &str) -> bool {
    let mut v = is_second;
    ui.label(label);
    ui.horizontal(|ui| {
        ui.radio_value(&mut v, false, first)
            .on_hover_text(format!("{label} {first}"));
        ui.radio_value(&mut v, true, second)
            .on_hover_text(format!("{label} {second}"));
    });
    ui.end_row();
    v
}

/// The start and duration of any failure, to edit.
fn times(f: &mut FailureSpec) -> (&mut SimDuration, &mut SimDuration) {
    match f {
        FailureSpec::RegionOutage {
            start, duration, ..
        }
        | FailureSpec::Partition {
            start, duration, ..
        }
        | FailureSpec::Degradation {
            start, duration, ..
        }
        | FailureSpec::CapacityLoss {
            start, duration, ..
        }
        | FailureSpec::ZoneOutage {
            start, duration, ..
        }
        | FailureSpec::DependencyOutage {
            start, duration, ..
        } => (start, duration),
    }
}

/// Two regions for a link, starting from `first` (or the first deployed region).
fn link_of(first: Option<String>, ids: &[String]) -> Vec<String> {
    let a = first.or_else(|| ids.first().cloned()).unwrap_or_default();
    let b = ids
        .iter()
        .find(|id| **id != a)
        .cloned()
        .unwrap_or_else(|| a.clone());
    vec![a, b]
}

/// The two ends of a link (each choice named "first end" / "second end").
fn pair(ui: &mut Ui, i: usize, regions: &mut Vec<String>, ids: &[String]) -> Response {
    if regions.len() != 2 {
        *regions = link_of(regions.first().cloned(), ids);
    }
    ui.horizontal(|ui| {
        let path = format!("failures[{i}].regions");
        field::describe(pick(ui, ("f-a", i), &mut regions[0], ids), &path)
            .accessible_name("first end");
        ui.label("↔");
        field::describe(pick(ui, ("f-b", i), &mut regions[1], ids), &path)
            .accessible_name("second end");
    })
    .response
}

/// A choice among `options` (a value not among them is kept and shown as it is, so that
/// validation can name it).
fn pick(ui: &mut Ui, salt: impl egui::AsIdSalt, v: &mut String, options: &[String]) -> Response {
    ComboBox::from_id_salt(salt)
        .selected_text(v.clone())
        .show_ui(ui, |ui| {
            for o in options {
                ui.selectable_value(v, o.clone(), o);
            }
        })
        .response
}

/// Random outages drawn from each region's MTBF and MTTR.
fn random(ui: &mut Ui, s: &mut Scenario, p: &mut Problems<'_>) {
    let rf = &mut s.random_failures;
    field::describe(
        ui.checkbox(&mut rf.enabled, "random outages (MTBF / MTTR)"),
        "random_failures.enabled",
    );
    if !rf.enabled {
        return;
    }
    Grid::new("random-failures").num_columns(2).show(ui, |ui| {
        field::row(ui, p, "random_failures.mtbf", |ui| {
            optional_hours(ui, &mut rf.mtbf, "provider history", 24.0 * 30.0)
        });
        field::row(ui, p, "random_failures.mttr", |ui| {
            optional_hours(ui, &mut rf.mttr, "provider history", 1.0)
        });
    });
    super::editor_realism::random_zones(ui, rf);
}

/// An optional duration in hours: a checkbox for the default, else a number.
/// Returns the number's response when it is shown, else the group's.
fn optional_hours(
    ui: &mut Ui,
    v: &mut Option<SimDuration>,
    default: &str,
    start_h: f64,
) -> Response {
    let out = ui.horizontal(|ui| {
        let mut is_default = v.is_none();
        if ui.checkbox(&mut is_default, default).changed() {
            *v = if is_default {
                None
            } else {
                Some(SimDuration::from_secs_f64(start_h * 3600.0))
            };
        }
        v.as_mut()
            .map(|d| duration(ui, d, 3600.0, " h", 1_000_000.0))
    });
    out.inner.unwrap_or(out.response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::experiment::{load_text, DEFAULT_SCENARIO};
    use sim_core::scenario::validate::check as validate;
    use std::path::Path;

    #[test]
    fn every_new_failure_is_valid_on_the_default_scenario() {
        let (mut s, cat) = load_text(DEFAULT_SCENARIO, Path::new("default.toml")).unwrap();
        let areas: Vec<String> = match s.areas.is_empty() {
            true => cat.default_areas().iter().map(|a| a.name.clone()).collect(),
            false => s.areas.iter().map(|a| a.name.clone()).collect(),
        };
        s.failures.clear();
        assert!(NewFailure::DependencyOutage.unavailable(&s).is_some());
        s.dependencies
            .push(sim_core::scenario::realism::Dependency {
                name: "global-dns".into(),
                regions: s.regions.iter().map(|r| r.id.clone()).collect(),
                provider: None,
                affects: Default::default(),
                mtbf: None,
                mttr: None,
            });
        for kind in NewFailure::ALL {
            assert_eq!(kind.unavailable(&s), None);
            let f = new_failure(kind, &s, &areas);
            assert!(f.start() >= s.warmup && f.start() < s.warmup + s.duration);
            assert!(!f.duration().is_zero());
            s.failures.push(f);
        }
        assert_eq!(validate(&s, cat.as_ref()), vec![], "defaults validate");
    }

    #[test]
    fn a_partition_in_a_one_region_deployment_cuts_users_off() {
        let (mut s, _) = load_text(DEFAULT_SCENARIO, Path::new("default.toml")).unwrap();
        s.regions.truncate(1);
        let f = new_failure(NewFailure::Partition, &s, &["europe".into()]);
        assert_eq!(target(&f), format!("europe cut from {}", s.regions[0].id));
    }

    #[test]
    fn link_of_picks_two_distinct_regions_when_it_can() {
        let ids = vec!["a".to_string(), "b".to_string()];
        assert_eq!(link_of(Some("b".into()), &ids), vec!["b", "a"]);
        assert_eq!(link_of(None, &ids), vec!["a", "b"]);
        assert_eq!(link_of(None, &ids[..1]), vec!["a", "a"]);
    }
}

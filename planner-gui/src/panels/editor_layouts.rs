//! The editor's layout settings (active-passive, active-active, sharded).

use super::editor::{duration, Problems};
use super::field;
use egui::{Grid, Response, Ui};
use sim_core::catalog::Catalog;
use sim_core::scenario::{Dist, Failover, HomeRule, ReadPolicy, Scenario, StandbyMode, WriteMode};

/// Draws the three layouts' settings.
pub fn show(ui: &mut Ui, s: &mut Scenario, catalog: &Catalog, p: &mut Problems<'_>) {
    let ids: Vec<String> = s.regions.iter().map(|r| r.id.clone()).collect();
    egui::CollapsingHeader::new("Active-passive")
        .default_open(true)
        .show(ui, |ui| {
            let ap = &mut s.active_passive;
            Grid::new("ap-grid").num_columns(2).show(ui, |ui| {
                field::row(ui, p, "active_passive.primary", |ui| {
                    region_choice(ui, "ap-primary", &mut ap.primary, &ids, "(first region)")
                });
                field::row(ui, p, "active_passive.standby", |ui| {
                    region_choice(ui, "ap-standby", &mut ap.standby, &ids, "(next region)")
                });
                field::row(ui, p, "active_passive.standby_mode", |ui| {
                    radios(
                        ui,
                        "active_passive.standby_mode",
                        &mut ap.standby_mode,
                        &[
                            (StandbyMode::Hot, "hot"),
                            (StandbyMode::Warm, "warm"),
                            (StandbyMode::Cold, "cold"),
                        ],
                    )
                });
                if ap.standby_mode == StandbyMode::Warm {
                    field::row(ui, p, "active_passive.warm_fraction", |ui| {
                        field::percent(ui, &mut ap.warm_fraction, 100.0)
                    });
                }
                field::row(ui, p, "active_passive.reads", |ui| {
                    radios(
                        ui,
                        "active_passive.reads",
                        &mut ap.reads,
                        &[
                            (ReadPolicy::Primary, "primary"),
                            (ReadPolicy::Nearest, "nearest"),
                        ],
                    )
                });
                field::row(ui, p, "active_passive.instances", |ui| {
                    optional_count(ui, &mut ap.instances, "whole fleet", 8)
                });
                field::row(ui, p, "active_passive.replication_lag", |ui| {
                    dist_mean(ui, &mut ap.replication_lag)
                });
                let scales_up = ap.standby_mode != StandbyMode::Hot;
                failover(ui, p, "active_passive", &mut ap.failover, scales_up);
            });
            super::editor_realism::follow_the_sun(ui, ap, &ids, p);
            super::editor_sun_zone::data_zone(ui, ap, p);
            p.under(ui, "active_passive");
        });
    egui::CollapsingHeader::new("Active-active")
        .default_open(true)
        .show(ui, |ui| {
            let aa = &mut s.active_active;
            Grid::new("aa-grid").num_columns(2).show(ui, |ui| {
                field::row(ui, p, "active_active.writes", |ui| {
                    egui::ComboBox::from_id_salt("aa-writes")
                        .selected_text(write_mode_name(aa.writes))
                        .show_ui(ui, |ui| {
                            for m in [WriteMode::SyncAll, WriteMode::SyncQuorum, WriteMode::Async] {
                                ui.selectable_value(&mut aa.writes, m, write_mode_name(m));
                            }
                        })
                        .response
                });
                if aa.writes == WriteMode::SyncQuorum {
                    let majority = ids.len() as u32 / 2 + 1;
                    field::row(ui, p, "active_active.quorum", |ui| {
                        optional_count(ui, &mut aa.quorum, "majority", majority)
                    });
                }
                field::row(ui, p, "active_active.replication_lag", |ui| {
                    dist_mean(ui, &mut aa.replication_lag)
                });
            });
            p.under(ui, "active_active");
        });
    egui::CollapsingHeader::new("Sharded")
        .default_open(true)
        .show(ui, |ui| {
            let sh = &mut s.sharded;
            Grid::new("sh-grid").num_columns(2).show(ui, |ui| {
                field::row(ui, p, "sharded.home", |ui| {
                    radios(
                        ui,
                        "sharded.home",
                        &mut sh.home,
                        &[
                            (HomeRule::Jurisdiction, "jurisdiction"),
                            (HomeRule::Proximity, "proximity"),
                        ],
                    )
                });
                field::row(ui, p, "sharded.standby", |ui| {
                    ui.checkbox(&mut sh.standby, "async standby in the same jurisdiction")
                });
                field::row(ui, p, "sharded.replication_lag", |ui| {
                    dist_mean(ui, &mut sh.replication_lag)
                });
                if sh.standby {
                    failover(ui, p, "sharded", &mut sh.failover, false);
                }
            });
            super::editor_sun_zone::sharded_sun(ui, s, catalog, p);
            p.under(ui, "sharded");
        });
}

/// The promotion time (and the scale-up of a standby that is not hot) of `layout`, as
/// grid rows.
fn failover(ui: &mut Ui, p: &mut Problems<'_>, layout: &str, f: &mut Failover, scales_up: bool) {
    field::row(ui, p, &format!("{layout}.failover.promotion"), |ui| {
        duration(ui, &mut f.promotion, 1.0, " s", 3600.0)
    });
    if scales_up {
        field::row(ui, p, &format!("{layout}.failover.scale_up"), |ui| {
            duration(ui, &mut f.scale_up, 1.0, " s", 7200.0)
        });
    }
}

/// One radio button per choice, side by side; each keeps its own name and gets the
/// field's tooltip. Returns the response of the group.
fn radios<T: PartialEq + Copy>(
    ui: &mut Ui,
    path: &str,
    v: &mut T,
    choices: &[(T, &str)],
) -> Response {
    ui.horizontal(|ui| {
        for &(c, name) in choices {
            field::describe(ui.radio_value(v, c, name), path);
        }
    })
    .response
}

/// A choice among the deployed regions, or `None` with its default meaning.
fn region_choice(
    ui: &mut Ui,
    salt: &str,
    v: &mut Option<String>,
    ids: &[String],
    none: &str,
) -> Response {
    egui::ComboBox::from_id_salt(salt)
        .selected_text(v.clone().unwrap_or_else(|| none.into()))
        .show_ui(ui, |ui| {
            ui.selectable_value(v, None, none);
            for id in ids {
                ui.selectable_value(v, Some(id.clone()), id);
            }
        })
        .response
}

/// An optional count: a checkbox for the default (named by its own text), else a number.
/// Returns the number's response when it is shown, else the group's.
fn optional_count(ui: &mut Ui, v: &mut Option<u32>, default: &str, start: u32) -> Response {
    let out = ui.horizontal(|ui| {
        let mut is_default = v.is_none();
        if ui.checkbox(&mut is_default, default).changed() {
            *v = if is_default { None } else { Some(start.max(1)) };
        }
        v.as_mut().map(|n| super::typed::drag(ui, n, |d| d))
    });
    out.inner.unwrap_or(out.response)
}

/// Edits the mean of a lag distribution, keeping its shape.
fn dist_mean(ui: &mut Ui, d: &mut Dist) -> Response {
    match d {
        Dist::Constant { value: m }
        | Dist::Exponential { mean: m }
        | Dist::Lognormal { mean: m, .. } => duration(ui, m, 1e-3, " ms mean", 600_000.0),
        Dist::Uniform { .. } => ui.label(format!("{} mean (uniform)", d.mean())),
    }
}

pub fn write_mode_name(m: WriteMode) -> &'static str {
    match m {
        WriteMode::SyncAll => "sync (all regions)",
        WriteMode::SyncQuorum => "sync (quorum)",
        WriteMode::Async => "async multi-master",
    }
}

//! The editor's layout settings (active-passive, active-active, sharded).

use super::editor::{duration, Problems};
use egui::{DragValue, Grid, Ui};
use sim_core::scenario::{Dist, Failover, HomeRule, ReadPolicy, Scenario, StandbyMode, WriteMode};

/// Draws the three layouts' settings.
pub fn show(ui: &mut Ui, s: &mut Scenario, p: &mut Problems<'_>) {
    let ids: Vec<String> = s.regions.iter().map(|r| r.id.clone()).collect();
    egui::CollapsingHeader::new("Active-passive")
        .default_open(true)
        .show(ui, |ui| {
            let ap = &mut s.active_passive;
            Grid::new("ap-grid").num_columns(2).show(ui, |ui| {
                ui.label("primary");
                region_choice(ui, "ap-primary", &mut ap.primary, &ids, "(first region)");
                ui.end_row();
                ui.label("standby");
                region_choice(ui, "ap-standby", &mut ap.standby, &ids, "(next region)");
                ui.end_row();
                ui.label("standby mode");
                ui.horizontal(|ui| {
                    ui.radio_value(&mut ap.standby_mode, StandbyMode::Hot, "hot");
                    ui.radio_value(&mut ap.standby_mode, StandbyMode::Warm, "warm");
                    ui.radio_value(&mut ap.standby_mode, StandbyMode::Cold, "cold");
                });
                ui.end_row();
                if ap.standby_mode == StandbyMode::Warm {
                    ui.label("warm fraction");
                    ui.add(egui::Slider::new(&mut ap.warm_fraction, 0.0..=1.0));
                    ui.end_row();
                }
                ui.label("reads");
                ui.horizontal(|ui| {
                    ui.radio_value(&mut ap.reads, ReadPolicy::Primary, "primary");
                    ui.radio_value(&mut ap.reads, ReadPolicy::Nearest, "nearest");
                });
                ui.end_row();
                ui.label("instances").on_hover_text(
                    "instances of the primary (and a hot standby); default: the whole fleet",
                );
                optional_count(ui, &mut ap.instances, "whole fleet", 8);
                ui.end_row();
                ui.label("replication lag");
                dist_mean(ui, &mut ap.replication_lag);
                ui.end_row();
                failover(ui, &mut ap.failover, ap.standby_mode != StandbyMode::Hot);
            });
            super::editor_realism::follow_the_sun(ui, ap, &ids, p);
            p.under(ui, "active_passive");
        });
    egui::CollapsingHeader::new("Active-active")
        .default_open(true)
        .show(ui, |ui| {
            let aa = &mut s.active_active;
            Grid::new("aa-grid").num_columns(2).show(ui, |ui| {
                ui.label("writes");
                egui::ComboBox::from_id_salt("aa-writes")
                    .selected_text(write_mode_name(aa.writes))
                    .show_ui(ui, |ui| {
                        for m in [WriteMode::SyncAll, WriteMode::SyncQuorum, WriteMode::Async] {
                            ui.selectable_value(&mut aa.writes, m, write_mode_name(m));
                        }
                    });
                ui.end_row();
                if aa.writes == WriteMode::SyncQuorum {
                    ui.label("quorum")
                        .on_hover_text("regions that apply a write before it is acknowledged");
                    let majority = ids.len() as u32 / 2 + 1;
                    optional_count(ui, &mut aa.quorum, "majority", majority);
                    ui.end_row();
                }
                ui.label("replication lag");
                dist_mean(ui, &mut aa.replication_lag);
                ui.end_row();
            });
            p.under(ui, "active_active");
        });
    egui::CollapsingHeader::new("Sharded")
        .default_open(true)
        .show(ui, |ui| {
            let sh = &mut s.sharded;
            Grid::new("sh-grid").num_columns(2).show(ui, |ui| {
                ui.label("home rule");
                ui.horizontal(|ui| {
                    ui.radio_value(&mut sh.home, HomeRule::Jurisdiction, "jurisdiction");
                    ui.radio_value(&mut sh.home, HomeRule::Proximity, "proximity");
                });
                ui.end_row();
                ui.label("standby");
                ui.checkbox(&mut sh.standby, "async standby in the same jurisdiction");
                ui.end_row();
                ui.label("replication lag");
                dist_mean(ui, &mut sh.replication_lag);
                ui.end_row();
                if sh.standby {
                    failover(ui, &mut sh.failover, false);
                }
            });
            p.under(ui, "sharded");
        });
}

/// The promotion time (and the scale-up of a standby that is not hot), as grid rows.
fn failover(ui: &mut Ui, f: &mut Failover, scales_up: bool) {
    ui.label("promotion")
        .on_hover_text("from the standby being told to take over to it accepting writes");
    duration(ui, &mut f.promotion, 1.0, " s", 3600.0);
    ui.end_row();
    if scales_up {
        ui.label("scale-up")
            .on_hover_text("time for a warm or cold standby to reach full capacity");
        duration(ui, &mut f.scale_up, 1.0, " s", 7200.0);
        ui.end_row();
    }
}

/// A choice among the deployed regions, or `None` with its default meaning.
fn region_choice(ui: &mut Ui, salt: &str, v: &mut Option<String>, ids: &[String], none: &str) {
    egui::ComboBox::from_id_salt(salt)
        .selected_text(v.clone().unwrap_or_else(|| none.into()))
        .show_ui(ui, |ui| {
            ui.selectable_value(v, None, none);
            for id in ids {
                ui.selectable_value(v, Some(id.clone()), id);
            }
        });
}

/// An optional count: a checkbox for the default, else a number.
fn optional_count(ui: &mut Ui, v: &mut Option<u32>, default: &str, start: u32) {
    ui.horizontal(|ui| {
        let mut is_default = v.is_none();
        if ui.checkbox(&mut is_default, default).changed() {
            *v = if is_default { None } else { Some(start.max(1)) };
        }
        if let Some(n) = v {
            ui.add(DragValue::new(n).range(0..=100_000));
        }
    });
}

/// Edits the mean of a lag distribution, keeping its shape.
fn dist_mean(ui: &mut Ui, d: &mut Dist) {
    match d {
        Dist::Constant { value: m }
        | Dist::Exponential { mean: m }
        | Dist::Lognormal { mean: m, .. } => duration(ui, m, 1e-3, " ms mean", 600_000.0),
        Dist::Uniform { .. } => {
            ui.label(format!("{} mean (uniform)", d.mean()));
        }
    }
}

pub fn write_mode_name(m: WriteMode) -> &'static str {
    match m {
        WriteMode::SyncAll => "sync (all regions)",
        WriteMode::SyncQuorum => "sync (quorum)",
        WriteMode::Async => "async multi-master",
    }
}

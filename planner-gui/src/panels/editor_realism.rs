//! The editor's fields for correlated failures and elastic fleets (issue #20): each
//! region's availability zones and autoscaling policy, random zone failures and
//! active-passive follow-the-sun. Shared dependencies are in [`super::editor_deps`].
//!
//! They form one feature of the model (`sim_core::scenario::realism`), so they live in
//! their own module and `editor.rs`, `editor_layouts.rs` and `editor_failures.rs` call in
//! at one line each. Like the rest of the editor they edit a copy of the scenario that
//! goes through `sim_core::spec::validate`; each block shows its problems right under
//! its fields (`regions[0].autoscaling.max: must be at least min`), through the same
//! [`Problems`] slots that keep the keyboard focus while messages come and go.
//!
//! New policies take their defaults from the model's own serde defaults (parsed from a
//! one-line TOML), so the GUI never keeps a second copy that could drift.

use super::editor::Problems;
use egui::{ComboBox, Grid, Response, Ui};
use sim_core::engine::SimDuration;
use sim_core::scenario::{
    defaults, ActivePassive, Autoscaling, FollowTheSun, Handover, RandomFailures, RegionSpec,
    StandbyMode, ZoneFailureRates,
};

/// The labels of the autoscaling fields (tests find the fields by them).
pub const TARGET: &str = "target utilisation";
pub const MIN: &str = "min instances";
pub const MAX: &str = "max instances";
pub const EVALUATION: &str = "evaluation window";
pub const BOOT: &str = "boot delay";
pub const COOLDOWN: &str = "scale-in cooldown";
/// The label of every region's zones field and autoscaling switch.
pub const ZONES: &str = "zones";
pub const AUTOSCALING: &str = "autoscaling";

/// A duration edited as a number of `unit_s` seconds; writes only when changed.
pub fn seconds(ui: &mut Ui, d: &mut SimDuration, unit_s: f64, suffix: &str, max: f64) -> Response {
    let mut v = d.as_secs_f64() / unit_s;
    let r = super::typed::non_negative(ui, &mut v, |d| {
        d.speed((max / 1000.0).max(0.01)).suffix(suffix)
    });
    super::field::drag_within(&r, &mut v, 0.0, max);
    if r.changed() {
        *d = SimDuration::from_secs_f64(v * unit_s);
    }
    r
}

/// A grid row: `label` (with `hint` on hover) and the field `add` draws, named by it;
/// `path` is the scenario path it edits (text it cannot store is filed under it).
pub fn row(
    ui: &mut Ui,
    path: &str,
    label: &str,
    hint: &str,
    add: impl FnOnce(&mut Ui) -> Response,
) {
    let l = ui.label(label).on_hover_text(hint);
    super::typed::at(ui, path, add)
        .labelled_by(l.id)
        .on_hover_text(hint);
    ui.end_row();
}

/// Zones and autoscaling of every region, each region's problems under its own fields.
/// Drawn inside the Regions section, before its remaining problems are listed.
pub fn regions(ui: &mut Ui, regions: &mut [RegionSpec], p: &mut Problems<'_>) {
    ui.add_space(4.0);
    ui.strong("Zones and autoscaling").on_hover_text(
        "Instances are spread evenly over a region's availability zones; a zone outage \
         takes that share. With autoscaling, `instances` is the count at the start and a \
         target-tracking policy moves it between min and max (docs/autoscaling.md).",
    );
    for (i, r) in regions.iter_mut().enumerate() {
        ui.push_id(("realism-region", i), |ui| {
            ui.horizontal(|ui| {
                ui.label(&r.id);
                let l = ui.label(ZONES);
                super::typed::at(ui, &format!("regions[{i}].zones"), |ui| {
                    zones(ui, &mut r.zones)
                })
                .labelled_by(l.id)
                .on_hover_text(format!(
                    "availability zones the instances are spread over; default {} \
                         (clear the field); valid: 1 to {}",
                    defaults::ZONES,
                    defaults::MAX_ZONES
                ));
                let mut on = r.autoscaling.is_some();
                let c = ui.checkbox(&mut on, AUTOSCALING).on_hover_text(
                    "a target-tracking policy: every evaluation window it wants \
                     ⌈busy instances ÷ target⌉ instances, within min and max",
                );
                if c.changed() {
                    r.autoscaling = if on { new_policy(r.instances) } else { None };
                }
            });
            p.under(ui, &format!("regions[{i}].zones"));
            if let Some(a) = &mut r.autoscaling {
                autoscaling(ui, i, a, p);
            }
            p.under(ui, &format!("regions[{i}].autoscaling"));
        });
    }
}

/// A new policy for a region of `instances`: half of them to four times as many, the
/// model's defaults for the rest.
pub fn new_policy(instances: u32) -> Option<Autoscaling> {
    let min = (instances / 2).max(1);
    let max = instances.saturating_mul(4).max(min);
    // The model's serde defaults fill the other fields.
    toml_edit::de::from_str(&format!("min = {min}\nmax = {max}")).ok()
}

/// The zone count, shown as "3 (default)" while not set; an empty field sets it back to
/// the default. Any whole number typed is kept (0 included: validation names it), text
/// that is none is kept with its message ([`super::typed`]); a drag stays within 1 to the
/// most zones.
fn zones(ui: &mut Ui, z: &mut Option<u32>) -> Response {
    /// The field's value while not set.
    const UNSET: f64 = -1.0;
    let mut v = z.map_or(UNSET, f64::from);
    let rule = super::typed::Rule::WholeOrEmpty {
        empty: UNSET,
        max: u32::MAX as f64,
    };
    let shown = Box::new(|x: f64| {
        Some(match x == UNSET {
            true => format!("{} (default)", defaults::ZONES),
            false => format!("{x:.0}"),
        })
    });
    let r = super::typed::drag_by(ui, &mut v, rule, Some(shown), |d| d.speed(0.05));
    super::field::drag_within(&r, &mut v, 1.0, f64::from(defaults::MAX_ZONES));
    if r.changed() {
        // `rule` let only -1 (empty) or a whole number in u32's range through.
        *z = (v >= 0.0).then_some(v as u32);
    }
    r
}

/// The fields of one region's policy.
fn autoscaling(ui: &mut Ui, i: usize, a: &mut Autoscaling, p: &mut Problems<'_>) {
    ui.indent(("autoscaling", i), |ui| {
        Grid::new(("autoscaling-grid", i))
            .num_columns(2)
            .show(ui, |ui| {
                let path = |f: &str| format!("regions[{i}].autoscaling.{f}");
                row(
                    ui,
                    &path("target_utilisation"),
                    TARGET,
                    "the utilisation (busy instances ÷ running instances) the policy steers \
                     to, in percent",
                    |ui| {
                        let mut pct = super::field::percent_of_fraction(a.target_utilisation);
                        let r = super::typed::drag(ui, &mut pct, |d| {
                            d.speed(0.5).max_decimals(1).suffix(" %")
                        });
                        if r.changed() {
                            a.target_utilisation = super::field::fraction_of_percent(pct);
                        }
                        r
                    },
                );
                p.grid_row(ui, 1, &path("target_utilisation"));
                row(
                    ui,
                    &path("min"),
                    MIN,
                    "the fewest instances the policy keeps running (at least 1)",
                    |ui| super::typed::drag(ui, &mut a.min, |d| d),
                );
                p.grid_row(ui, 1, &path("min"));
                row(
                    ui,
                    &path("max"),
                    MAX,
                    "the most instances the policy runs (at least min, at most 100000)",
                    |ui| super::typed::drag(ui, &mut a.max, |d| d),
                );
                p.grid_row(ui, 1, &path("max"));
                row(
                    ui,
                    &path("evaluation"),
                    EVALUATION,
                    "seconds: the policy decides once per window, on the mean utilisation \
                     over it (at least 1 s)",
                    |ui| seconds(ui, &mut a.evaluation, 1.0, " s", 3600.0),
                );
                p.grid_row(ui, 1, &path("evaluation"));
                row(
                    ui,
                    &path("boot"),
                    BOOT,
                    "seconds from a scale-out decision until the new instances serve \
                     (instance boot): the scale-out delay",
                    |ui| seconds(ui, &mut a.boot, 1.0, " s", 3600.0),
                );
                p.grid_row(ui, 1, &path("boot"));
                row(
                    ui,
                    &path("cooldown"),
                    COOLDOWN,
                    "seconds after any scaling action before the policy may scale in",
                    |ui| seconds(ui, &mut a.cooldown, 1.0, " s", 7200.0),
                );
                p.grid_row(ui, 1, &path("cooldown"));
            });
    });
}

/// Random outages of single zones, next to the random region outages.
pub fn random_zones(ui: &mut Ui, rf: &mut RandomFailures) {
    let mut on = rf.zones.is_some();
    let c = ui
        .checkbox(&mut on, "random zone outages (MTBF / MTTR)")
        .on_hover_text(
            "every availability zone of every region fails and is repaired on its own, \
         with these mean times (exponential)",
        );
    if c.changed() {
        rf.zones = on.then(|| ZoneFailureRates {
            mtbf: SimDuration::from_secs(4000 * 3600),
            mttr: SimDuration::from_secs(2 * 3600),
        });
    }
    if let Some(z) = &mut rf.zones {
        Grid::new("random-zones").num_columns(2).show(ui, |ui| {
            row(
                ui,
                "random_failures.zones.mtbf",
                "zone MTBF",
                "hours: mean time between failures of one zone",
                |ui| seconds(ui, &mut z.mtbf, 3600.0, " h", 1_000_000.0),
            );
            row(
                ui,
                "random_failures.zones.mttr",
                "zone MTTR",
                "hours: mean time to repair one zone",
                |ui| seconds(ui, &mut z.mttr, 3600.0, " h", 10_000.0),
            );
        });
    }
}

/// The three ways follow-the-sun can be set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SunMode {
    Off,
    Schedule,
    Daytime,
}

impl SunMode {
    pub fn of(f: Option<&FollowTheSun>) -> SunMode {
        match f {
            None => SunMode::Off,
            Some(f) if f.daytime && f.schedule.is_empty() => SunMode::Daytime,
            Some(_) => SunMode::Schedule,
        }
    }

    /// The radio button's text.
    pub fn label(self) -> &'static str {
        match self {
            SunMode::Off => "fixed primary",
            SunMode::Schedule => "daily schedule",
            SunMode::Daytime => "daytime users",
        }
    }
}

/// Follow-the-sun of active-passive: off, a daily schedule of handovers, or hourly to the
/// region with more daytime users; and the drain before each switch. `ids` are the
/// deployed regions. Problems of `active_passive.follow_the_sun` show under it.
pub fn follow_the_sun(ui: &mut Ui, ap: &mut ActivePassive, ids: &[String], p: &mut Problems<'_>) {
    ui.add_space(4.0);
    let now = SunMode::of(ap.follow_the_sun.as_ref());
    ui.horizontal_wrapped(|ui| {
        ui.label("follow-the-sun").on_hover_text(
            "move the write primary between the primary and the standby with the users' \
             day, each move a planned failover (needs a hot standby: switching it on \
             makes the standby hot)",
        );
        for mode in [SunMode::Off, SunMode::Schedule, SunMode::Daytime] {
            if ui.radio(now == mode, mode.label()).clicked() {
                set_sun_mode(ap, mode, ids);
            }
        }
    });
    let pair: Vec<String> = [&ap.primary, &ap.standby]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    let choices = if pair.len() == 2 { &pair[..] } else { ids };
    if let Some(f) = &mut ap.follow_the_sun {
        ui.indent("follow-the-sun", |ui| {
            if SunMode::of(Some(f)) == SunMode::Schedule {
                schedule(ui, &mut f.schedule, choices);
            } else {
                ui.weak(
                    "each hour the region with more of its nearest users in daytime \
                     (08:00–20:00 local) leads",
                );
            }
            Grid::new("sun-drain").num_columns(2).show(ui, |ui| {
                row(
                    ui,
                    "active_passive.follow_the_sun.drain",
                    "drain",
                    "seconds the old primary refuses writes before the switch, so that \
                     replication catches up; longer than the replication lag loses no \
                     write, 0 switches at once (an RPO)",
                    |ui| seconds(ui, &mut f.drain, 1.0, " s", 3600.0),
                );
            });
        });
    }
    p.under(ui, "active_passive.follow_the_sun");
}

/// Switches follow-the-sun to `mode`. Turning it on names the primary and standby (the
/// first two regions, as the defaults are) and makes the standby hot, which it needs.
pub fn set_sun_mode(ap: &mut ActivePassive, mode: SunMode, ids: &[String]) {
    if mode == SunMode::Off {
        ap.follow_the_sun = None;
        return;
    }
    if ap.primary.is_none() {
        ap.primary = ids.first().cloned();
    }
    if ap.standby.is_none() {
        ap.standby = ids
            .iter()
            .find(|id| Some(*id) != ap.primary.as_ref())
            .cloned();
    }
    ap.standby_mode = StandbyMode::Hot;
    let Some(mut f) = ap.follow_the_sun.clone().or_else(new_follow_the_sun) else {
        return;
    };
    match mode {
        SunMode::Daytime => {
            f.schedule.clear();
            f.daytime = true;
        }
        _ => {
            f.daytime = false;
            if f.schedule.is_empty() {
                // The standby leads from 07:00 UTC, the primary again from 19:00.
                let (p, s) = (ap.primary.clone(), ap.standby.clone());
                f.schedule = [(7.0, s), (19.0, p)]
                    .into_iter()
                    .map(|(h, r)| Handover {
                        utc_hour: h,
                        shard: None,
                        primary: r.unwrap_or_default(),
                    })
                    .collect();
            }
        }
    }
    ap.follow_the_sun = Some(f);
}

/// The label of a handover's hour field (tests find it by this).
pub fn hour_label(i: usize) -> String {
    format!("handover {} at UTC hour", i + 1)
}

/// The handovers, one row each: from which UTC hour which region leads.
fn schedule(ui: &mut Ui, schedule: &mut Vec<Handover>, choices: &[String]) {
    let mut remove = None;
    Grid::new("sun-schedule").num_columns(4).show(ui, |ui| {
        for (i, h) in schedule.iter_mut().enumerate() {
            let l = ui.label(hour_label(i));
            // Not bounded to a day: a typed 25 stays, for validation to name under it.
            let path = format!("active_passive.follow_the_sun.schedule[{i}].utc_hour");
            super::typed::at(ui, &path, |ui| {
                super::typed::drag(ui, &mut h.utc_hour, |d| d.speed(0.1).max_decimals(2))
            })
            .labelled_by(l.id)
            .on_hover_text("every day from this hour (UTC, 0 to 24)");
            region_choice(ui, ("sun-primary", i), &mut h.primary, choices)
                .labelled_by(l.id)
                .on_hover_text("the region that leads (the primary or the standby)");
            if ui
                .small_button("🗑")
                .on_hover_text("remove this handover")
                .clicked()
            {
                remove = Some(i);
            }
            ui.end_row();
        }
    });
    if let Some(i) = remove {
        schedule.remove(i);
    }
    if ui
        .button("+ handover")
        .on_hover_text("another daily switch, twelve hours after the last one")
        .clicked()
    {
        schedule.push(next_handover(schedule, choices));
    }
}

/// A handover twelve hours after the last, to the region that did not lead then.
pub fn next_handover(schedule: &[Handover], choices: &[String]) -> Handover {
    let last = schedule.last();
    let hour = last.map_or(7.0, |h| (h.utc_hour + 12.0) % 24.0);
    let primary = choices
        .iter()
        .find(|c| last.is_none_or(|h| !h.primary.eq_ignore_ascii_case(c)))
        .or(choices.first())
        .cloned()
        .unwrap_or_default();
    Handover {
        utc_hour: hour,
        shard: None,
        primary,
    }
}

/// A drop-down of `choices` (region ids) setting `value`: a handover's leader.
pub fn region_choice(
    ui: &mut Ui,
    id: impl std::hash::Hash + std::fmt::Debug,
    value: &mut String,
    choices: &[String],
) -> Response {
    ComboBox::from_id_salt(id)
        .selected_text(value.clone())
        .show_ui(ui, |ui| {
            for c in choices {
                ui.selectable_value(value, c.clone(), c);
            }
        })
        .response
}

/// A fresh follow-the-sun table with every field at its file default (the drain's
/// included), as `daytime = true` in a file reads.
pub fn new_follow_the_sun() -> Option<FollowTheSun> {
    toml_edit::de::from_str::<FollowTheSun>("daytime = true").ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::experiment::{load_text, DEFAULT_SCENARIO};
    use sim_core::scenario::validate::check as validate;
    use std::path::Path;

    #[test]
    fn a_new_policy_has_the_models_defaults_and_validates() {
        let a = new_policy(10).expect("parses");
        assert_eq!((a.min, a.max), (5, 40));
        assert_eq!(a.target_utilisation, 0.6);
        assert_eq!(a.boot, SimDuration::from_mins(3));
        assert_eq!(new_policy(1).map(|a| (a.min, a.max)), Some((1, 4)));
        let (mut s, cat) = load_text(DEFAULT_SCENARIO, Path::new("default.toml")).unwrap();
        s.failures.clear();
        s.regions[0].autoscaling = new_policy(s.regions[0].instances);
        assert_eq!(validate(&s, cat.as_ref()), vec![]);
    }

    #[test]
    fn each_follow_the_sun_mode_validates_on_the_default_scenario() {
        let (mut s, cat) = load_text(DEFAULT_SCENARIO, Path::new("default.toml")).unwrap();
        s.failures.clear();
        let ids: Vec<String> = s.regions.iter().map(|r| r.id.clone()).collect();
        for mode in [SunMode::Schedule, SunMode::Daytime, SunMode::Off] {
            set_sun_mode(&mut s.active_passive, mode, &ids);
            assert_eq!(SunMode::of(s.active_passive.follow_the_sun.as_ref()), mode);
            assert_eq!(validate(&s, cat.as_ref()), vec![], "{mode:?}");
        }
        set_sun_mode(&mut s.active_passive, SunMode::Schedule, &ids);
        let f = s.active_passive.follow_the_sun.as_ref().unwrap();
        assert_eq!(f.schedule[0].primary, ids[1], "the standby leads first");
        assert_eq!(
            f.drain,
            SimDuration::from_secs(30),
            "the model's default drain"
        );
    }

    #[test]
    fn a_new_handover_is_twelve_hours_on_to_the_other_region() {
        let pair = vec!["a".to_string(), "b".to_string()];
        let first = next_handover(&[], &pair);
        assert_eq!((first.utc_hour, first.primary.as_str()), (7.0, "a"));
        let second = next_handover(std::slice::from_ref(&first), &pair);
        assert_eq!((second.utc_hour, second.primary.as_str()), (19.0, "b"));
        let third = next_handover(&[second], &pair);
        assert_eq!((third.utc_hour, third.primary.as_str()), (7.0, "a"));
    }
}

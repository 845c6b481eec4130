//! The editor's shared dependencies (`[[dependencies]]`, issue #20): services several
//! regions rely on — a control plane, an identity provider, a global DNS, a whole cloud
//! provider — whose outage is a common cause that takes all of them at once.
//!
//! Each dependency is a name, the regions that depend on it (ticked among the deployed
//! ones) or a provider, what those regions lose while it is down, and optional random
//! outages. The failure editor's "+ dependency outage" names one of them, so renaming a
//! dependency renames it in the failures too (otherwise every keystroke of a rename would
//! leave the failure naming a dependency that no longer exists). Problems of
//! `dependencies[i]` show under that dependency.

use super::editor::Problems;
use super::editor_realism::{row, seconds};
use egui::{ComboBox, Grid, TextEdit, Ui};
use sim_core::engine::SimDuration;
use sim_core::scenario::{Affects, Dependency, FailureSpec, Scenario};

/// What each `affects` option means, as its tooltip says it (docs/failures.md).
pub fn affects_hint(a: Affects) -> &'static str {
    match a {
        Affects::All => {
            "all: the dependent regions are down, exactly as in a region outage \
             (failover to regions that do not depend on it)"
        }
        Affects::Writes => {
            "writes: the dependent regions refuse writes (unavailable, retried); \
             reads are served"
        }
        Affects::Routing => {
            "routing: the regions keep serving, but the balancer cannot act on their \
             health (DNS and health-check updates are lost): no failover or reroute \
             away from them starts while it is down"
        }
    }
}

/// The button that adds a dependency.
pub const ADD: &str = "+ dependency";

/// Draws the Shared dependencies section; edits `s` in place.
pub fn show(ui: &mut Ui, s: &mut Scenario, p: &mut Problems<'_>) {
    let title = match s.dependencies.len() {
        0 => "Shared dependencies".to_string(),
        n => format!("Shared dependencies ({n})"),
    };
    egui::CollapsingHeader::new(title)
        .id_salt("dependencies")
        .default_open(true)
        .show(ui, |ui| {
            ui.weak(
                "a service several regions rely on: its outage takes them all at once \
                 (a \"+ dependency outage\" failure, or random outages)",
            );
            let ids: Vec<String> = s.regions.iter().map(|r| r.id.clone()).collect();
            let mut remove = None;
            let mut renamed = None;
            for (i, d) in s.dependencies.iter_mut().enumerate() {
                ui.separator();
                ui.push_id(("dependency", i), |ui| {
                    let old = d.name.clone();
                    if fields(ui, i, d, &ids) {
                        remove = Some(i);
                    }
                    if d.name != old {
                        renamed = Some((i, old, d.name.clone()));
                    }
                    p.under(ui, &format!("dependencies[{i}]"));
                });
            }
            if let Some((i, old, _)) = renamed {
                follow_rename(s, i, &old);
            }
            if let Some(i) = remove {
                s.dependencies.remove(i);
            }
            ui.separator();
            if ui
                .button(ADD)
                .on_hover_text("a new dependency of the first two deployed regions")
                .clicked()
            {
                let d = new_dependency(s);
                s.dependencies.push(d);
            }
            p.under(ui, "dependencies");
        });
}

/// Dependency `i` was renamed from `old`: the failures naming it follow — only while both
/// names are this dependency's alone. Renamed away from a name another dependency shares
/// (or onto one), its failures would silently move to the other; they stay, and
/// validation names the duplicate.
pub fn follow_rename(s: &mut Scenario, i: usize, old: &str) {
    let new = s.dependencies[i].name.clone();
    let others = |n: &str| {
        s.dependencies
            .iter()
            .enumerate()
            .any(|(j, d)| j != i && d.name == n)
    };
    if !others(old) && !others(&new) {
        rename_in_failures(&mut s.failures, old, &new);
    }
}

/// Failures naming dependency `old` name `new` instead.
pub fn rename_in_failures(failures: &mut [FailureSpec], old: &str, new: &str) {
    for f in failures {
        if let FailureSpec::DependencyOutage { dependency, .. } = f {
            if dependency == old {
                *dependency = new.to_string();
            }
        }
    }
}

/// A new dependency with an unused name, on the first two deployed regions.
pub fn new_dependency(s: &Scenario) -> Dependency {
    let name = (1..)
        .map(|k| format!("dependency-{k}"))
        .find(|n| s.dependencies.iter().all(|d| &d.name != n))
        .unwrap_or_default();
    Dependency {
        name,
        regions: s.regions.iter().take(2).map(|r| r.id.clone()).collect(),
        provider: None,
        affects: Affects::All,
        mtbf: None,
        mttr: None,
    }
}

/// The providers of the deployed regions (`aws` of `aws:us-east-1`), sorted, once each.
fn providers(ids: &[String]) -> Vec<String> {
    let mut out: Vec<String> = ids
        .iter()
        .filter_map(|id| id.split_once(':').map(|(p, _)| p.to_ascii_lowercase()))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// One dependency's fields; returns whether its remove button was clicked.
fn fields(ui: &mut Ui, i: usize, d: &mut Dependency, ids: &[String]) -> bool {
    let mut remove = false;
    Grid::new("dependency-grid").num_columns(2).show(ui, |ui| {
        row(
            ui,
            &format!("dependencies[{i}].name"),
            "name",
            "the name dependency-outage failures use; unique",
            |ui| ui.add(TextEdit::singleline(&mut d.name).desired_width(180.0)),
        );
        let mut by_provider = d.provider.is_some();
        ui.label("depends").on_hover_text(
            "which regions depend on it: a list, or every deployed region of one provider",
        );
        ui.horizontal(|ui| {
            ui.radio_value(&mut by_provider, false, "these regions");
            ui.radio_value(&mut by_provider, true, "a whole provider");
        });
        ui.end_row();
        if by_provider && d.provider.is_none() {
            d.provider = providers(ids).into_iter().next().or(Some(String::new()));
            d.regions.clear();
        } else if !by_provider && d.provider.is_some() {
            d.provider = None;
        }
        match &mut d.provider {
            Some(prov) => {
                let l = ui.label("provider");
                ComboBox::from_id_salt("provider")
                    .selected_text(prov.clone())
                    .show_ui(ui, |ui| {
                        for o in providers(ids) {
                            ui.selectable_value(prov, o.clone(), o);
                        }
                    })
                    .response
                    .labelled_by(l.id);
                ui.end_row();
            }
            None => {
                ui.label("regions");
                region_ticks(ui, &mut d.regions, ids);
                ui.end_row();
            }
        }
        let l = ui.label("affects").on_hover_text(
            "what the dependent regions lose while it is down: routing, writes or all",
        );
        ComboBox::from_id_salt("affects")
            .selected_text(d.affects.name())
            .show_ui(ui, |ui| {
                for a in [Affects::Routing, Affects::Writes, Affects::All] {
                    ui.selectable_value(&mut d.affects, a, a.name())
                        .on_hover_text(affects_hint(a));
                }
            })
            .response
            .labelled_by(l.id)
            .on_hover_text(affects_hint(d.affects));
        ui.end_row();
        let mut random = d.mtbf.is_some() || d.mttr.is_some();
        ui.label("random outages");
        if ui
            .checkbox(&mut random, "MTBF / MTTR")
            .on_hover_text(
                "random outages of this dependency (with random failures switched on \
                 below): mean time between failures and to repair",
            )
            .changed()
        {
            (d.mtbf, d.mttr) = if random {
                (
                    Some(SimDuration::from_secs(20_000 * 3600)),
                    Some(SimDuration::from_secs(3600)),
                )
            } else {
                (None, None)
            };
        }
        ui.end_row();
        for (key, label, hint, v) in [
            (
                "mtbf",
                "MTBF",
                "hours: mean time between its failures",
                &mut d.mtbf,
            ),
            ("mttr", "MTTR", "hours: mean time to repair it", &mut d.mttr),
        ] {
            if let Some(v) = v {
                row(ui, &format!("dependencies[{i}].{key}"), label, hint, |ui| {
                    seconds(ui, v, 3600.0, " h", 1_000_000.0)
                });
            }
        }
        ui.label("");
        remove = ui
            .small_button("🗑 remove dependency")
            .on_hover_text("failures that name it will then show an error")
            .clicked();
        ui.end_row();
    });
    remove
}

/// A tick per deployed region; listed regions that are not deployed are shown too (ticked),
/// so that they can be unticked — validation names them meanwhile.
fn region_ticks(ui: &mut Ui, regions: &mut Vec<String>, ids: &[String]) {
    let stray: Vec<String> = regions
        .iter()
        .filter(|r| !ids.iter().any(|id| id.eq_ignore_ascii_case(r)))
        .cloned()
        .collect();
    // In a vertical scope: a wrapped row straight in a grid cell draws its second line
    // over the next row (a third region's tick sat on "affects", seen by hand).
    ui.vertical(|ui| {
        ui.horizontal_wrapped(|ui| {
            region_tick_row(ui, regions, ids, &stray);
        });
    });
}

/// A tick per region (deployed ones, then ids the dependency names that are not deployed).
fn region_tick_row(ui: &mut Ui, regions: &mut Vec<String>, ids: &[String], stray: &[String]) {
    for id in ids.iter().chain(stray) {
        let pos = regions.iter().position(|r| r.eq_ignore_ascii_case(id));
        let mut on = pos.is_some();
        if ui.checkbox(&mut on, id.as_str()).changed() {
            match pos {
                Some(k) => {
                    regions.remove(k);
                }
                None => regions.push(id.clone()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::panels::editor_failures::{new_failure, NewFailure};
    use sim_core::experiment::{load_text, DEFAULT_SCENARIO};
    use sim_core::scenario::validate::check as validate;
    use std::path::Path;

    #[test]
    fn a_new_dependency_and_an_outage_of_it_validate_and_follow_a_rename() {
        let (mut s, cat) = load_text(DEFAULT_SCENARIO, Path::new("default.toml")).unwrap();
        s.failures.clear();
        s.dependencies.push(new_dependency(&s));
        s.dependencies.push(new_dependency(&s));
        assert_eq!(s.dependencies[1].name, "dependency-2", "names are unique");
        let f = new_failure(NewFailure::DependencyOutage, &s, &[]);
        s.failures.push(f);
        assert_eq!(validate(&s, cat.as_ref()), vec![]);
        s.dependencies[0].name = "dns".into();
        follow_rename(&mut s, 0, "dependency-1");
        assert_eq!(validate(&s, cat.as_ref()), vec![]);
        assert!(matches!(
            &s.failures[0],
            FailureSpec::DependencyOutage { dependency, .. } if dependency == "dns"
        ));
    }

    #[test]
    fn providers_are_the_deployed_ones_once_each() {
        let ids = ["aws:a", "gcp:b", "AWS:c"].map(String::from);
        assert_eq!(providers(&ids), vec!["aws", "gcp"]);
    }

    /// Found by a person driving the app: two dependencies both named `dns` (an error),
    /// the second renamed `cdn` — the outage of the first moved to `cdn` without a word.
    #[test]
    fn a_rename_away_from_a_shared_name_leaves_the_failures() {
        let (mut s, _) = load_text(DEFAULT_SCENARIO, Path::new("default.toml")).unwrap();
        s.failures.clear();
        s.dependencies.push(new_dependency(&s));
        s.dependencies[0].name = "dns".into();
        follow_rename(&mut s, 0, "dependency-1");
        s.failures
            .push(new_failure(NewFailure::DependencyOutage, &s, &[]));
        s.dependencies.push(new_dependency(&s));
        s.dependencies[1].name = "dns".into();
        follow_rename(&mut s, 1, "dependency-2");
        s.dependencies[1].name = "cdn".into();
        follow_rename(&mut s, 1, "dns");
        assert!(matches!(
            &s.failures[0],
            FailureSpec::DependencyOutage { dependency, .. } if dependency == "dns"
        ));
    }
}

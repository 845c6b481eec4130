//! Scenario edits that need more than setting one field.
//!
//! Removing a region from the deployment also removes what refers to it (the
//! active-passive primary or standby, routing weights and priorities, shard homes, a
//! quorum larger than the regions left), so that a click on the map gives a scenario that
//! still validates whenever it can. Each function says what else it changed, for the
//! status bar.

use sim_core::catalog::Catalog;
use sim_core::scenario::{RegionSpec, Scenario};

/// Whether two region ids name the same region (the catalog's rule: trimmed, any case).
fn same(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// Adds `id` to the deployment if absent, else removes it. Returns a note for the user.
pub fn toggle_region(s: &mut Scenario, catalog: &Catalog, id: &str) -> String {
    if s.regions.iter().any(|r| same(&r.id, id)) {
        remove_region(s, id)
    } else {
        add_region(s, catalog, id)
    }
}

/// Adds catalog region `id`, sized like the first deployed region (instances, service
/// time, queue), or with the scenario defaults when none is deployed.
pub fn add_region(s: &mut Scenario, catalog: &Catalog, id: &str) -> String {
    if s.regions.iter().any(|r| same(&r.id, id)) {
        return format!("{id} is already deployed");
    }
    if catalog.region(id).is_err() {
        return format!("{id} is not in the catalog");
    }
    let spec = match s.regions.first() {
        Some(t) => RegionSpec {
            id: id.to_string(),
            ..t.clone()
        },
        None => RegionSpec {
            id: id.to_string(),
            instances: sim_core::scenario::defaults::instances(),
            service_time: sim_core::scenario::defaults::service_time(),
            queue_limit: sim_core::scenario::defaults::queue_limit(),
            zones: None,
            autoscaling: None,
        },
    };
    let instances = spec.instances;
    s.regions.push(spec);
    format!("added {id} with {instances} instances")
}

/// Removes `id` and every reference to it.
/// Whether a scheduled failure refers to region `id`.
fn failure_names(f: &sim_core::scenario::FailureSpec, id: &str) -> bool {
    use sim_core::scenario::FailureSpec as F;
    match f {
        F::RegionOutage { region, .. }
        | F::CapacityLoss { region, .. }
        | F::ZoneOutage { region, .. } => same(region, id),
        F::DependencyOutage { .. } => false,
        F::Degradation {
            region, regions, ..
        }
        | F::Partition {
            region, regions, ..
        } => region.as_deref().is_some_and(|r| same(r, id)) || regions.iter().any(|r| same(r, id)),
    }
}

pub fn remove_region(s: &mut Scenario, id: &str) -> String {
    let before = s.regions.len();
    s.regions.retain(|r| !same(&r.id, id));
    if s.regions.len() == before {
        return format!("{id} is not deployed");
    }
    let mut also = Vec::new();
    let ap = &mut s.active_passive;
    if ap.primary.as_deref().is_some_and(|p| same(p, id)) {
        ap.primary = None;
        also.push("the active-passive primary is now the first region");
    }
    if ap.standby.as_deref().is_some_and(|sb| same(sb, id)) {
        ap.standby = None;
        also.push("the active-passive standby is now the next region");
    }
    // Without a named primary the first region is the primary: a standby naming it would
    // replicate the primary to itself. Let the standby default to the next region instead.
    let first = s.regions.first().map(|r| r.id.clone());
    if ap.primary.is_none() {
        if let (Some(sb), Some(first)) = (ap.standby.as_deref(), first.as_deref()) {
            if same(sb, first) {
                ap.standby = None;
                also.push("the active-passive standby (now the primary) is now the next region");
            }
        }
    }
    let n = s.routing.weights.len();
    s.routing.weights.retain(|r, _| !same(r, id));
    if s.routing.weights.len() != n {
        also.push("its routing weight");
    }
    let n = s.routing.priority.len();
    s.routing.priority.retain(|r| !same(r, id));
    if s.routing.priority.len() != n {
        also.push("its routing priority");
    }
    let n = s.sharded.homes.len();
    s.sharded.homes.retain(|_, r| !same(r, id));
    if s.sharded.homes.len() != n {
        also.push("shard homes set to it");
    }
    let n = s.failures.len();
    s.failures.retain(|f| !failure_names(f, id));
    if s.failures.len() != n {
        also.push("failures that named it");
    }
    let mut named = 0;
    for d in &mut s.dependencies {
        let n = d.regions.len();
        d.regions.retain(|r| !same(r, id));
        named += n - d.regions.len();
    }
    if named > 0 {
        also.push("its place in shared dependencies");
    }
    if let Some(f) = &mut s.active_passive.follow_the_sun {
        let n = f.schedule.len();
        f.schedule.retain(|h| !same(&h.primary, id));
        if f.schedule.len() != n {
            also.push("follow-the-sun handovers to it");
        }
    }
    if let Some(f) = &mut s.sharded.follow_the_sun {
        let n = f.schedule.len();
        f.schedule.retain(|h| {
            !same(&h.primary, id) && !h.shard.as_deref().is_some_and(|sh| same(sh, id))
        });
        if f.schedule.len() != n {
            also.push("shard follow-the-sun handovers of or to it");
        }
    }
    let left = s.regions.len() as u32;
    if let Some(q) = s.active_active.quorum {
        if q > left && left > 0 {
            s.active_active.quorum = Some(left);
            also.push("the write quorum was lowered to the regions left");
        }
    }
    if also.is_empty() {
        format!("removed {id}")
    } else {
        format!("removed {id} (also: {})", also.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::experiment::{load_scenario, DEFAULT_SCENARIO};

    /// Every problem of the full validation (the CLI's), as the GUI shows them.
    fn validate(s: &Scenario, cat: &Catalog) -> Vec<sim_core::scenario::FieldError> {
        sim_core::spec::validate(s, cat).err().unwrap_or_default()
    }

    fn default() -> (Scenario, std::sync::Arc<Catalog>) {
        assert!(!DEFAULT_SCENARIO.is_empty());
        load_scenario(None).expect("the default loads")
    }

    #[test]
    fn removing_the_primary_keeps_the_scenario_valid() {
        let (mut s, cat) = default();
        let primary = s
            .active_passive
            .primary
            .clone()
            .expect("default names a primary");
        let note = toggle_region(&mut s, &cat, &primary);
        assert!(note.contains("primary"), "{note}");
        assert!(s.regions.iter().all(|r| r.id != primary));
        assert_eq!(validate(&s, cat.as_ref()), vec![]);
        // The standby was the first region left, so it became the primary: a distinct
        // standby takes its place.
        let spec = sim_core::spec::validate(&s, &cat).unwrap();
        assert_ne!(
            Some(spec.active_passive.primary),
            spec.active_passive.standby
        );
        assert!(spec.active_passive.standby.is_some());
    }

    #[test]
    fn a_standby_equal_to_the_primary_in_effect_is_shown_as_an_error() {
        let (mut s, cat) = default();
        s.active_passive.primary = None;
        s.active_passive.standby = Some(s.regions[0].id.to_uppercase());
        let st = crate::state::AppState::new(s, cat, None);
        assert!(!st.is_valid());
        assert!(
            st.errors
                .iter()
                .any(|e| e.path.to_string() == "active_passive.standby"),
            "{:?}",
            st.errors
        );
        assert!(st.spec.is_none() && st.links.is_none() && st.estimates.is_empty());
    }

    #[test]
    fn removing_a_region_in_another_case_removes_what_names_it() {
        let (mut s, cat) = default();
        let note = toggle_region(&mut s, &cat, "AWS:US-EAST-1");
        assert!(note.starts_with("removed"), "{note}");
        assert!(s.regions.iter().all(|r| r.id != "aws:us-east-1"));
        assert!(
            s.failures.is_empty(),
            "the outage of us-east-1 went with it"
        );
        assert_eq!(validate(&s, cat.as_ref()), vec![]);
    }

    #[test]
    fn adding_copies_the_first_region_and_toggling_back_restores() {
        let (s0, cat) = default();
        let mut s = s0.clone();
        toggle_region(&mut s, &cat, "aws:sa-east-1");
        let added = s.regions.last().expect("added");
        assert_eq!(added.id, "aws:sa-east-1");
        assert_eq!(added.instances, s0.regions[0].instances);
        toggle_region(&mut s, &cat, "aws:sa-east-1");
        assert_eq!(s, s0);
    }

    #[test]
    fn removing_a_region_removes_the_shard_handovers_of_or_to_it() {
        let (mut s, cat) = default();
        s.failures.clear();
        let pairs = crate::panels::editor_sun_zone::shard_pairs(&s, &cat);
        crate::panels::editor_sun_zone::set_shard_sun_mode(
            &mut s,
            crate::panels::editor_realism::SunMode::Schedule,
            &pairs,
        );
        let moved = s.sharded.follow_the_sun.as_ref().unwrap().schedule.len();
        assert_eq!(moved, 2);
        let note = remove_region(&mut s, "aws:us-west-2");
        assert!(note.contains("shard follow-the-sun handovers"), "{note}");
        let f = s.sharded.follow_the_sun.as_ref().unwrap();
        assert!(
            f.schedule.iter().all(|h| h.primary != "aws:us-west-2"),
            "{f:?}"
        );
        assert_eq!(f.schedule.len(), 1);
    }

    #[test]
    fn unknown_ids_change_nothing() {
        let (s0, cat) = default();
        let mut s = s0.clone();
        let note = toggle_region(&mut s, &cat, "aws:nowhere-1");
        assert!(note.contains("not in the catalog"), "{note}");
        assert_eq!(s, s0);
    }

    #[test]
    fn removing_every_region_is_an_error_for_validation() {
        let (mut s, cat) = default();
        for id in s.regions.clone().iter().map(|r| r.id.clone()) {
            remove_region(&mut s, &id);
        }
        let errs = validate(&s, cat.as_ref());
        assert!(
            errs.iter().any(|e| e.path.to_string() == "regions"),
            "{errs:?}"
        );
    }
}

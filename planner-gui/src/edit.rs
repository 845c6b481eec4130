//! Scenario edits that need more than setting one field.
//!
//! Removing a region from the deployment also removes what refers to it (the
//! active-passive primary or standby, routing weights and priorities, shard homes, a
//! quorum larger than the regions left), so that a click on the map gives a scenario that
//! still validates whenever it can. Each function says what else it changed, for the
//! status bar.

use sim_core::catalog::Catalog;
use sim_core::scenario::{RegionSpec, Scenario};

/// Adds `id` to the deployment if absent, else removes it. Returns a note for the user.
pub fn toggle_region(s: &mut Scenario, catalog: &Catalog, id: &str) -> String {
    if s.regions.iter().any(|r| r.id == id) {
        remove_region(s, id)
    } else {
        add_region(s, catalog, id)
    }
}

/// Adds catalog region `id`, sized like the first deployed region (instances, service
/// time, queue), or with the scenario defaults when none is deployed.
pub fn add_region(s: &mut Scenario, catalog: &Catalog, id: &str) -> String {
    if s.regions.iter().any(|r| r.id == id) {
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
        F::RegionOutage { region, .. } | F::CapacityLoss { region, .. } => region == id,
        F::Degradation {
            region, regions, ..
        }
        | F::Partition {
            region, regions, ..
        } => region.as_deref() == Some(id) || regions.iter().any(|r| r == id),
    }
}

pub fn remove_region(s: &mut Scenario, id: &str) -> String {
    let before = s.regions.len();
    s.regions.retain(|r| r.id != id);
    if s.regions.len() == before {
        return format!("{id} is not deployed");
    }
    let mut also = Vec::new();
    let ap = &mut s.active_passive;
    if ap.primary.as_deref() == Some(id) {
        ap.primary = None;
        also.push("the active-passive primary is now the first region");
    }
    if ap.standby.as_deref() == Some(id) {
        ap.standby = None;
        also.push("the active-passive standby is now the next region");
    }
    if s.routing.weights.remove(id).is_some() {
        also.push("its routing weight");
    }
    let n = s.routing.priority.len();
    s.routing.priority.retain(|r| r != id);
    if s.routing.priority.len() != n {
        also.push("its routing priority");
    }
    let n = s.sharded.homes.len();
    s.sharded.homes.retain(|_, r| r != id);
    if s.sharded.homes.len() != n {
        also.push("shard homes set to it");
    }
    let n = s.failures.len();
    s.failures.retain(|f| !failure_names(f, id));
    if s.failures.len() != n {
        also.push("failures that named it");
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
    use sim_core::scenario::validate::validate;

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

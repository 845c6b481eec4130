//! The search space: layouts × subsets of the candidate regions (× sharded standby) ×
//! instances per region (× fixed or autoscaled, with `PlanOptions::autoscaling`), and the
//! scenario each design is simulated with.
//!
//! Candidate regions are the scenario's `regions`. Active-active and sharded take every
//! non-empty subset; active-passive takes every ordered pair (primary, standby) — a third
//! region would be unused. With more candidates than `max_regions`, only the
//! `max_regions` that attract the most traffic are combined: the share of users for which
//! a region is the lowest-RTT candidate, ties broken by the share-weighted mean RTT.

use super::spec::PlanOptions;
use crate::scenario::{
    FailureSpec, FollowTheSun, Handover, LayoutKind, RoutingPolicy, Scenario, StandbyMode,
};
use crate::spec::World;

/// A layout on a set of regions, before instance counts are chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shape {
    pub layout: LayoutKind,
    /// Indices into the scenario's `regions`; ascending, except active-passive's
    /// `[primary, standby]`.
    pub regions: Vec<usize>,
    /// Sharded only: each shard has a standby in its jurisdiction.
    pub sharded_standby: bool,
    /// Active-passive only: the standby's mode (`None`: the scenario's).
    pub standby_mode: Option<StandbyMode>,
    /// Every region runs `PlanOptions::autoscaling` with the design's count as its max.
    pub autoscaled: bool,
}

/// One complete design: a shape and the instances of each of its regions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Design {
    pub shape: Shape,
    /// Instances per region, in the order of `shape.regions` (active-passive: the fleet of
    /// the primary and of the standby, the same number twice).
    pub instances: Vec<u32>,
}

impl Design {
    /// `aws:us-east-1;aws:eu-west-1`
    pub fn regions_text(&self, candidates: &Scenario) -> String {
        self.shape
            .regions
            .iter()
            .map(|&i| candidates.regions[i].id.as_str())
            .collect::<Vec<_>>()
            .join(";")
    }

    /// `8;6`: instances in region order.
    pub fn instances_text(&self) -> String {
        self.instances
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(";")
    }

    /// `sharded+standby`, `active-passive (hot)`, …
    pub fn layout_text(&self, base: &Scenario) -> String {
        let text = self.fixed_layout_text(base);
        if self.shape.autoscaled {
            format!("{text}+autoscaled")
        } else {
            text
        }
    }

    fn fixed_layout_text(&self, base: &Scenario) -> String {
        match self.shape.layout {
            LayoutKind::Sharded if self.shape.sharded_standby => "sharded+standby".into(),
            LayoutKind::ActivePassive => {
                let mode = self.shape.standby_mode;
                let m = mode.unwrap_or(base.active_passive.standby_mode);
                format!("active-passive/{}", m.name())
            }
            l => l.name().into(),
        }
    }
}

/// The candidate regions that take part in subsets (all, or the `max_regions` that
/// attract the most traffic), ascending.
pub fn pool(world: &World, max_regions: usize) -> Vec<usize> {
    let n = world.n_regions();
    if n <= max_regions {
        return (0..n).collect();
    }
    let mut attracted = vec![0.0; n];
    let mut mean_rtt = vec![0.0; n];
    for (a, area) in world.areas.iter().enumerate() {
        if let Some(best) = (0..n).min_by_key(|&r| (world.user_rtt(a, r), r)) {
            attracted[best] += area.share;
        }
        for (r, m) in mean_rtt.iter_mut().enumerate() {
            *m += area.share * world.user_rtt(a, r).as_millis_f64();
        }
    }
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&x, &y| {
        attracted[y]
            .total_cmp(&attracted[x])
            .then(mean_rtt[x].total_cmp(&mean_rtt[y]))
            .then(x.cmp(&y))
    });
    let mut top: Vec<usize> = order.into_iter().take(max_regions).collect();
    top.sort_unstable();
    top
}

/// Every shape of the options' layouts over `pool`, in a fixed order.
pub fn shapes(pool: &[usize], opts: &PlanOptions) -> Vec<Shape> {
    let k = pool.len();
    let max = opts.max_subset.unwrap_or(k).min(k);
    let mut subsets: Vec<Vec<usize>> = (1u32..(1 << k))
        .map(|mask| {
            (0..k)
                .filter(|&i| mask & (1 << i) != 0)
                .map(|i| pool[i])
                .collect::<Vec<_>>()
        })
        .filter(|s| s.len() <= max)
        .collect();
    subsets.sort_by(|a, b| a.len().cmp(&b.len()).then(a.cmp(b)));
    let mut out = Vec::new();
    for &layout in &opts.layouts {
        match layout {
            LayoutKind::ActivePassive => {
                for s in subsets.iter().filter(|s| s.len() == 2) {
                    let modes: Vec<Option<StandbyMode>> = if opts.standby_modes.is_empty() {
                        vec![None]
                    } else {
                        opts.standby_modes.iter().copied().map(Some).collect()
                    };
                    for (p, sb) in [(s[0], s[1]), (s[1], s[0])] {
                        out.extend(modes.iter().map(|&standby_mode| Shape {
                            layout,
                            regions: vec![p, sb],
                            sharded_standby: false,
                            standby_mode,
                            autoscaled: false,
                        }));
                    }
                }
            }
            LayoutKind::ActiveActive => out.extend(subsets.iter().map(|s| Shape {
                layout,
                regions: s.clone(),
                sharded_standby: false,
                standby_mode: None,
                autoscaled: false,
            })),
            LayoutKind::Sharded => {
                // One region: the same design as active-active on it (listed there).
                let single_elsewhere = opts.layouts.contains(&LayoutKind::ActiveActive);
                for &standby in &opts.sharded_standby {
                    let subsets = subsets.iter().filter(|s| s.len() > 1 || !single_elsewhere);
                    out.extend(subsets.map(|s| Shape {
                        layout,
                        regions: s.clone(),
                        sharded_standby: standby,
                        standby_mode: None,
                        autoscaled: false,
                    }));
                }
            }
        }
    }
    if opts.autoscaling.is_some() {
        let scaled: Vec<Shape> = out
            .iter()
            .map(|x| Shape {
                autoscaled: true,
                ..x.clone()
            })
            .collect();
        out.extend(scaled);
    }
    out
}

/// Whether `id` is one of `ids`, in any case (handovers name regions as typed).
fn has_ci(ids: &[String], id: &str) -> bool {
    ids.iter().any(|x| x.eq_ignore_ascii_case(id))
}

/// The scenario that simulates `design`: the base scenario restricted to the design's
/// regions with its instance counts and layout options. Options that name regions outside
/// the design are dropped (routing weights and priorities, sharded homes, failures,
/// follow-the-sun handovers; follow-the-sun of another layout altogether); an
/// active-active quorum larger than the design is capped at its size. With `opts.at_peak`
/// the diurnal curve is off (every area at its peak rate); unless `opts.keep_failures`,
/// scheduled and random failures are removed (the planner adds its own outages).
pub fn design_scenario(base: &Scenario, design: &Design, opts: &PlanOptions) -> Scenario {
    let mut s = base.clone();
    let shape = &design.shape;
    s.regions = shape
        .regions
        .iter()
        .zip(&design.instances)
        .map(|(&i, &c)| {
            let mut r = base.regions[i].clone();
            r.instances = c.max(1);
            if let (true, Some(a)) = (shape.autoscaled, &opts.autoscaling) {
                r.autoscaling = Some(a.policy(r.instances));
            }
            r
        })
        .collect();
    let ids: Vec<String> = s.regions.iter().map(|r| r.id.clone()).collect();
    let has = |id: &str| ids.iter().any(|x| x == id);
    s.layout = shape.layout;
    match shape.layout {
        LayoutKind::ActivePassive => {
            s.active_passive.primary = ids.first().cloned();
            s.active_passive.standby = ids.get(1).cloned();
            s.active_passive.instances = design.instances.first().copied();
            if let Some(m) = shape.standby_mode {
                s.active_passive.standby_mode = m;
            }
        }
        LayoutKind::ActiveActive | LayoutKind::Sharded => {
            // Unused by these layouts, but checked: keep them only where they exist, and
            // the standby only apart from the primary in effect (without `primary`, the
            // design's first region: an active-active design on the base's standby and
            // others was refused as "the standby is the primary in effect").
            let ap = &mut s.active_passive;
            ap.primary = ap.primary.take().filter(|id| has(id));
            let primary = ap.primary.clone().or_else(|| ids.first().cloned());
            ap.standby = ap
                .standby
                .take()
                .filter(|id| has(id) && primary.as_ref() != Some(id));
        }
    }
    match shape.layout {
        LayoutKind::ActivePassive => {}
        LayoutKind::ActiveActive => {
            let n = ids.len() as u32;
            s.active_active.quorum = s.active_active.quorum.map(|q| q.clamp(1, n));
        }
        LayoutKind::Sharded => {
            s.sharded.standby = shape.sharded_standby;
            s.sharded.homes.retain(|_, id| has(id));
        }
    }
    // Follow-the-sun moves a primary between two regions of one layout: a design of
    // another layout runs without it, and a design keeps only the handovers between its
    // own regions (a schedule naming others, or a sharded design without standbys, was
    // refused as invalid — every single-region active-active design with it).
    let keep = |f: &mut Option<FollowTheSun>, ok: &dyn Fn(&Handover) -> bool| {
        if let Some(x) = f {
            x.schedule.retain(|h| ok(h));
            if x.schedule.is_empty() && !x.daytime {
                *f = None;
            }
        }
    };
    let pair: Vec<&String> = ids.iter().take(2).collect();
    match shape.layout {
        LayoutKind::ActivePassive if ids.len() >= 2 => {
            keep(&mut s.active_passive.follow_the_sun, &|h| {
                pair.iter().any(|id| id.eq_ignore_ascii_case(&h.primary))
            })
        }
        _ => s.active_passive.follow_the_sun = None,
    }
    match shape.layout {
        // One region gives no shard a standby: no handover can apply.
        LayoutKind::Sharded if shape.sharded_standby && ids.len() > 1 => {
            keep(&mut s.sharded.follow_the_sun, &|h| {
                has_ci(&ids, &h.primary) && h.shard.as_deref().is_none_or(|x| has_ci(&ids, x))
            })
        }
        _ => s.sharded.follow_the_sun = None,
    }
    s.routing.weights.retain(|id, _| has(id));
    s.routing.priority.retain(|id| has(id));
    if s.routing.policy == RoutingPolicy::Weighted && !s.routing.weights.values().any(|w| *w > 0.0)
    {
        s.routing.policy = RoutingPolicy::Latency;
    }
    if s.routing.policy == RoutingPolicy::Priority && s.routing.priority.is_empty() {
        s.routing.policy = RoutingPolicy::Latency;
    }
    // A dependency keeps the candidate's regions; one left with none goes, with its outages.
    for d in &mut s.dependencies {
        d.regions.retain(|id| has(id));
    }
    let provider_deployed = |p: &str| {
        let prefix = format!("{}:", p.trim().to_ascii_lowercase());
        ids.iter()
            .any(|id| id.to_ascii_lowercase().starts_with(&prefix))
    };
    s.dependencies.retain(|d| match &d.provider {
        Some(p) => provider_deployed(p),
        None => !d.regions.is_empty(),
    });
    let deps: Vec<String> = s.dependencies.iter().map(|d| d.name.clone()).collect();
    s.failures.retain(|f| match f {
        FailureSpec::DependencyOutage { dependency, .. } => deps.contains(dependency),
        _ => true,
    });
    if opts.keep_failures {
        s.failures
            .retain(|f| failure_regions(f).iter().all(|id| has(id)));
    } else {
        s.failures.clear();
        s.random_failures.enabled = false;
    }
    if opts.at_peak {
        s.workload.diurnal = false;
    }
    if let Some(d) = opts.duration {
        s.duration = s.duration.min(d);
    }
    s
}

/// The regions a failure names.
fn failure_regions(f: &FailureSpec) -> Vec<&str> {
    match f {
        FailureSpec::RegionOutage { region, .. }
        | FailureSpec::CapacityLoss { region, .. }
        | FailureSpec::ZoneOutage { region, .. } => vec![region.as_str()],
        // A dependency names no region itself (its `[[dependencies]]` entry does).
        FailureSpec::DependencyOutage { .. } => Vec::new(),
        FailureSpec::Partition {
            regions, region, ..
        }
        | FailureSpec::Degradation {
            regions, region, ..
        } => regions
            .iter()
            .map(String::as_str)
            .chain(region.as_deref())
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_cover_subsets_and_ordered_pairs() {
        let opts = PlanOptions::default();
        let s = shapes(&[0, 1, 2], &opts);
        let count = |l| s.iter().filter(|x| x.layout == l).count();
        assert_eq!(count(LayoutKind::ActiveActive), 7);
        assert_eq!(count(LayoutKind::ActivePassive), 6);
        // Single-region sharded designs are active-active ones.
        assert_eq!(count(LayoutKind::Sharded), 8);
    }
}

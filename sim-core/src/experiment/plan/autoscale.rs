//! Autoscaled designs: the planner may choose a target-tracking policy (min/max) for a
//! design's regions instead of a fixed instance count (`PlanOptions::autoscaling`).
//!
//! Why: a fleet sized for the daily peak idles through the night. With
//! `PlanOptions::autoscaling` every shape is also tried *autoscaled*: each region of a
//! design with `c` instances runs the policy with `max = c` (the count sized for the
//! peak) and `min = ⌈c × min_fraction⌉`, and is billed the instance-hours it actually
//! provisions (`docs/autoscaling.md`). Whether the policy keeps the objectives — its boot
//! delay lags every rise in load — only the simulation says, like every other design;
//! the analytic stage estimates its compute cost from the load the fleet follows:
//! `c × max(min_fraction, mean rate / peak rate)` over the simulated window (1 at peak:
//! `at_peak` simulates a flat peak, where autoscaling saves nothing, so plan with
//! `at_peak = false` on a diurnal workload).

use super::prune::ShapeModel;
use crate::engine::{SimDuration, SimTime};
use crate::model::cost::HOURS_PER_MONTH;
use crate::model::workload::Diurnal;
use crate::scenario::{Autoscaling, Scenario};

/// The policy every region of an autoscaled design runs (its bounds from the design).
#[derive(Clone, Debug, PartialEq)]
pub struct PlanAutoscaling {
    /// `min = ⌈instances × min_fraction⌉` (at least 1), in (0, 1].
    pub min_fraction: f64,
    pub target_utilisation: f64,
    pub evaluation: SimDuration,
    pub boot: SimDuration,
    pub cooldown: SimDuration,
}

impl Default for PlanAutoscaling {
    /// The scenario defaults of `autoscaling` (target 0.6, 1 min windows, 3 min boot, 5 min
    /// cooldown), scaling down to a quarter of the peak fleet.
    fn default() -> Self {
        PlanAutoscaling {
            min_fraction: 0.25,
            target_utilisation: 0.6,
            evaluation: SimDuration::from_mins(1),
            boot: SimDuration::from_mins(3),
            cooldown: SimDuration::from_mins(5),
        }
    }
}

impl PlanAutoscaling {
    /// The policy of a region sized `instances` for the peak.
    pub fn policy(&self, instances: u32) -> Autoscaling {
        let max = instances.max(1);
        let min = ((f64::from(max) * self.min_fraction).ceil() as u32).clamp(1, max);
        Autoscaling {
            target_utilisation: self.target_utilisation,
            min,
            max,
            evaluation: self.evaluation,
            boot: self.boot,
            cooldown: self.cooldown,
        }
    }

    /// Problems with the option, each naming its field.
    pub fn problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        let f = self.min_fraction;
        if !(f.is_finite() && f > 0.0 && f <= 1.0) {
            p.push(format!(
                "autoscaling.min_fraction: must lie in (0, 1], got {f}"
            ));
        }
        let t = self.target_utilisation;
        if !(t.is_finite() && t > 0.0 && t < 1.0) {
            p.push(format!(
                "autoscaling.target_utilisation: must lie in (0, 1), got {t}"
            ));
        }
        if self.evaluation < SimDuration::from_secs(1) {
            p.push("autoscaling.evaluation: must be at least 1s".into());
        }
        p
    }

    /// The fraction of the peak fleet an autoscaled design is expected to provision on
    /// average over the simulated window of `s` (see the module docs).
    pub fn fleet_fraction(&self, s: &Scenario, at_peak: bool) -> f64 {
        if at_peak || !s.workload.diurnal {
            return 1.0;
        }
        let start = SimTime::ZERO + s.warmup;
        let minutes = (s.duration.as_secs_f64() / 60.0).ceil().max(1.0) as u64;
        // The total rate per minute, from every area's own curve.
        let total = |m: u64| -> f64 {
            s.areas
                .iter()
                .map(|a| {
                    let d = Diurnal::new(&s.workload, s.start_utc_hour, a.utc_offset_hours);
                    a.share * d.factor(start + SimDuration::from_mins(m))
                })
                .sum()
        };
        let rates: Vec<f64> = (0..=minutes).map(total).collect();
        let peak = rates.iter().copied().fold(0.0, f64::max);
        if peak <= 0.0 {
            return 1.0;
        }
        let mean = rates.iter().sum::<f64>() / rates.len() as f64;
        (mean / peak).max(self.min_fraction).min(1.0)
    }

    /// The estimated monthly cost of `m`'s design with `instances` autoscaled: its fixed
    /// estimate `fixed_usd` less the compute the fleet is not expected to provision.
    pub fn estimate(&self, m: &ShapeModel, instances: &[u32], fixed_usd: f64, f: f64) -> f64 {
        let w = &m.prepared.world;
        let compute: f64 = instances
            .iter()
            .enumerate()
            .map(|(r, &c)| {
                f64::from(c)
                    * m.plan.billed_fraction.get(r).copied().unwrap_or(0.0)
                    * w.regions.get(r).and_then(|x| x.usd_per_hour).unwrap_or(0.0)
                    * HOURS_PER_MONTH
            })
            .sum();
        fixed_usd - compute * (1.0 - f)
    }
}

/// [`ShapeModel::evaluate`], with an autoscaled shape's cost estimated from the fleet it
/// is expected to provision.
pub(super) fn evaluate(
    m: &ShapeModel,
    instances: &[u32],
    obj: &super::Objectives,
    opts: &super::PlanOptions,
    base: &Scenario,
) -> super::Analytic {
    let mut a = m.evaluate(instances, obj, opts);
    if let (true, Some(auto)) = (m.shape.autoscaled, &opts.autoscaling) {
        let f = auto.fleet_fraction(base, opts.at_peak);
        a.cost_usd = auto.estimate(m, instances, a.cost_usd, f);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_come_from_the_design() {
        let a = PlanAutoscaling::default();
        let p = a.policy(10);
        assert_eq!((p.min, p.max), (3, 10));
        let p = a.policy(1);
        assert_eq!((p.min, p.max), (1, 1));
        let bad = PlanAutoscaling {
            min_fraction: 0.0,
            target_utilisation: 1.0,
            ..a
        };
        assert_eq!(bad.problems().len(), 2);
    }
}

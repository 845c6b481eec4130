//! The verdict on one simulated design: the feasibility rule of [`super::verify`].
//!
//! Stages: sort the runs' outcomes by kind ([`Tally`]); the steady-state figures and their
//! intervals against the bounds ([`steady_misses`]); the RPO runs; the N+1 runs, worst
//! figure per failed region ([`worst_outages`]) against the bounds ([`outage_misses`]).
//! Alongside the verdict, whether more steady replications could change it ([`open`]: the
//! sequential rule of [`super::verify`]).

use super::spec::{Objectives, OUTAGE_MIN_SERVED};
use super::verify::{stat, Finalist, Kind, Out, OutageCheck, Verification};
use crate::metrics::stats::Interval;

/// The runs of one design, by kind.
#[derive(Default)]
struct Tally {
    steady: Vec<Out>,
    /// (region index in the design, outcome) of each run with that region down throughout.
    settled: Vec<(usize, Out)>,
    /// Oldest lost write of each RPO run, s.
    rpo: Vec<f64>,
    residency: u64,
    /// Runs that could not be simulated, as misses.
    errors: Vec<String>,
}

impl Tally {
    fn of(outs: &[(Kind, Result<Out, String>)]) -> Tally {
        let mut t = Tally::default();
        for (kind, o) in outs {
            match o {
                Err(e) => t.errors.push(format!("could not simulate: {e}")),
                Ok(o) => {
                    t.residency += o.residency;
                    match *kind {
                        Kind::Steady => t.steady.push(o.clone()),
                        Kind::Settled(r) => t.settled.push((r, o.clone())),
                        Kind::Rpo(_) => t.rpo.push(o.rpo_s),
                    }
                }
            }
        }
        t
    }
}

/// The steady runs' figures with their 95 % intervals.
struct Steady {
    p99: Interval,
    area_p99: Vec<Interval>,
    served: Interval,
    cost: Interval,
    availability: f64,
    availability_low: f64,
}

impl Steady {
    fn of(steady: &[Out], areas: usize, annual: Option<f64>) -> Steady {
        let of = |g: &dyn Fn(&Out) -> f64| stat(steady.iter().map(g));
        let served = of(&|o| o.served);
        Steady {
            p99: of(&|o| o.p99_ms),
            area_p99: (0..areas).map(|a| of(&|o| o.area_p99_ms[a])).collect(),
            cost: of(&|o| o.cost),
            availability: annual.unwrap_or(1.0) * served.mean,
            availability_low: annual.unwrap_or(1.0) * served.low.clamp(0.0, 1.0),
            served,
        }
    }
}

fn area_name(obj: &Objectives, a: usize) -> String {
    obj.area_names.get(a).cloned().unwrap_or_default()
}

/// The objectives the steady runs miss: the CI's unfavourable end against each bound.
fn steady_misses(s: &Steady, residency: u64, obj: &Objectives, misses: &mut Vec<String>) {
    if let Some(b) = obj.p99_ms {
        if s.p99.high > b {
            misses.push(format!(
                "p99 {:.0} ms (CI high {:.0}) > {b} ms",
                s.p99.mean, s.p99.high
            ));
        }
    }
    for (a, b) in obj.area_p99_ms.iter().enumerate() {
        if let Some(b) = b {
            if s.area_p99[a].high > *b {
                misses.push(format!(
                    "p99 of {} {:.0} ms > {b} ms",
                    area_name(obj, a),
                    s.area_p99[a].high
                ));
            }
        }
    }
    if let Some(t) = obj.availability {
        if s.availability_low < t {
            misses.push(format!(
                "availability {} < {}",
                super::spec::found_percent(s.availability_low),
                super::spec::target_percent(t)
            ));
        }
    }
    if let Some(b) = obj.budget_usd {
        if s.cost.high > b {
            let (c, b) = super::spec::usd_pair(s.cost.high, b);
            misses.push(format!("cost {c} > {b}"));
        }
    }
    if obj.residency && residency > 0 {
        misses.push(format!("{residency} residency violations"));
    }
}

/// Per failed region (in the order first seen), the worst of each figure over its
/// replications. `ids` are the design's region ids by index in the design.
fn worst_outages(settled: Vec<(usize, Out)>, ids: &[String], obj: &Objectives) -> Vec<OutageCheck> {
    let mut outages: Vec<OutageCheck> = Vec::new();
    for (r, o) in settled {
        let (min_a, min_served) = o
            .area_served
            .iter()
            .copied()
            .enumerate()
            .min_by(|x, y| x.1.total_cmp(&y.1))
            .unwrap_or((0, 1.0));
        let check = OutageCheck {
            region: ids[r].clone(),
            p99_ms: o.p99_ms,
            area_p99_ms: o.area_p99_ms.clone(),
            min_served,
            min_served_area: area_name(obj, min_a),
        };
        match outages.iter_mut().find(|c| c.region == check.region) {
            // Several replications: keep the worst of each figure.
            Some(c) => {
                c.p99_ms = c.p99_ms.max(check.p99_ms);
                for (x, y) in c.area_p99_ms.iter_mut().zip(&check.area_p99_ms) {
                    *x = x.max(*y);
                }
                if check.min_served < c.min_served {
                    c.min_served = check.min_served;
                    c.min_served_area = check.min_served_area;
                }
            }
            None => outages.push(check),
        }
    }
    outages
}

/// The N+1 objectives the outage runs miss.
fn outage_misses(outages: &[OutageCheck], obj: &Objectives, misses: &mut Vec<String>) {
    for c in outages {
        let down = &c.region;
        if c.min_served < OUTAGE_MIN_SERVED {
            misses.push(format!(
                "N+1: {down} down: {} served {:.1} %",
                c.min_served_area,
                c.min_served * 100.0
            ));
        }
        if let Some(b) = obj.p99_ms {
            if c.p99_ms > b {
                misses.push(format!("N+1: {down} down: p99 {:.0} ms > {b} ms", c.p99_ms));
            }
        }
        for (a, b) in obj.area_p99_ms.iter().enumerate() {
            if let Some(b) = b {
                if c.area_p99_ms[a] > *b {
                    misses.push(format!(
                        "N+1: {down} down: p99 of {} {:.0} ms > {b} ms",
                        area_name(obj, a),
                        c.area_p99_ms[a]
                    ));
                }
            }
        }
    }
}

/// Where an interval lies against a bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    /// Wholly on the side that meets the objective.
    Met,
    /// Wholly on the side that misses it.
    Missed,
    /// Straddling the bound: more replications may decide.
    Open,
}

/// `[low, high]` against an upper bound `b` (the objective wants the value ≤ b).
fn below(low: f64, high: f64, b: f64) -> Side {
    if high <= b {
        Side::Met
    } else if low > b {
        Side::Missed
    } else {
        Side::Open
    }
}

/// `[low, high]` against a lower bound `t` (the objective wants the value ≥ t).
fn above(low: f64, high: f64, t: f64) -> Side {
    if low >= t {
        Side::Met
    } else if high < t {
        Side::Missed
    } else {
        Side::Open
    }
}

/// Whether more steady replications could change the verdict on the `n` steady runs
/// summarised in `s`: false once an objective is missed beyond doubt (`settled_miss`: a
/// residency, RPO or N+1 miss or a failed run; or an interval wholly on the wrong side of
/// its bound), or when every interval lies wholly on the right side. One replication
/// gives no interval: every statistical objective is then open.
fn open(s: &Steady, n: usize, annual: Option<f64>, obj: &Objectives, settled_miss: bool) -> bool {
    if settled_miss {
        return false;
    }
    let mut sides: Vec<Side> = Vec::new();
    if let Some(b) = obj.p99_ms {
        sides.push(below(s.p99.low, s.p99.high, b));
    }
    for (a, b) in obj.area_p99_ms.iter().enumerate() {
        if let Some(b) = b {
            sides.push(below(s.area_p99[a].low, s.area_p99[a].high, *b));
        }
    }
    if let Some(t) = obj.availability {
        let high = annual.unwrap_or(1.0) * s.served.high.clamp(0.0, 1.0);
        sides.push(above(s.availability_low, high, t));
    }
    if let Some(b) = obj.budget_usd {
        sides.push(below(s.cost.low, s.cost.high, b));
    }
    if sides.is_empty() {
        return false;
    }
    if n < 2 {
        return true;
    }
    !sides.contains(&Side::Missed) && sides.contains(&Side::Open)
}

/// The verdict on one design from its runs so far, and whether more steady replications
/// could change it (the sequential rule of [`super::verify`]).
pub(super) fn judge(
    base: &crate::scenario::Scenario,
    f: &Finalist,
    outs: &[(Kind, Result<Out, String>)],
    obj: &Objectives,
) -> (Verification, bool) {
    let runs = outs.len();
    let tally = Tally::of(outs);
    let replications = tally.steady.len();
    let mut misses = tally.errors;
    let annual = f.annual_availability;
    let s = Steady::of(&tally.steady, obj.area_p99_ms.len(), annual);
    let failed_runs = !misses.is_empty();
    let residency_miss = obj.residency && tally.residency > 0;
    steady_misses(&s, tally.residency, obj, &mut misses);
    let statistical = misses.len();
    let rpo_s = if f.lossy {
        tally.rpo.iter().copied().reduce(f64::max)
    } else {
        Some(0.0)
    };
    if let (Some(b), Some(r)) = (obj.rpo_s, rpo_s) {
        if r > b {
            misses.push(format!("RPO {r:.2} s > {b} s"));
        }
    }
    let ids: Vec<String> = f
        .design
        .shape
        .regions
        .iter()
        .map(|&i| base.regions[i].id.clone())
        .collect();
    let outages = worst_outages(tally.settled, &ids, obj);
    outage_misses(&outages, obj, &mut misses);
    let later_miss = misses.len() > statistical;
    let more = open(
        &s,
        replications,
        annual,
        obj,
        failed_runs || residency_miss || later_miss,
    );
    let v = Verification {
        runs,
        replications,
        cost_usd: s.cost,
        p99_ms: s.p99,
        area_p99_ms: s.area_p99,
        served: s.served,
        annual_availability: annual,
        availability: s.availability,
        availability_low: s.availability_low,
        residency_violations: tally.residency,
        rpo_s,
        outages,
        misses,
    };
    (v, more)
}

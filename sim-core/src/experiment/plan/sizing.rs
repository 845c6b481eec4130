//! Sizing a shape: Erlang C per region with N+1 headroom, then the mixture model.
//!
//! Region `r` must carry `λ_r = max` over the checked states of the load routed to it —
//! its own load plus the largest share it receives when a neighbour fails. Its latency
//! budget is the p99 bound minus the network delay of the flows into it (the delay of the
//! slowest 1 % of its traffic is ignored, as a p99 does);
//! `smallest_servers(λ_r, μ_r, p99 ≤ budget, max_utilisation)` gives its size. Without a
//! latency bound, or with a budget below what any size reaches, the size is the smallest
//! stable one under the utilisation cap.
//!
//! Erlang C sizes each region alone; the global and per-area p99 mix the regions, so the
//! sizes are then adjusted on the mixture model ([`super::flows`]): one instance at a
//! time where it lowers the predicted tail excess the most per dollar, until every bound
//! is met in every checked state (or nothing helps). The instance vectors tried are this
//! size shifted by each of `shifts` (or a given grid).

use super::flows::{loads, tail_at};
use super::prune::ShapeModel;
use super::spec::{Objectives, PlanOptions, QUANTILE};
use crate::analytic::sizing::{smallest_servers, LatencyTarget, SizingError};
use crate::scenario::{LayoutKind, MAX_INSTANCES};

impl ShapeModel {
    /// Instances per region from Erlang C with N+1 headroom (see the module docs).
    pub fn erlang_sizes(&self, obj: &Objectives, opts: &PlanOptions) -> Vec<u32> {
        let n = self.n();
        let mut sizes: Vec<u32> = (0..n)
            .map(|r| {
                let lambda = self
                    .states
                    .iter()
                    .map(|s| loads(s, n)[r])
                    .fold(0.0, f64::max);
                // (slack, rate) of every flow into r, over the states.
                let mut slack: Vec<(f64, f64)> = self
                    .states
                    .iter()
                    .flat_map(|s| s.flows.iter().filter(|f| f.region == r))
                    .map(|f| {
                        let bound = obj
                            .bound_for_area_ms(f.area)
                            .map_or(f64::INFINITY, |b| b / 1e3);
                        (bound - f.delay_s, f.rate)
                    })
                    .collect();
                slack.sort_by(|a, b| a.0.total_cmp(&b.0));
                let total: f64 = slack.iter().map(|x| x.1).sum();
                let mut acc = 0.0;
                let budget = slack
                    .iter()
                    .find(|(_, rate)| {
                        acc += rate;
                        acc > (1.0 - QUANTILE) * total
                    })
                    .map_or(f64::INFINITY, |x| x.0);
                size(lambda, self.mu[r], budget, opts.max_utilisation)
            })
            .collect();
        if self.shape.layout == LayoutKind::ActivePassive {
            let fleet = sizes.iter().copied().max().unwrap_or(1);
            sizes.iter_mut().for_each(|c| *c = fleet);
        }
        // Past what a region may run the design is out of reach anyway (its vectors are
        // dropped); the cap keeps the Erlang computations of a huge load bounded.
        sizes
            .iter_mut()
            .for_each(|c| *c = (*c).min(MAX_INSTANCES + 1));
        sizes
    }

    /// How far `c` is from meeting the latency bounds in the checked states: the sum over
    /// states and bounds of `max(0, P(L > bound) − 1 %)` (0 when every bound is met).
    fn excess(&self, c: &[u32], obj: &Objectives) -> f64 {
        let over = |t: Option<f64>| t.map_or(0.0, |t| (t - (1.0 - QUANTILE)).max(0.0));
        self.states
            .iter()
            .map(|s| {
                let global = obj
                    .p99_ms
                    .map_or(0.0, |b| over(tail_at(s, c, &self.mu, b / 1e3, |_| true)));
                let areas: f64 = obj
                    .area_p99_ms
                    .iter()
                    .enumerate()
                    .filter_map(|(a, b)| {
                        b.map(|b| over(tail_at(s, c, &self.mu, b / 1e3, |f| f.area == a)))
                    })
                    .sum();
                global + areas
            })
            .sum()
    }

    /// The analytic size: the Erlang C sizes, then one instance at a time where it lowers
    /// [`Self::excess`] the most per dollar, until every bound is met or the excess is
    /// within 10⁻⁶ of what a thousand more instances per region would leave (the network
    /// alone misses the bound).
    pub fn sizes(&self, obj: &Objectives, opts: &PlanOptions) -> Vec<u32> {
        let mut c = self.erlang_sizes(obj, opts);
        let ap = self.shape.layout == LayoutKind::ActivePassive;
        let w = &self.prepared.world;
        let price = |r: usize| {
            w.regions[r].usd_per_hour.unwrap_or(0.0) * self.plan.billed_fraction[r] + 1e-9
        };
        let mut e = self.excess(&c, obj);
        // What no number of instances removes (the network alone misses a bound).
        if c.iter().any(|&x| x > MAX_INSTANCES) {
            return c;
        }
        let floor = self.excess(&c.iter().map(|x| x + 1000).collect::<Vec<_>>(), obj);
        for _ in 0..10_000 {
            if e <= floor + 1e-6 || c.iter().any(|&x| x > MAX_INSTANCES) {
                break;
            }
            let moves: Vec<Vec<usize>> = if ap {
                vec![(0..self.n()).collect()]
            } else {
                (0..self.n()).map(|r| vec![r]).collect()
            };
            let best = moves
                .into_iter()
                .map(|m| {
                    let mut next = c.clone();
                    m.iter().for_each(|&r| next[r] += 1);
                    let ne = self.excess(&next, obj);
                    let dollars: f64 = m.iter().map(|&r| price(r)).sum();
                    ((e - ne) / dollars, next, ne)
                })
                .max_by(|a, b| a.0.total_cmp(&b.0));
            match best {
                Some((gain, next, ne)) if gain > 0.0 && e - ne > 1e-9 => {
                    c = next;
                    e = ne;
                }
                _ => break,
            }
        }
        c
    }

    /// Instance vectors to evaluate: the grid's product (or its values uniformly when the
    /// product is too large), or the Erlang C sizes shifted by each of `opts.shifts`.
    pub fn vectors(&self, obj: &Objectives, opts: &PlanOptions) -> Vec<Vec<u32>> {
        let n = self.n();
        let ap = self.shape.layout == LayoutKind::ActivePassive;
        let mut out: Vec<Vec<u32>> = match &opts.instances {
            Some(grid) => {
                let free = if ap { 1 } else { n };
                let product = grid.len().checked_pow(free as u32).unwrap_or(usize::MAX);
                if product <= super::spec::MAX_VECTORS {
                    let mut v: Vec<Vec<u32>> = vec![vec![]];
                    for _ in 0..free {
                        v = v
                            .into_iter()
                            .flat_map(|p| {
                                grid.iter().map(move |&g| {
                                    let mut q = p.clone();
                                    q.push(g);
                                    q
                                })
                            })
                            .collect();
                    }
                    if ap {
                        v.into_iter().map(|x| vec![x[0]; n]).collect()
                    } else {
                        v
                    }
                } else {
                    grid.iter().map(|&g| vec![g; n]).collect()
                }
            }
            None => {
                let base = self.sizes(obj, opts);
                opts.shifts
                    .iter()
                    .map(|&d| {
                        base.iter()
                            .map(|&c| (c as i64 + d as i64).max(1) as u32)
                            .collect()
                    })
                    .collect()
            }
        };
        // A region may run at most MAX_INSTANCES (validation refuses more).
        out.retain(|v| v.iter().all(|&c| c <= MAX_INSTANCES));
        out.sort();
        out.dedup();
        out
    }
}

/// The smallest size meeting `p99 ≤ budget` (seconds) at load `lambda`, or, if none can
/// or no budget is set, the smallest stable size under the utilisation cap.
fn size(lambda: f64, mu: f64, budget_s: f64, cap: f64) -> u32 {
    if lambda <= 0.0 {
        return 1;
    }
    let by_cap = || {
        let a = lambda / mu;
        let mut c = ((a / cap).ceil() as u32).max(1);
        if a >= c as f64 {
            c += 1;
        }
        c
    };
    if !budget_s.is_finite() {
        return by_cap();
    }
    let target = LatencyTarget {
        quantile: QUANTILE,
        latency: budget_s,
    };
    match smallest_servers(lambda, mu, target, cap) {
        Ok(s) => s.servers,
        Err(SizingError::Unreachable { .. } | SizingError::Invalid { .. }) => by_cap(),
        Err(SizingError::TooManyServers) => u32::MAX / 2,
    }
}

//! Where traffic goes in each state the planner checks, and the latency it predicts.
//!
//! A *state* is the steady state or one region down after failover has settled. In each
//! state every area's reads and writes become *flows*: a rate (requests/s) to one region
//! with a fixed network delay. Routing follows the layout as the simulation does once
//! health checks and DNS have caught up:
//!
//! - active-active: the first region of the area's routing order that is up (weighted
//!   policy: the weights of the regions that are up);
//! - active-passive: writes to the primary, reads per `reads`; with the primary down,
//!   everything to the standby (it runs the same fleet);
//! - sharded: the area's home; with the home down, its standby if it has one, else the
//!   area's requests are *unserved*.
//!
//! Delay of a flow = user↔region RTT (access included) + 2 × the mean jitter, plus for a
//! synchronous active-active write the round trip to the `(quorum − 1)`-th nearest other
//! region that is up (+ 2 × jitter). A write whose quorum cannot be reached is unserved.
//! Its *floor* is the same with the jitter at its least (0 unless the jitter is constant
//! or uniform): no request of the flow can be faster in the simulation, whatever the
//! capacity, so the quantile of the floors ([`floor_quantile`]) is a hard lower bound on
//! the simulated quantile of served requests.
//!
//! Predicted latency: each region is an M/M/c queue (rate = the flows into it, μ = 1 /
//! mean service time — exact for exponential service, an approximation otherwise), so
//! `P(L > t) = Σ_f w_f · P(T_r(f) > t − delay_f) / Σ_f w_f` over the served flows, and the
//! p99 is found by bisection. An unstable region has tail 1.

use crate::analytic::erlang::mmc_response_tail;
use crate::model::layout::{Ack, Plan};
use crate::scenario::{LayoutKind, RoutingPolicy, Scenario};
use crate::spec::World;

/// Requests/s of one area's reads or writes to one region.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Flow {
    pub area: usize,
    pub write: bool,
    pub region: usize,
    pub rate: f64,
    pub delay_s: f64,
    /// The least network delay of a request of this flow (jitter at its minimum), s.
    pub floor_s: f64,
}

/// Traffic in one state.
#[derive(Clone, Debug, PartialEq)]
pub struct State {
    /// The region that is down (`None`: steady state).
    pub failed: Option<usize>,
    pub flows: Vec<Flow>,
    /// Per area: requests/s that no region can take.
    pub unserved: Vec<f64>,
}

/// Per area: the rate its users send (requests/s) at the load the planner simulates.
pub fn area_rates(w: &World, s: &Scenario) -> Vec<f64> {
    use crate::engine::{SimDuration, SimTime};
    use crate::model::workload::Diurnal;
    w.areas
        .iter()
        .map(|a| {
            let d = Diurnal::new(&s.workload, s.start_utc_hour, a.utc_offset_hours);
            let start = SimTime::ZERO + s.warmup;
            let minutes = (s.duration.as_secs_f64() / 60.0).ceil() as u64;
            let peak = (0..=minutes)
                .map(|m| d.factor(start + SimDuration::from_mins(m)))
                .fold(0.0, f64::max);
            s.workload.peak_rps * a.share * peak
        })
        .collect()
}

/// The steady state and, for each region in `fail`, the state with it down.
pub fn states(w: &World, plan: &Plan, s: &Scenario, rates: &[f64], fail: &[usize]) -> Vec<State> {
    std::iter::once(None)
        .chain(fail.iter().map(|&f| Some(f)))
        .map(|failed| state(w, plan, s, rates, failed))
        .collect()
}

fn state(w: &World, plan: &Plan, s: &Scenario, rates: &[f64], failed: Option<usize>) -> State {
    let n = w.n_regions();
    let up = |r: usize| Some(r) != failed;
    let jitter = s
        .network
        .jitter
        .as_ref()
        .map_or(0.0, |d| d.mean().as_secs_f64());
    let least = s.network.jitter.as_ref().map_or(0.0, least_of);
    let mut flows = Vec::new();
    let mut unserved = vec![0.0; w.areas.len()];
    for (a, &rate) in rates.iter().enumerate() {
        for write in [false, true] {
            let frac = if write {
                1.0 - s.workload.read_fraction
            } else {
                s.workload.read_fraction
            };
            let r = rate * frac;
            if r <= 0.0 {
                continue;
            }
            let targets = route(w, plan, a, write, failed);
            if targets.is_empty() {
                unserved[a] += r;
            }
            for (region, share) in targets {
                let extra = match (write, plan.layout, plan.ack) {
                    (true, LayoutKind::ActiveActive, Ack::Sync { quorum }) if quorum > 1 => {
                        let mut peers: Vec<f64> = (0..n)
                            .filter(|&x| x != region && up(x))
                            .map(|x| w.rtt(region, x).as_secs_f64())
                            .collect();
                        peers.sort_by(f64::total_cmp);
                        // (round trip, one-way hops) of the quorum's slowest needed answer.
                        peers.get(quorum - 2).map(|rtt| (*rtt, 2.0))
                    }
                    _ => Some((0.0, 0.0)),
                };
                match extra {
                    Some((rtt, hops)) => {
                        let user = w.user_rtt(a, region).as_secs_f64() + rtt;
                        flows.push(Flow {
                            area: a,
                            write,
                            region,
                            rate: r * share,
                            delay_s: user + (2.0 + hops) * jitter,
                            floor_s: user + (2.0 + hops) * least,
                        })
                    }
                    None => unserved[a] += r * share,
                }
            }
        }
    }
    State {
        failed,
        flows,
        unserved,
    }
}

/// Regions (with fractions) that take `area`'s reads or writes with `failed` down.
fn route(
    w: &World,
    plan: &Plan,
    area: usize,
    write: bool,
    failed: Option<usize>,
) -> Vec<(usize, f64)> {
    let up = |r: usize| Some(r) != failed;
    match plan.layout {
        LayoutKind::ActiveActive => {
            if plan.policy == RoutingPolicy::Weighted {
                let total: f64 = (0..w.n_regions())
                    .filter(|&r| up(r))
                    .map(|r| plan.weights[r])
                    .sum();
                if total > 0.0 {
                    return (0..w.n_regions())
                        .filter(|&r| up(r) && plan.weights[r] > 0.0)
                        .map(|r| (r, plan.weights[r] / total))
                        .collect();
                }
            }
            plan.routing_order[area]
                .iter()
                .copied()
                .find(|&r| up(r))
                .map(|r| vec![(r, 1.0)])
                .unwrap_or_default()
        }
        LayoutKind::ActivePassive | LayoutKind::Sharded => {
            // These layouts send every area's writes to its group's primary.
            let Some(primary) = plan.write_region[area] else {
                return Vec::new();
            };
            let standby = plan.replicas[primary].first().copied();
            let want = if write {
                primary
            } else {
                plan.read_region[area].unwrap_or(primary)
            };
            if up(want) {
                return vec![(want, 1.0)];
            }
            // The region asked is down: the other member of the pair takes over.
            let other = if want == primary {
                standby
            } else {
                Some(primary)
            };
            other
                .filter(|&r| up(r))
                .map(|r| vec![(r, 1.0)])
                .unwrap_or_default()
        }
    }
}

/// Offered load per region in `state`.
pub fn loads(state: &State, n: usize) -> Vec<f64> {
    let mut l = vec![0.0; n];
    for f in &state.flows {
        l[f.region] += f.rate;
    }
    l
}

/// The least value a jitter draw can take, s.
fn least_of(d: &crate::scenario::Dist) -> f64 {
    use crate::scenario::Dist;
    match *d {
        Dist::Constant { value } => value.as_secs_f64(),
        Dist::Uniform { min, .. } => min.as_secs_f64(),
        Dist::Exponential { .. } | Dist::Lognormal { .. } => 0.0,
    }
}

/// The `q`-quantile (seconds) of the network delay alone of the flows selected by `which`
/// (weighted by rate): the latency with no queueing and no service time, a floor no number
/// of instances can lower. `None` if no flow is selected.
pub fn network_quantile(state: &State, q: f64, which: impl Fn(&Flow) -> bool) -> Option<f64> {
    weighted_quantile(state, q, |f| f.delay_s, which)
}

/// The `q`-quantile (seconds) of the flows' floors ([`Flow::floor_s`]), weighted by rate:
/// below it, no capacity brings the simulated quantile. `None` if no flow is selected.
pub fn floor_quantile(state: &State, q: f64, which: impl Fn(&Flow) -> bool) -> Option<f64> {
    weighted_quantile(state, q, |f| f.floor_s, which)
}

fn weighted_quantile(
    state: &State,
    q: f64,
    value: impl Fn(&Flow) -> f64,
    which: impl Fn(&Flow) -> bool,
) -> Option<f64> {
    let mut flows: Vec<(f64, f64)> = state
        .flows
        .iter()
        .filter(|f| which(f) && f.rate > 0.0)
        .map(|f| (value(f), f.rate))
        .collect();
    flows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: f64 = flows.iter().map(|f| f.1).sum();
    let mut acc = 0.0;
    flows
        .iter()
        .find(|f| {
            acc += f.1;
            acc >= q * total
        })
        .or(flows.last())
        .map(|f| f.0)
}

/// `P(L > t)` for the flows selected by `which` (weighted by rate), with `servers[r]`
/// instances of service rate `mu[r]` per region; `None` if no flow is selected.
pub fn tail_at(
    state: &State,
    servers: &[u32],
    mu: &[f64],
    t: f64,
    which: impl Fn(&Flow) -> bool,
) -> Option<f64> {
    let lambda = loads(state, servers.len());
    let mut total = 0.0;
    let mut sum = 0.0;
    for f in state.flows.iter().filter(|f| which(f)) {
        let x = t - f.delay_s;
        let r = f.region;
        let p = if x <= 0.0 {
            1.0
        } else {
            mmc_response_tail(servers[r].max(1), lambda[r], mu[r], x)
        };
        total += f.rate;
        sum += f.rate * p;
    }
    (total > 0.0).then(|| sum / total)
}

/// The predicted `q`-quantile of latency (seconds) of the flows selected by `which`;
/// `None` if no flow is selected, infinity if it exceeds two minutes.
pub fn quantile(
    state: &State,
    servers: &[u32],
    mu: &[f64],
    q: f64,
    which: impl Fn(&Flow) -> bool + Copy,
) -> Option<f64> {
    let tail = |t: f64| tail_at(state, servers, mu, t, which);
    let (mut lo, mut hi) = (0.0, 120.0);
    if tail(hi)? > 1.0 - q {
        return Some(f64::INFINITY);
    }
    for _ in 0..50 {
        let mid = 0.5 * (lo + hi);
        if tail(mid)? > 1.0 - q {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Some(hi)
}

//! The Markov chains of each layout (see the parent module for their semantics).
//!
//! Rates are per hour. Every chain comes with a rate reward (`served`: the fraction of
//! users served in each state) and impulse rewards on its transitions ([`Impulse`]).

use super::{pool_served, AvailabilityParams, Layout};
use crate::analytic::markov::{Ctmc, MarkovError};

/// What one occurrence of a transition costs.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Impulse {
    /// Failovers begun.
    pub failovers: f64,
    /// Acknowledged writes lost.
    pub lost_writes: f64,
    /// Users × hours not served, beyond what the state rewards count.
    pub lost_user_h: f64,
}

pub(super) const NONE: Impulse = Impulse {
    failovers: 0.0,
    lost_writes: 0.0,
    lost_user_h: 0.0,
};

pub(super) struct RewardChain {
    pub ctmc: Ctmc<Impulse>,
    /// Fraction of users served in each state.
    pub served: Vec<f64>,
}

/// Long-run figures of a chain (or of a product form): availability net of stranded
/// users, and rates per hour.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Figures {
    pub availability: f64,
    pub failovers_per_h: f64,
    pub lost_writes_per_h: f64,
}

/// Solves `chain` for its [`Figures`].
pub(super) fn chain_figures(chain: &RewardChain) -> Result<Figures, MarkovError> {
    let pi = chain.ctmc.steady_state()?;
    let served: f64 = pi.iter().zip(&chain.served).map(|(p, s)| p * s).sum();
    let lost_user_h = chain.ctmc.flow(&pi, |i| i.lost_user_h);
    Ok(Figures {
        availability: (served - lost_user_h).clamp(0.0, 1.0),
        failovers_per_h: chain.ctmc.flow(&pi, |i| i.failovers),
        lost_writes_per_h: chain.ctmc.flow(&pi, |i| i.lost_writes),
    })
}

/// The chain of `layout`; `p` has been validated.
pub(super) fn build(layout: Layout, p: &AvailabilityParams) -> RewardChain {
    let lambda = 1.0 / p.mtbf_h;
    let mu = 1.0 / p.mttr_h;
    let n = p.regions as usize;
    let window = p.loss_window();
    let failover_h = p.failover.failover_s() / 3600.0;
    let reroute_h = p.failover.reroute_s() / 3600.0;
    let k = p.delay_phases as usize;
    match layout {
        Layout::ActivePassive => {
            let ap = ApChain {
                regions: n,
                lambda,
                mu,
                delay_h: failover_h,
                phases: k,
            };
            ap.build(1.0, window)
        }
        // Each of the n shards is a two-region active-passive pair with a 1/n share of
        // the writes; n shards multiply the frequencies, so the writes lost per unit of
        // failover frequency are n · (w/n) · window = w · window.
        // (Mixed shards, some with a standby, are solved shard by shard in `hetero`.)
        Layout::Sharded { standbys } if standbys > 0 => {
            let ap = ApChain {
                regions: 2,
                lambda,
                mu,
                delay_h: failover_h,
                phases: k,
            };
            ap.build(n as f64, window)
        }
        Layout::Sharded { .. } => {
            let mut c = Ctmc::new(2);
            c.add(0, 1, lambda, NONE);
            c.add(1, 0, mu, NONE);
            RewardChain {
                ctmc: c,
                served: vec![1.0, 0.0],
            }
        }
        Layout::ActiveActiveSync { quorum } => {
            let q = (quorum as usize, p.reads_share);
            pool(n, q, lambda, mu, reroute_h, 0.0)
        }
        Layout::ActiveActiveAsync => pool(n, (1, 0.0), lambda, mu, reroute_h, window),
    }
}

/// Active-passive over `regions` regions with an Erlang-`phases` failover of mean
/// `delay_h` (no failover states when the delay is zero).
///
/// States: `S(m)` — the primary serves and `m` of the other regions are up
/// (`m = 0..n−1`); `F(m, j)` — a failover toward an up target is in phase `j`, and `m` of
/// the `n − 1` regions other than the target are up; `Z` — every region is down.
struct ApChain {
    regions: usize,
    lambda: f64,
    mu: f64,
    delay_h: f64,
    phases: usize,
}

impl ApChain {
    fn build(&self, multiplicity: f64, window: f64) -> RewardChain {
        let (n, lambda, mu) = (self.regions, self.lambda, self.mu);
        let phases = if self.delay_h > 0.0 { self.phases } else { 0 };
        let s = |m: usize| m;
        let f = |m: usize, j: usize| n + m * phases + j;
        let z = n + n * phases;
        let mut c = Ctmc::new(z + 1);
        let mut served = vec![0.0; z + 1];
        served[..n].fill(1.0);
        // A primary failure that starts a failover loses `window` writes (for `multiplicity`
        // shards: multiplicity · window/multiplicity); a failover restarted after its
        // target failed loses none (no writes were accepted meanwhile).
        let promote = Impulse {
            failovers: multiplicity,
            lost_writes: window,
            lost_user_h: 0.0,
        };
        let restart = Impulse {
            failovers: multiplicity,
            ..NONE
        };
        let begin = |m: usize| if phases > 0 { f(m, 0) } else { s(m) };
        for m in 0..n {
            let up = m as f64;
            let down = (n - 1 - m) as f64;
            // The primary serves.
            if m >= 1 {
                c.add(s(m), begin(m - 1), lambda, promote);
                c.add(s(m), s(m - 1), up * lambda, NONE);
            } else {
                c.add(s(0), z, lambda, NONE);
            }
            if m + 1 < n {
                c.add(s(m), s(m + 1), down * mu, NONE);
            }
            // A failover is under way.
            for j in 0..phases {
                let here = f(m, j);
                let next = if j + 1 < phases { f(m, j + 1) } else { s(m) };
                c.add(here, next, phases as f64 / self.delay_h, NONE);
                if m >= 1 {
                    c.add(here, f(m - 1, 0), lambda, restart);
                    c.add(here, f(m - 1, j), up * lambda, NONE);
                } else {
                    c.add(here, z, lambda, NONE);
                }
                if m + 1 < n {
                    c.add(here, f(m + 1, j), down * mu, NONE);
                }
            }
        }
        c.add(z, s(0), n as f64 * mu, NONE);
        RewardChain { ctmc: c, served }
    }
}

/// Active-active: a birth–death chain on the number of regions up, `u = 0..n`, serving
/// everyone while `u ≥ quorum` and the reads' share `reads` while `1 ≤ u < quorum`
/// (`quorum = (quorum, reads)`). A failure `u → u − 1` loses `window/u` writes and, when
/// something is still served after it, strands a `1/u` share of users for
/// `E[min(R, repair)]` hours, losing what they would have been served.
fn pool(
    n: usize,
    (quorum, reads): (usize, f64),
    lambda: f64,
    mu: f64,
    reroute_h: f64,
    window: f64,
) -> RewardChain {
    let mut c = Ctmc::new(n + 1);
    let served = (0..=n).map(|u| pool_served(u, quorum, reads)).collect();
    let stranded_h = if reroute_h > 0.0 {
        -(-mu * reroute_h).exp_m1() / mu
    } else {
        0.0
    };
    for u in 1..=n {
        let share = 1.0 / u as f64;
        let after = pool_served(u - 1, quorum, reads);
        let survives = after > 0.0;
        let cost = Impulse {
            failovers: if survives { 1.0 } else { 0.0 },
            lost_writes: window * share,
            lost_user_h: if survives {
                stranded_h * share * after
            } else {
                0.0
            },
        };
        c.add(u, u - 1, u as f64 * lambda, cost);
    }
    for u in 0..n {
        c.add(u, u + 1, (n - u) as f64 * mu, NONE);
    }
    RewardChain { ctmc: c, served }
}

//! Regions with their own failure rates (`AvailabilityParams::region_rates`).
//!
//! Regions still fail and are repaired independently, each with its own `λᵢ = 1/MTBFᵢ`
//! and `μᵢ = 1/MTTRᵢ`, so each is up with `aᵢ = μᵢ / (λᵢ + μᵢ)`:
//!
//! - **Active-active** is exact in product form: the up-set has probability
//!   `Πᵢ aᵢ^{upᵢ} (1 − aᵢ)^{1−upᵢ}`, so the number up is Poisson-binomial (computed by
//!   dynamic programming). Fully available while at least `k` are up, the reads' share
//!   below that while one is. Region `i` fails at rate `λᵢ aᵢ`; with `m` others up
//!   (probability from the others' Poisson-binomial), it loses `window / (m + 1)` writes
//!   (asynchronous) and, if anything is served with `m` up, strands a `1/(m + 1)` share of
//!   users for `E[min(R, repairᵢ)] = (1 − e^{−μᵢR})/μᵢ` hours, losing what they would have
//!   been served: the homogeneous chain's rewards, region by region. With equal rates it
//!   equals that chain (tested).
//! - **Active-passive over two regions** and each **sharded pair** are a chain that
//!   remembers which region serves (there is no failback, so the primary's identity
//!   matters once the rates differ): states `S(p, other up?)`, `F(target, phase, other
//!   up?)` for an Erlang-phased failover, and `Z` (both down; the first repaired serves).
//!   Sharded: shard `i` is the pair (region `i`, region `i + 1 mod R`) with a `1/n` share.
//! - **Sharded without standby**: `A = Σᵢ aᵢ / n`, nothing lost, no failovers; with some
//!   shards protected (`standbys` < n: a shard alone in its jurisdiction has no standby),
//!   the first `standbys` are pairs and the rest alone — also the path of the
//!   homogeneous rates then, since the lumped chains assume identical shards.

use super::chains::{chain_figures, Figures, Impulse, RewardChain, NONE};
use super::{pool_served, AvailabilityParams, Layout};
use crate::analytic::markov::{Ctmc, MarkovError};

/// `(λ, μ)` per hour of each region of `layout`'s model (every region at the common rates
/// when the parameters give none of their own).
fn rates(layout: Layout, p: &AvailabilityParams) -> Vec<(f64, f64)> {
    (0..p.model_regions(layout) as usize)
        .map(|r| p.rates_of(r))
        .map(|(mtbf_h, mttr_h)| (1.0 / mtbf_h, 1.0 / mttr_h))
        .collect()
}

/// The figures of `layout` with per-region rates; `p` has been validated.
pub(super) fn figures(layout: Layout, p: &AvailabilityParams) -> Result<Figures, MarkovError> {
    let r = rates(layout, p);
    let n = p.regions as usize;
    let window = p.loss_window();
    let failover_h = p.failover.failover_s() / 3600.0;
    let phases = p.delay_phases as usize;
    match layout {
        Layout::ActivePassive => chain_figures(&pair(r[0], r[1], failover_h, phases, window)),
        // Shard `i < standbys` is a pair with the next region; the others are alone.
        Layout::Sharded { standbys } => {
            let mut total = Figures::default();
            for i in 0..n {
                let share = p.shard_share(i);
                if i < standbys as usize {
                    let f = chain_figures(&pair(
                        r[i],
                        r[(i + 1) % r.len()],
                        failover_h,
                        phases,
                        window * share,
                    ))?;
                    total.availability += f.availability * share;
                    total.failovers_per_h += f.failovers_per_h;
                    total.lost_writes_per_h += f.lost_writes_per_h;
                } else {
                    let (l, m) = r[i];
                    total.availability += m / (l + m) * share;
                }
            }
            Ok(total)
        }
        Layout::ActiveActiveSync { quorum } => Ok(pool(
            &r,
            (quorum as usize, p.reads_share),
            p.failover.reroute_s() / 3600.0,
            0.0,
        )),
        Layout::ActiveActiveAsync => {
            Ok(pool(&r, (1, 0.0), p.failover.reroute_s() / 3600.0, window))
        }
    }
}

/// `P(exactly m up)` for `m = 0..=len` of independent regions up with `a[i]`.
fn poisson_binomial(a: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut dist = vec![1.0];
    for ai in a {
        let mut next = vec![0.0; dist.len() + 1];
        for (m, &q) in dist.iter().enumerate() {
            next[m] += q * (1.0 - ai);
            next[m + 1] += q * ai;
        }
        dist = next;
    }
    dist
}

/// Active-active in product form; see the module docs.
fn pool(r: &[(f64, f64)], (quorum, reads): (usize, f64), reroute_h: f64, window: f64) -> Figures {
    let a: Vec<f64> = r.iter().map(|&(l, m)| m / (l + m)).collect();
    let all = poisson_binomial(a.iter().copied());
    let served: f64 = all
        .iter()
        .enumerate()
        .map(|(u, &q)| q * pool_served(u, quorum, reads))
        .sum();
    let mut f = Figures::default();
    let mut lost_user = 0.0;
    for (i, &(lambda, mu)) in r.iter().enumerate() {
        let others = poisson_binomial(
            a.iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .map(|(_, &x)| x),
        );
        let stranded_h = if reroute_h > 0.0 {
            -(-mu * reroute_h).exp_m1() / mu
        } else {
            0.0
        };
        let rate = lambda * a[i];
        for (m, &q) in others.iter().enumerate() {
            let u = (m + 1) as f64;
            f.lost_writes_per_h += rate * q * window / u;
            let after = pool_served(m, quorum, reads);
            if after > 0.0 {
                f.failovers_per_h += rate * q;
                lost_user += rate * q * stranded_h / u * after;
            }
        }
    }
    f.availability = (served - lost_user).clamp(0.0, 1.0);
    f
}

/// Active-passive over regions 0 and 1 with their own rates `(λ, μ)`, an Erlang-`phases`
/// failover of mean `delay_h` (none when 0), `lost` writes per promotion.
fn pair(r0: (f64, f64), r1: (f64, f64), delay_h: f64, phases: usize, lost: f64) -> RewardChain {
    let rate = [r0, r1];
    let phases = if delay_h > 0.0 { phases } else { 0 };
    let s = |p: usize, up: bool| p * 2 + up as usize;
    let f = |t: usize, j: usize, up: bool| 4 + (t * phases + j) * 2 + up as usize;
    let z = 4 + 4 * phases;
    let mut c = Ctmc::new(z + 1);
    let mut served = vec![0.0; z + 1];
    served[..4].fill(1.0);
    let promote = Impulse {
        failovers: 1.0,
        lost_writes: lost,
        lost_user_h: 0.0,
    };
    let restart = Impulse {
        failovers: 1.0,
        ..NONE
    };
    // A failover toward `t` begins (the other region, the old primary, is down).
    let begin = |t: usize| {
        if phases > 0 {
            f(t, 0, false)
        } else {
            s(t, false)
        }
    };
    for p in 0..2 {
        let o = 1 - p;
        let ((lp, _), (lo, mo)) = (rate[p], rate[o]);
        // `p` serves, the other up: `p` failing starts a failover toward it.
        c.add(s(p, true), begin(o), lp, promote);
        c.add(s(p, true), s(p, false), lo, NONE);
        c.add(s(p, false), z, lp, NONE);
        c.add(s(p, false), s(p, true), mo, NONE);
        // A failover toward `t = p` is under way; `o` is the other region.
        let t = p;
        for j in 0..phases {
            for up in [false, true] {
                let here = f(t, j, up);
                let next = if j + 1 < phases {
                    f(t, j + 1, up)
                } else {
                    s(t, up)
                };
                c.add(here, next, phases as f64 / delay_h, NONE);
                if up {
                    c.add(here, begin(o), lp, restart);
                    c.add(here, f(t, j, false), lo, NONE);
                } else {
                    c.add(here, z, lp, NONE);
                    c.add(here, f(t, j, true), mo, NONE);
                }
            }
        }
    }
    c.add(z, s(0, false), rate[0].1, NONE);
    c.add(z, s(1, false), rate[1].1, NONE);
    RewardChain { ctmc: c, served }
}

//! Availability of deployment layouts as continuous-time Markov chains (solved with
//! [`super::markov`]), with closed forms to check them by.
//!
//! # Assumptions (all layouts)
//!
//! - `n` identical regions fail independently: up-times exponential with mean `MTBF`,
//!   down-times exponential with mean `MTTR`, each region repaired on its own (no shared
//!   repair crew). Rates are per hour: `λ = 1/MTBF`, `μ = 1/MTTR`. A lone region is up
//!   with probability `a = MTBF/(MTBF + MTTR)`.
//! - Traffic is spread evenly: over the regions that are up (active-active), or over the
//!   `n` shards, one homed in each region (sharded).
//! - A year is 365.25 days = 8766 h ([`HOURS_PER_YEAR`]).
//! - Availability is *user-weighted*: the long-run fraction of users (equivalently of
//!   requests) that are served. Downtime is `(1 − A)·8766·60` minutes a year.
//!
//! # Layouts
//!
//! - **Active-passive** ([`Layout::ActivePassive`], `n ≥ 2`): one primary serves; the
//!   others are standbys. When the primary fails and a standby is up, a failover starts and
//!   takes `D = detection + promotion + DNS TTL + scale-up` (scale-up is 0 for a hot
//!   standby); the service is down until it completes. If the failover target fails
//!   meanwhile, a new failover starts toward another up region, or, if none, everything
//!   is down. The old primary, once repaired, stays a standby (no failback); a repair
//!   during a failover does not stop it. With every region down, the first region
//!   repaired becomes the primary at once (restoring from a total outage is taken to be
//!   part of the repair). Each failover caused by a primary failure loses the writes of
//!   the replication window: `write_rate × lag`.
//! - **Active-active, synchronous quorum** ([`Layout::ActiveActiveSync`]): fully available
//!   while at least `k` of `n` regions are up. With fewer than `k` but at least one up,
//!   writes are refused (no quorum) and reads are still served by the survivors, so the
//!   share served is [`AvailabilityParams::reads_share`] — as in the request-level model,
//!   where an origin that cannot reach its quorum refuses the write and reads go on. No
//!   acknowledged write is lost.
//! - **Active-active, asynchronous** ([`Layout::ActiveActiveAsync`]): available while at
//!   least one region is up. Each region failure loses its share of the replication
//!   window: `write_rate × lag / u`, `u` = regions up just before the failure.
//! - In both active-active layouts a failure that leaves something served (a region up
//!   and, below the quorum, reads) strands the failed region's users — a share `1/u` —
//!   until they are rerouted after `R = detection + DNS TTL`, or until the region is
//!   repaired, whichever is first; they lose what the others are served meanwhile. This
//!   is counted as a failover (of traffic). See "Reroute delay" below.
//! - **Sharded** ([`Layout::Sharded`]): `n` = the number of shards (homes); shard `i`
//!   lives in region `i` with share `1/n`. Without standby a shard is down exactly while
//!   its region is down, so `A = a`; no writes are lost (the data is at risk but comes
//!   back with the region). With a standby (in region `i + 1 mod n`, or in a region of its
//!   own when there is one shard), each shard is an active-passive pair with write rate
//!   `write_rate/n`; shards share regions, which correlates them but leaves the mean
//!   (each shard's own two-region chain) exact. One shard with a standby is therefore
//!   exactly active-passive over two regions (same failovers, same lost writes).
//!   `standbys` counts the shards that have one: `sharded.standby` gives a shard a standby
//!   only in a second region of its jurisdiction, so a shard alone in its jurisdiction
//!   is down exactly while its region is (`A` is the mean over shards of both kinds).
//! - Lost writes per failover are `write_rate × (lag + one-way delay)`
//!   ([`AvailabilityParams::loss_window`]): a write acknowledged by the primary is safe
//!   once it reached the replica, which takes the lag plus the network's one-way delay.
//!   Active-active asynchronous with `async_recovery = "delayed"` loses nothing (the
//!   failed region's writes are replicated when it returns): the experiment maps it to a
//!   quorum of one, [`Layout::ActiveActiveSync`] `{ quorum: 1 }`.
//!
//! # Deterministic delays in a Markov chain
//!
//! A failover of fixed length `D` is not Markovian. The chain replaces it by an Erlang-k
//! phase chain: `k` phases in sequence, each exponential with rate `k/D` — mean exactly
//! `D`, variance `D²/k`, and the deterministic delay as `k → ∞`. What depends on the
//! shape is only how often something else happens *during* a failover (the target
//! failing); that is second order in `D·λ`, and shrinks like `1/k`. `delay_phases` sets
//! `k` (default 16); the tests compare against the region-state simulation
//! ([`super::years`]), which uses the exact deterministic delay.
//!
//! # Reroute delay (active-active)
//!
//! Modelling every stranded share as its own phase chain would multiply the state space
//! by the number of combinations of regions in reroute. Instead the loss is an *impulse
//! reward* on each survivable failure `u → u − 1`: the expected user-hours lost,
//! `(1/u)·E[min(R, repair)]·s(u − 1) = (1/u)·(1 − e^{−μR})/μ·s(u − 1)`, `s` the share
//! served with `u − 1` up (1, or the reads' share below the quorum). This is exact except when the
//! reroute window overlaps another failure that takes the quorum down (then the stranded
//! users are counted twice), an error of order `R·nλ` relative to the reroute term.
//!
//! # Closed forms
//!
//! [`single_region_availability`], [`parallel_availability`] (`1 − (1 − a)^n`) and
//! [`k_of_n_availability`] (`Σ_{i≥k} C(n,i) aⁱ (1−a)^{n−i}`) are the zero-delay limits of
//! the chains and check them in the tests.

mod chains;
mod hetero;

use serde::Serialize;

/// Hours in a year of 365.25 days.
pub const HOURS_PER_YEAR: f64 = 8766.0;

/// The default number of Erlang phases that approximate a deterministic failover delay.
pub const DEFAULT_DELAY_PHASES: u32 = 16;

/// The replication layout whose availability is wanted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Layout {
    /// A primary and `regions − 1` standbys, async replication.
    ActivePassive,
    /// Every region serves; writes need acknowledgements from `quorum` regions.
    ActiveActiveSync { quorum: u32 },
    /// Every region serves; writes are acknowledged locally and replicated behind.
    ActiveActiveAsync,
    /// One shard per region; the first `standbys` of them have a standby in the next
    /// region (a shard whose jurisdiction has no second region has none).
    Sharded { standbys: u32 },
}

/// The share of users an active-active layout serves with `up` regions up, quorum `quorum`
/// and reads' share `reads`: everyone at or above the quorum, the reads below it, nobody
/// with every region down.
pub(crate) fn pool_served(up: usize, quorum: usize, reads: f64) -> f64 {
    if up == 0 {
        0.0
    } else if up >= quorum {
        1.0
    } else {
        reads
    }
}

/// The time a failover takes: `detection + promotion + DNS TTL + scale-up` for
/// active-passive; `detection + DNS TTL` to reroute users in active-active.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct FailoverTime {
    /// Health checks declare the region down (interval × failure threshold), seconds.
    pub detection_s: f64,
    /// Promoting the standby to primary, seconds.
    pub promotion_s: f64,
    /// Clients keep the old answer for up to the DNS TTL, seconds.
    pub dns_ttl_s: f64,
    /// Scaling a warm or cold standby up to full size, seconds (0 for a hot standby).
    pub scale_up_s: f64,
}

impl FailoverTime {
    /// Active-passive failover time, seconds.
    pub fn failover_s(&self) -> f64 {
        self.detection_s + self.promotion_s + self.dns_ttl_s + self.scale_up_s
    }
    /// Active-active reroute time, seconds.
    pub fn reroute_s(&self) -> f64 {
        self.detection_s + self.dns_ttl_s
    }
}

/// One region's own failure statistics (see [`AvailabilityParams::region_rates`]).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct RegionRates {
    pub mtbf_h: f64,
    pub mttr_h: f64,
}

/// The inputs of the availability models: plain numbers, no scenario types.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AvailabilityParams {
    /// Number of regions `n`.
    pub regions: u32,
    /// Mean time between failures of one region, hours.
    pub mtbf_h: f64,
    /// Mean time to repair one region, hours.
    pub mttr_h: f64,
    pub failover: FailoverTime,
    /// Writes per second over the whole service.
    pub write_rate_per_s: f64,
    /// Share of the requests that are reads, in [0, 1]: what a synchronous active-active
    /// layout still serves while fewer regions than its write quorum (but at least one)
    /// are up. 0 counts such a state as wholly down.
    pub reads_share: f64,
    /// Asynchronous replication lag, seconds.
    pub replication_lag_s: f64,
    /// One-way network delay from a write's origin to its replica, seconds. A failure
    /// loses the writes of the last `lag + delay` (as the request-level model and
    /// `docs/failures.md` define lost writes).
    pub replication_delay_s: f64,
    /// Erlang phases approximating a deterministic failover (see the module docs).
    pub delay_phases: u32,
    /// Each region's own MTBF and MTTR, in the model's region order; empty = every
    /// region has `mtbf_h` and `mttr_h`. The regions are: active-passive the primary then
    /// the standby (two regions); active-active every region; sharded one per shard, plus
    /// a second region when one shard has a standby. See `hetero.rs` for the models.
    pub region_rates: Vec<RegionRates>,
    /// Common causes: shared dependencies whose outage takes a share of the users down at
    /// once, whatever the regions do (see [`CommonCause`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub common_causes: Vec<CommonCause>,
    /// Sharded layouts: each shard's share of the users and the writes, in shard order
    /// (summing to 1); empty = every shard `1/n`. Shards carry what their areas send, so
    /// a shard without a standby that serves most users weighs most.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shard_shares: Vec<f64>,
}

/// A common cause of failure: a shared dependency, up and down on its own (exponential,
/// independent of the regions), that leaves `down_share` of the users unserved while it
/// is down. Being independent of the region states, it multiplies the layout's
/// availability: `A = A_layout × Π (1 − U_d · share_d)`, `U_d = MTTR_d/(MTBF_d + MTTR_d)`
/// — exact in the mean, because the mean of a product of independent processes is the
/// product of their means. The years simulation runs each cause as its own process.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct CommonCause {
    pub mtbf_h: f64,
    pub mttr_h: f64,
    /// Fraction of users not served while it is down, in [0, 1].
    pub down_share: f64,
}

impl CommonCause {
    /// Long-run fraction of time it is down.
    pub fn unavailability(&self) -> f64 {
        self.mttr_h / (self.mtbf_h + self.mttr_h)
    }
}

/// Long-run figures of one layout.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct AvailabilityReport {
    /// Fraction of users served, in [0, 1].
    pub availability: f64,
    /// `(1 − availability)` in minutes per year.
    pub downtime_min_per_year: f64,
    /// Failovers per year (active-passive promotions, per shard for sharded layouts,
    /// reroutes of a failed region's users for active-active).
    pub failovers_per_year: f64,
    /// Acknowledged writes lost per year.
    pub lost_writes_per_year: f64,
}

/// Invalid parameters, or a chain that could not be solved.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AvailabilityError {
    #[error("availability parameter `{field}` is invalid: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error(transparent)]
    Markov(#[from] super::markov::MarkovError),
}

impl AvailabilityParams {
    /// The physical regions of `layout`'s model: `regions`, but at least two for a
    /// sharded layout with a standby (one shard's standby needs a region of its own).
    pub fn model_regions(&self, layout: Layout) -> u32 {
        match layout {
            Layout::Sharded { standbys } if standbys > 0 => self.regions.max(2),
            _ => self.regions,
        }
    }

    /// Shard `i`'s share of the users and writes (`1/n` without [`Self::shard_shares`]).
    pub fn shard_share(&self, i: usize) -> f64 {
        self.shard_shares
            .get(i)
            .copied()
            .unwrap_or(1.0 / f64::from(self.regions.max(1)))
    }

    /// `(MTBF, MTTR)` in hours of model region `r`.
    pub fn rates_of(&self, r: usize) -> (f64, f64) {
        self.region_rates
            .get(r)
            .map_or((self.mtbf_h, self.mttr_h), |x| (x.mtbf_h, x.mttr_h))
    }

    /// Writes lost when a primary (or an async multi-master region holding all the
    /// writes) fails: `write_rate × (lag + one-way delay)`.
    pub fn loss_window(&self) -> f64 {
        self.write_rate_per_s * (self.replication_lag_s + self.replication_delay_s)
    }

    /// Checks every field against `layout`; the first problem is reported.
    pub fn validate(&self, layout: Layout) -> Result<(), AvailabilityError> {
        let bad = |field, reason: &str| {
            Err(AvailabilityError::Invalid {
                field,
                reason: reason.to_string(),
            })
        };
        let pos = |x: f64| x.is_finite() && x > 0.0;
        let nonneg = |x: f64| x.is_finite() && x >= 0.0;
        let n = self.regions;
        if n == 0 {
            return bad("regions", "at least one region is needed");
        }
        if n > 64 {
            return bad("regions", "at most 64 regions are supported");
        }
        if let Layout::Sharded { standbys } = layout {
            if standbys > n {
                return bad("standbys", "more shards with a standby than shards");
            }
        }
        if !self.shard_shares.is_empty() {
            let sum: f64 = self.shard_shares.iter().sum();
            if self.shard_shares.len() != n as usize
                || self
                    .shard_shares
                    .iter()
                    .any(|s| !(s.is_finite() && *s >= 0.0))
                || (sum - 1.0).abs() > 1e-9
            {
                return bad(
                    "shard_shares",
                    "one share per shard, each at least 0, summing to 1",
                );
            }
        }
        if layout == Layout::ActivePassive && n < 2 {
            return bad("regions", "a standby needs a second region");
        }
        if let Layout::ActiveActiveSync { quorum } = layout {
            if quorum == 0 || quorum > n {
                return bad("quorum", &format!("must lie in 1..={n} (the regions)"));
            }
        }
        if !pos(self.mtbf_h) {
            return bad("mtbf_h", "must be a finite number of hours > 0");
        }
        if !pos(self.mttr_h) {
            return bad("mttr_h", "must be a finite number of hours > 0");
        }
        let f = &self.failover;
        for (field, x) in [
            ("failover.detection_s", f.detection_s),
            ("failover.promotion_s", f.promotion_s),
            ("failover.dns_ttl_s", f.dns_ttl_s),
            ("failover.scale_up_s", f.scale_up_s),
            ("write_rate_per_s", self.write_rate_per_s),
            ("replication_lag_s", self.replication_lag_s),
            ("replication_delay_s", self.replication_delay_s),
        ] {
            if !nonneg(x) {
                return bad(field, "must be finite and ≥ 0");
            }
        }
        if !(self.reads_share.is_finite() && (0.0..=1.0).contains(&self.reads_share)) {
            return bad("reads_share", "must lie in [0, 1]");
        }
        for c in &self.common_causes {
            if !(pos(c.mtbf_h) && pos(c.mttr_h)) {
                return bad(
                    "common_causes",
                    "every MTBF and MTTR must be a finite number of hours > 0",
                );
            }
            if !(c.down_share.is_finite() && (0.0..=1.0).contains(&c.down_share)) {
                return bad("common_causes", "every down share must lie in [0, 1]");
            }
        }
        if self.delay_phases == 0 || self.delay_phases > 1000 {
            return bad("delay_phases", "must lie in 1..=1000");
        }
        if !self.region_rates.is_empty() {
            let want = self.model_regions(layout) as usize;
            if self.region_rates.len() != want {
                return bad(
                    "region_rates",
                    &format!(
                        "needs one entry per region of the model ({want}), got {}",
                        self.region_rates.len()
                    ),
                );
            }
            if layout == Layout::ActivePassive && n != 2 {
                return bad(
                    "region_rates",
                    "per-region rates need exactly two regions for active-passive",
                );
            }
            for r in &self.region_rates {
                if !(pos(r.mtbf_h) && pos(r.mttr_h)) {
                    return bad(
                        "region_rates",
                        "every MTBF and MTTR must be a finite number of hours > 0",
                    );
                }
            }
        }
        Ok(())
    }
}

/// Solves the Markov model of `layout`; see the module docs.
pub fn solve(
    layout: Layout,
    params: &AvailabilityParams,
) -> Result<AvailabilityReport, AvailabilityError> {
    params.validate(layout)?;
    // The homogeneous chains lump identical shards: shards with and without a standby
    // together go shard by shard.
    let mixed = matches!(layout, Layout::Sharded { standbys } if standbys > 0 && standbys < params.regions)
        || (matches!(layout, Layout::Sharded { .. }) && !params.shard_shares.is_empty());
    let f = if params.region_rates.is_empty() && !mixed {
        chains::chain_figures(&chains::build(layout, params))?
    } else {
        hetero::figures(layout, params)?
    };
    let availability = params.common_causes.iter().fold(f.availability, |a, c| {
        a * (1.0 - c.unavailability() * c.down_share)
    });
    Ok(AvailabilityReport {
        availability,
        downtime_min_per_year: (1.0 - availability) * HOURS_PER_YEAR * 60.0,
        failovers_per_year: f.failovers_per_h * HOURS_PER_YEAR,
        lost_writes_per_year: f.lost_writes_per_h * HOURS_PER_YEAR,
    })
}

/// `MTBF / (MTBF + MTTR)`: the fraction of time one region is up.
pub fn single_region_availability(mtbf_h: f64, mttr_h: f64) -> f64 {
    mtbf_h / (mtbf_h + mttr_h)
}

/// `1 − (1 − a)^n`: at least one of `n` independent components, each up with `a`, is up.
pub fn parallel_availability(a: f64, n: u32) -> f64 {
    1.0 - (1.0 - a).powi(n as i32)
}

/// `Σ_{i=k}^{n} C(n, i) aⁱ (1 − a)^{n−i}`: at least `k` of `n` independent components
/// are up.
pub fn k_of_n_availability(k: u32, n: u32, a: f64) -> f64 {
    (k..=n)
        .map(|i| binomial(n, i) * a.powi(i as i32) * (1.0 - a).powi((n - i) as i32))
        .sum()
}

/// `C(n, k)` as a float (exact for the small `n` used here).
fn binomial(n: u32, k: u32) -> f64 {
    let k = k.min(n - k);
    (0..k).fold(1.0, |c, i| c * (n - i) as f64 / (i + 1) as f64)
}

#[cfg(test)]
mod tests;

//! Years-scale availability of a scenario's three layouts: the Markov-chain answer and
//! the region-state simulation side by side.
//!
//! The scenario is reduced to the plain numbers the models take
//! ([`AvailabilityParams`]): regions of each layout, their mean MTBF and MTTR (scenario
//! `random_failures`, else the catalog's provider statistics), the failover time
//! (mean detection `(threshold − ½) × interval` + the probe timeout — a probe of a dead
//! region fails only when it times out, as in the request-level model — + promotion + DNS
//! TTL, + for a warm or cold standby the part of its scale-up until its capacity, growing
//! linearly from what it ran, carries the day's mean load), the daily-mean write rate, the mean replication lag and the
//! one-way delay to the replica (lost writes are those of the last lag + one-way, as in
//! the request-level model).
//!
//! Zones and shared dependencies enter through [`super::correlated`].
//!
//! Mapping of the options: sharded counts its homes as shards (one home with a standby
//! is active-passive over the pair); active-active asynchronous with
//! `async_recovery = "delayed"` loses no write and is a quorum of one.

use crate::analytic::availability::{
    solve, AvailabilityParams, AvailabilityReport, FailoverTime, Layout, RegionRates,
    DEFAULT_DELAY_PHASES,
};
use crate::analytic::years::{simulate_years, YearsConfig, YearsReport};
use crate::model::cost::monthly_requests;
use crate::model::layout::Plan;
use crate::model::workload::SECONDS_PER_MONTH;
use crate::scenario::{AsyncRecovery, LayoutKind, StandbyMode, WriteMode};
use crate::spec::Resolved;

/// One layout's analytic and simulated availability.
#[derive(Clone, Debug)]
pub struct AvailabilityRow {
    pub layout: LayoutKind,
    pub model: Layout,
    pub params: AvailabilityParams,
    pub analytic: AvailabilityReport,
    pub simulated: YearsReport,
}

/// The model inputs for `layout` of the prepared scenario.
pub fn params_for(p: &Resolved, layout: LayoutKind) -> (Layout, AvailabilityParams) {
    let s = &p.scenario;
    let w = &p.world;
    let plan = Plan::new(p, layout);
    let hc = &s.routing.health_check;
    // A probe of a dead region fails when its timeout expires (as in the request model).
    let detection_s = (hc.failure_threshold as f64 - 0.5).max(0.5) * hc.interval.as_secs_f64()
        + hc.timeout.as_secs_f64();
    let write_rate = monthly_requests(w, s) / SECONDS_PER_MONTH * (1.0 - s.workload.read_fraction);
    let one_way = |a: usize, b: usize| w.rtt(a, b).as_secs_f64() / 2.0;
    // Mean over the given origins of the one-way delay to their nearest replica.
    let delay_to_replicas = |origins: &[usize]| {
        let d: Vec<f64> = origins
            .iter()
            .filter_map(|&o| {
                plan.replicas[o]
                    .iter()
                    .map(|&r| one_way(o, r))
                    .min_by(f64::total_cmp)
            })
            .collect();
        if d.is_empty() {
            0.0
        } else {
            d.iter().sum::<f64>() / d.len() as f64
        }
    };
    // Each arm also names the deployed regions behind the model's regions, in its order
    // (for per-region failure rates).
    let mut shard_shares = Vec::new();
    let (model, regions, promotion, scale_up, lag, delay, behind) = match layout {
        LayoutKind::ActivePassive => {
            let ap = &s.active_passive;
            let scale = match (ap.standby_mode, p.active_passive.standby) {
                (StandbyMode::Hot, _) | (_, None) => 0.0,
                (_, Some(sb)) => {
                    // Users are down during the scale-up only until the promoted standby
                    // carries the load: its capacity grows linearly from what it ran to
                    // the full fleet over `scale_up` (as the request-level model steps
                    // it); the load is the day's mean, in Erlangs at its service time.
                    // (A warm standby that carries the load at once adds nothing; the
                    // whole scale-up counted as downtime made a warm standby read like a
                    // cold one.)
                    let sb = sb.index();
                    let (from, full) = (plan.base_servers[sb] as f64, plan.instances[sb] as f64);
                    let erlangs = monthly_requests(w, s) / SECONDS_PER_MONTH
                        * w.regions[sb].service.mean().as_secs_f64();
                    let short = if full > from {
                        ((erlangs - from) / (full - from)).clamp(0.0, 1.0)
                    } else {
                        0.0
                    };
                    ap.failover.scale_up.as_secs_f64() * short
                }
            };
            let n = if plan.replicas.iter().any(|r| !r.is_empty()) {
                2
            } else {
                1
            };
            (
                // Without a standby (a one-region deployment) the primary is alone: up
                // while its region is, nothing to fail over to and no write lost (the data
                // comes back with the region) — the chain of one shard without a standby.
                if n == 2 {
                    Layout::ActivePassive
                } else {
                    Layout::Sharded { standbys: 0 }
                },
                n,
                ap.failover.promotion,
                scale,
                ap.replication_lag.mean(),
                delay_to_replicas(&[p.active_passive.primary.index()]),
                std::iter::once(p.active_passive.primary.index())
                    .chain(p.active_passive.standby.map(|r| r.index()))
                    .collect::<Vec<_>>(),
            )
        }
        LayoutKind::ActiveActive => {
            let aa = &s.active_active;
            let n = w.n_regions() as u32;
            let m = match aa.writes {
                // The failed region's writes are replicated when it returns: none lost.
                WriteMode::Async if aa.async_recovery == AsyncRecovery::Delayed => {
                    Layout::ActiveActiveSync { quorum: 1 }
                }
                WriteMode::Async => Layout::ActiveActiveAsync,
                WriteMode::SyncAll => Layout::ActiveActiveSync { quorum: n },
                WriteMode::SyncQuorum => Layout::ActiveActiveSync {
                    quorum: aa.quorum.unwrap_or(n / 2 + 1).clamp(1, n.max(1)),
                },
            };
            let all: Vec<usize> = (0..w.n_regions()).collect();
            let delay = delay_to_replicas(&all);
            (
                m,
                n,
                Default::default(),
                0.0,
                aa.replication_lag.mean(),
                delay,
                all,
            )
        }
        LayoutKind::Sharded => {
            let sh = &s.sharded;
            // Each shard weighs what its areas send (a shard alone in its jurisdiction
            // that serves most users weighs most; equal weights hid it).
            let share_of = |h: usize| -> f64 {
                w.areas
                    .iter()
                    .zip(&plan.write_region)
                    .filter(|(_, r)| **r == Some(h))
                    .map(|(a, _)| a.share)
                    .sum()
            };
            let area_total: f64 = w.areas.iter().map(|a| a.share).sum::<f64>().max(1e-300);
            let mean_rps = monthly_requests(w, s) / SECONDS_PER_MONTH;
            // A standby protects its shard only if it can serve it: after the failover it
            // takes the shard's requests on top of its own shard's (the day's mean), at
            // its own service time. A one-instance standby of a twelve-instance shard
            // "protected" it at 99.9999 % while a run showed it melting.
            let carries = |h: usize| -> bool {
                let Some(&sb) = plan.replicas[h].first() else {
                    return false;
                };
                let r = &w.regions[sb];
                let servers = r.most_instances();
                let erlangs = mean_rps * (share_of(h) + share_of(sb)) / area_total
                    * r.service.mean().as_secs_f64();
                erlangs < f64::from(servers)
            };
            // Homes with a standby first: `sharded.standby` gives a shard one only where
            // its jurisdiction has a second region (the plan's replicas say which), and
            // only one that can carry it counts.
            let (mut homes, alone): (Vec<usize>, Vec<usize>) = plan
                .write_region
                .iter()
                .flatten()
                .copied()
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .partition(|&h| carries(h));
            let standbys = homes.len() as u32;
            homes.extend(alone);
            let total: f64 = homes.iter().map(|&h| share_of(h)).sum();
            if total > 0.0 && homes.len() > 1 {
                shard_shares = homes.iter().map(|&h| share_of(h) / total).collect();
            }
            (
                Layout::Sharded { standbys },
                (homes.len() as u32).max(1),
                sh.failover.promotion,
                0.0,
                sh.replication_lag.mean(),
                delay_to_replicas(&homes),
                match homes.as_slice() {
                    [] => vec![0],
                    // One shard with a standby: the pair (home, its standby).
                    &[h] if standbys > 0 => vec![h, plan.replicas[h][0]],
                    _ => homes.clone(),
                },
            )
        }
    };
    let mut rates: Vec<RegionRates> = behind
        .iter()
        .map(|&r| RegionRates {
            mtbf_h: w.regions[r].mtbf.as_secs_f64() / 3600.0,
            mttr_h: w.regions[r].mttr.as_secs_f64() / 3600.0,
        })
        .collect();
    // Zones and shared dependencies (docs/failures.md): folded into the rates, or common
    // causes.
    let common_causes = super::correlated::apply(p, &plan, &behind, &mut rates);
    let mean = |f: &dyn Fn(&RegionRates) -> f64| {
        rates.iter().map(f).sum::<f64>() / rates.len().max(1) as f64
    };
    let (mtbf_h, mttr_h) = (mean(&|r| r.mtbf_h), mean(&|r| r.mttr_h));
    // Equal rates everywhere: the homogeneous chains (lumped by the number of regions up).
    let region_rates = if rates.windows(2).all(|x| x[0] == x[1]) {
        Vec::new()
    } else {
        rates
    };
    let params = AvailabilityParams {
        region_rates,
        common_causes,
        shard_shares,
        regions,
        mtbf_h,
        mttr_h,
        failover: FailoverTime {
            detection_s,
            promotion_s: promotion.as_secs_f64(),
            dns_ttl_s: s.routing.dns_ttl.as_secs_f64(),
            scale_up_s: scale_up,
        },
        write_rate_per_s: write_rate,
        reads_share: s.workload.read_fraction,
        replication_lag_s: lag.as_secs_f64(),
        replication_delay_s: delay,
        delay_phases: DEFAULT_DELAY_PHASES,
    };
    (model, params)
}

/// The Markov-chain answer alone for the three layouts, in `LayoutKind::ALL` order: it
/// takes microseconds, so the GUI shows it at once while the request-level runs go on.
pub fn analytic_estimates(p: &Resolved) -> Vec<(LayoutKind, Result<AvailabilityReport, String>)> {
    LayoutKind::ALL
        .iter()
        .map(|&layout| {
            let (model, params) = params_for(p, layout);
            (layout, solve(model, &params).map_err(|e| e.to_string()))
        })
        .collect()
}

/// Most region, zone and dependency outages the years simulation may draw per layout
/// (each with its repair: two events): beyond, an `mtbf` far shorter than the years
/// simulated would fill the event queue for minutes and gigabytes.
pub const MAX_YEARS_OUTAGES: f64 = 1e8;

/// `Err` naming the `mtbf` to lengthen (its field, so a caller can place it in the file)
/// if the years simulation of `cfg` would draw more than [`MAX_YEARS_OUTAGES`] outages per
/// layout.
pub fn within_years_budget(
    p: &Resolved,
    cfg: &YearsConfig,
) -> Result<(), crate::scenario::FieldError> {
    let years = f64::from(cfg.replications) * f64::from(cfg.years_per_replication);
    let seconds = years * 365.25 * 86_400.0;
    let parts = crate::spec::outage_rates(&p.scenario, &p.world, false);
    let total: f64 = parts.iter().map(|x| x.0 * seconds).sum();
    if total <= MAX_YEARS_OUTAGES {
        return Ok(());
    }
    let Some((rate, path, what)) = parts.into_iter().max_by(|a, b| a.0.total_cmp(&b.0)) else {
        return Ok(());
    };
    Err(crate::scenario::FieldError::new(
        path,
        format!(
            "makes {what} fail about {:.0} times in {years:.0} simulated years, {total:.0} \
             outages in all: more than the limit of {MAX_YEARS_OUTAGES:.0}; give a longer \
             `mtbf` (e.g. \"4000h\") or fewer --years",
            rate * seconds
        ),
    ))
}

/// Analytic and simulated availability of the three layouts, in `LayoutKind::ALL` order.
pub fn availability(p: &Resolved, cfg: &YearsConfig) -> Result<Vec<AvailabilityRow>, String> {
    within_years_budget(p, cfg).map_err(|e| e.to_string())?;
    LayoutKind::ALL
        .iter()
        .map(|&layout| {
            let (model, params) = params_for(p, layout);
            let analytic = solve(model, &params).map_err(|e| format!("{layout}: {e}"))?;
            let simulated =
                simulate_years(model, &params, cfg).map_err(|e| format!("{layout}: {e}"))?;
            Ok(AvailabilityRow {
                layout,
                model,
                params,
                analytic,
                simulated,
            })
        })
        .collect()
}

/// `availability.csv` bytes.
pub fn availability_csv(rows: &[AvailabilityRow]) -> std::io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let header = [
        "layout",
        "regions",
        "mtbf_h",
        "mttr_h",
        "analytic_availability",
        "analytic_downtime_min_per_year",
        "analytic_failovers_per_year",
        "analytic_lost_writes_per_year",
        "sim_availability",
        "sim_availability_ci95_low",
        "sim_availability_ci95_high",
        "sim_downtime_min_per_year",
        "sim_downtime_p50",
        "sim_downtime_p90",
        "sim_downtime_p99",
        "sim_lost_writes_per_year",
        "sim_years",
    ];
    w.write_record(header).map_err(std::io::Error::other)?;
    for r in rows {
        let s = &r.simulated;
        let rec = [
            r.layout.to_string(),
            r.params.regions.to_string(),
            format!("{:.1}", r.params.mtbf_h),
            format!("{:.3}", r.params.mttr_h),
            format!("{:.9}", r.analytic.availability),
            format!("{:.3}", r.analytic.downtime_min_per_year),
            format!("{:.4}", r.analytic.failovers_per_year),
            format!("{:.2}", r.analytic.lost_writes_per_year),
            format!("{:.9}", s.availability.mean),
            format!("{:.9}", s.availability.low),
            format!("{:.9}", s.availability.high),
            format!("{:.3}", s.downtime_min_per_year.mean),
            format!("{:.3}", s.downtime_min_per_year.p50),
            format!("{:.3}", s.downtime_min_per_year.p90),
            format!("{:.3}", s.downtime_min_per_year.p99),
            format!("{:.2}", s.lost_writes_per_year.mean),
            (s.replications as u64 * s.years_per_replication as u64).to_string(),
        ];
        w.write_record(&rec).map_err(std::io::Error::other)?;
    }
    w.into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}

//! Deriving a [`RunSummary`] from what a finished run measured: the one place each
//! derived number (stale fraction, availabilities, cost parts, RTO, …) is computed.

use crate::engine::SimDuration;
use crate::metrics::{AreaSummary, Recorder, RunSummary};
use crate::model::cost::Cost;
use crate::model::requests::WriteStats;
use crate::scenario::LayoutKind;
use crate::spec::World;

/// A finished run, before it is summarised.
pub(crate) struct Run<'a> {
    pub layout: LayoutKind,
    pub seed: u64,
    pub rec: &'a Recorder,
    pub writes: &'a WriteStats,
    pub cost: &'a Cost,
    pub rto: SimDuration,
    pub outages: u64,
    pub events: u64,
    pub wall_s: f64,
    /// Instance-hours billed over the measured window (autoscaled regions as provisioned).
    pub instance_hours: f64,
    pub scale_outs: u64,
    pub scale_ins: u64,
}

/// `part / whole`, or `empty` when `whole` is 0.
fn ratio(part: u64, whole: u64, empty: f64) -> f64 {
    if whole == 0 {
        empty
    } else {
        part as f64 / whole as f64
    }
}

pub(crate) fn summarize(r: &Run<'_>, world: &World) -> RunSummary {
    let rec = r.rec;
    let areas = rec
        .areas
        .iter()
        .zip(&world.areas)
        .enumerate()
        .map(|(i, (a, area))| AreaSummary {
            layout: r.layout,
            area: area.name.clone(),
            requests: a.requests,
            served: a.served,
            availability: ratio(a.served, a.requests, 1.0),
            p50_ms: a.all.quantile_ms(0.5),
            p99_ms: a.all.quantile_ms(0.99),
            read_p50_ms: a.reads.quantile_ms(0.5),
            read_p99_ms: a.reads.quantile_ms(0.99),
            write_p50_ms: a.writes.quantile_ms(0.5),
            write_p99_ms: a.writes.quantile_ms(0.99),
            downtime_s: rec.area_downtime(i).as_secs_f64(),
        })
        .collect();
    RunSummary {
        layout: r.layout,
        seed: r.seed,
        requests: rec.requests,
        served: rec.served,
        failed: rec.failed,
        in_flight: rec.in_flight(),
        p50_ms: rec.all.quantile_ms(0.50),
        p95_ms: rec.all.quantile_ms(0.95),
        p99_ms: rec.all.quantile_ms(0.99),
        p999_ms: rec.all.quantile_ms(0.999),
        mean_ms: rec.all.mean_ms(),
        read_p50_ms: rec.read_latency.quantile_ms(0.50),
        read_p99_ms: rec.read_latency.quantile_ms(0.99),
        write_p50_ms: rec.write_latency.quantile_ms(0.50),
        write_p99_ms: rec.write_latency.quantile_ms(0.99),
        availability: rec.availability(),
        downtime_s: rec.downtime().as_secs_f64(),
        rto_s: r.rto.as_secs_f64(),
        lost_writes: r.writes.lost_writes,
        rpo_s: r.writes.rpo.as_secs_f64(),
        stale_read_fraction: ratio(rec.stale_reads, rec.reads, 0.0),
        conflicts: r.writes.conflicts,
        residency_violations: rec.residency_violations,
        cost_usd_month: r.cost.total(),
        compute_usd_month: r.cost.compute,
        transfer_usd_month: r.cost.transfer,
        egress_usd_month: r.cost.egress,
        timeouts: rec.timeouts,
        rejected: rec.rejected,
        unavailable: rec.unavailable,
        retries: rec.retries,
        failovers: r.writes.failovers,
        outages: r.outages,
        events: r.events,
        instance_hours: r.instance_hours,
        scale_outs: r.scale_outs,
        scale_ins: r.scale_ins,
        areas,
        region_ids: world.regions.iter().map(|g| g.id.clone()).collect(),
        unpriced: r.cost.unpriced.clone(),
        wall_s: r.wall_s,
        served_reads: rec.read_latency.count(),
        served_writes: rec.write_latency.count(),
    }
}

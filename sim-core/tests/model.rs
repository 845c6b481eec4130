//! The request model against theory, hand computations and invariants.

use sim_core::analytic::erlang::{mmc_mean_response, mmc_response_quantile};
use sim_core::experiment::{load_text, Resolved, RunResult};
use sim_core::scenario::LayoutKind;
use std::path::Path;

fn prepare(toml: &str) -> Resolved {
    let (s, cat) = load_text(toml, Path::new("test.toml")).unwrap_or_else(|e| panic!("{e}"));
    sim_core::spec::validate(&s, &cat).unwrap_or_else(|e| panic!("{e:?}"))
}

/// requests = served + failed + in flight, and every request ends (the run drains).
fn assert_conserved(r: &RunResult) {
    let rec = &r.rec;
    assert_eq!(
        rec.requests,
        rec.served + rec.failed + rec.in_flight(),
        "{}",
        r.layout()
    );
    assert_eq!(rec.in_flight(), 0, "{}: the run drains", r.layout());
    assert_eq!(rec.failed, rec.timeouts + rec.rejected + rec.unavailable);
    let per_area: u64 = rec.areas.iter().map(|a| a.requests).sum();
    assert_eq!(per_area, rec.requests);
}

fn rel(got: f64, want: f64) -> f64 {
    (got - want).abs() / want
}

const TEXTBOOK: &str = r#"
duration = "1h"
warmup = "2m"
[workload]
peak_rps = 160.0
diurnal = false
read_fraction = 1.0
[[areas]]
name = "here"
lat_deg = 39.0
lon_deg = -77.5
jurisdiction = "US"
share = 1.0
access_latency = "0ms"
rtt_overrides = { "aws:us-east-1" = "0ms" }
[[regions]]
id = "aws:us-east-1"
instances = 4
service_time = { dist = "exponential", mean = "20ms" }
queue_limit = 1000000
[client]
timeout = "1h"
"#;

#[test]
fn textbook_single_region_is_mmc() {
    // λ = 160/s, μ = 50/s per server, c = 4: ρ = 0.8.
    let p = prepare(TEXTBOOK);
    let r = p.run_layout(LayoutKind::ActiveActive, 3);
    assert_conserved(&r);
    assert!(r.rec.requests > 550_000);
    let mean_ms = r.rec.all.mean_ms();
    let want_mean = 1e3 * mmc_mean_response(4, 160.0, 50.0);
    assert!(
        rel(mean_ms, want_mean) < 0.03,
        "mean {mean_ms} ms vs {want_mean} ms"
    );
    let p99 = r.rec.all.quantile_ms(0.99);
    let want_p99 = 1e3 * mmc_response_quantile(4, 160.0, 50.0, 0.99);
    assert!(rel(p99, want_p99) < 0.03, "p99 {p99} ms vs {want_p99} ms");
    // The other layouts reduce to the same single station.
    let ap = p.run_layout(LayoutKind::Sharded, 3);
    assert_eq!(ap.rec.all.quantile_ms(0.99), p99);
}

fn two_site(layout_extra: &str, read_fraction: f64) -> String {
    format!(
        r#"
duration = "2m"
warmup = "10s"
[workload]
peak_rps = 400.0
diurnal = false
read_fraction = {read_fraction}
[[areas]]
name = "virginia"
lat_deg = 39.0
lon_deg = -77.5
jurisdiction = "US"
share = 1.0
access_latency = "0ms"
rtt_overrides = {{ "aws:us-east-1" = "0ms" }}
[[areas]]
name = "germany"
lat_deg = 50.1
lon_deg = 8.7
jurisdiction = "EU"
share = 1.0
access_latency = "0ms"
rtt_overrides = {{ "aws:eu-central-1" = "0ms" }}
[[regions]]
id = "aws:us-east-1"
instances = 8
service_time = {{ dist = "constant", value = "1ms" }}
[[regions]]
id = "aws:us-east-2"
instances = 8
service_time = {{ dist = "constant", value = "1ms" }}
[[regions]]
id = "aws:eu-central-1"
instances = 8
service_time = {{ dist = "constant", value = "1ms" }}
[[regions]]
id = "aws:eu-west-1"
instances = 8
service_time = {{ dist = "constant", value = "1ms" }}
[active_passive]
primary = "aws:us-east-1"
standby = "aws:us-east-2"
{layout_extra}
"#
    )
}

#[test]
fn sync_quorum_writes_pay_the_quorum_round_trip() {
    for (quorum, pick) in [(2usize, 0usize), (3, 1), (4, 2)] {
        let p = prepare(&two_site(
            &format!("[active_active]\nwrites = \"sync-quorum\"\nquorum = {quorum}"),
            0.0,
        ));
        let w = &p.world;
        let us = w.find_region("aws:us-east-1").unwrap().index();
        let mut remote: Vec<f64> = (0..w.n_regions())
            .filter(|&r| r != us)
            .map(|r| w.rtt(us, r).as_millis_f64())
            .collect();
        remote.sort_by(f64::total_cmp);
        let r = p.run_layout(LayoutKind::ActiveActive, 1);
        assert_conserved(&r);
        // Virginia's writes: 1 ms service + the (quorum − 1)-th fastest replica round trip.
        let want = 1.0 + remote[pick];
        // Per-area histograms keep two significant digits: values are exact to 1 %.
        let got = r.rec.areas[0].writes.quantile_ms(0.5);
        assert!(
            rel(got, want) < 0.01,
            "quorum {quorum}: {got} ms vs {want} ms"
        );
        assert!(r.rec.areas[0].writes.quantile_ms(0.0) >= want * 0.99);
    }
}

#[test]
fn active_active_reads_stay_local_active_passive_reads_cross_to_the_primary() {
    let p = prepare(&two_site("", 1.0));
    let aa = p.run_layout(LayoutKind::ActiveActive, 1);
    assert_conserved(&aa);
    let w = &p.world;
    let (us, eu) = (
        w.find_region("aws:us-east-1").unwrap().index(),
        w.find_region("aws:eu-central-1").unwrap().index(),
    );
    // Reads are served where the users are: 1 ms of service, no network.
    for a in 0..2 {
        assert!((aa.rec.areas[a].reads.quantile_ms(0.99) - 1.0).abs() < 0.011);
    }
    assert!(aa.rec.served_by_region[us] > 0 && aa.rec.served_by_region[eu] > 0);
    let ap = p.run_layout(LayoutKind::ActivePassive, 1);
    assert_conserved(&ap);
    let germany_to_primary = w.user_rtt(1, us).as_millis_f64();
    let got = ap.rec.areas[1].reads.quantile_ms(0.5);
    assert!(got >= germany_to_primary, "{got} < {germany_to_primary}");
    assert!(rel(got, germany_to_primary + 1.0) < 0.01);
    assert_eq!(ap.rec.served_by_region[eu], 0);
}

#[test]
fn residency_sharded_by_jurisdiction_has_no_violations_global_replication_does() {
    let p = prepare(&two_site(
        "[sharded]\nhome = \"jurisdiction\"\nstandby = true",
        0.9,
    ));
    let runs = p.compare(5);
    let by = |l: LayoutKind| runs.iter().find(|r| r.layout() == l).unwrap();
    let eu_requests = by(LayoutKind::Sharded).rec.areas[1].requests;
    assert_eq!(by(LayoutKind::Sharded).rec.residency_violations, 0);
    assert_eq!(
        by(LayoutKind::ActiveActive).rec.residency_violations,
        eu_requests
    );
    assert_eq!(
        by(LayoutKind::ActivePassive).rec.residency_violations,
        eu_requests
    );
    for r in &runs {
        assert_conserved(r);
    }
}

fn conflicts_case(write_rps: f64, lag_ms: u64) -> (u64, f64) {
    let toml = format!(
        r#"
duration = "10m"
warmup = "10s"
[workload]
peak_rps = {write_rps}
diurnal = false
read_fraction = 0.0
keys = 10000
zipf_exponent = 0.0
[[areas]]
name = "a"
lat_deg = 39.0
lon_deg = -77.5
jurisdiction = "US"
share = 1.0
access_latency = "0ms"
rtt_overrides = {{ "aws:us-east-1" = "0ms" }}
[[areas]]
name = "b"
lat_deg = 45.5
lon_deg = -122.6
jurisdiction = "US"
share = 1.0
access_latency = "0ms"
rtt_overrides = {{ "aws:us-west-2" = "0ms" }}
[[regions]]
id = "aws:us-east-1"
instances = 16
service_time = {{ dist = "constant", value = "1ms" }}
[[regions]]
id = "aws:us-west-2"
instances = 16
service_time = {{ dist = "constant", value = "1ms" }}
[network]
rtt_overrides = [{{ a = "aws:us-east-1", b = "aws:us-west-2", rtt = "40ms" }}]
[active_active]
writes = "async"
replication_lag = {{ dist = "constant", value = "{lag_ms}ms" }}
"#
    );
    let p = prepare(&toml);
    let r = p.run_layout(LayoutKind::ActiveActive, 9);
    assert_conserved(&r);
    // A write conflicts when the key's last write came from the other region within the
    // window D = one-way delay + lag. Writes to one key are Poisson at λ/K, half from each
    // region: E[conflicts] = N · ½ · (1 − e^(−λD/K)).
    let d = 0.020 + lag_ms as f64 / 1e3;
    let n = r.writes.committed as f64;
    let expect = n * 0.5 * (1.0 - (-write_rps * d / 10_000.0).exp());
    (r.writes.conflicts, expect)
}

#[test]
fn async_conflicts_follow_the_birthday_bound() {
    let mut last = 0;
    for (rate, lag) in [(1000.0, 80), (2000.0, 80), (2000.0, 180)] {
        let (got, want) = conflicts_case(rate, lag);
        assert!(
            rel(got as f64, want) < 0.10,
            "rate {rate}, lag {lag} ms: {got} vs {want:.0}"
        );
        assert!(got > last, "conflicts rise with write rate and lag");
        last = got;
    }
}

#[test]
fn overload_fails_requests_but_conserves_them() {
    let toml = TEXTBOOK
        .replace("peak_rps = 160.0", "peak_rps = 600.0")
        .replace("queue_limit = 1000000", "queue_limit = 50")
        .replace("timeout = \"1h\"", "timeout = \"300ms\"\nretries = 0")
        .replace("duration = \"1h\"", "duration = \"2m\"");
    let r = prepare(&toml).run_layout(LayoutKind::ActiveActive, 2);
    assert_conserved(&r);
    assert!(
        r.rec.rejected > 0 && r.rec.timeouts > 0,
        "{:?}",
        (r.rec.rejected, r.rec.timeouts)
    );
    // Capacity is 200/s, so at most about a third is served.
    assert!(r.rec.availability() < 0.4);
    // No served request took longer than the timeout.
    assert!(r.rec.all.quantile_ms(1.0) <= 300.0 * 1.001);
}

#[test]
fn layouts_share_common_random_numbers() {
    let p = prepare(&two_site("", 0.7));
    let runs = p.compare(11);
    for r in &runs {
        assert_conserved(r);
        assert_eq!(r.rec.requests, runs[0].rec.requests);
        for (a, b) in r.rec.areas.iter().zip(&runs[0].rec.areas) {
            assert_eq!(a.requests, b.requests);
        }
    }
    // Another seed gives other arrivals.
    assert_ne!(
        p.run_layout(LayoutKind::Sharded, 12).rec.requests,
        runs[0].rec.requests
    );
}

#[test]
fn same_seed_same_csv_bytes() {
    use sim_core::export::csv_out::{areas_csv, runs_csv, timeseries_csv};
    let p = prepare(&two_site("[active_active]\nwrites = \"async\"", 0.8));
    let a = p.compare(21);
    let b = p.compare(21);
    let s = |rs: &Vec<RunResult>| runs_csv(rs.iter().map(|r| &r.summary)).unwrap();
    assert_eq!(s(&a), s(&b));
    let s = |rs: &Vec<RunResult>| areas_csv(rs.iter().map(|r| &r.summary)).unwrap();
    assert_eq!(s(&a), s(&b));
    let s = |rs: &Vec<RunResult>| timeseries_csv(rs.iter().map(|r| r.files())).unwrap();
    assert_eq!(s(&a), s(&b));
}

#[test]
fn monthly_cost_matches_a_hand_computation() {
    let toml = r#"
duration = "20s"
warmup = "5s"
[workload]
peak_rps = 100.0
diurnal = false
read_fraction = 0.5
request_bytes = 1000
response_bytes = 10000
[[areas]]
name = "here"
lat_deg = 39.0
lon_deg = -77.5
jurisdiction = "US"
share = 1.0
[[regions]]
id = "aws:us-east-1"
instances = 4
[[regions]]
id = "aws:us-west-2"
instances = 4
[active_active]
writes = "async"
[prices]
instance_usd_per_hour = { "aws:us-east-1" = 0.1, "aws:us-west-2" = 0.1 }
transfer_usd_per_gb = 0.02
egress_usd_per_gb = 0.09
"#;
    let r = prepare(toml).run_layout(LayoutKind::ActiveActive, 1);
    // 8 instances × $0.10/h × 730.5 h.
    assert!((r.cost.compute - 584.4).abs() < 1e-6, "{}", r.cost.compute);
    // 100 req/s × 2,629,800 s = 262.98 M requests; × 10 kB × $0.09/GB.
    assert!((r.cost.egress - 236.682).abs() < 1e-6, "{}", r.cost.egress);
    // Half are writes; each ships 1 kB to the one other region at $0.02/GB.
    assert!(
        (r.cost.transfer - 2.6298).abs() < 1e-6,
        "{}",
        r.cost.transfer
    );
    assert!((r.cost.total() - (584.4 + 236.682 + 2.6298)).abs() < 1e-6);
    // Itemised: each region its own instances; the users sit by us-east-1, which serves
    // them (egress) and originates their writes (transfer).
    let by: Vec<(&str, f64, f64, f64)> = r
        .cost
        .by_region
        .iter()
        .map(|c| (c.region.as_str(), c.compute, c.transfer, c.egress))
        .collect();
    assert_eq!(by.len(), 2);
    assert_eq!((by[0].0, by[1].0), ("aws:us-east-1", "aws:us-west-2"));
    for (got, want) in [
        (by[0].1, 292.2),
        (by[1].1, 292.2),
        (by[0].2, 2.6298),
        (by[1].2, 0.0),
        (by[0].3, 236.682),
        (by[1].3, 0.0),
    ] {
        assert!((got - want).abs() < 1e-6, "{by:?}");
    }
    // Every layout's parts add up to its totals.
    for r in prepare(toml).compare(1) {
        let c = &r.cost;
        let sum = |f: fn(&sim_core::model::cost::RegionCost) -> f64| -> f64 {
            c.by_region.iter().map(f).sum()
        };
        for (got, want) in [
            (sum(|x| x.compute), c.compute),
            (sum(|x| x.transfer), c.transfer),
            (sum(|x| x.egress), c.egress),
            (sum(|x| x.total()), c.total()),
        ] {
            assert!(
                (got - want).abs() <= 1e-9 * want.max(1.0),
                "{}: {c:?}",
                r.layout()
            );
        }
    }
}

#[test]
fn a_watched_run_reports_progress_gives_the_same_bytes_and_stops_when_cancelled() {
    use sim_core::export::csv_out::{runs_csv, timeseries_csv};
    use std::sync::atomic::AtomicBool;
    use std::sync::Mutex;
    let p = prepare(&two_site("[active_active]\nwrites = \"async\"", 0.8));
    let plain = p.run_layout(LayoutKind::ActiveActive, 5);
    assert!(
        plain.summary.events > 3 * sim_core::experiment::WATCH_EVERY,
        "several chunks"
    );

    let seen = Mutex::new(Vec::new());
    let never = AtomicBool::new(false);
    let watched = p
        .run_layout_watched(LayoutKind::ActiveActive, 5, &never, &|f| {
            seen.lock().unwrap().push(f)
        })
        .expect("not cancelled");
    assert_eq!(watched.summary.events, plain.summary.events);
    assert_eq!(
        runs_csv([&plain.summary]).unwrap(),
        runs_csv([&watched.summary]).unwrap()
    );
    assert_eq!(
        timeseries_csv([plain.files()]).unwrap(),
        timeseries_csv([watched.files()]).unwrap()
    );
    let seen = seen.into_inner().unwrap();
    assert!(seen.len() >= 3, "progress every chunk: {seen:?}");
    assert!(seen.windows(2).all(|w| w[0] <= w[1]), "monotone: {seen:?}");
    assert!(seen.iter().all(|f| (0.0..=1.0).contains(f)));
    assert_eq!(seen.last(), Some(&1.0));

    // Cancelled from inside the run (after the second report): it stops early.
    let cancel = AtomicBool::new(false);
    let calls = Mutex::new(0u32);
    let out = p.run_layout_watched(LayoutKind::ActiveActive, 5, &cancel, &|_| {
        let mut n = calls.lock().unwrap();
        *n += 1;
        if *n == 2 {
            cancel.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    });
    assert!(out.is_none());
    assert_eq!(
        calls.into_inner().unwrap(),
        2,
        "no work after the flag is seen"
    );
}

//! The region-state simulation over years against the Markov availability models.
//!
//! MTBF 500 h and MTTR 10 h make outages frequent (about 17 failures per region a year),
//! so 20 000 simulated years per layout give confidence intervals of about ±1 % of the
//! downtime in well under a second of optimised code. Seeds are fixed, so each check is
//! deterministic; with a 95 % interval, about one seed in twenty would fail any one check
//! by chance, which is why the secondary figures use a wider band.

use sim_core::analytic::availability::{
    solve, AvailabilityParams, FailoverTime, Layout, RegionRates, DEFAULT_DELAY_PHASES,
};
use sim_core::analytic::years::{simulate_replication, simulate_years, Summary, YearsConfig};

const SEED: u64 = 2024;

fn params(regions: u32) -> AvailabilityParams {
    AvailabilityParams {
        regions,
        mtbf_h: 500.0,
        mttr_h: 10.0,
        failover: FailoverTime {
            detection_s: 60.0,
            promotion_s: 240.0,
            dns_ttl_s: 300.0,
            scale_up_s: 1200.0,
        },
        write_rate_per_s: 100.0,
        reads_share: 0.0,
        replication_lag_s: 2.0,
        replication_delay_s: 0.0,
        region_rates: Vec::new(),
        common_causes: Vec::new(),
        shard_shares: Vec::new(),
        delay_phases: DEFAULT_DELAY_PHASES,
    }
}

const LAYOUTS: [(Layout, u32); 7] = [
    (Layout::ActivePassive, 2),
    (Layout::ActivePassive, 3),
    (Layout::ActiveActiveSync { quorum: 2 }, 3),
    (Layout::ActiveActiveAsync, 2),
    (Layout::Sharded { standbys: 0 }, 3),
    (Layout::Sharded { standbys: 3 }, 3),
    (Layout::Sharded { standbys: 2 }, 3),
];

/// Standard errors between `x` and the simulated mean.
fn z(s: &Summary, x: f64) -> f64 {
    let se = (s.ci95_high - s.ci95_low) / (2.0 * 1.966);
    (s.mean - x) / se
}

#[test]
fn simulated_availability_ci_contains_the_markov_value_for_every_layout() {
    let cfg = YearsConfig {
        replications: 400,
        years_per_replication: 50,
        seed: SEED,
    };
    for (layout, n) in LAYOUTS {
        let p = params(n);
        let exact = solve(layout, &p).unwrap();
        let sim = simulate_years(layout, &p, &cfg).unwrap();
        let a = sim.availability;
        assert!(
            a.low <= exact.availability && exact.availability <= a.high,
            "{layout:?} n={n}: CTMC {} outside the simulated 95 % CI [{}, {}]",
            exact.availability,
            a.low,
            a.high
        );
        // Tight: the interval is within ±2.5 % of the downtime.
        let d = &sim.downtime_min_per_year;
        let half = (d.ci95_high - d.ci95_low) / 2.0;
        assert!(
            half < 0.025 * exact.downtime_min_per_year,
            "{layout:?}: ±{half} min"
        );
        // Failovers and lost writes: within 4 standard errors (a looser band, because
        // twelve 95 % checks on one seed would fail one time in two by chance).
        for (what, s, x) in [
            (
                "failovers",
                &sim.failovers_per_year,
                exact.failovers_per_year,
            ),
            (
                "lost writes",
                &sim.lost_writes_per_year,
                exact.lost_writes_per_year,
            ),
        ] {
            if x == 0.0 {
                assert_eq!(s.mean, 0.0, "{layout:?} {what}");
            } else {
                assert!(z(s, x).abs() < 4.0, "{layout:?} {what}: {} vs {x}", s.mean);
            }
        }
        // Percentiles are ordered and bracket the median year.
        assert!(d.p50 <= d.p90 && d.p90 <= d.p99, "{layout:?}");
    }
}

#[test]
fn erlang_phase_error_is_negligible_against_the_interval() {
    // The CTMC's Erlang-16 failover against a near-deterministic Erlang-256 (the error
    // shrinks like 1/k): the gap is far inside the simulated interval, so the test above
    // checks the model, not the approximation.
    let p = params(2);
    let k16 = solve(Layout::ActivePassive, &p).unwrap();
    let k256 = AvailabilityParams {
        delay_phases: 256,
        ..p
    };
    let k256 = solve(Layout::ActivePassive, &k256).unwrap();
    let gap = (k16.downtime_min_per_year - k256.downtime_min_per_year).abs();
    assert!(gap < 0.05, "{gap} min/year");
    assert!(gap < 0.01 * 0.025 * k16.downtime_min_per_year);
}

#[test]
fn report_is_identical_for_one_and_two_threads() {
    let cfg = YearsConfig {
        replications: 37,
        years_per_replication: 7,
        seed: 99,
    };
    for (layout, n) in LAYOUTS {
        let p = params(n);
        let with = |threads| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            let r = pool.install(|| simulate_years(layout, &p, &cfg).unwrap());
            format!("{r:?}")
        };
        assert_eq!(with(1), with(2), "{layout:?}");
    }
}

#[test]
fn seeds_are_reproducible_and_matter() {
    let p = params(2);
    let a = simulate_replication(Layout::ActivePassive, &p, 5, 20).unwrap();
    assert_eq!(
        a,
        simulate_replication(Layout::ActivePassive, &p, 5, 20).unwrap()
    );
    assert_ne!(
        a,
        simulate_replication(Layout::ActivePassive, &p, 6, 20).unwrap()
    );
    assert_eq!(a.len(), 20);
}

#[test]
fn layouts_share_the_same_outages() {
    // Common random numbers: with zero delays, active-passive over two regions is down
    // exactly while both regions are down, as is active-active async — year by year.
    let mut p = params(2);
    p.failover = FailoverTime::default();
    let ap = simulate_replication(Layout::ActivePassive, &p, 11, 30).unwrap();
    let aa = simulate_replication(Layout::ActiveActiveAsync, &p, 11, 30).unwrap();
    for (x, y) in ap.iter().zip(&aa) {
        assert!((x.downtime_min - y.downtime_min).abs() < 1e-9 * (1.0 + x.downtime_min));
    }
    // And a 1-of-2 quorum reroutes on exactly the failures that async does.
    let q1 = simulate_replication(Layout::ActiveActiveSync { quorum: 1 }, &p, 11, 30).unwrap();
    let f = |v: &[sim_core::analytic::years::YearOutcome]| {
        v.iter().map(|y| y.failovers).collect::<Vec<_>>()
    };
    assert_eq!(f(&q1), f(&aa));
    assert!(aa.iter().any(|y| y.downtime_min > 0.0));
}

#[test]
fn bad_configurations_are_errors() {
    let p = params(2);
    let cfg = |replications, years_per_replication| YearsConfig {
        replications,
        years_per_replication,
        seed: 1,
    };
    assert!(simulate_years(Layout::ActivePassive, &p, &cfg(0, 10)).is_err());
    assert!(simulate_years(Layout::ActivePassive, &p, &cfg(10, 0)).is_err());
    assert!(simulate_years(Layout::ActivePassive, &p, &cfg(10, 501)).is_err());
    assert!(simulate_years(Layout::ActivePassive, &params(1), &cfg(10, 10)).is_err());
    let one = simulate_years(Layout::Sharded { standbys: 0 }, &params(1), &cfg(1, 3)).unwrap();
    assert!(one.availability.low.is_infinite());
}

#[test]
fn instant_estimates_are_the_analytic_column_of_the_full_report() {
    use sim_core::experiment::availability::{analytic_estimates, availability};
    use sim_core::experiment::{load_text, DEFAULT_SCENARIO};
    let (s, cat) = load_text(DEFAULT_SCENARIO, std::path::Path::new("default.toml")).unwrap();
    let p = sim_core::spec::validate(&s, &cat).unwrap();
    let quick = analytic_estimates(&p);
    let cfg = YearsConfig {
        replications: 2,
        years_per_replication: 10,
        seed: SEED,
    };
    let full = availability(&p, &cfg).unwrap();
    assert_eq!(quick.len(), full.len());
    for ((layout, est), row) in quick.iter().zip(&full) {
        assert_eq!(*layout, row.layout);
        let est = est.as_ref().unwrap();
        assert_eq!(*est, row.analytic, "{layout}");
        assert!(
            est.availability > 0.99 && est.availability < 1.0,
            "{layout}: {est:?}"
        );
    }
}

/// `sharded.standby = true` gives a shard a standby only where its jurisdiction has a
/// second region: a shard alone in its jurisdiction is as available as without the
/// option (it used to be counted as protected: 0.7 instead of 49 min/yr of downtime).
#[test]
fn a_shard_without_a_second_region_in_its_jurisdiction_has_no_standby() {
    let text = |standby: bool, third: bool| {
        let mut t = String::from(
            "layout = \"sharded\"\n\
             [[areas]]\nname = \"us\"\nlat_deg = 40.7\nlon_deg = -74.0\njurisdiction = \"US\"\nshare = 0.5\n\
             [[areas]]\nname = \"de\"\nlat_deg = 50.1\nlon_deg = 8.7\njurisdiction = \"EU\"\nshare = 0.5\n\
             [[regions]]\nid = \"aws:us-east-1\"\n[[regions]]\nid = \"aws:eu-west-1\"\n",
        );
        if third {
            t += "[[regions]]\nid = \"aws:us-west-2\"\n";
        }
        t += &format!("[sharded]\nstandby = {standby}\n");
        t
    };
    let sharded = |standby: bool, third: bool| sharded_estimate(&text(standby, third));
    // Neither shard can have a standby: the option changes nothing.
    let (with, without) = (sharded(true, false), sharded(false, false));
    assert_eq!(with.availability, without.availability);
    assert_eq!(with.failovers_per_year, 0.0);
    // A second US region protects the US shard only: better than none, short of both.
    let (mixed, bare) = (sharded(true, true), sharded(false, true));
    assert!(
        mixed.availability > bare.availability,
        "{mixed:?} vs {bare:?}"
    );
    assert!(mixed.failovers_per_year > 0.0);
    let lost = 1.0 - mixed.availability;
    assert!(
        lost > 0.45 * (1.0 - bare.availability),
        "the EU shard alone keeps half the bare downtime: {mixed:?} vs {bare:?}"
    );
}

/// Regions 0, 1, 2 with their own rates: a fragile one, a sturdy one, a slow-to-repair one.
fn hetero(regions: u32) -> AvailabilityParams {
    let all = [(300.0, 5.0), (2000.0, 2.0), (800.0, 30.0)];
    AvailabilityParams {
        region_rates: all[..regions as usize]
            .iter()
            .map(|&(mtbf_h, mttr_h)| RegionRates { mtbf_h, mttr_h })
            .collect(),
        ..params(regions)
    }
}

#[test]
fn per_region_rates_match_a_hand_computed_pair() {
    let p = AvailabilityParams {
        failover: FailoverTime::default(),
        ..hetero(2)
    };
    let a = [300.0 / 305.0, 2000.0 / 2002.0];
    let (l, window) = ([1.0 / 300.0, 1.0 / 2000.0], 100.0 * 2.0);
    // Both regions must be up for a quorum of two; one suffices for a quorum of one.
    let both = solve(Layout::ActiveActiveSync { quorum: 2 }, &p).unwrap();
    assert!((both.availability - a[0] * a[1]).abs() < 1e-12, "{both:?}");
    let one = solve(Layout::ActiveActiveSync { quorum: 1 }, &p).unwrap();
    let any = 1.0 - (1.0 - a[0]) * (1.0 - a[1]);
    assert!((one.availability - any).abs() < 1e-12, "{one:?}");
    // Survived failures: region i fails (rate λᵢ aᵢ) while the other is up.
    let survived = l[0] * a[0] * a[1] + l[1] * a[1] * a[0];
    assert!((one.failovers_per_year - survived * 8766.0).abs() < 1e-9);
    // Asynchronous: a failure loses the window shared by the regions up before it.
    let aa = solve(Layout::ActiveActiveAsync, &p).unwrap();
    let lost: f64 = (0..2)
        .map(|i| l[i] * a[i] * (a[1 - i] * window / 2.0 + (1.0 - a[1 - i]) * window))
        .sum();
    assert!(
        (aa.lost_writes_per_year - lost * 8766.0).abs() < 1e-6,
        "{aa:?}"
    );
    // A pair that fails over at once serves while either region is up.
    let ap = solve(Layout::ActivePassive, &p).unwrap();
    assert!((ap.availability - any).abs() < 1e-12, "{ap:?}");
    // Sharded without standby: the mean of the shards' own availability.
    let sh = solve(Layout::Sharded { standbys: 0 }, &p).unwrap();
    assert!((sh.availability - (a[0] + a[1]) / 2.0).abs() < 1e-12);
}

#[test]
fn equal_per_region_rates_are_the_homogeneous_chains() {
    for (layout, n) in LAYOUTS {
        let p = params(n);
        let m = p.model_regions(layout) as usize;
        let same = AvailabilityParams {
            region_rates: vec![
                RegionRates {
                    mtbf_h: p.mtbf_h,
                    mttr_h: p.mttr_h
                };
                m
            ],
            ..p.clone()
        };
        if layout == Layout::ActivePassive && n != 2 {
            assert!(solve(layout, &same).is_err(), "{layout:?}");
            continue;
        }
        let (x, y) = (solve(layout, &p).unwrap(), solve(layout, &same).unwrap());
        let close = |u: f64, v: f64| (u - v).abs() <= 1e-9 * u.abs().max(1.0);
        assert!(
            close(x.availability, y.availability),
            "{layout:?}: {x:?} {y:?}"
        );
        assert!(
            close(x.failovers_per_year, y.failovers_per_year),
            "{layout:?}"
        );
        assert!(
            close(x.lost_writes_per_year, y.lost_writes_per_year),
            "{layout:?}"
        );
    }
}

#[test]
fn per_region_chains_agree_with_the_years_simulation() {
    let cfg = YearsConfig {
        replications: 400,
        years_per_replication: 50,
        seed: SEED,
    };
    for (layout, n) in [
        (Layout::ActivePassive, 2),
        (Layout::ActiveActiveSync { quorum: 2 }, 3),
        (Layout::ActiveActiveAsync, 3),
        (Layout::Sharded { standbys: 3 }, 3),
        (Layout::Sharded { standbys: 1 }, 1),
        (Layout::Sharded { standbys: 1 }, 3),
    ] {
        let p = hetero(n.max(layout_regions(layout, n)));
        let p = AvailabilityParams { regions: n, ..p };
        let exact = solve(layout, &p).unwrap();
        let sim = simulate_years(layout, &p, &cfg).unwrap();
        let zd = z(&sim.downtime_min_per_year, exact.downtime_min_per_year);
        assert!(
            zd.abs() < 3.0,
            "{layout:?}: downtime z = {zd}, {exact:?} vs {sim:?}"
        );
        let rel = |s: f64, x: f64| (s - x).abs() / x.max(1e-9);
        let f = sim.failovers_per_year.mean;
        assert!(
            rel(f, exact.failovers_per_year) < 0.02,
            "{layout:?}: {f} vs {exact:?}"
        );
        let w = sim.lost_writes_per_year.mean;
        assert!(
            (w == 0.0 && exact.lost_writes_per_year == 0.0)
                || rel(w, exact.lost_writes_per_year) < 0.02,
            "{layout:?}: {w} vs {exact:?}"
        );
    }
}

/// Model regions of `layout` over `n` shards or regions.
fn layout_regions(layout: Layout, n: u32) -> u32 {
    params(n).model_regions(layout)
}

/// Below the write quorum the survivors serve reads (`reads_share`): the chains and the
/// years simulation agree on it, homogeneous and per region, reroutes included.
#[test]
fn reads_below_the_quorum_agree_with_the_years_simulation() {
    let cfg = YearsConfig {
        replications: 400,
        years_per_replication: 50,
        seed: SEED,
    };
    for (layout, n, hetero_rates) in [
        (Layout::ActiveActiveSync { quorum: 2 }, 2, false),
        (Layout::ActiveActiveSync { quorum: 3 }, 3, false),
        (Layout::ActiveActiveSync { quorum: 2 }, 2, true),
        (Layout::ActiveActiveSync { quorum: 3 }, 3, true),
    ] {
        let base = if hetero_rates { hetero(n) } else { params(n) };
        let p = AvailabilityParams {
            reads_share: 0.9,
            ..base
        };
        let exact = solve(layout, &p).unwrap();
        let none = solve(
            layout,
            &AvailabilityParams {
                reads_share: 0.0,
                ..p.clone()
            },
        )
        .unwrap();
        assert!(
            exact.downtime_min_per_year < 0.5 * none.downtime_min_per_year,
            "{layout:?}: reads below the quorum count: {exact:?} vs {none:?}"
        );
        let sim = simulate_years(layout, &p, &cfg).unwrap();
        let zd = z(&sim.downtime_min_per_year, exact.downtime_min_per_year);
        assert!(
            zd.abs() < 3.0,
            "{layout:?} hetero={hetero_rates}: downtime z = {zd}, {exact:?} vs {sim:?}"
        );
        let f = sim.failovers_per_year.mean;
        assert!(
            (f - exact.failovers_per_year).abs() / exact.failovers_per_year < 0.02,
            "{layout:?}: {f} vs {exact:?}"
        );
    }
}

/// Found by a red team: a warm standby that carries the load from the moment it is
/// promoted read 4.0 min/yr of downtime against 0.7 for a hot one — the annual model
/// counted its whole ten-minute scale-up as downtime, while the request-level run showed
/// the same RTO as hot. Only the part of the scale-up until the growing fleet carries the
/// day's mean load counts: none for that warm standby, a load's share of it for a cold one.
#[test]
fn a_warm_standby_that_carries_the_load_fails_over_as_fast_as_a_hot_one() {
    use sim_core::experiment::availability::params_for;
    let scale = |mode: &str, rps: f64| {
        let text = format!(
            "layout = \"active-passive\"\n[workload]\npeak_rps = {rps}\ndiurnal = false\n\
             [[regions]]\nid = \"aws:us-east-1\"\ninstances = 8\n\
             [[regions]]\nid = \"aws:us-west-2\"\ninstances = 8\n\
             [active_passive]\nstandby_mode = \"{mode}\"\n\
             failover = {{ promotion = \"30s\", scale_up = \"10m\" }}\n"
        );
        let (s, cat) =
            sim_core::experiment::load_text(&text, std::path::Path::new("ap.toml")).unwrap();
        let p = sim_core::spec::validate(&s, &cat).unwrap();
        params_for(&p, sim_core::scenario::LayoutKind::ActivePassive)
            .1
            .failover
            .scale_up_s
    };
    // 50 req/s × 20 ms = 1 Erlang: the warm standby's 4 of 16 instances carry it.
    assert_eq!(scale("hot", 50.0), 0.0);
    assert_eq!(scale("warm", 50.0), 0.0);
    // A cold one starts from nothing: 1/16 of the 600 s.
    assert!(
        (scale("cold", 50.0) - 600.0 / 16.0).abs() < 1e-6,
        "{}",
        scale("cold", 50.0)
    );
    // 500 req/s = 10 Erlangs: warm (4) needs (10 − 4)/(16 − 4) of the scale-up.
    assert!(
        (scale("warm", 500.0) - 300.0).abs() < 1e-6,
        "{}",
        scale("warm", 500.0)
    );
}

/// Found by a red team: each shard weighed 1/n whatever traffic it carried, so a shard
/// without a standby serving 95 % of the users read like one serving 5 % (24.8 min/yr of
/// downtime either way). Shards weigh what their areas send.
#[test]
fn shards_weigh_the_traffic_of_their_areas() {
    let downtime = |us: f64| {
        let text = format!(
            "layout = \"sharded\"\n\
             [[areas]]\nname = \"us\"\nlat_deg = 40.7\nlon_deg = -74.0\njurisdiction = \"US\"\nshare = {us}\n\
             [[areas]]\nname = \"india\"\nlat_deg = 19.1\nlon_deg = 72.9\njurisdiction = \"IN\"\nshare = {}\n\
             [[regions]]\nid = \"aws:us-east-1\"\ninstances = 20\n[[regions]]\nid = \"aws:us-east-2\"\ninstances = 20\n\
             [[regions]]\nid = \"aws:ap-south-1\"\ninstances = 20\n\
             [sharded]\nstandby = true\n[random_failures]\nenabled = true\n",
            1.0 - us
        );
        sharded_estimate(&text).downtime_min_per_year
    };
    let (us95, eq, in95) = (downtime(0.95), downtime(0.5), downtime(0.05));
    // The Indian shard has no standby: the more of the users it serves, the more downtime.
    assert!(us95 < eq && eq < in95, "{us95} {eq} {in95}");
    // Near linear in the share: 5 % and 95 % bracket the equal split symmetrically.
    assert!(
        ((us95 + in95) / 2.0 - eq).abs() < 0.01 * eq,
        "{us95} {eq} {in95}"
    );
    assert!(in95 > 10.0 * us95, "{us95} vs {in95}");
}

/// Found by a red team: a one-instance standby "protected" a twelve-instance shard at
/// 99.9999 % while a run showed it melting (availability 5 %, RTO 1740 s). A standby
/// counts only if it can serve its shard's requests on top of its own.
#[test]
fn a_standby_too_small_for_its_shard_protects_nothing() {
    let sharded = |standby_instances: u32, standby: bool| {
        let text = format!(
            "layout = \"sharded\"\n[workload]\npeak_rps = 500.0\ndiurnal = false\n\
             [[areas]]\nname = \"in\"\nlat_deg = 19.1\nlon_deg = 72.9\njurisdiction = \"IN\"\nshare = 1.0\n\
             [[regions]]\nid = \"aws:ap-south-1\"\ninstances = 12\n\
             [[regions]]\nid = \"aws:ap-south-2\"\ninstances = {standby_instances}\n\
             [sharded]\nstandby = {standby}\n[random_failures]\nenabled = true\n"
        );
        sharded_estimate(&text)
    };
    // 500 req/s × 20 ms = 10 Erlangs: one instance cannot take it, twelve can.
    let (tiny, bare, able) = (sharded(1, true), sharded(1, false), sharded(12, true));
    assert_eq!(tiny.availability, bare.availability, "{tiny:?} vs {bare:?}");
    assert_eq!(tiny.failovers_per_year, 0.0);
    assert!(able.availability > bare.availability && able.failovers_per_year > 0.0);
}

/// The Markov-model answer for the sharded layout of the scenario `text`.
fn sharded_estimate(text: &str) -> sim_core::analytic::availability::AvailabilityReport {
    use sim_core::experiment::availability::analytic_estimates;
    let (s, cat) = sim_core::experiment::load_text(text, std::path::Path::new("s.toml")).unwrap();
    let p = sim_core::spec::validate(&s, &cat).unwrap();
    let (_, r) = analytic_estimates(&p)
        .into_iter()
        .find(|(l, _)| *l == sim_core::scenario::LayoutKind::Sharded)
        .unwrap();
    r.unwrap()
}

//! The chains against closed forms (1e-9) and against each other.

use super::*;

const TOL: f64 = 1e-9;

fn params(regions: u32) -> AvailabilityParams {
    AvailabilityParams {
        regions,
        mtbf_h: 500.0,
        mttr_h: 10.0,
        failover: FailoverTime::default(),
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

fn with_delays(regions: u32) -> AvailabilityParams {
    AvailabilityParams {
        failover: FailoverTime {
            detection_s: 60.0,
            promotion_s: 240.0,
            dns_ttl_s: 300.0,
            scale_up_s: 1200.0,
        },
        ..params(regions)
    }
}

fn a() -> f64 {
    single_region_availability(500.0, 10.0)
}

#[test]
fn single_region_is_mtbf_over_mtbf_plus_mttr() {
    assert!((a() - 500.0 / 510.0).abs() < 1e-15);
    for n in [1, 2, 5] {
        let r = solve(Layout::Sharded { standbys: 0 }, &with_delays(n)).unwrap();
        assert!((r.availability - a()).abs() < TOL, "n={n}");
        let downtime = (1.0 - a()) * HOURS_PER_YEAR * 60.0;
        assert!((r.downtime_min_per_year - downtime).abs() < 1e-6);
        assert_eq!(r.failovers_per_year, 0.0);
        assert_eq!(r.lost_writes_per_year, 0.0);
    }
}

#[test]
fn two_regions_in_parallel() {
    // Instant failover: active-passive is up while any region is up, A = 1 − (1 − a)².
    for n in [2, 3, 4] {
        let want = parallel_availability(a(), n);
        let ap = solve(Layout::ActivePassive, &params(n)).unwrap();
        assert!((ap.availability - want).abs() < TOL, "AP n={n}");
        let aa = solve(Layout::ActiveActiveAsync, &params(n)).unwrap();
        assert!((aa.availability - want).abs() < TOL, "AA async n={n}");
    }
    assert!((parallel_availability(a(), 2) - (1.0 - (1.0 - a()).powi(2))).abs() < 1e-15);
}

/// Below the write quorum the survivors still serve reads: `A = P(u ≥ k) + ρ·P(1 ≤ u < k)`.
#[test]
fn below_the_quorum_reads_are_served() {
    let x = a();
    let rho = 0.9;
    for (k, n) in [(2, 2), (2, 3), (3, 3), (3, 5)] {
        let p = AvailabilityParams {
            reads_share: rho,
            ..params(n)
        };
        let r = solve(Layout::ActiveActiveSync { quorum: k }, &p).unwrap();
        let full = k_of_n_availability(k, n, x);
        let some = parallel_availability(x, n) - full;
        assert!(
            (r.availability - (full + rho * some)).abs() < TOL,
            "{k}-of-{n}: {} vs {}",
            r.availability,
            full + rho * some
        );
    }
    // Two regions, both needed: a² + ρ·2a(1 − a).
    let p = AvailabilityParams {
        reads_share: rho,
        ..params(2)
    };
    let r = solve(Layout::ActiveActiveSync { quorum: 2 }, &p).unwrap();
    assert!((r.availability - (x * x + rho * 2.0 * x * (1.0 - x))).abs() < TOL);
    // A quorum of one, or asynchronous writes, never refuses: the reads' share is moot.
    for layout in [
        Layout::ActiveActiveSync { quorum: 1 },
        Layout::ActiveActiveAsync,
    ] {
        let with = solve(layout, &p).unwrap();
        let without = solve(layout, &params(2)).unwrap();
        assert_eq!(with.availability, without.availability, "{layout:?}");
    }
}

/// A failure that drops below the quorum strands the failed region's users, who lose the
/// reads the survivors serve until they are rerouted: the impulse is scaled by ρ.
#[test]
fn reroutes_below_the_quorum_lose_the_reads_share() {
    let rho = 0.6;
    let p = AvailabilityParams {
        reads_share: rho,
        ..with_delays(2)
    };
    let r = solve(Layout::ActiveActiveSync { quorum: 2 }, &p).unwrap();
    let (lambda, mu): (f64, f64) = (1.0 / 500.0, 1.0 / 10.0);
    let x = a();
    let reroute_h = (60.0 + 300.0) / 3600.0;
    let stranded_h = (1.0 - (-mu * reroute_h).exp()) / mu;
    // From two up (probability a²), either region fails at λ and strands half the users.
    let lost = x * x * 2.0 * lambda * 0.5 * stranded_h * rho;
    let want = x * x + rho * 2.0 * x * (1.0 - x) - lost;
    assert!(
        (r.availability - want).abs() < TOL,
        "{} vs {want}",
        r.availability
    );
    assert!((r.failovers_per_year - x * x * 2.0 * lambda * HOURS_PER_YEAR).abs() < 1e-9);
    // Without reads below the quorum nothing is served after such a failure: no reroute.
    let none = solve(Layout::ActiveActiveSync { quorum: 2 }, &with_delays(2)).unwrap();
    assert_eq!(none.failovers_per_year, 0.0);
    assert!((none.availability - x * x).abs() < TOL);
}

#[test]
fn k_of_n_quorum() {
    for (k, n) in [(1, 1), (2, 3), (3, 5), (1, 4), (4, 4), (5, 9)] {
        let want = k_of_n_availability(k, n, a());
        let r = solve(Layout::ActiveActiveSync { quorum: k }, &params(n)).unwrap();
        assert!((r.availability - want).abs() < TOL, "{k}-of-{n}");
        assert_eq!(r.lost_writes_per_year, 0.0);
    }
    // The sum itself: 2-of-3 = 3a²(1 − a) + a³.
    let x = a();
    let two_of_three = 3.0 * x * x * (1.0 - x) + x.powi(3);
    assert!((k_of_n_availability(2, 3, x) - two_of_three).abs() < 1e-15);
    assert!((k_of_n_availability(1, 3, x) - parallel_availability(x, 3)).abs() < 1e-15);
}

#[test]
fn reroute_delay_and_async_losses_in_closed_form() {
    // Σ_{u>k} π_u · uλ · (s/u) = λ·s·P(U ≥ k + 1), with s = E[min(R, repair)].
    let p = with_delays(3);
    let (lambda, mu) = (1.0 / p.mtbf_h, 1.0 / p.mttr_h);
    let r_h = p.failover.reroute_s() / 3600.0;
    let s = (1.0 - (-mu * r_h).exp()) / mu;
    for k in [1, 2] {
        let r = solve(Layout::ActiveActiveSync { quorum: k }, &p).unwrap();
        let survivable = k_of_n_availability(k + 1, 3, a());
        let want = k_of_n_availability(k, 3, a()) - lambda * s * survivable;
        assert!((r.availability - want).abs() < TOL, "k={k}");
        // One reroute per survivable failure: λ·E[U; U > k] per hour.
        let x = a();
        let expected_up: f64 = (k + 1..=3)
            .map(|u| {
                u as f64 * k_of_n_availability(u, 3, x)
                    - u as f64 * k_of_n_availability(u + 1, 3, x)
            })
            .sum();
        let failovers = lambda * expected_up * HOURS_PER_YEAR;
        assert!((r.failovers_per_year - failovers).abs() < 1e-9 * failovers);
    }
    // Async: each failure loses w·lag/u, so the loss rate is λ·w·lag·P(U ≥ 1).
    let r = solve(Layout::ActiveActiveAsync, &p).unwrap();
    let window = p.write_rate_per_s * p.replication_lag_s;
    let lost = lambda * window * parallel_availability(a(), 3) * HOURS_PER_YEAR;
    assert!((r.lost_writes_per_year - lost).abs() < 1e-9 * lost);
}

#[test]
fn active_passive_failovers_with_instant_promotion() {
    // Failovers happen when the primary fails while the other region is up: both up has
    // probability a², so the rate is λ·a² per hour, each losing w·lag writes.
    let p = params(2);
    let r = solve(Layout::ActivePassive, &p).unwrap();
    let per_year = a() * a() / p.mtbf_h * HOURS_PER_YEAR;
    assert!((r.failovers_per_year - per_year).abs() < 1e-9 * per_year);
    let lost = per_year * p.write_rate_per_s * p.replication_lag_s;
    assert!((r.lost_writes_per_year - lost).abs() < 1e-9 * lost);
}

#[test]
fn failover_delay_costs_about_its_length_per_failover() {
    // To first order, each failover adds D of downtime: U ≈ (1 − a)² + f·D.
    let p = with_delays(2);
    let r = solve(Layout::ActivePassive, &p).unwrap();
    let d_h = p.failover.failover_s() / 3600.0;
    let first_order = (1.0 - a()).powi(2) + r.failovers_per_year / HOURS_PER_YEAR * d_h;
    let u = 1.0 - r.availability;
    assert!((u - first_order).abs() < 0.01 * u, "{u} vs {first_order}");
    let instant = solve(Layout::ActivePassive, &params(2)).unwrap();
    assert!(r.availability < instant.availability);
}

#[test]
fn erlang_phases_converge_to_the_deterministic_delay() {
    // The phase count only changes what happens during a failover: differences are
    // tiny and shrink with k.
    let at = |k| {
        let p = AvailabilityParams {
            delay_phases: k,
            ..with_delays(2)
        };
        solve(Layout::ActivePassive, &p).unwrap().availability
    };
    let (a1, a16, a64, a256) = (at(1), at(16), at(64), at(256));
    assert!((a16 - a256).abs() < (a1 - a256).abs());
    assert!((a64 - a256).abs() < (a16 - a256).abs());
    assert!((a16 - a256).abs() < 1e-7, "{}", (a16 - a256).abs());
}

#[test]
fn sharded_with_standby_is_an_active_passive_pair_per_shard() {
    let p = with_delays(3);
    let pair = solve(Layout::ActivePassive, &with_delays(2)).unwrap();
    let sh = solve(Layout::Sharded { standbys: 3 }, &p).unwrap();
    assert!((sh.availability - pair.availability).abs() < 1e-15);
    assert!((sh.failovers_per_year - 3.0 * pair.failovers_per_year).abs() < 1e-9);
    // Three shards, each with a third of the writes: the same writes lost as one pair.
    assert!((sh.lost_writes_per_year - pair.lost_writes_per_year).abs() < 1e-6);
    let bare = solve(Layout::Sharded { standbys: 0 }, &p).unwrap();
    assert!(sh.availability > bare.availability);
    // Two of three shards with a standby (the third's jurisdiction has no second
    // region): two thirds of the protected figure and one third of the bare one, and
    // only the protected shards fail over and lose writes.
    let mixed = solve(Layout::Sharded { standbys: 2 }, &p).unwrap();
    let want = (2.0 * sh.availability + bare.availability) / 3.0;
    assert!(
        (mixed.availability - want).abs() < 1e-12,
        "{mixed:?} vs {want}"
    );
    assert!((mixed.failovers_per_year - 2.0 / 3.0 * sh.failovers_per_year).abs() < 1e-9);
    assert!((mixed.lost_writes_per_year - 2.0 / 3.0 * sh.lost_writes_per_year).abs() < 1e-6);
    assert!(
        solve(Layout::Sharded { standbys: 4 }, &p).is_err(),
        "more standbys than shards"
    );
    // Shards weighted by their traffic: half, three tenths and a fifth, the last without a
    // standby — by hand, 0.8 of the pair's availability and 0.2 of one region's.
    let weighted = AvailabilityParams {
        shard_shares: vec![0.5, 0.3, 0.2],
        ..p.clone()
    };
    let w = solve(Layout::Sharded { standbys: 2 }, &weighted).unwrap();
    let want = 0.8 * sh.availability + 0.2 * bare.availability;
    assert!((w.availability - want).abs() < 1e-12, "{w:?} vs {want}");
    // Lost writes scale with the protected shards' share of the writes.
    assert!((w.lost_writes_per_year - 0.8 * sh.lost_writes_per_year).abs() < 1e-6);
    let bad = AvailabilityParams {
        shard_shares: vec![0.5, 0.5],
        ..p.clone()
    };
    assert!(
        solve(Layout::Sharded { standbys: 2 }, &bad).is_err(),
        "one share per shard"
    );
}

#[test]
fn invalid_parameters_name_the_field() {
    let field = |layout, p: AvailabilityParams| match solve(layout, &p) {
        Err(AvailabilityError::Invalid { field, .. }) => field,
        other => panic!("expected an error, got {other:?}"),
    };
    let ap = Layout::ActivePassive;
    assert_eq!(field(ap, params(1)), "regions");
    assert_eq!(field(ap, params(0)), "regions");
    let q = Layout::ActiveActiveSync { quorum: 4 };
    assert_eq!(field(q, params(3)), "quorum");
    let neg = AvailabilityParams {
        mttr_h: -1.0,
        ..params(2)
    };
    assert_eq!(field(ap, neg), "mttr_h");
    let mut nan = params(2);
    nan.failover.dns_ttl_s = f64::NAN;
    assert_eq!(field(ap, nan), "failover.dns_ttl_s");
    let phases = AvailabilityParams {
        delay_phases: 0,
        ..params(2)
    };
    assert_eq!(field(ap, phases), "delay_phases");
    let e = solve(ap, &params(1)).unwrap_err().to_string();
    assert!(e.contains("regions") && e.contains("standby"), "{e}");
}

//! The annual (Markov and years) availability model maps the scenario's options as the
//! request-level model defines them.

use sim_core::analytic::availability::solve;
use sim_core::analytic::years::{simulate_years, YearsConfig};
use sim_core::experiment::availability::params_for;
use sim_core::experiment::{load_text, Resolved};
use sim_core::scenario::LayoutKind;
use std::path::Path;

fn prepare(toml: &str) -> Resolved {
    let (s, cat) = load_text(toml, Path::new("test.toml")).unwrap_or_else(|e| panic!("{e}"));
    sim_core::spec::validate(&s, &cat).unwrap_or_else(|e| panic!("{e:?}"))
}

/// US users; regions in Virginia and Ohio (one jurisdiction, so a sharded home has a
/// standby), frequent failures so that years give tight figures.
fn pair(extra: &str) -> String {
    format!(
        r#"
duration = "2m"
warmup = "30s"
[workload]
peak_rps = 200.0
diurnal = false
read_fraction = 0.5
[[areas]]
name = "us"
lat_deg = 39.0
lon_deg = -77.5
jurisdiction = "US"
share = 1.0
[[regions]]
id = "aws:us-east-1"
instances = 8
[[regions]]
id = "aws:us-east-2"
instances = 8
[random_failures]
mtbf = "500h"
mttr = "10h"
[active_passive]
standby_mode = "hot"
replication_lag = {{ dist = "constant", value = "2s" }}
failover = {{ promotion = "4m" }}
[sharded]
standby = true
replication_lag = {{ dist = "constant", value = "2s" }}
failover = {{ promotion = "4m" }}
{extra}
"#
    )
}

fn years() -> YearsConfig {
    YearsConfig {
        replications: 200,
        years_per_replication: 50,
        seed: 7,
    }
}

#[test]
fn one_sharded_home_with_a_standby_is_the_active_passive_pair() {
    let p = prepare(&pair(""));
    let (ap_model, ap) = params_for(&p, LayoutKind::ActivePassive);
    let (sh_model, sh) = params_for(&p, LayoutKind::Sharded);
    assert_eq!(sh.regions, 1, "one home, one shard");
    let (a, s) = (solve(ap_model, &ap).unwrap(), solve(sh_model, &sh).unwrap());
    let rel = |x: f64, y: f64| (x - y).abs() / y;
    // The same pair, the same failovers (~17.5 a year) and lost writes.
    assert!(a.failovers_per_year > 15.0, "{a:?}");
    assert!(
        rel(s.failovers_per_year, a.failovers_per_year) < 1e-9,
        "{s:?} vs {a:?}"
    );
    assert!(rel(s.lost_writes_per_year, a.lost_writes_per_year) < 1e-9);
    assert!(rel(s.availability, a.availability) < 1e-12);
    // The years simulation agrees.
    let ys = simulate_years(sh_model, &sh, &years()).unwrap();
    let ya = simulate_years(ap_model, &ap, &years()).unwrap();
    for y in [&ys, &ya] {
        let f = y.failovers_per_year.mean;
        assert!(rel(f, a.failovers_per_year) < 0.03, "{f} vs {a:?}");
    }
}

#[test]
fn lost_writes_per_failover_include_the_one_way_delay() {
    let p = prepare(&pair(""));
    let w = &p.world;
    for layout in [LayoutKind::ActivePassive, LayoutKind::Sharded] {
        let (model, params) = params_for(&p, layout);
        // The request-level definition (docs/failures.md): the writes of the last
        // (replication lag + one-way delay) before the failure.
        let one_way = w.rtt(0, 1).as_secs_f64() / 2.0;
        assert!(one_way > 0.004, "{one_way}");
        assert!(
            (params.replication_delay_s - one_way).abs() < 1e-12,
            "{layout}"
        );
        let per_failover = 100.0 * (2.0 + one_way);
        let r = solve(model, &params).unwrap();
        // Failovers restarted after the target failed lose nothing: a little under.
        let got = r.lost_writes_per_year / r.failovers_per_year;
        assert!(
            got <= per_failover && got > per_failover * 0.999,
            "{layout}: {got} vs {per_failover}"
        );
        assert!(got > 100.0 * 2.0 + 0.5, "{layout}: the delay counts: {got}");
        let y = simulate_years(model, &params, &years()).unwrap();
        let sim = y.lost_writes_per_year.mean / y.failovers_per_year.mean;
        assert!((sim - got).abs() / got < 0.01, "{layout}: {sim} vs {got}");
    }
}

#[test]
fn async_writes_recovered_later_are_never_lost_in_the_annual_model() {
    let aa = "[active_active]\nwrites = \"async\"\nasync_recovery = \"delayed\"\n";
    let outage = "[[failures]]\nkind = \"region-outage\"\nregion = \"aws:us-east-1\"\nstart = \"1m\"\nduration = \"20s\"\n";
    let p = prepare(&pair(&format!("{aa}{outage}")));
    let (model, params) = params_for(&p, LayoutKind::ActiveActive);
    let r = solve(model, &params).unwrap();
    assert_eq!(r.lost_writes_per_year, 0.0, "{r:?}");
    assert!(
        r.failovers_per_year > 15.0,
        "users are still rerouted: {r:?}"
    );
    let y = simulate_years(model, &params, &years()).unwrap();
    assert_eq!(y.lost_writes_per_year.mean, 0.0);
    // The request-level run loses none either…
    let run = p.run_layout(LayoutKind::ActiveActive, 3);
    assert!(run.summary.outages >= 1);
    assert_eq!(run.writes.lost_writes, 0);
    // …while with `async_recovery = "lost"` both models lose writes.
    let lost = prepare(&pair(&format!("{}{outage}", aa.replace("delayed", "lost"))));
    let (model, params) = params_for(&lost, LayoutKind::ActiveActive);
    assert!(solve(model, &params).unwrap().lost_writes_per_year > 0.0);
    assert!(
        lost.run_layout(LayoutKind::ActiveActive, 3)
            .writes
            .lost_writes
            > 0
    );
}

#[test]
fn per_region_failure_rates_reach_both_models_and_bad_names_are_located_errors() {
    let own = "[random_failures.regions.\"AWS:US-East-1\"]\nmtbf = \"100h\"\nmttr = \"20h\"\n";
    let p = prepare(&pair(own));
    let w = &p.world;
    assert_eq!(w.regions[0].mtbf.as_secs_f64(), 100.0 * 3600.0);
    assert_eq!(w.regions[0].mttr.as_secs_f64(), 20.0 * 3600.0);
    assert_eq!(
        w.regions[1].mtbf.as_secs_f64(),
        500.0 * 3600.0,
        "others keep the global"
    );
    let (model, params) = params_for(&p, LayoutKind::ActivePassive);
    let rates: Vec<(f64, f64)> = params
        .region_rates
        .iter()
        .map(|r| (r.mtbf_h, r.mttr_h))
        .collect();
    assert_eq!(rates, vec![(100.0, 20.0), (500.0, 10.0)]);
    // The fragile primary lowers the pair's availability below the homogeneous one.
    let base = prepare(&pair(""));
    let (bm, bp) = params_for(&base, LayoutKind::ActivePassive);
    let (a, b) = (solve(model, &params).unwrap(), solve(bm, &bp).unwrap());
    assert!(
        a.availability < b.availability && a.failovers_per_year > 1.3 * b.failovers_per_year,
        "{a:?} vs {b:?}"
    );
    let y = simulate_years(model, &params, &years()).unwrap();
    let rel = (y.failovers_per_year.mean - a.failovers_per_year).abs() / a.failovers_per_year;
    assert!(rel < 0.03, "{y:?} vs {a:?}");

    for (name, want) in [
        ("aws:us-esat-1", "aws:us-east-1"),
        ("aws:eu-west-1", "not one of the deployment's regions"),
    ] {
        let toml = pair(&format!(
            "[random_failures.regions.\"{name}\"]\nmtbf = \"100h\"\n"
        ));
        let text = error_text(&toml);
        // Located: the field path and the line of the entry.
        assert!(
            text.contains("random_failures.regions") && text.contains(want) && text.contains("31"),
            "{text}"
        );
    }
    let zero = pair("[random_failures.regions.\"aws:us-east-1\"]\nmttr = \"0s\"\n");
    let err = error_text(&zero);
    assert!(
        err.contains("mttr") && err.contains("longer than 0s"),
        "{err}"
    );
}

/// The error a scenario is refused with, by the loader or by `spec::validate`.
fn error_text(toml: &str) -> String {
    match load_text(toml, Path::new("test.toml")) {
        Ok((s, cat)) => match sim_core::spec::validate(&s, &cat) {
            Ok(_) => panic!("accepted"),
            Err(e) => format!("{e:?}"),
        },
        Err(e) => e.to_string(),
    }
}

/// With fewer regions up than the write quorum, the request-level model refuses writes
/// and serves reads; the annual model counts such a state as the reads' share served,
/// not as down (it used to be all down: P(both up) for two regions that both had to ack).
#[test]
fn below_the_write_quorum_both_models_serve_the_reads() {
    let aa = "[active_active]\nwrites = \"sync-all\"\n";
    // The users' nearest region stays up; the other is down through the whole run.
    let outage = "[[failures]]\nkind = \"region-outage\"\nregion = \"aws:us-east-2\"\nstart = \"0s\"\nduration = \"10m\"\n";
    let p = prepare(&pair(&format!("{aa}{outage}")));
    let run = p.run_layout(LayoutKind::ActiveActive, 5);
    let served = run.summary.availability;
    assert!(
        (served - 0.5).abs() < 0.03,
        "reads (half the traffic) served, writes refused: {served}"
    );
    let (model, params) = params_for(&p, LayoutKind::ActiveActive);
    assert_eq!(params.reads_share, 0.5);
    let r = solve(model, &params).unwrap();
    let a = 500.0 / 510.0;
    let both = a * a;
    let with_reads = both + 0.5 * 2.0 * a * (1.0 - a);
    assert!(
        r.availability > both + 0.9 * (with_reads - both) && r.availability <= with_reads,
        "{r:?}: between a² = {both} and a² + ρ·2a(1 − a) = {with_reads}, less reroutes"
    );
    let y = simulate_years(model, &params, &years()).unwrap();
    assert!(
        y.availability.low <= r.availability && r.availability <= y.availability.high,
        "{r:?} vs {:?}",
        y.availability
    );
}

/// One region: active-passive has no standby, so every layout is that region alone, up
/// with MTBF / (MTBF + MTTR) (it used to be refused: "a standby needs a second region").
#[test]
fn one_region_is_available_while_it_is_up_in_every_layout() {
    let p = prepare(
        "duration = \"20s\"\n[[regions]]\nid = \"aws:us-east-1\"\n[random_failures]\nmtbf = \"500h\"\nmttr = \"10h\"\n",
    );
    for layout in LayoutKind::ALL {
        let (model, params) = params_for(&p, layout);
        let r = solve(model, &params).unwrap_or_else(|e| panic!("{layout}: {e}"));
        assert!(
            (r.availability - 500.0 / 510.0).abs() < 1e-12,
            "{layout}: {r:?}"
        );
        assert_eq!(r.failovers_per_year, 0.0, "{layout}");
        assert_eq!(r.lost_writes_per_year, 0.0, "{layout}");
    }
}

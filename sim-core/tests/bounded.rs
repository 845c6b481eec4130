//! Runs whose size a user controls stay within a fixed memory budget and a stated work
//! budget: long simulated times, absurd timeouts and rates, huge catalogs and sweeps.
//!
//! The memory tests run the `regionsim` binary under `ulimit -v` (address space), so a
//! regression shows as a failed allocation, not as a slow machine.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Address space the binary may reserve (rayon threads and allocator arenas included).
/// ARCHITECTURE.md states the per-run budget this leaves room for.
const CAP_KB: u64 = 1_500_000;

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("regionsim-bounded-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `regionsim args…` under `ulimit -v cap_kb`.
fn capped(cap_kb: u64, args: &[&str]) -> Output {
    let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
    Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {cap_kb} && exec '{}' {}",
            env!("CARGO_BIN_EXE_regionsim"),
            quoted.join(" ")
        ))
        .output()
        .expect("sh runs")
}

/// The default scenario with some lines replaced (each must exist) and text appended.
fn scenario(dir: &Path, name: &str, replace: &[(&str, &str)], append: &str) -> PathBuf {
    let mut s = sim_core::experiment::DEFAULT_SCENARIO.to_string();
    for (from, to) in replace {
        assert!(s.contains(from), "the default scenario has no `{from}`");
        s = s.replacen(from, to, 1);
    }
    s.push_str(append);
    let p = dir.join(name);
    std::fs::write(&p, s).unwrap();
    p
}

/// `timeseries.csv` rows as (minute, region); asserts the header.
fn series(dir: &Path) -> Vec<(u64, String)> {
    let t = std::fs::read_to_string(dir.join("timeseries.csv")).unwrap();
    let mut lines = t.lines();
    assert_eq!(
        lines.next(),
        Some("layout,minute,region,requests,failed,p99_ms,instances")
    );
    lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[1].parse().unwrap(), f[2].to_string())
        })
        .collect()
}

fn long_run(days: u32, rps: &str, name: &str) {
    let dir = temp_dir(name);
    let s = scenario(
        &dir,
        "long.toml",
        &[
            ("duration = \"10m\"", &format!("duration = \"{days}d\"")),
            ("peak_rps = 12000.0", &format!("peak_rps = {rps}")),
        ],
        "",
    );
    let out_dir = dir.join("out");
    let out = capped(
        CAP_KB,
        &[
            "run",
            s.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows = series(&out_dir);
    assert!(
        rows.len() <= sim_core::metrics::series::SERIES_CELLS,
        "{}",
        rows.len()
    );
    // Buckets are wider than a minute, all of one width, named by their first minute.
    let starts: Vec<u64> = rows
        .iter()
        .filter(|r| r.1 == rows[0].1)
        .map(|r| r.0)
        .collect();
    let width = starts[1] - starts[0];
    assert!(width > 1 && width.is_power_of_two(), "width {width}");
    assert!(starts.windows(2).all(|w| w[1] - w[0] == width));
    assert!(*starts.last().unwrap() + width >= u64::from(days) * 1440);
    let _ = std::fs::remove_dir_all(dir);
}

/// Six regions for 30 simulated days at 1 req/s took 7 GB (a histogram per region and
/// minute, a counter per area and second).
#[test]
fn thirty_days_at_one_request_per_second_fit_the_memory_budget() {
    long_run(30, "1.0", "30d");
}

/// A simulated year (at 0.1 req/s to keep the suite fast; docs/csv.md records 1 req/s).
#[test]
fn a_year_fits_the_memory_budget() {
    long_run(365, "0.1", "365d");
}

/// One outcome at a "3000d" client timeout asked for an 80 GB table of seconds.
#[test]
fn a_timeout_of_3000_days_allocates_nothing_per_second() {
    let dir = temp_dir("timeout");
    let s = scenario(
        &dir,
        "t.toml",
        &[
            ("peak_rps = 12000.0", "peak_rps = 50.0"),
            ("timeout = \"2s\"  ", "timeout = \"3000d\""),
        ],
        "",
    );
    let out_dir = dir.join("out");
    let out = capped(
        CAP_KB,
        &[
            "run",
            s.to_str().unwrap(),
            "--out",
            out_dir.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let rows = series(&out_dir);
    // Requests sent to us-east-1 while it was down time out 3000 days later.
    let last = rows.iter().map(|r| r.0).max().unwrap();
    assert!(
        last > 2999 * 1440 / 2,
        "last bucket starts at minute {last}"
    );
    assert!(rows.len() <= sim_core::metrics::series::SERIES_CELLS);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn runs_beyond_the_request_budget_are_refused_with_the_estimate_and_the_flag() {
    let dir = temp_dir("budget");
    let s = scenario(
        &dir,
        "big.toml",
        &[("duration = \"10m\"", "duration = \"365d\"")],
        "",
    );
    let out = capped(
        CAP_KB,
        &[
            "compare",
            s.to_str().unwrap(),
            "--out",
            dir.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(err.contains("billion requests"), "{err}");
    assert!(err.contains("--max-requests "), "{err}");
    assert!(!dir.join("runs.csv").exists());
    // The planner checks one verification run (at the peak rate over the window).
    let out = capped(
        CAP_KB,
        &["plan", s.to_str().unwrap(), "--out", dir.to_str().unwrap()],
    );
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("each verification run") && err.contains("--max-requests "),
        "{err}"
    );
    // A small run passes a small limit; the limit is per run.
    let small = scenario(
        &dir,
        "small.toml",
        &[("peak_rps = 12000.0", "peak_rps = 10.0")],
        "",
    );
    let out = capped(
        CAP_KB,
        &[
            "run",
            small.to_str().unwrap(),
            "--max-requests",
            "50000",
            "--out",
            dir.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = capped(
        CAP_KB,
        &[
            "run",
            small.to_str().unwrap(),
            "--max-requests",
            "100",
            "--out",
            dir.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("more than the limit of 100"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn rates_and_spreads_the_clock_cannot_resolve_are_refused() {
    let dir = temp_dir("absurd");
    let s = scenario(
        &dir,
        "absurd.toml",
        &[
            ("peak_rps = 12000.0", "peak_rps = 1e308"),
            (
                "service_time = { dist = \"exponential\", mean = \"4ms\" }",
                "service_time = { dist = \"lognormal\", mean = \"4ms\", cv = 1e308 }",
            ),
        ],
        "",
    );
    let out = capped(CAP_KB, &["validate", s.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("workload.peak_rps: must be at most 1e8"),
        "{err}"
    );
    assert!(
        err.contains("service_time.cv: must be a number in (0, 100]"),
        "{err}"
    );
}

/// A scenario's own catalog of 10,000 regions: `validate` built two dense 10⁸-cell
/// matrices (RTT and transfer prices: 3 GB, over a minute). Work now follows the regions
/// used and the pairs measured.
#[test]
fn a_ten_thousand_region_catalog_costs_what_the_used_regions_cost() {
    let dir = temp_dir("catalog");
    let mut regions = String::from(
        "provider,code,city,country,country_iso2,jurisdiction,continent,lat_deg,lon_deg\n",
    );
    for i in 0..10_000 {
        let (lat, lon) = (-60.0 + (i % 120) as f64, -179.0 + (i / 120) as f64 * 4.0);
        regions += &format!("acme,r{i},City {i},Land,US,US,north_america,{lat},{lon}\n");
    }
    std::fs::write(dir.join("regions.csv"), regions).unwrap();
    let mut rtt = String::from("src,dst,rtt_ms\n");
    for i in 0..50 {
        rtt += &format!("acme:r{i},acme:r{},{}\n", i + 1, 20 + i);
    }
    std::fs::write(dir.join("rtt.csv"), rtt).unwrap();
    std::fs::write(
        dir.join("transfer.csv"),
        "provider,kind,src,dst,usd_per_gb\nacme,internet_egress,any,internet,0.09\nacme,inter_region,r7,any,0.05\nacme,inter_region,any,same_continent,0.02\nacme,inter_region,any,any,0.03\n",
    )
    .unwrap();
    let s = scenario(
        &dir,
        "big-catalog.toml",
        &[],
        "\n[catalog]\nregions = \"regions.csv\"\nrtt = \"rtt.csv\"\ntransfer_prices = \"transfer.csv\"\n",
    );
    let out = capped(400_000, &["validate", s.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(": ok"));

    // The lookups agree with the rules and measurements, pair by pair.
    let files = sim_core::catalog::CatalogFiles {
        regions: Some("regions.csv".into()),
        rtt: Some("rtt.csv".into()),
        prices: None,
        transfer_prices: Some("transfer.csv".into()),
    };
    let c = sim_core::catalog::Catalog::load(&files, &dir).unwrap();
    let r = |code: &str| c.region(&format!("acme:{code}")).unwrap();
    assert_eq!(c.rtt_ms(r("r3"), r("r4")), 23.0);
    assert!(c.is_measured(r("r4"), r("r3")) && !c.is_measured(r("r3"), r("r9000")));
    assert!(c.rtt_ms(r("r3"), r("r9000")) > 0.0);
    assert_eq!(c.transfer_usd_per_gb(r("r7"), r("r9000")), 0.05);
    assert_eq!(c.transfer_usd_per_gb(r("r8"), r("r9000")), 0.02);
    assert_eq!(c.transfer_usd_per_gb(r("r8"), r("r8")), 0.0);
    let aws = c.region("aws:us-east-1").unwrap();
    assert_eq!(
        c.transfer_usd_per_gb(r("r8"), aws),
        0.09,
        "across providers: egress"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// A sweep of 10⁹ points loaded every point's scenario before the first run (hours, no
/// output). Now a sample is checked — still every value of every axis — and a bad value
/// deep inside an axis is reported at its line and column.
#[test]
fn a_billion_point_sweep_checks_a_sample_that_holds_every_axis_value() {
    use sim_core::experiment::sweep::SweepPlan;
    let dir = temp_dir("sweep");
    let list = |f: &dyn Fn(usize) -> String| (0..1000).map(f).collect::<Vec<_>>().join(", ");
    let sweep = |bad: bool| {
        format!(
            "seed = 1\n[set]\nduration = \"1m\"\n[axes]\n\"workload.peak_rps\" = [{}]\n\"routing.dns_ttl\" = [{}]\n\"client.retries\" = [{}]\n",
            list(&|i| if bad && i == 777 { "-5.0".into() } else { format!("{}.0", 100 + i) }),
            list(&|i| format!("\"{}s\"", i + 1)),
            list(&|i| (i % 4).to_string()),
        )
    };
    let plan = SweepPlan::from_text(&sweep(false), &dir.join("s.toml")).unwrap();
    assert_eq!(plan.points, 1_000_000_000);
    let checked = plan.check_points().unwrap_or_else(|e| panic!("{e}"));
    assert!(
        (3000..10_000).contains(&checked),
        "checked {checked} points"
    );

    let bad = SweepPlan::from_text(&sweep(true), &dir.join("s.toml")).unwrap();
    let err = bad.check_points().unwrap_err().to_string();
    assert!(err.contains("workload.peak_rps"), "{err}");
    assert!(err.contains("s.toml:5:"), "{err}");
    assert!(err.contains("must be a number greater than 0"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

//! Fidelity of the model's inputs: user RTTs anchored on the measured matrix, monthly
//! bills independent of the simulated hour, per-station metrics.

use sim_core::catalog::{great_circle_km, Catalog};
use sim_core::experiment::{load_text, Resolved};
use sim_core::scenario::LayoutKind;
use std::path::Path;

fn prepare(toml: &str) -> Resolved {
    let (s, cat) = load_text(toml, Path::new("test.toml")).unwrap_or_else(|e| panic!("{e}"));
    sim_core::spec::validate(&s, &cat).unwrap_or_else(|e| panic!("{e:?}"))
}

/// One area at `(lat, lon)` with no access latency, served by `aws:us-east-1` at light
/// load (2 req/s on 4 servers) with exponential 20 ms service.
fn one_user(lat: f64, lon: f64) -> String {
    format!(
        r#"
duration = "30m"
warmup = "1m"
[workload]
peak_rps = 2.0
diurnal = false
read_fraction = 1.0
[[areas]]
name = "here"
lat_deg = {lat}
lon_deg = {lon}
jurisdiction = "US"
share = 1.0
access_latency = "0ms"
[[regions]]
id = "aws:us-east-1"
instances = 4
service_time = {{ dist = "exponential", mean = "20ms" }}
"#
    )
}

/// Median of an exponential 20 ms service time.
const MEDIAN_SERVICE_MS: f64 = 20.0 * std::f64::consts::LN_2;

fn median_ms(toml: &str) -> f64 {
    let r = prepare(toml).run_layout(LayoutKind::ActiveActive, 5);
    assert!(r.rec.served > 3000, "{}", r.rec.served);
    r.rec.all.quantile_ms(0.5)
}

#[test]
fn a_co_located_user_pays_the_measured_intra_region_rtt() {
    let cat = Catalog::embedded();
    let use1 = cat.region("aws:us-east-1").unwrap();
    let r = &cat.regions()[use1];
    let intra = cat.rtt_ms(use1, use1);
    assert!(cat.is_measured(use1, use1) && (intra - 5.35).abs() < 0.01);
    // Not the fit's intercept (8.8 ms).
    assert!((cat.fit().intercept_ms - intra).abs() > 3.0);
    let got = median_ms(&one_user(r.lat, r.lon));
    let want = intra + MEDIAN_SERVICE_MS;
    assert!((got - want).abs() < 1.0, "median {got} ms, want {want} ms");
}

#[test]
fn a_dublin_user_served_from_us_east_1_pays_the_measured_transatlantic_rtt() {
    let cat = Catalog::embedded();
    let (use1, euw1) = (
        cat.region("aws:us-east-1").unwrap(),
        cat.region("aws:eu-west-1").unwrap(),
    );
    // A point in Dublin a few km from the region's coordinates.
    let (lat, lon) = (53.30, -6.20);
    let e = &cat.regions()[euw1];
    let last_mile = cat.fit().ms_per_km * great_circle_km(lat, lon, e.lat, e.lon);
    assert!(last_mile > 0.05 && last_mile < 0.2, "{last_mile}");
    let rtt = cat.user_rtt_ms(lat, lon, use1);
    let measured = cat.rtt_ms(euw1, use1);
    assert!((measured - 69.6).abs() < 0.1, "{measured}");
    assert!((rtt - (measured + last_mile)).abs() < 1e-9, "{rtt}");
    // The distance fit alone says ~92 ms.
    let u = &cat.regions()[use1];
    assert!(
        cat.fit()
            .predict_ms(great_circle_km(lat, lon, u.lat, u.lon))
            > 90.0
    );
    let got = median_ms(&one_user(lat, lon));
    let want = measured + last_mile + MEDIAN_SERVICE_MS;
    assert!((got - want).abs() < 1.5, "median {got} ms, want {want} ms");
}

#[test]
fn an_area_rtt_override_still_wins_over_the_anchor() {
    let toml = one_user(53.30, -6.20).replace(
        "access_latency = \"0ms\"",
        "access_latency = \"0ms\"\nrtt_overrides = { \"AWS:us-east-1\" = \"30ms\" }",
    );
    let got = median_ms(&toml);
    let want = 30.0 + MEDIAN_SERVICE_MS;
    assert!((got - want).abs() < 1.0, "median {got} ms, want {want} ms");
}

/// Users in Tokyo (UTC+9) and São Paulo (UTC−3), each next to a region with its own
/// egress and transfer price, with a strong diurnal curve; the window starts at `hour`.
fn two_time_zones(hour: u32) -> String {
    format!(
        r#"
duration = "10m"
warmup = "1m"
start_utc_hour = {hour}.0
[workload]
peak_rps = 40.0
diurnal = true
trough_fraction = 0.2
read_fraction = 0.5
request_bytes = 1000
response_bytes = 10000
[[areas]]
name = "tokyo"
lat_deg = 35.68
lon_deg = 139.69
jurisdiction = "JP"
share = 0.5
utc_offset_hours = 9.0
[[areas]]
name = "sao-paulo"
lat_deg = -23.55
lon_deg = -46.63
jurisdiction = "BR"
share = 0.5
utc_offset_hours = -3.0
[[regions]]
id = "aws:ap-northeast-1"
instances = 4
[[regions]]
id = "aws:sa-east-1"
instances = 4
[active_active]
writes = "async"
"#
    )
}

#[test]
fn the_monthly_bill_does_not_depend_on_the_hour_simulated() {
    let night = prepare(&two_time_zones(1)).run_layout(LayoutKind::ActiveActive, 3);
    let day = prepare(&two_time_zones(11)).run_layout(LayoutKind::ActiveActive, 3);
    // The windows see different traffic mixes…
    let share = |r: &sim_core::experiment::RunResult| {
        r.rec.areas[0].requests as f64 / r.rec.requests as f64
    };
    assert!(
        (share(&night) - share(&day)).abs() > 0.2,
        "{} {}",
        share(&night),
        share(&day)
    );
    // …and the same bill, up to float rounding of the per-write price sums.
    let same = |a: f64, b: f64| (a - b).abs() <= 1e-12 * a.abs().max(b.abs());
    assert!(same(night.cost.egress, day.cost.egress));
    assert!(same(night.cost.transfer, day.cost.transfer));
    assert!(same(night.cost.total(), day.cost.total()));
    // By hand: each area sends 40 × 0.5 × (1 + 0.2) / 2 req/s over 2,629,800 s a month,
    // served next door: Tokyo at $0.114/GB egress, São Paulo at $0.15/GB; half are writes,
    // each shipping 1 kB to the other region at $0.09/GB from Tokyo, $0.138/GB from
    // São Paulo.
    let monthly = 40.0 * 0.5 * 0.6 * 2_629_800.0;
    let egress = monthly * 1e-5 * (0.114 + 0.15);
    let transfer = monthly * 0.5 * 1e-6 * (0.09 + 0.138);
    assert!(
        (day.cost.egress - egress).abs() < 1e-6,
        "{}",
        day.cost.egress
    );
    assert!(
        (day.cost.transfer - transfer).abs() < 1e-6,
        "{}",
        day.cost.transfer
    );
}

/// `regions.csv` of the textbook M/M/c station: λ = 160/s, μ = 50/s, c = 4 (ρ = 0.8).
#[test]
fn regions_csv_matches_erlang_c_and_littles_law_on_mmc() {
    use sim_core::analytic::erlang::{erlang_c, mmc_mean_wait};
    use sim_core::export::csv_out::regions_csv;
    let toml = r#"
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
[[regions]]
id = "aws:us-east-1"
instances = 4
service_time = { dist = "exponential", mean = "20ms" }
queue_limit = 1000000
[client]
timeout = "1h"
"#;
    let r = prepare(toml).run_layout(LayoutKind::ActiveActive, 3);
    let bytes = regions_csv([r.files()]).unwrap();
    let mut rd = csv::Reader::from_reader(bytes.as_slice());
    let head = rd.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = rd.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), 1);
    let get = |name: &str| -> f64 {
        let i = head.iter().position(|h| h == name).unwrap();
        rows[0][i].parse().unwrap()
    };
    assert_eq!(&rows[0][1], "aws:us-east-1");
    let rel = |got: f64, want: f64| (got - want).abs() / want;
    let (c, lambda, mu) = (4, 160.0, 50.0);
    assert_eq!(get("servers"), 4.0);
    assert!(
        rel(get("utilisation"), 0.8) < 0.01,
        "{}",
        get("utilisation")
    );
    let pw = erlang_c(c, lambda / mu);
    assert!(
        rel(get("p_wait"), pw) < 0.02,
        "P(wait) {} vs {pw}",
        get("p_wait")
    );
    let wq_ms = 1e3 * mmc_mean_wait(c, lambda, mu);
    assert!(
        rel(get("mean_wait_ms"), wq_ms) < 0.05,
        "Wq {} vs {wq_ms}",
        get("mean_wait_ms")
    );
    // Little's law on the file's own numbers: Lq = λ Wq, L = λ (Wq + 1/μ).
    let lambda_seen = get("arrivals") / 3600.0;
    let lq = get("mean_queue_len");
    assert!(
        rel(lq, lambda_seen * get("mean_wait_ms") / 1e3) < 0.01,
        "Lq {lq}"
    );
    assert!(rel(get("mean_in_system"), lq + 4.0 * get("utilisation")) < 1e-3);
    assert!(rel(get("throughput_rps"), lambda) < 0.01);
    assert_eq!(get("rejected"), 0.0);
}

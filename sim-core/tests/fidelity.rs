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

//! Erlang C sizing meets its target in a request-level run, and one server fewer misses it.

use sim_core::analytic::erlang::mmc_response_quantile;
use sim_core::analytic::sizing::{smallest_servers, LatencyTarget};
use sim_core::experiment::load_text;
use sim_core::scenario::LayoutKind;
use std::path::Path;

fn p99_with(servers: u32) -> f64 {
    let toml = format!(
        r#"
duration = "20m"
warmup = "1m"
[workload]
peak_rps = 400.0
diurnal = false
[[areas]]
name = "here"
lat_deg = 39.0
lon_deg = -77.5
jurisdiction = "US"
share = 1.0
access_latency = "0ms"
rtt_overrides = {{ "aws:us-east-1" = "0ms" }}
[[regions]]
id = "aws:us-east-1"
instances = {servers}
service_time = {{ dist = "exponential", mean = "20ms" }}
queue_limit = 1000000
[client]
timeout = "1h"
"#
    );
    let (s, cat) = load_text(&toml, Path::new("sizing.toml")).unwrap();
    let r = sim_core::spec::validate(&s, &cat)
        .unwrap()
        .run_layout(LayoutKind::ActiveActive, 17);
    r.rec.all.quantile_ms(0.99)
}

#[test]
fn erlang_c_sizing_is_tight_in_simulation() {
    // λ = 400/s, μ = 50/s: 8 Erlangs. Put the target halfway (geometrically) between the
    // p99 of k and k − 1 servers, so both sides have a margin over sampling error.
    let (lambda, mu) = (400.0, 50.0);
    let k = 11;
    let (at_k, at_k1) = (
        mmc_response_quantile(k, lambda, mu, 0.99),
        mmc_response_quantile(k - 1, lambda, mu, 0.99),
    );
    let target = (at_k * at_k1).sqrt();
    let sizing = smallest_servers(
        lambda,
        mu,
        LatencyTarget {
            quantile: 0.99,
            latency: target,
        },
        1.0,
    )
    .unwrap();
    assert_eq!(sizing.servers, k);
    let target_ms = target * 1e3;
    let meets = p99_with(k);
    let misses = p99_with(k - 1);
    assert!(
        meets <= target_ms,
        "{k} servers: p99 {meets} ms > target {target_ms} ms"
    );
    assert!(
        misses > target_ms,
        "{} servers: p99 {misses} ms ≤ target {target_ms} ms",
        k - 1
    );
}

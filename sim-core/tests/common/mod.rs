//! What the failure test files share: loading a scenario, the conservation check, and the
//! Virginia–Ohio pair of regions most failure tests start from.
#![allow(dead_code)]

use sim_core::experiment::{load_text, Resolved, RunResult};
use std::path::Path;

pub fn prepare(toml: &str) -> Resolved {
    let (s, cat) =
        load_text(toml, Path::new("test.toml")).unwrap_or_else(|e| panic!("{e}\n{toml}"));
    sim_core::spec::validate(&s, &cat).unwrap_or_else(|e| panic!("{e:?}"))
}

pub fn conserved(r: &RunResult) {
    assert_eq!(
        r.rec.requests,
        r.rec.served + r.rec.failed,
        "{}",
        r.layout()
    );
    assert_eq!(r.rec.in_flight(), 0);
}

/// Two regions in Virginia and Ohio, one user area next to each, measured for
/// `duration`; `extra` adds tables.
pub fn pair(extra: &str, rps: f64, read_fraction: f64, instances: u32, duration: &str) -> String {
    format!(
        r#"
duration = "{duration}"
warmup = "30s"
[workload]
peak_rps = {rps}
diurnal = false
read_fraction = {read_fraction}
[[areas]]
name = "east"
lat_deg = 39.0
lon_deg = -77.5
jurisdiction = "US"
share = 1.0
access_latency = "0ms"
rtt_overrides = {{ "aws:us-east-1" = "2ms", "aws:us-east-2" = "14ms" }}
[[areas]]
name = "ohio"
lat_deg = 40.0
lon_deg = -83.0
jurisdiction = "US"
share = 1.0
access_latency = "0ms"
rtt_overrides = {{ "aws:us-east-1" = "14ms", "aws:us-east-2" = "2ms" }}
[[regions]]
id = "aws:us-east-1"
instances = {instances}
service_time = {{ dist = "exponential", mean = "5ms" }}
[[regions]]
id = "aws:us-east-2"
instances = {instances}
service_time = {{ dist = "exponential", mean = "5ms" }}
[network]
rtt_overrides = [{{ a = "aws:us-east-1", b = "aws:us-east-2", rtt = "2ms" }}]
{extra}
"#
    )
}

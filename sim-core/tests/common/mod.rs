//! What the scenario test files share: loading a scenario, the problems of an invalid one,
//! the conservation check, requests per minute from timeseries.csv, and the Virginia–Ohio
//! pair of regions most failure tests start from.
#![allow(dead_code)]

use sim_core::experiment::{load_text, Resolved, RunResult};
use std::path::Path;

pub fn prepare(toml: &str) -> Resolved {
    let (s, cat) =
        load_text(toml, Path::new("test.toml")).unwrap_or_else(|e| panic!("{e}\n{toml}"));
    sim_core::spec::validate(&s, &cat).unwrap_or_else(|e| panic!("{e:?}"))
}

/// Every problem of an invalid scenario, as the user reads them: the loader's located
/// error, or else each of validation's field errors. Panics when the scenario is valid.
pub fn problems(toml: &str) -> Vec<String> {
    match load_text(toml, Path::new("test.toml")) {
        Err(e) => vec![e.to_string()],
        Ok((s, cat)) => sim_core::spec::validate(&s, &cat)
            .expect_err("the scenario should be invalid")
            .iter()
            .map(|e| e.to_string())
            .collect(),
    }
}

/// Requests per minute handled by `region`, from timeseries.csv: `(minute, requests)`.
pub fn per_minute(r: &RunResult, region: &str) -> Vec<(u64, u64)> {
    let bytes = sim_core::export::csv_out::timeseries_csv([r.files()]).unwrap();
    let mut rd = csv::Reader::from_reader(bytes.as_slice());
    rd.records()
        .map(|x| x.unwrap())
        .filter(|x| &x[2] == region)
        .map(|x| (x[1].parse().unwrap(), x[3].parse().unwrap()))
        .collect()
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

//! Loading scenario files: every problem reported with line, column and field; nothing panics.

use sim_core::scenario::load::load_str;
use sim_core::scenario::validate::{check, Lookup};
use sim_core::scenario::{LayoutKind, Scenario, ScenarioError};
use std::path::Path;

/// A catalog of four regions for tests.
struct World;
impl Lookup for World {
    fn canonical_region(&self, id: &str) -> Result<String, String> {
        const IDS: [&str; 4] = [
            "aws:us-east-1",
            "aws:eu-west-1",
            "aws:us-west-2",
            "gcp:europe-west1",
        ];
        let key = id.trim().to_ascii_lowercase();
        if IDS.contains(&key.as_str()) {
            Ok(key)
        } else {
            Err(format!("unknown region `{id}`"))
        }
    }
    fn default_area_names(&self) -> Vec<String> {
        vec!["us".into(), "eu".into()]
    }
}

fn load(text: &str) -> Result<Scenario, ScenarioError> {
    load_str(text, Path::new("test.toml"), |s| check(s, &World))
}

fn errors(text: &str) -> Vec<String> {
    load(text)
        .expect_err("should fail")
        .to_string()
        .lines()
        .map(String::from)
        .collect()
}

const MINIMAL: &str = r#"
[[regions]]
id = "aws:us-east-1"
"#;

#[test]
fn minimal_file_takes_defaults() {
    let s = load(MINIMAL).unwrap();
    assert_eq!(s.regions[0].instances, 8);
    assert_eq!(s.layout, LayoutKind::ActiveActive);
    assert_eq!(s.client.timeout.to_string(), "2s");
}

#[test]
fn three_kinds_of_error_reported_together_with_places() {
    let text = r#"name = "x"
duration = "10 parsecs"

[workload]
peak_rp = 100.0
read_fraction = 0.5

[[regions]]
id = "aws:us-east-1"

[[areas]]
name = "a"
lat_deg = 1.0
lon_deg = 2.0
jurisdiction = "US"
share = -3.0
"#;
    let e = errors(text);
    assert_eq!(e.len(), 3, "{e:#?}");
    assert!(
        e[0].starts_with("test.toml:2:12: duration: `10 parsecs` is not a duration"),
        "{}",
        e[0]
    );
    assert!(
        e[1].starts_with(
            "test.toml:5:1: workload.peak_rp: unknown field `peak_rp`: did you mean `peak_rps`?"
        ),
        "{}",
        e[1]
    );
    assert!(
        e[2].starts_with("test.toml:16:9: areas[0].share: must be a number greater than 0, got -3"),
        "{}",
        e[2]
    );
}

#[test]
fn wrong_types_unknown_values_and_references() {
    let e = errors(
        r#"layout = "activ-active"
[client]
timeout = 5
[[regions]]
id = "aws:us-est-1"
instances = "many"
"#,
    );
    let all = e.join("\n");
    assert!(
        all.contains(
            "test.toml:1:10: layout: unknown value `activ-active`: did you mean `active-active`?"
        ),
        "{all}"
    );
    assert!(
        all.contains("client.timeout: a bare number has no unit"),
        "{all}"
    );
    assert!(all.contains("regions[0].instances: wrong type"), "{all}");
    assert!(
        all.contains("test.toml:5:6: regions[0].id: unknown region `aws:us-est-1`"),
        "{all}"
    );
}

#[test]
fn empty_region_list_and_probabilities_out_of_range() {
    let all = errors("[workload]\nread_fraction = 1.5\n").join("\n");
    assert!(
        all.contains("read_fraction: must be a probability in [0, 1], got 1.5"),
        "{all}"
    );
    assert!(
        all.contains("regions: the deployment has no regions"),
        "{all}"
    );
}

#[test]
fn references_to_regions_outside_the_deployment() {
    let all = errors(
        r#"[[regions]]
id = "aws:us-east-1"
[[regions]]
id = "aws:eu-west-1"
[active_passive]
primary = "aws:us-west-2"
[sharded.homes]
mars = "aws:us-east-1"
[active_active]
quorum = 3
"#,
    )
    .join("\n");
    assert!(all.contains("test.toml:6:11: active_passive.primary: `aws:us-west-2` is not one of the deployment's regions"), "{all}");
    assert!(
        all.contains("sharded.homes.mars: no area is named `mars` (areas: eu, us)"),
        "{all}"
    );
    assert!(
        all.contains(
            "active_active.quorum: must be between 1 and the number of regions (2), got 3"
        ),
        "{all}"
    );
}

#[test]
fn syntax_errors_have_a_place() {
    let e = errors("name = \"x\"\n[workload\npeak_rps = 1\n");
    assert_eq!(e.len(), 1);
    assert!(e[0].starts_with("test.toml:2:"), "{}", e[0]);
    assert!(e[0].contains("TOML syntax"), "{}", e[0]);
}

#[test]
fn unknown_sections_and_nested_dist_errors() {
    let all = errors(
        r#"[workloads]
peak_rps = 5.0
[[regions]]
id = "aws:us-east-1"
service_time = { dist = "exponental", mean = "4ms" }
"#,
    )
    .join("\n");
    assert!(
        all.contains(
            "test.toml:1:2: workloads: unknown field `workloads`: did you mean `workload`?"
        ),
        "{all}"
    );
    assert!(all.contains("regions[0].service_time"), "{all}");
    assert!(all.contains("exponential"), "{all}");
}

#[test]
fn the_embedded_default_scenario_is_valid() {
    struct Anything;
    impl Lookup for Anything {
        fn canonical_region(&self, id: &str) -> Result<String, String> {
            Ok(id.to_string())
        }
        fn default_area_names(&self) -> Vec<String> {
            vec![]
        }
    }
    let text = include_str!("../../datasets/scenarios/default.toml");
    let s = load_str(text, Path::new("default.toml"), |s| check(s, &Anything)).unwrap();
    assert!(s.regions.len() >= 5);
}

//! Follow-the-sun against a fixed primary (#20): `compare --against-fixed-primary` pins the
//! same scenario with follow-the-sun off as the baseline and prints the paired
//! differences; only the layout that moves differs.

use sim_core::experiment::{load_file, variant};
use std::path::{Path, PathBuf};
use std::process::Command;

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../datasets/examples/{name}"))
}

#[test]
fn the_variant_turns_follow_the_sun_off_and_only_that() {
    let l = load_file(Some(&example("follow-the-sun.toml"))).unwrap();
    let fixed = variant::fixed_primary(&l)
        .expect("it has follow-the-sun")
        .unwrap();
    assert_eq!(fixed.scenario.name, "follow-the-sun (fixed primary)");
    assert!(fixed.spec.follow_the_sun.is_none());
    let mut back = fixed.scenario.clone();
    back.name = l.scenario.name.clone();
    back.active_passive.follow_the_sun = l.scenario.active_passive.follow_the_sun.clone();
    assert_eq!(back, l.scenario, "nothing else changes");
    let none = load_file(Some(&example("zone-outage.toml"))).unwrap();
    assert!(variant::fixed_primary(&none).is_none());
}

/// Per (layout, metric): the difference B − A from differences.csv.
fn differences(dir: &Path) -> Vec<(String, String, f64)> {
    let mut rd = csv::Reader::from_path(dir.join("differences.csv")).unwrap();
    let head = rd.headers().unwrap().clone();
    let col = |n: &str| head.iter().position(|h| h == n).unwrap();
    let (l, m, d) = (col("layout"), col("metric"), col("difference"));
    rd.records()
        .map(|r| {
            let r = r.unwrap();
            (r[l].to_string(), r[m].to_string(), r[d].parse().unwrap())
        })
        .collect()
}

#[test]
fn compare_against_a_fixed_primary_differs_only_where_the_primary_moves() {
    let dir = std::env::temp_dir().join(format!("regionsim-fixed-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let o = Command::new(env!("CARGO_BIN_EXE_regionsim"))
        .arg("compare")
        .arg(example("follow-the-sun.toml"))
        .args(["--against-fixed-primary", "--replications", "2", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        stdout.contains("`follow-the-sun` (B) − baseline `follow-the-sun (fixed primary)` (A)"),
        "{stdout}"
    );
    let diffs = differences(&dir);
    let get = |layout: &str, metric: &str| {
        diffs
            .iter()
            .find(|x| x.0 == layout && x.1 == metric)
            .map(|x| x.2)
            .unwrap_or_else(|| panic!("{layout} {metric} in {diffs:?}"))
    };
    // Active-active runs the same either way (common random numbers): no difference.
    for m in ["p99_ms", "write_p99_ms", "cost_usd_month", "unavailable"] {
        assert_eq!(get("active-active", m), 0.0, "{m}");
    }
    // Active-passive moves: the drain refuses writes, and the Irish writes no longer
    // cross the Atlantic after the switch (the US ones do instead).
    assert!(get("active-passive", "unavailable") > 0.0);
    assert_ne!(get("active-passive", "write_p99_ms"), 0.0);
    let _ = std::fs::remove_dir_all(&dir);

    // Nothing to turn off: a message that says how to add it.
    let o = Command::new(env!("CARGO_BIN_EXE_regionsim"))
        .arg("compare")
        .arg(example("zone-outage.toml"))
        .arg("--against-fixed-primary")
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--against-fixed-primary: the scenario has no follow-the-sun to turn off"),
        "{err}"
    );
}

//! The `regionsim` binary as a user runs it.

use std::path::PathBuf;
use std::process::{Command, Output};

fn regionsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_regionsim"))
        .args(args)
        .output()
        .expect("regionsim runs")
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("regionsim-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn validate_lists_every_problem_with_line_and_column() {
    let dir = temp_dir("validate");
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        "duration = \"ten minutes\"\n\n[workload]\npeak_rsp = 100.0\n\n[[regions]]\nid = \"aws:us-east-1\"\n\n[[areas]]\nname = \"x\"\nlat_deg = 0.0\nlon_deg = 0.0\njurisdiction = \"US\"\nshare = -1.0\n",
    )
    .unwrap();
    let out = regionsim(&["validate", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    let problems: Vec<&str> = err
        .lines()
        .filter(|l| l.starts_with(bad.to_str().unwrap()))
        .collect();
    assert_eq!(problems.len(), 3, "{err}");
    assert!(
        problems[0].contains(":1:12: duration: `ten minutes` is not a duration"),
        "{err}"
    );
    assert!(
        problems[1].contains(
            ":4:1: workload.peak_rsp: unknown field `peak_rsp`: did you mean `peak_rps`?"
        ),
        "{err}"
    );
    assert!(
        problems[2].contains(":14:9: areas[0].share: must be a number greater than 0"),
        "{err}"
    );
    assert!(!err.contains("panicked"));

    let good = dir.join("good.toml");
    std::fs::write(&good, regionsim(&["init"]).stdout).unwrap();
    let out = regionsim(&["validate", good.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn validate_survives_garbage() {
    let dir = temp_dir("garbage");
    for (i, junk) in [
        "\u{0}\u{1}\u{2}",
        "[[[",
        "regions = 5",
        "[regions]\nid = 1",
        "seed = -1",
        "x = \"\u{1F600}\"",
    ]
    .iter()
    .enumerate()
    {
        let f = dir.join(format!("junk{i}.toml"));
        std::fs::write(&f, junk).unwrap();
        let out = regionsim(&["validate", f.to_str().unwrap()]);
        assert!(!out.status.success(), "{junk:?}");
        assert!(
            !text(&out.stderr).contains("panicked"),
            "{junk:?}: {}",
            text(&out.stderr)
        );
    }
    let out = regionsim(&["validate", "/nonexistent/file.toml"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("cannot read the file"));
}

const SMALL: &str = r#"
duration = "20s"
warmup = "5s"
[workload]
peak_rps = 300.0
[[regions]]
id = "aws:us-east-1"
instances = 4
[[regions]]
id = "aws:eu-west-1"
instances = 4
[[regions]]
id = "aws:ap-northeast-1"
instances = 4
"#;

#[test]
fn run_writes_the_same_csv_bytes_twice() {
    let dir = temp_dir("run");
    let scenario = dir.join("small.toml");
    std::fs::write(&scenario, SMALL).unwrap();
    let mut outputs = Vec::new();
    for k in 0..2 {
        let out_dir = dir.join(format!("out{k}"));
        let out = regionsim(&[
            "compare",
            scenario.to_str().unwrap(),
            "--seed",
            "5",
            "--out",
            out_dir.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        let stdout = text(&out.stdout);
        assert!(
            stdout.contains("active-passive") && stdout.contains("sharded"),
            "{stdout}"
        );
        outputs.push(
            ["runs.csv", "areas.csv", "timeseries.csv"]
                .map(|f| std::fs::read(out_dir.join(f)).unwrap()),
        );
    }
    assert_eq!(outputs[0], outputs[1]);
    let runs = String::from_utf8(outputs[0][0].clone()).unwrap();
    assert!(runs.starts_with("layout,seed,requests,served,failed,"));
    assert_eq!(runs.lines().count(), 4, "header + three layouts");
}

#[test]
fn run_rejects_a_bad_layout_and_regions_lists_the_catalog() {
    let out = regionsim(&["run", "--layout", "active-pasive"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("unknown layout"));
    let out = regionsim(&["regions", "--provider", "aws"]);
    assert!(out.status.success());
    let t = text(&out.stdout);
    assert!(t.contains("aws:us-east-1") && !t.contains("gcp:"), "{t}");
    let out = regionsim(&["regions", "--provider", "ibm"]);
    assert!(!out.status.success());
}

#[test]
fn availability_prints_analytic_and_simulated_side_by_side() {
    let dir = temp_dir("availability");
    let out = regionsim(&[
        "availability",
        "--years",
        "2000",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let t = text(&out.stdout);
    for l in ["active-passive", "active-active", "sharded", "95% CI"] {
        assert!(t.contains(l), "{t}");
    }
    let csv = std::fs::read_to_string(dir.join("availability.csv")).unwrap();
    assert_eq!(csv.lines().count(), 4);
    assert!(csv.starts_with("layout,regions,mtbf_h,mttr_h,analytic_availability"));
}

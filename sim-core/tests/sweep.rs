//! Sweeps: expansion, determinism across threads, kill-and-resume, shards and merge, and
//! the errors a user sees. Scenarios are tiny so that the suite stays fast.

use sim_core::experiment::sweep::{SweepError, SweepPlan};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// Three regions, constant load: a run takes milliseconds.
const BASE: &str = r#"
duration = "20s"
warmup = "2s"
[workload]
peak_rps = 200.0
diurnal = false
[[regions]]
id = "aws:us-east-1"
instances = 4
[[regions]]
id = "aws:eu-west-1"
instances = 4
[[regions]]
id = "aws:ap-northeast-1"
instances = 4
[active_active]
quorum = 2
"#;

/// 3 layouts × 2 write modes × 2 replications = 12 runs.
const SWEEP: &str = r#"
base = "base.toml"
seed = 3
replications = 2

[axes]
layout = ["active-passive", "active-active", "sharded"]
"active_active.writes" = ["sync-quorum", "async"]
"#;

fn regionsim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_regionsim"))
        .args(args)
        .output()
        .expect("regionsim runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// A fresh folder holding `base.toml` and `sweep.toml`.
fn setup(name: &str, sweep: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("regionsim-sweep-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    fs::write(d.join("base.toml"), BASE).unwrap();
    fs::write(d.join("sweep.toml"), sweep).unwrap();
    d
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Runs `regionsim sweep` on `dir/sweep.toml` into `dir/out`; panics on failure.
fn sweep_ok(dir: &Path, out: &str, extra: &[&str]) -> String {
    let sweep = dir.join("sweep.toml");
    let out = dir.join(out);
    let mut args = vec!["sweep", s(&sweep), "--out", s(&out)];
    args.extend_from_slice(extra);
    let o = regionsim(&args);
    assert!(o.status.success(), "{args:?}: {}", text(&o.stderr));
    assert!(!text(&o.stderr).contains("panicked"));
    text(&o.stdout)
}

fn outputs(dir: &Path) -> [Vec<u8>; 2] {
    ["runs.csv", "summary.csv"].map(|f| fs::read(dir.join(f)).unwrap())
}

fn part_count(dir: &Path) -> usize {
    fs::read_dir(dir.join("parts")).map_or(0, |rd| {
        rd.flatten()
            .filter(|e| {
                let n = e.file_name();
                let n = n.to_string_lossy();
                n.starts_with("run-") && n.ends_with(".csv")
            })
            .count()
    })
}

#[test]
fn plan_expands_axes_and_zip_groups_in_file_order() {
    let dir = setup("plan", "");
    let text = r#"
base = "base.toml"
seed = 11
replications = 3
[set]
duration = "5s"
[[zip]]
"workload.peak_rps" = [100.0, 300.0]
"regions[0].instances" = [2, 6]
[axes]
layout = ["active-passive", "sharded"]
"routing.dns_ttl" = ["5s", "1m", "5m"]
"#;
    let plan = SweepPlan::from_text(text, &dir.join("sweep.toml")).unwrap();
    assert_eq!(plan.points, 2 * 2 * 3);
    assert_eq!(plan.runs, 12 * 3);
    // `layout` is a run column already; the others are axis columns, in file order.
    assert_eq!(
        plan.columns(),
        [
            "workload.peak_rps",
            "regions[0].instances",
            "routing.dns_ttl"
        ]
    );
    // The zip group is the outermost loop, the TTL the innermost.
    assert_eq!(plan.labels(0), ["100.0", "2", "5s"]);
    assert_eq!(plan.labels(1), ["100.0", "2", "1m"]);
    assert_eq!(plan.labels(3), ["100.0", "2", "5s"]);
    assert_eq!(plan.labels(6), ["300.0", "6", "5s"]);
    assert!(
        plan.describe(3).contains("layout = sharded"),
        "{}",
        plan.describe(3)
    );
    let (sc, _) = plan.load_point(11).unwrap();
    assert_eq!(sc.layout.name(), "sharded");
    assert_eq!(sc.workload.peak_rps, 300.0);
    assert_eq!(sc.regions[0].instances, 6);
    assert_eq!(sc.routing.dns_ttl.to_string(), "5m");
    assert_eq!(
        sc.duration.to_string(),
        "5s",
        "[set] applies to every point"
    );
    // Common random numbers: replication k has one seed at every point; replications differ.
    let id = |r| plan.run_id(r);
    assert_eq!((id(7).point, id(7).replication), (2, 1));
    assert_eq!(id(1).seed, id(7).seed);
    assert_eq!(id(0).seed, id(33).seed);
    assert_ne!(id(0).seed, id(1).seed);
    assert_ne!(id(1).seed, id(2).seed);
    plan.check_points().unwrap();
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn threads_do_not_change_a_byte() {
    let dir = setup("threads", SWEEP);
    sweep_ok(&dir, "t1", &["--threads", "1", "--quiet"]);
    let stdout = sweep_ok(&dir, "t2", &["--threads", "2"]);
    assert!(
        stdout.contains("12 runs (6 points × 2 replications): ran 12"),
        "{stdout}"
    );
    let (a, b) = (outputs(&dir.join("t1")), outputs(&dir.join("t2")));
    assert_eq!(a, b);
    let runs = text(&a[0]);
    let lines: Vec<&str> = runs.lines().collect();
    assert_eq!(lines.len(), 13);
    assert!(
        lines[0].starts_with("run,point,replication,active_active.writes,layout,seed,requests,"),
        "{}",
        lines[0]
    );
    // Rows in run order; every point's replication k has the same seed.
    let cells: Vec<Vec<&str>> = lines[1..].iter().map(|l| l.split(',').collect()).collect();
    for (i, c) in cells.iter().enumerate() {
        assert_eq!(c[0], i.to_string());
        assert_eq!(c[5], cells[i % 2][5], "seed of run {i}");
    }
    assert_ne!(cells[0][5], cells[1][5]);
    assert_eq!((cells[4][4], cells[4][3]), ("active-active", "sync-quorum"));
    let summary = text(&a[1]);
    assert_eq!(summary.lines().count(), 7, "header + 6 points");
    assert!(
        summary.starts_with("point,layout,active_active.writes,n,"),
        "{summary}"
    );
    assert!(summary.contains("p99_ms_mean,p99_ms_sd,p99_ms_ci95"));
    assert!(summary.contains("cost_usd_month_mean"));
    let _ = fs::remove_dir_all(dir);
}

/// 40 runs of 10 points × 4 replications, slow enough (a few tens of ms each on one
/// thread) for a kill to land in the middle.
const LONG_SWEEP: &str = r#"
base = "base.toml"
seed = 5
replications = 4
[set]
duration = "60s"
"workload.peak_rps" = 400.0
[axes]
"regions[0].instances" = [4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
"#;

#[test]
fn a_killed_sweep_resumes_to_the_same_bytes() {
    let dir = setup("kill", LONG_SWEEP);
    let sweep = dir.join("sweep.toml");
    let out = dir.join("killed");
    let mut child = Command::new(env!("CARGO_BIN_EXE_regionsim"))
        .args([
            "sweep",
            s(&sweep),
            "--out",
            s(&out),
            "--threads",
            "1",
            "--quiet",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait for a few finished runs, then SIGKILL: no chance to clean up.
    let mut finished_early = false;
    while part_count(&out) < 3 {
        if child.try_wait().unwrap().is_some() {
            finished_early = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let done = part_count(&out);
    eprintln!("killed after {done} of 40 runs");
    assert!(
        !finished_early && done < 40,
        "the kill came too late: {done} runs done"
    );
    assert!(!out.join("runs.csv").exists());

    let stdout = sweep_ok(&dir, "killed", &["--resume", "--threads", "2"]);
    assert!(
        stdout.contains(&format!("ran {}, {done} already done", 40 - done)),
        "{stdout}"
    );
    sweep_ok(&dir, "whole", &["--threads", "2", "--quiet"]);
    assert_eq!(outputs(&out), outputs(&dir.join("whole")));
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn resume_reruns_damaged_parts_and_drops_temporaries() {
    let dir = setup("damaged", SWEEP);
    sweep_ok(&dir, "ref", &["--quiet"]);
    sweep_ok(&dir, "hurt", &["--quiet"]);
    let hurt = dir.join("hurt");
    let parts = hurt.join("parts");
    // What a crash (or a bad disk) can leave: a missing part, a torn one, a temporary.
    fs::remove_file(parts.join("run-000003.csv")).unwrap();
    let torn = fs::read(parts.join("run-000007.csv")).unwrap();
    fs::write(parts.join("run-000007.csv"), &torn[..torn.len() / 2]).unwrap();
    fs::write(parts.join(".run-000009.csv.tmp-4242"), b"# regionsim").unwrap();
    fs::remove_file(hurt.join("runs.csv")).unwrap();
    let stdout = sweep_ok(&dir, "hurt", &["--resume"]);
    assert!(stdout.contains("ran 2, 10 already done"), "{stdout}");
    assert_eq!(outputs(&hurt), outputs(&dir.join("ref")));
    assert!(!parts.join(".run-000009.csv.tmp-4242").exists());
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn resume_refuses_another_sweep_or_shard_and_a_rerun_needs_resume() {
    let dir = setup("refuse", SWEEP);
    sweep_ok(&dir, "out", &["--quiet"]);
    let out = dir.join("out");
    let again = regionsim(&["sweep", s(&dir.join("sweep.toml")), "--out", s(&out)]);
    assert!(!again.status.success());
    assert!(
        text(&again.stderr).contains("already holds a sweep"),
        "{}",
        text(&again.stderr)
    );

    let other = dir.join("other.toml");
    fs::write(&other, SWEEP.replace("seed = 3", "seed = 4")).unwrap();
    let o = regionsim(&["sweep", s(&other), "--out", s(&out), "--resume"]);
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("holds a different sweep"),
        "{}",
        text(&o.stderr)
    );

    let o = regionsim(&[
        "sweep",
        s(&dir.join("sweep.toml")),
        "--out",
        s(&out),
        "--resume",
        "--shard",
        "1/2",
    ]);
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("holds shard 0/1 of this sweep, not 1/2"),
        "{}",
        text(&o.stderr)
    );
    let _ = fs::remove_dir_all(dir);
}

fn merge(dir: &Path, from: &[&str], out: &str) -> Output {
    let mut args = vec!["merge".to_string()];
    args.extend(from.iter().map(|f| s(&dir.join(f)).to_string()));
    args.extend(["--out".to_string(), s(&dir.join(out)).to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    regionsim(&args)
}

#[test]
fn shards_merge_to_the_unsharded_bytes() {
    let dir = setup("shards", SWEEP);
    sweep_ok(&dir, "whole", &["--quiet"]);
    for i in 0..3 {
        let stdout = sweep_ok(&dir, &format!("s{i}"), &["--shard", &format!("{i}/3")]);
        assert!(
            stdout.contains(&format!("shard {i}/3 (4 runs): ran 4")),
            "{stdout}"
        );
        assert_eq!(part_count(&dir.join(format!("s{i}"))), 4);
        assert!(!dir.join(format!("s{i}/runs.csv")).exists());
    }
    let o = merge(&dir, &["s2", "s0", "s1"], "merged");
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(outputs(&dir.join("merged")), outputs(&dir.join("whole")));
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn merge_refuses_mixed_overlapping_and_incomplete_parts() {
    let dir = setup("merge-refuse", SWEEP);
    for i in 0..3 {
        sweep_ok(
            &dir,
            &format!("s{i}"),
            &["--shard", &format!("{i}/3"), "--quiet"],
        );
    }
    let err = |o: Output| {
        assert!(!o.status.success());
        let e = text(&o.stderr);
        assert!(!e.contains("panicked"), "{e}");
        e
    };

    let e = err(merge(&dir, &["s0", "s1"], "m"));
    assert!(
        e.contains("incomplete: 4 of 12 runs are missing (runs 2, 5, 8, 11)"),
        "{e}"
    );

    // The same shard twice: identical copies of its runs.
    sweep_ok(&dir, "s0-again", &["--shard", "0/3", "--quiet"]);
    let e = err(merge(&dir, &["s0", "s1", "s2", "s0-again"], "m"));
    assert!(e.contains("4 identical (runs 0, 3, 6, 9)"), "{e}");

    // A copy whose result differs.
    let p = dir.join("s0-again/parts/run-000003.csv");
    let changed = text(&fs::read(&p).unwrap()).trim_end().to_string() + "9\n";
    fs::write(&p, changed).unwrap();
    let e = err(merge(&dir, &["s0", "s1", "s2", "s0-again"], "m"));
    assert!(e.contains("1 with DIFFERENT results (runs 3)"), "{e}");
    assert!(e.contains("3 identical (runs 0, 6, 9)"), "{e}");

    // A shard of another sweep (another seed).
    fs::write(
        dir.join("sweep.toml"),
        SWEEP.replace("seed = 3", "seed = 9"),
    )
    .unwrap();
    sweep_ok(&dir, "x2", &["--shard", "2/3", "--quiet"]);
    let e = err(merge(&dir, &["s0", "s1", "x2"], "m"));
    assert!(e.contains("parts of different sweeps"), "{e}");

    // Not a sweep folder at all.
    let e = err(merge(&dir, &["s0", "nowhere"], "m"));
    assert!(e.contains("has no sweep.manifest"), "{e}");
    assert!(!dir.join("m/runs.csv").exists());
    let _ = fs::remove_dir_all(dir);
}

fn sweep_error(sweep: &str) -> String {
    let dir = setup("errors", sweep);
    let o = regionsim(&[
        "sweep",
        s(&dir.join("sweep.toml")),
        "--out",
        s(&dir.join("out")),
    ]);
    assert!(!o.status.success());
    assert!(
        !dir.join("out").exists(),
        "nothing is written for an invalid sweep"
    );
    let e = text(&o.stderr);
    assert!(!e.contains("panicked"), "{e}");
    let _ = fs::remove_dir_all(dir);
    e
}

#[test]
fn a_bad_axis_path_is_reported_at_its_line_with_a_suggestion() {
    let e = sweep_error(
        "base = \"base.toml\"\nseed = 1\n\n[axes]\nlayout = [\"sharded\"]\n\n\"routing.dns_tll\" = [\"10s\", \"60s\"]\n\"regions[0].instances\" = [2, -1]\n\"regions[9].instances\" = [2]\n\"workload.peak_rps\" = [\"fast\"]\n",
    );
    assert!(e.starts_with("error: the sweep is not valid:\n"), "{e}");
    for want in [
        "sweep.toml:7:1: axes.\"routing.dns_tll\": no such field in the scenario: did you mean `routing.dns_ttl`?",
        "sweep.toml:8:30: axes.\"regions[0].instances\"[1]: invalid value: integer `-1`, expected u32",
        "sweep.toml:9:1: axes.\"regions[9].instances\": `regions` has 3 entries in the base scenario: indices run from 0 to 2, not 9",
        "sweep.toml:10:24: axes.\"workload.peak_rps\"[0]: wrong type: string \"fast\", expected f64",
    ] {
        assert!(e.contains(want), "missing {want:?} in\n{e}");
    }
    let e =
        sweep_error("base = \"base.toml\"\nsed = 4\n[axes]\n\"seed\" = [1, 2]\n\"a..b\" = [1]\n");
    assert!(
        e.contains("sweep.toml:2:1: sed: unknown field `sed`: did you mean `seed`?"),
        "{e}"
    );
    assert!(
        e.contains("sweep.toml:4:1: axes.seed: the seed of each run comes from"),
        "{e}"
    );
    assert!(
        e.contains("sweep.toml:5:1: axes.\"a..b\": `a..b` is not a field path"),
        "{e}"
    );
    let e = sweep_error("base = \"missing.toml\"\n");
    assert!(e.contains("sweep.toml:1:8: base: cannot read"), "{e}");
}

#[test]
fn a_zip_group_of_unequal_lengths_is_refused() {
    let e = sweep_error(
        "base = \"base.toml\"\n[[zip]]\n\"workload.peak_rps\" = [100.0, 200.0, 300.0]\n\"regions[0].instances\" = [2, 4]\n",
    );
    assert!(
        e.contains("sweep.toml:4:1: zip[0].\"regions[0].instances\": the lists of a zip group advance together and must have the same length: `workload.peak_rps` has 3 value(s), `regions[0].instances` has 2"),
        "{e}"
    );
    let e =
        sweep_error("base = \"base.toml\"\n[axes]\n\"routing.dns_ttl\" = \"10s\"\nlayout = []\n");
    assert!(
        e.contains("sweep.toml:3:21: axes.\"routing.dns_ttl\": must be a list of values"),
        "{e}"
    );
    assert!(
        e.contains("sweep.toml:4:10: axes.layout: an empty list"),
        "{e}"
    );
}

#[test]
fn plan_errors_are_typed() {
    let dir = setup("typed", "");
    match SweepPlan::from_text("[axes]\nlayout = [\"diagonal\"]\n", &dir.join("s.toml"))
        .and_then(|p| p.check_points())
    {
        Err(SweepError::Sweep(e)) => {
            assert_eq!(e.problems.len(), 1);
            assert_eq!(e.problems[0].line_col, Some((2, 11)));
            assert!(
                e.problems[0]
                    .error
                    .message
                    .contains("unknown value `diagonal`"),
                "{e}"
            );
        }
        other => panic!("{other:?}"),
    }
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn example_sweeps_are_valid() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../datasets/sweeps");
    let mut n = 0;
    for e in fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            let plan = SweepPlan::load(&p).unwrap_or_else(|e| panic!("{e}"));
            plan.check_points().unwrap_or_else(|e| panic!("{e}"));
            assert!(plan.runs > 1);
            n += 1;
        }
    }
    assert!(n >= 1, "no example sweep in {}", dir.display());
}

/// A sweep says its scenarios' warnings once, before running, as `run` does for one
/// scenario: in the base file where the base is to blame, in the sweep file where a value
/// written there is, each distinct warning once however many points share it.
#[test]
fn warnings_of_the_points_are_said_once_and_placed() {
    let late = format!(
        "{BASE}[[failures]]\nkind = \"region-outage\"\nregion = \"aws:us-east-1\"\nstart = \"5m\"\nduration = \"1m\"\n"
    );
    let dir = setup("warnings", SWEEP);
    fs::write(dir.join("base.toml"), &late).unwrap();
    let plan = SweepPlan::load(&dir.join("sweep.toml")).unwrap();
    let w = plan.warnings();
    assert_eq!(w.len(), 1, "six points, one warning: {w:?}");
    let line = late
        .lines()
        .position(|l| l.starts_with("start = "))
        .unwrap()
        + 1;
    assert!(
        w[0].contains(&format!(
            "base.toml:{line}:9: failures[0].start: starts at 5m"
        )),
        "{w:?}"
    );
    assert!(w[0].contains("start it earlier"), "{w:?}");
    // Set from the sweep file: placed there.
    fs::write(
        dir.join("sweep.toml"),
        format!("{SWEEP}[set]\n\"failures[0].start\" = \"1h\"\n"),
    )
    .unwrap();
    let plan = SweepPlan::load(&dir.join("sweep.toml")).unwrap();
    let w = plan.warnings();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains("sweep.toml:") && w[0].contains("set.\"failures[0].start\": starts at 1h"),
        "{w:?}"
    );
    // The command prints them; a clean sweep prints none.
    let out = regionsim(&[
        "sweep",
        dir.join("sweep.toml").to_str().unwrap(),
        "--out",
        dir.join("o").to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert!(
        text(&out.stderr).contains("warning: ") && text(&out.stderr).contains("starts at 1h"),
        "{}",
        text(&out.stderr)
    );
    fs::write(dir.join("base.toml"), BASE).unwrap();
    fs::write(dir.join("sweep.toml"), SWEEP).unwrap();
    assert!(SweepPlan::load(&dir.join("sweep.toml"))
        .unwrap()
        .warnings()
        .is_empty());
    let _ = fs::remove_dir_all(dir);
}

/// A relative file path that a sweep sets (a catalog file) is read from the base
/// scenario's folder, as if written in the base file (docs/sweeps.md): the sweep file's
/// own folder holds a different file of that name, which must not be read.
#[test]
fn a_relative_path_set_by_a_sweep_is_the_base_scenarios() {
    let dir = setup(
        "relative-path",
        "base = \"sub/base.toml\"\n[set]\n\"catalog.rtt\" = \"rtt.csv\"\n",
    );
    fs::create_dir_all(dir.join("sub")).unwrap();
    fs::write(dir.join("sub/base.toml"), BASE).unwrap();
    let header = "src,dst,rtt_ms\n";
    fs::write(
        dir.join("sub/rtt.csv"),
        format!("{header}aws:us-east-1,aws:eu-west-1,70\n"),
    )
    .unwrap();
    // Beside the sweep file: a file that would be refused if it were read.
    fs::write(
        dir.join("rtt.csv"),
        format!("{header}aws:us-east-1,aws:eu-west-1,-1\n"),
    )
    .unwrap();
    let plan = SweepPlan::load(&dir.join("sweep.toml")).unwrap_or_else(|e| panic!("{e}"));
    plan.check_points().unwrap_or_else(|e| panic!("{e}"));
    fs::remove_file(dir.join("sub/rtt.csv")).unwrap();
    let e = SweepPlan::load(&dir.join("sweep.toml"))
        .and_then(|p| p.check_points())
        .unwrap_err()
        .to_string();
    assert!(e.contains("sub/rtt.csv"), "{e}");
    let _ = fs::remove_dir_all(&dir);
}

//! The `regionsim` binary as a user runs it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

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

/// `regionsim ARGS` with standard output and error sent where asked.
fn regionsim_to(args: &[&str], stdout: Stdio, stderr: Stdio) -> Output {
    Command::new(env!("CARGO_BIN_EXE_regionsim"))
        .args(args)
        .stdout(stdout)
        .stderr(stderr)
        .output()
        .expect("regionsim runs")
}

fn full() -> Stdio {
    Stdio::from(
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap(),
    )
}

#[test]
fn a_full_disk_or_closed_pipe_never_makes_it_panic() {
    if !std::path::Path::new("/dev/full").exists() {
        return;
    }
    let dir = temp_dir("full");
    let scenario = dir.join("small.toml");
    std::fs::write(&scenario, SMALL).unwrap();
    let sweep = dir.join("sweep.toml");
    std::fs::write(
        &sweep,
        "base = \"small.toml\"\n[set]\nduration = \"2s\"\nwarmup = \"1s\"\n[axes]\nlayout = [\"sharded\", \"active-active\"]\n",
    )
    .unwrap();
    let (sc, sw) = (scenario.to_str().unwrap(), sweep.to_str().unwrap());
    let out = |n: &str| dir.join(n).to_str().unwrap().to_string();
    let (o1, o2, o3, o4) = (out("o1"), out("o2"), out("o3"), out("o4"));
    let commands: Vec<Vec<&str>> = vec![
        vec!["init"],
        vec!["regions"],
        vec!["--help"],
        vec!["validate", sc],
        vec!["run", sc, "--out", &o1],
        vec!["sweep", sw, "--out", &o2, "--resume"],
        vec!["merge", &o2, "--out", &o3],
    ];
    for args in &commands {
        // Standard output on a full disk: a message and status 1.
        let o = regionsim_to(args, full(), Stdio::piped());
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?} > /dev/full: {err}");
        assert!(
            err.contains("cannot write to standard output") && !err.contains("panicked"),
            "{args:?}: {err}"
        );
        // A reader that went away: quietly status 0.
        let mut child = Command::new(env!("CARGO_BIN_EXE_regionsim"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        assert_eq!(
            o.status.code(),
            Some(0),
            "{args:?} | closed: {}",
            text(&o.stderr)
        );
    }
    // Standard error on a full disk: messages are dropped, the status is the command's own.
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[[[").unwrap();
    let o = regionsim_to(&["validate", bad.to_str().unwrap()], Stdio::null(), full());
    assert_eq!(o.status.code(), Some(1));
    let o = regionsim_to(&["sweep", sw, "--out", &o4], Stdio::null(), full());
    assert_eq!(o.status.code(), Some(0));
    let o = regionsim_to(&["run", "--seed", "x"], Stdio::null(), full());
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_plan_without_a_feasible_design_exits_2_and_says_why_per_objective() {
    let dir = temp_dir("plan-none");
    let tiny = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/plan_tiny.toml");
    let out = dir.join("out");
    let o = regionsim(&[
        "plan",
        tiny,
        "--quick",
        "--slo",
        "p99=5ms",
        "--out",
        out.to_str().unwrap(),
    ]);
    let t = text(&o.stdout);
    assert_eq!(o.status.code(), Some(2), "{t}{}", text(&o.stderr));
    assert!(
        t.contains("p99 ≤ 5 ms: below the network round trip"),
        "{t}"
    );
    assert!(!t.contains("over capacity"), "{t}");
    let designs = std::fs::read_to_string(out.join("designs.csv")).unwrap();
    assert!(
        designs.contains("is below the network round trip"),
        "{designs}"
    );
    let help = text(&regionsim(&["plan", "--help"]).stdout);
    assert!(help.contains("2 when none does"), "{help}");
}

#[test]
fn availability_runs_the_years_asked_or_refuses_naming_the_limit() {
    for bad in ["0", "200000", "-5", "1.5"] {
        let o = regionsim(&["availability", "--years", bad]);
        let e = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "--years {bad}: {e}");
        assert!(e.contains("between 1 and 50000"), "--years {bad}: {e}");
    }
    // The example in the help is within the limit.
    let help = text(&regionsim(&["availability", "--help"]).stdout);
    let example = help
        .lines()
        .find(|l| l.contains("regionsim availability") && l.contains("--years"))
        .unwrap_or_else(|| panic!("{help}"));
    let years: u32 = example
        .split("--years ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .and_then(|y| y.parse().ok())
        .unwrap();
    assert!((1..=50_000).contains(&years), "{example}");
    let dir = temp_dir("years");
    let o = regionsim(&[
        "availability",
        "--years",
        "300",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert!(
        text(&o.stdout).contains("300 simulated years per layout"),
        "{}",
        text(&o.stdout)
    );
}

#[test]
fn an_out_that_is_a_file_is_refused_before_any_work() {
    let dir = temp_dir("out-file");
    let file = dir.join("results.csv");
    std::fs::write(&file, "keep me").unwrap();
    let sweep = dir.join("sweep.toml");
    std::fs::write(&sweep, "[axes]\nlayout = [\"sharded\"]\n").unwrap();
    let f = file.to_str().unwrap();
    for args in [
        vec!["run", "--out", f],
        vec!["compare", "--out", f],
        vec!["availability", "--out", f],
        vec!["sweep", sweep.to_str().unwrap(), "--out", f],
        vec!["plan", "--out", f],
        vec!["merge", dir.to_str().unwrap(), "--out", f],
    ] {
        let o = regionsim(&args);
        let e = text(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {e}");
        assert!(e.contains("is a file, not a folder"), "{args:?}: {e}");
        // Refused before any work: nothing of a run (its table, its files) was printed.
        assert!(
            text(&o.stdout).is_empty(),
            "{args:?} worked before refusing"
        );
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
}

/// A path inside a file (`results.csv/out`) cannot be a folder or hold a report: refused
/// before any simulation, naming the file (the writes failed after the whole run, the
/// report with "File exists").
#[test]
fn an_out_inside_a_file_is_refused_before_any_work() {
    let dir = temp_dir("out-inside-file");
    let file = dir.join("results.csv");
    std::fs::write(&file, "keep me").unwrap();
    let sweep = dir.join("sweep.toml");
    std::fs::write(&sweep, "[axes]\nlayout = [\"sharded\"]\n").unwrap();
    let inside = file.join("deeper/out");
    let inside = inside.to_str().unwrap();
    let report = file.join("r.html");
    for args in [
        vec!["run", "--out", inside],
        vec!["compare", "--out", inside],
        vec!["availability", "--out", inside],
        vec!["sweep", sweep.to_str().unwrap(), "--out", inside],
        vec!["plan", "--out", inside],
        vec!["merge", dir.to_str().unwrap(), "--out", inside],
        vec!["compare", "--report", report.to_str().unwrap()],
    ] {
        let start = std::time::Instant::now();
        let o = regionsim(&args);
        let e = text(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {e}");
        assert!(
            e.contains(&format!("`{}` is a file", file.display())),
            "{args:?}: {e}"
        );
        assert!(
            start.elapsed().as_secs() < 10,
            "{args:?} worked before refusing"
        );
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
    let _ = std::fs::remove_dir_all(&dir);
}

/// An --out in a folder nobody can write in (here /proc, which even root cannot) is
/// refused before the simulation: it ran to the end, then failed to write.
#[test]
fn an_out_that_cannot_be_written_is_refused_before_any_work() {
    if !Path::new("/proc").is_dir() {
        return; // not Linux: no folder that refuses writes to everyone
    }
    for args in [
        vec!["run", "--out", "/proc/regionsim-nope/out"],
        vec!["compare", "--out", "/proc/regionsim-nope"],
        vec!["plan", "--quick", "--out", "/proc/regionsim-nope"],
    ] {
        let o = regionsim(&args);
        let e = text(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {e}");
        assert!(e.contains("cannot write in `/proc`"), "{args:?}: {e}");
        assert!(
            text(&o.stdout).is_empty(),
            "{args:?} worked before refusing"
        );
    }
}

/// A CSV file that cannot be written is named: the message said only the folder
/// ("writing CSV under out: Is a directory"), not which of its six files failed.
#[test]
fn a_csv_that_cannot_be_written_is_named() {
    let dir = temp_dir("csv-blocked");
    let scenario = dir.join("s.toml");
    std::fs::write(
        &scenario,
        "duration = \"2s\"\nwarmup = \"0s\"\n[workload]\npeak_rps = 50.0\n[[regions]]\nid = \"aws:us-east-1\"\n",
    )
    .unwrap();
    let out = dir.join("out");
    let blocked = out.join("regions.csv");
    std::fs::create_dir_all(&blocked).unwrap();
    let o = regionsim(&[
        "run",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let e = text(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(
        e.contains(&format!("{}:", blocked.display())),
        "the message names {}: {e}",
        blocked.display()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn negative_numbers_get_a_plain_message() {
    for (args, want) in [
        (vec!["run", "--seed", "-1"], "≥ 0"),
        (vec!["availability", "--seed", "-7"], "≥ 0"),
        (vec!["sweep", "x.toml", "--threads", "-2"], "≥ 0"),
        // At least one design is printed.
        (vec!["plan", "--top", "-1"], "≥ 1"),
        (vec!["plan", "--instances", "3,-1"], "≥ 0"),
        (vec!["plan", "--replications", "-3"], "≥ 0"),
    ] {
        let o = regionsim(&args);
        let e = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {e}");
        assert!(
            e.contains(&format!("must be a whole number {want}")),
            "{args:?}: {e}"
        );
        assert!(!e.contains("-- -"), "{args:?}: {e}");
    }
}

/// The options of `regionsim ARGS --help` that take a value: `--name` for each
/// `--name <VALUE>` line.
fn value_options(help_args: &[&str]) -> Vec<String> {
    let o = regionsim(help_args);
    assert!(o.status.success(), "{help_args:?}");
    text(&o.stdout)
        .lines()
        .filter_map(|l| {
            let l = l.trim_start();
            let l = l.strip_prefix("-q, ").unwrap_or(l);
            let (flag, rest) = l.strip_prefix("--")?.split_once(' ')?;
            rest.starts_with('<').then(|| format!("--{flag}"))
        })
        .collect()
}

/// `-1` given to any option of any command is that value's problem, said in words, never
/// clap's "unexpected argument '-1'" with its `-- -1` tip (which would pass it as a file).
/// Each command gets arguments that stop it right after parsing (a file that does not
/// exist, `--max-requests 0`), so that a value accepted as a name runs nothing.
#[test]
fn every_option_takes_minus_one_as_its_value() {
    let dir = temp_dir("minus-one");
    let missing = dir.join("missing.toml");
    let missing = missing.to_str().unwrap();
    let commands: Vec<(Vec<&str>, Vec<&str>)> = vec![
        (vec!["run"], vec![missing, "--max-requests", "0"]),
        (vec!["compare"], vec![missing, "--max-requests", "0"]),
        (vec!["availability"], vec![missing, "--years", "1"]),
        (vec!["sweep"], vec![missing]),
        (vec!["merge"], vec![missing, "--out", "o"]),
        (
            vec!["cluster", "slurm"],
            vec![missing, "--shards", "1", "--out", "/tmp/o"],
        ),
        (
            vec!["cluster", "k8s"],
            vec![missing, "--shards", "1", "--out", "/tmp/o", "--image", "x"],
        ),
        (vec!["plan"], vec![missing, "--max-requests", "0"]),
        (vec!["regions"], vec![]),
    ];
    let mut tried = 0;
    for (cmd, base) in &commands {
        let help: Vec<&str> = cmd.iter().copied().chain(["--help"]).collect();
        for flag in value_options(&help) {
            // The base's own value for this flag gives way to the -1 under test.
            let mut args: Vec<&str> = cmd.clone();
            let mut rest = base.iter().copied().peekable();
            while let Some(a) = rest.next() {
                if a == flag {
                    rest.next();
                } else {
                    args.push(a);
                }
            }
            args.extend([flag.as_str(), "-1"]);
            let o = Command::new(env!("CARGO_BIN_EXE_regionsim"))
                .args(&args)
                .current_dir(&dir)
                .output()
                .expect("regionsim runs");
            let e = text(&o.stderr);
            assert_ne!(o.status.code(), Some(101), "{args:?} panicked: {e}");
            assert!(
                !e.contains("unexpected argument '-1'") && !e.contains("-- -1"),
                "{args:?}: {e}"
            );
            tried += 1;
        }
    }
    // Every command has options (run: --layout --seed --out --max-requests, …).
    assert!(tried >= 40, "only {tried} options found in the help texts");
    let _ = std::fs::remove_dir_all(&dir);
}

/// Counts given to the flags clap used to parse by itself say what is wrong, like the
/// others (`--max-requests 1.5` said "invalid digit found in string").
#[test]
fn count_flags_say_what_is_wrong() {
    for (args, want) in [
        (
            vec!["run", "--max-requests", "-1"],
            "must be a whole number ≥ 0",
        ),
        (
            vec!["compare", "--max-requests", "1.5"],
            "must be a whole number, not `1.5`",
        ),
        (
            vec!["sweep", "x.toml", "--max-requests", "-5"],
            "must be a whole number ≥ 0",
        ),
        (
            vec!["plan", "--max-requests", "1e9"],
            "must be a whole number ≥ 0",
        ),
        (
            vec!["compare", "--replications", "-1"],
            "must be a whole number ≥ 0",
        ),
        (
            vec![
                "cluster", "slurm", "x.toml", "--shards", "-1", "--out", "/tmp/o",
            ],
            "must be a whole number ≥ 0",
        ),
        (
            vec![
                "cluster",
                "slurm",
                "x.toml",
                "--shards",
                "2",
                "--threads",
                "1.5",
                "--out",
                "/tmp/o",
            ],
            "must be a whole number, not `1.5`",
        ),
    ] {
        let o = regionsim(&args);
        let e = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {e}");
        assert!(e.contains(want), "{args:?}: {e}");
    }
}

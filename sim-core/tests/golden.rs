//! Golden outputs: fixed scenarios and seeds whose CSV must not change by accident.
//!
//! Each case runs the `regionsim` binary as a user would and compares every
//! deterministic file it writes byte for byte with `tests/golden/<case>/`. A number
//! that moves shows up as a diff of those files; the commit that moves it says why.
//!
//! To accept new outputs after an intended change:
//!
//! ```sh
//! BLESS=1 cargo test -p sim-core --test golden
//! git diff sim-core/tests/golden/      # read it: every moved number needs a reason
//! ```
//!
//! `timing.csv` (wall time) is never compared.

use std::path::{Path, PathBuf};
use std::process::Command;

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn scratch(case: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("regionsim-golden-{case}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `regionsim args… --out <scratch>` and returns the scratch folder.
fn regionsim(case: &str, args: &[&str]) -> PathBuf {
    let out = scratch(case);
    let o = Command::new(env!("CARGO_BIN_EXE_regionsim"))
        .current_dir(golden_dir())
        .args(args)
        .arg("--out")
        .arg(&out)
        .output()
        .expect("regionsim runs");
    assert!(
        o.status.success(),
        "regionsim {args:?} failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

/// Compares `files` of `out` with the golden copies of `case` (or writes them with BLESS=1).
fn check(case: &str, out: &Path, files: &[&str]) {
    let bless = std::env::var_os("BLESS").is_some_and(|v| v == "1");
    let dir = golden_dir().join(case);
    let mut diffs = Vec::new();
    for f in files {
        let got = std::fs::read(out.join(f)).unwrap_or_else(|e| panic!("{case}/{f}: {e}"));
        let want_path = dir.join(f);
        if bless {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&want_path, &got).unwrap();
            continue;
        }
        let want = std::fs::read(&want_path).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (run with BLESS=1 to create it)",
                want_path.display()
            )
        });
        if got != want {
            diffs.push(first_difference(f, &want, &got));
        }
    }
    let _ = std::fs::remove_dir_all(out);
    assert!(
        diffs.is_empty(),
        "golden outputs of `{case}` changed (BLESS=1 accepts them; say why in the commit):\n{}",
        diffs.join("\n")
    );
}

/// The first differing line of a golden file, with its header for context.
fn first_difference(file: &str, want: &[u8], got: &[u8]) -> String {
    let want = String::from_utf8_lossy(want);
    let got = String::from_utf8_lossy(got);
    let header = want.lines().next().unwrap_or("");
    let (mut w, mut g) = (want.lines(), got.lines());
    let mut line = 1;
    loop {
        match (w.next(), g.next()) {
            (Some(a), Some(b)) if a == b => line += 1,
            (a, b) => {
                return format!(
                    "{file}:{line}:\n  header: {header}\n  want:   {}\n  got:    {}",
                    a.unwrap_or("<end of file>"),
                    b.unwrap_or("<end of file>")
                )
            }
        }
    }
}

const RUN_FILES: &[&str] = &[
    "runs.csv",
    "areas.csv",
    "regions.csv",
    "timeseries.csv",
    "incidents.csv",
];

#[test]
fn golden_default_compare() {
    let out = regionsim("default-compare", &["compare"]);
    check("default-compare", &out, RUN_FILES);
}

#[test]
fn golden_failures_compare() {
    let out = regionsim("failures-compare", &["compare", "in/failures.toml"]);
    check("failures-compare", &out, RUN_FILES);
}

#[test]
fn golden_sweep_summary() {
    let out = regionsim(
        "sweep",
        &["sweep", "in/sweep.toml", "--threads", "2", "--quiet"],
    );
    check("sweep", &out, &["runs.csv", "summary.csv"]);
}

#[test]
fn golden_availability() {
    let out = regionsim(
        "availability",
        &["availability", "in/failures.toml", "--years", "2000"],
    );
    check("availability", &out, &["availability.csv"]);
}

#[test]
fn golden_quick_plan() {
    let out = regionsim(
        "plan",
        &[
            "plan",
            "../data/plan_tiny.toml",
            "--quick",
            "--slo",
            "p99=200ms",
            "--slo",
            "availability=0.99",
        ],
    );
    check("plan", &out, &["designs.csv", "pareto.csv"]);
}

/// The example scenarios of `datasets/examples/` (#20), run as a user would: their key
/// numbers (runs.csv, the per-minute series with its `instances`, the incidents and the
/// stations) must not move by accident.
const EXAMPLE_FILES: &[&str] = &["runs.csv", "regions.csv", "timeseries.csv", "incidents.csv"];

#[test]
fn golden_example_zone_outage() {
    let out = regionsim(
        "example-zone-outage",
        &["run", "../../../datasets/examples/zone-outage.toml"],
    );
    check("example-zone-outage", &out, EXAMPLE_FILES);
}

#[test]
fn golden_example_dependency_outage() {
    let out = regionsim(
        "example-dependency-outage",
        &[
            "compare",
            "../../../datasets/examples/dependency-outage.toml",
        ],
    );
    check("example-dependency-outage", &out, EXAMPLE_FILES);
    // The annual model with both dependencies' random outages as common causes.
    let out = regionsim(
        "example-dependency-availability",
        &[
            "availability",
            "../../../datasets/examples/dependency-outage.toml",
            "--years",
            "2000",
        ],
    );
    check(
        "example-dependency-availability",
        &out,
        &["availability.csv"],
    );
}

#[test]
fn golden_example_autoscaling() {
    let out = regionsim(
        "example-autoscaling",
        &["run", "../../../datasets/examples/autoscaling.toml"],
    );
    check("example-autoscaling", &out, EXAMPLE_FILES);
}

#[test]
fn golden_example_follow_the_sun() {
    let out = regionsim(
        "example-follow-the-sun",
        &["run", "../../../datasets/examples/follow-the-sun.toml"],
    );
    check("example-follow-the-sun", &out, EXAMPLE_FILES);
}

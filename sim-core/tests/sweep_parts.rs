//! What a sweep folder can hold after accidents, and what is read from it: parts cut short
//! at every byte, manifests with huge counts or an old format, axis paths thousands of
//! parts deep. Driven through the library, so that every truncation length is cheap.

use sim_core::experiment::sweep::{self, Options, Shard, Silent, SweepError, SweepPlan};
use std::fs;
use std::path::{Path, PathBuf};

const BASE: &str = "duration = \"3s\"\nwarmup = \"1s\"\n[workload]\npeak_rps = 50.0\ndiurnal = false\n\
[[regions]]\nid = \"aws:us-east-1\"\ninstances = 2\n[[regions]]\nid = \"aws:eu-west-1\"\ninstances = 2\n";
const SWEEP: &str =
    "base = \"base.toml\"\nseed = 1\n[axes]\nlayout = [\"active-active\", \"sharded\"]\n";

fn setup(name: &str) -> (PathBuf, SweepPlan) {
    let d = std::env::temp_dir().join(format!("regionsim-parts-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    fs::write(d.join("base.toml"), BASE).unwrap();
    fs::write(d.join("sweep.toml"), SWEEP).unwrap();
    let plan = SweepPlan::load(&d.join("sweep.toml")).unwrap();
    (d, plan)
}

fn run(plan: &SweepPlan, out: &Path, shard: Shard, resume: bool) -> sweep::Outcome {
    let opts = Options {
        out: out.to_path_buf(),
        threads: 1,
        resume,
        shard,
        max_requests: u64::MAX,
    };
    sweep::run_sweep(plan, &opts, &Silent).unwrap()
}

fn outputs(dir: &Path) -> [Vec<u8>; 2] {
    ["runs.csv", "summary.csv"].map(|f| fs::read(dir.join(f)).unwrap())
}

#[test]
fn a_part_cut_short_at_any_byte_is_refused_by_merge_and_rerun_by_resume() {
    let (d, plan) = setup("cut");
    run(&plan, &d.join("whole"), Shard::ALL, false);
    let s0 = d.join("s0");
    let s1 = d.join("s1");
    run(&plan, &s0, Shard { index: 0, count: 2 }, false);
    run(&plan, &s1, Shard { index: 1, count: 2 }, false);
    let part = sweep::store::part_path(&s1, 1);
    let good = fs::read(&part).unwrap();
    let text = String::from_utf8(good.clone()).unwrap();
    assert!(
        text.lines().last().unwrap().starts_with("# end crc32 "),
        "{text}"
    );
    // The checksum lives in the part only: runs.csv has the row alone.
    let runs = String::from_utf8(fs::read(d.join("whole/runs.csv")).unwrap()).unwrap();
    assert!(
        !runs.contains("crc32") && !runs.contains("# regionsim"),
        "{runs}"
    );

    let dirs = [s0.clone(), s1.clone()];
    for keep in 0..good.len() {
        fs::write(&part, &good[..keep]).unwrap();
        let merged = d.join("merged-cut");
        match sweep::merge(&dirs, &merged) {
            Ok(_) => panic!("a part cut to {keep} of {} bytes was merged", good.len()),
            Err(e) => {
                let e = e.to_string();
                assert!(e.contains("run-000001.csv"), "cut to {keep}: {e}");
            }
        }
    }
    // A changed byte is caught by the checksum.
    let flipped =
        text.replacen("sharded", "shardee", 1)
            .replacen("active-active", "active-activf", 1);
    fs::write(&part, flipped).unwrap();
    let e = sweep::merge(&dirs, &d.join("merged-flip"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("checksum does not match"), "{e}");

    // --resume runs a cut part again, and the result is byte-identical.
    fs::write(&part, &good[..good.len() - 3]).unwrap();
    let o = run(&plan, &s1, Shard { index: 1, count: 2 }, true);
    assert_eq!(o.ran, 1);
    assert!(o.redone[0].contains("run-000001.csv"), "{:?}", o.redone);
    assert_eq!(fs::read(&part).unwrap(), good);
    let (_, written) = sweep::merge(&dirs, &d.join("merged")).unwrap();
    assert_eq!(written.len(), 2);
    assert_eq!(outputs(&d.join("merged")), outputs(&d.join("whole")));
    let _ = fs::remove_dir_all(d);
}

#[test]
fn manifests_with_huge_counts_or_an_old_format_are_refused_naming_file_and_field() {
    let (d, plan) = setup("manifest");
    let s0 = d.join("s0");
    run(&plan, &s0, Shard { index: 0, count: 2 }, false);
    let manifest = s0.join("sweep.manifest");
    let original = fs::read_to_string(&manifest).unwrap();
    let merge_err = |text: &str| {
        fs::write(&manifest, text).unwrap();
        sweep::merge(std::slice::from_ref(&s0), &d.join("m"))
            .unwrap_err()
            .to_string()
    };
    // More than a sweep can have: refused before anything is allocated for it.
    let e = merge_err(
        &original
            .replace("runs = 2", "runs = 9000000000000000000")
            .replace("points = 2", "points = 9000000000000000000"),
    );
    assert!(e.contains("sweep.manifest") && e.contains("`runs`"), "{e}");
    // In range but huge: refused as incomplete, from the parts present, without a
    // per-run table.
    let e = merge_err(
        &original
            .replace("runs = 2", "runs = 4000000000")
            .replace("points = 2", "points = 4000000000"),
    );
    assert!(
        e.contains("3999999999 of 4000000000 runs are missing"),
        "{e}"
    );
    let e = merge_err(&original.replace("format = 2", "format = 1"));
    assert!(
        e.contains("sweep.manifest") && e.contains("format 1, this one reads 2"),
        "{e}"
    );
    let e = merge_err(&"x".repeat(2 << 20));
    assert!(
        e.contains("sweep.manifest") && e.contains("larger than"),
        "{e}"
    );
    // --resume reads the manifest through the same checks.
    fs::write(
        &manifest,
        original.replace("runs = 2", "runs = 99999999999"),
    )
    .unwrap();
    let opts = Options {
        out: s0.clone(),
        threads: 1,
        resume: true,
        shard: Shard { index: 0, count: 2 },
        max_requests: u64::MAX,
    };
    let e = sweep::run_sweep(&plan, &opts, &Silent).unwrap_err();
    assert!(matches!(e, SweepError::Part { .. }), "{e}");
    assert!(e.to_string().contains("manifest field `runs`"), "{e}");
    let _ = fs::remove_dir_all(d);
}

#[test]
fn an_axis_path_thousands_of_parts_deep_is_refused_at_its_line() {
    for path in [
        vec!["workload"; 5000].join("."),
        format!("regions{}", "[0]".repeat(5000)),
    ] {
        let text = format!("seed = 1\n[axes]\n\"{path}\" = [1, 2]\n");
        let e = SweepPlan::from_text(&text, Path::new("deep.toml")).unwrap_err();
        let e = e.to_string();
        assert!(
            e.contains("deep.toml:3:1") && e.contains("more than 32 parts"),
            "{e}"
        );
    }
}

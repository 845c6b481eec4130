//! A corpus of broken inputs, each run through the `regionsim` binary: the command must fail
//! without panicking, name the place (file:line:column) where there is one, and say what
//! is wrong.
//!
//! The cases are listed in `tests/data/broken/cases.txt`, one a line:
//!
//! ```text
//! ARGS | AT | EXPECTED
//! validate @scenario/empty.toml | - | the file is empty
//! ```
//!
//! `ARGS` are split at spaces; `@x` is the path `tests/data/broken/x`, `@out` a fresh folder,
//! `@file` an existing regular file, and `@merge/NAME` a sweep folder damaged in the way
//! NAME says (see [`merge_folder`]). `AT` is `LINE:COL`, which the error must show right
//! after the first `@` file's path, or `-`. `EXPECTED` must appear in standard error.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn broken_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/broken")
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("regionsim-broken-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

fn regionsim(args: &[String]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_regionsim"))
        .args(args)
        .output()
        .expect("regionsim runs")
}

/// A tiny base scenario: a sweep of it takes a moment.
const BASE: &str = "duration = \"5s\"\nwarmup = \"1s\"\n[workload]\npeak_rps = 50.0\ndiurnal = false\n\
[[regions]]\nid = \"aws:us-east-1\"\ninstances = 2\n[[regions]]\nid = \"aws:eu-west-1\"\ninstances = 2\n";
const SWEEP: &str =
    "base = \"base.toml\"\nseed = 1\n[axes]\nlayout = [\"active-active\", \"sharded\"]\n";

/// Two shard folders of one small sweep (and a folder of another sweep), made once.
struct Sweeps {
    root: PathBuf,
}

impl Sweeps {
    fn new() -> Sweeps {
        let root = temp("sweeps");
        fs::write(root.join("base.toml"), BASE).unwrap();
        fs::write(root.join("sweep.toml"), SWEEP).unwrap();
        fs::write(
            root.join("other.toml"),
            SWEEP.replace("seed = 1", "seed = 2"),
        )
        .unwrap();
        for (file, shard, out) in [
            ("sweep.toml", "0/2", "s0"),
            ("sweep.toml", "1/2", "s1"),
            ("other.toml", "1/2", "o1"),
        ] {
            let o = regionsim(
                &[
                    "sweep",
                    root.join(file).to_str().unwrap(),
                    "--shard",
                    shard,
                    "--quiet",
                    "--out",
                    root.join(out).to_str().unwrap(),
                ]
                .map(String::from),
            );
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        }
        Sweeps { root }
    }

    /// A copy of shard folder `from` damaged as `name` says, beside an intact shard 0; the
    /// folders to pass to `regionsim merge`.
    fn merge_folder(&self, name: &str) -> Vec<PathBuf> {
        let case = temp(&format!("merge-{name}"));
        let copy = |from: &str, to: &str| {
            let d = case.join(to);
            fs::create_dir_all(d.join("parts")).unwrap();
            fs::copy(
                self.root.join(from).join("sweep.manifest"),
                d.join("sweep.manifest"),
            )
            .unwrap();
            for e in fs::read_dir(self.root.join(from).join("parts")).unwrap() {
                let e = e.unwrap();
                fs::copy(e.path(), d.join("parts").join(e.file_name())).unwrap();
            }
            d
        };
        let s0 = copy("s0", "s0");
        let s1 = copy("s1", "s1");
        let part1 = s1.join("parts/run-000001.csv");
        let manifest = s1.join("sweep.manifest");
        let edit = |p: &Path, f: &dyn Fn(String) -> String| {
            let t = fs::read_to_string(p).unwrap();
            fs::write(p, f(t)).unwrap();
        };
        let mut dirs = vec![s0.clone(), s1.clone()];
        match name {
            "truncated-1-byte" | "truncated-terminator" | "truncated-to-row" => {
                let b = fs::read(&part1).unwrap();
                let text = String::from_utf8(b.clone()).unwrap();
                let keep = match name {
                    "truncated-1-byte" => b.len() - 1,
                    "truncated-terminator" => b.len() - 5,
                    _ => text.rfind("# end").unwrap(),
                };
                fs::write(&part1, &b[..keep]).unwrap();
            }
            "flipped-byte" => edit(&part1, &|t| t.replacen(',', ";", 1)),
            "empty-part" => fs::write(&part1, "").unwrap(),
            "huge-part" => fs::write(&part1, vec![b'x'; 2 << 20]).unwrap(),
            "part-of-another-run" => {
                fs::copy(s0.join("parts/run-000000.csv"), &part1).unwrap();
            }
            "part-outside-sweep" => {
                fs::copy(&part1, s1.join("parts/run-000099.csv")).unwrap();
            }
            "manifest-huge-runs" => edit(&manifest, &|t| {
                t.replace("runs = 2", "runs = 99999999999999")
                    .replace("points = 2", "points = 99999999999999")
            }),
            "manifest-in-range-huge" => {
                for m in [&manifest, &s0.join("sweep.manifest")] {
                    edit(m, &|t| {
                        t.replace("runs = 2", "runs = 4000000000")
                            .replace("points = 2", "points = 4000000000")
                    })
                }
            }
            "manifest-old-format" => edit(&manifest, &|t| t.replace("format = 2", "format = 1")),
            "manifest-garbage" => fs::write(&manifest, [0xff, 0x00, 0x13, 0x37]).unwrap(),
            "manifest-missing" => fs::remove_file(&manifest).unwrap(),
            "manifest-disagrees" => edit(&manifest, &|t| t.replace("runs = 2", "runs = 3")),
            "another-sweep" => dirs[1] = self.root.join("o1"),
            "same-folder-twice" => dirs[1] = s0.clone(),
            "missing-shard" => dirs.truncate(1),
            "shard-given-twice" => dirs.push(copy("s1", "s1-again")),
            other => panic!("unknown merge case {other}"),
        }
        dirs
    }
}

#[test]
fn broken_inputs_fail_with_located_messages_and_never_panic() {
    let dir = broken_dir();
    let list = fs::read_to_string(dir.join("cases.txt")).unwrap();
    let sweeps = Sweeps::new();
    let file = temp("a-file").join("results.csv");
    fs::write(&file, "not a folder").unwrap();
    let mut failures = Vec::new();
    let mut n = 0;
    for (i, line) in list.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        n += 1;
        let parts: Vec<&str> = line.splitn(3, " | ").collect();
        assert_eq!(
            parts.len(),
            3,
            "cases.txt:{}: want `ARGS | AT | EXPECTED`",
            i + 1
        );
        let (args, at, expected) = (parts[0], parts[1].trim(), parts[2].trim());
        let mut first_file: Option<PathBuf> = None;
        let mut argv = Vec::new();
        for a in args.split_whitespace() {
            if a == "@out" {
                argv.push(temp(&format!("out-{i}")).display().to_string());
            } else if a == "@file" {
                argv.push(file.display().to_string());
            } else if let Some(m) = a.strip_prefix("@merge/") {
                for d in sweeps.merge_folder(m) {
                    argv.push(d.display().to_string());
                }
            } else if let Some(f) = a.strip_prefix('@') {
                let p = dir.join(f);
                first_file.get_or_insert(p.clone());
                argv.push(p.display().to_string());
            } else {
                argv.push(a.to_string());
            }
        }
        let out = regionsim(&argv);
        let err = String::from_utf8_lossy(&out.stderr);
        let code = out.status.code();
        let mut why = Vec::new();
        if code == Some(0) {
            why.push("succeeded".to_string());
        }
        if code == Some(101) || code.is_none() || err.contains("panicked") {
            why.push(format!("crashed ({code:?})"));
        }
        if !err.contains(expected) {
            why.push(format!("no `{expected}`"));
        }
        if at != "-" {
            let f = first_file.as_ref().expect("AT needs an @ file");
            let want = format!("{}:{at}", f.display());
            if !err.contains(&want) {
                why.push(format!("not located at {at}"));
            }
        }
        if !why.is_empty() {
            failures.push(format!(
                "cases.txt:{}: `{args}`: {}\n    stderr: {}",
                i + 1,
                why.join(", "),
                err.trim().replace('\n', "\n            ")
            ));
        }
    }
    assert!(n >= 60, "the corpus has {n} cases, want at least 60");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

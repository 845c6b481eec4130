//! Fuzzing on stable Rust: proptest feeds random and mutated inputs to every parser of
//! user files — the scenario loader, the sweep file (and each point it expands to), the
//! sweep folder's manifest and part files, field paths and durations — and checks that
//! none panics and that errors are located (a syntax error has a line and column inside
//! the text; every message names its file).
//!
//! Inputs are either arbitrary strings or a valid file mutated by a few edits (byte flips,
//! cuts, duplicated slices, and insertions from a dictionary of TOML tokens and nasty
//! values: `-1`, `1e400`, a BOM, deep brackets, huge integers), so most cases get past the
//! TOML syntax into the deserialiser and the checks.
//!
//! `cargo test` runs a short pass (256 cases per target by default). For a long run set
//! `REGIONSIM_FUZZ_CASES` (cases per target; there are six targets), e.g.
//! `REGIONSIM_FUZZ_CASES=170000 cargo test -p sim-core --release --test fuzz`; the result of
//! the last long run is recorded in docs/fuzzing.md.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use sim_core::engine::time::SimDuration;
use sim_core::experiment::load_text;
use sim_core::experiment::sweep::store::{check_part, part_bytes};
use sim_core::experiment::sweep::{path, Manifest, Shard, SweepPlan};
use sim_core::experiment::DEFAULT_SCENARIO;
use sim_core::metrics::summary::run_columns;
use sim_core::scenario::ScenarioError;
use std::path::Path;

fn cases() -> u32 {
    std::env::var("REGIONSIM_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(256)
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        max_shrink_iters: 2_000,
        ..Config::default()
    })
}

/// Tokens that mutations insert: TOML syntax and values that reach edge cases.
const DICT: &[&str] = &[
    "[",
    "]",
    "{",
    "}",
    "=",
    "\"",
    "'",
    ",",
    ".",
    "\n",
    "#",
    "[[regions]]",
    "[workload]",
    "-1",
    "0",
    "1e400",
    "-0.0",
    "nan",
    "inf",
    "-inf",
    "99999999999999999999999",
    "18446744073709551616",
    "\u{FEFF}",
    "\u{0}",
    "\"aws:us-east-1\"",
    "\"aws:nowhere-1\"",
    "true",
    "\"3 sec\"",
    "\"-1s\"",
    "\"1e400s\"",
    "\"999999999d\"",
    "[[[[[[[[[[[[[[[[",
    "a.b.c.d.e.f.g.h.i.j",
    "\"\"",
    "[]",
    "{}",
    "instances = 0",
    "share = -1",
    "quorum = 99",
    "peak_rps = 1e308",
    "duration = \"0s\"",
];

/// One edit of a byte string.
#[derive(Clone, Debug)]
enum Edit {
    Flip(usize, u8),
    Cut(usize, usize),
    Insert(usize, usize),
    Duplicate(usize, usize),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(p, b)| Edit::Flip(p, b)),
        (any::<usize>(), 1usize..64).prop_map(|(p, n)| Edit::Cut(p, n)),
        (any::<usize>(), 0..DICT.len()).prop_map(|(p, t)| Edit::Insert(p, t)),
        (any::<usize>(), 1usize..200).prop_map(|(p, n)| Edit::Duplicate(p, n)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn apply(seed: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut b = seed.to_vec();
    for e in edits {
        let len = b.len().max(1);
        match *e {
            Edit::Flip(p, x) => {
                if !b.is_empty() {
                    b[p % len] = x;
                }
            }
            Edit::Cut(p, n) => {
                let p = p % len.min(b.len() + 1);
                let end = (p + n).min(b.len());
                b.drain(p.min(end)..end);
            }
            Edit::Insert(p, t) => {
                let p = p % (b.len() + 1);
                b.splice(p..p, DICT[t].bytes());
            }
            Edit::Duplicate(p, n) => {
                let p = p % (b.len() + 1);
                let end = (p + n).min(b.len());
                let slice = b[p..end].to_vec();
                b.splice(p..p, slice);
            }
            Edit::Truncate(p) => b.truncate(p % (b.len() + 1)),
        }
    }
    b
}

/// Text made of a valid `seed` with a few edits, or arbitrary text.
fn mutated(seed: &'static str) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::collection::vec(edit(), 1..6)
            .prop_map(move |e| String::from_utf8_lossy(&apply(seed.as_bytes(), &e)).into_owned()),
        1 => any::<String>(),
        1 => proptest::collection::vec(any::<u8>(), 0..300)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
    ]
}

/// Every problem is located sensibly: a position inside the text, the file named, and a
/// TOML syntax error always has a position.
fn check_located(e: &ScenarioError, text: &str, source: &Path) -> Result<(), TestCaseError> {
    let lines = text.split('\n').count();
    prop_assert!(!e.problems.is_empty(), "an error without problems");
    for p in &e.problems {
        if let Some((l, c)) = p.line_col {
            prop_assert!(
                l >= 1 && l <= lines && c >= 1,
                "{l}:{c} is outside the text"
            );
        } else {
            prop_assert!(
                !p.error.message.starts_with("TOML syntax"),
                "a syntax error without a place: {}",
                p.error
            );
        }
    }
    let shown = e.to_string();
    prop_assert!(shown.contains(&*source.to_string_lossy()), "{shown}");
    Ok(())
}

#[test]
fn scenario_loader_never_panics_and_locates_errors() {
    let source = Path::new("fuzz/scenario.toml");
    runner()
        .run(&mutated(DEFAULT_SCENARIO), |text| {
            if let Err(e) = load_text(&text, source) {
                check_located(&e, &text, source)?;
            }
            Ok(())
        })
        .unwrap();
}

const SWEEP: &str = r#"seed = 7
replications = 2
[set]
duration = "2m"
"workload.peak_rps" = 900.0
[axes]
layout = ["active-passive", "active-active", "sharded"]
"routing.dns_ttl" = ["10s", "60s"]
[[zip]]
"regions[0].instances" = [12, 24]
"regions[1].instances" = [8, 16]
"#;

#[test]
fn sweep_files_and_their_points_never_panic() {
    let source = Path::new("fuzz/sweep.toml");
    runner()
        .run(&mutated(SWEEP), |text| {
            match SweepPlan::from_text(&text, source) {
                Ok(plan) => {
                    // Expanding points sets values on the base and loads it again: a
                    // few points exercise that path too.
                    if plan.points <= 4 {
                        for p in 0..plan.points {
                            let _ = plan.load_point(p);
                        }
                    }
                }
                Err(e) => {
                    let shown = e.to_string();
                    prop_assert!(!shown.is_empty());
                    if let sim_core::experiment::sweep::SweepError::Sweep(e) = &e {
                        check_located(e, &text, source)?;
                    }
                }
            }
            Ok(())
        })
        .unwrap();
}

fn manifest() -> Manifest {
    Manifest {
        hash: 0x0123_4567_89ab_cdef,
        source: "sweep.toml".into(),
        runs: 12,
        points: 6,
        replications: 2,
        seed: 7,
        shard: Shard::ALL,
        axes: vec!["routing.dns_ttl".into()],
    }
}

#[test]
fn manifests_never_panic() {
    let text: &'static str = Box::leak(manifest().to_text().into_boxed_str());
    runner()
        .run(&mutated(text), |t| {
            if let Ok(m) = Manifest::parse(&t) {
                prop_assert!(m.replications >= 1 && m.points * m.replications == m.runs);
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn part_files_never_panic_and_cut_parts_never_verify() {
    let m = manifest();
    let mut row: Vec<String> = vec!["5".into(), "2".into(), "1".into(), "60s".into()];
    row.extend((0..run_columns().len()).map(|i| format!("{i}.5")));
    let good = part_bytes(m.hash, 5, &row).unwrap();
    assert!(check_part(&good, &m, 5).is_ok());
    let seed: &'static str = Box::leak(String::from_utf8(good.clone()).unwrap().into_boxed_str());
    runner()
        .run(&(mutated(seed), 0..good.len()), |(text, cut)| {
            let bytes = text.into_bytes();
            if let Ok(rec) = check_part(&bytes, &m, 5) {
                // Only an intact file verifies (a mutation that changes nothing is one).
                prop_assert_eq!(&bytes, &good, "a damaged part verified as {:?}", rec);
            }
            prop_assert!(check_part(&good[..cut], &m, 5).is_err(), "cut at {}", cut);
            Ok(())
        })
        .unwrap();
}

#[test]
fn field_paths_never_panic() {
    let strategy = prop_oneof![
        mutated("regions[0].instances"),
        mutated("routing.weights.\"aws:us-east-1\""),
        (1usize..6000, any::<bool>()).prop_map(|(n, keys)| if keys {
            vec!["a"; n].join(".")
        } else {
            format!("a{}", "[0]".repeat(n))
        }),
    ];
    runner()
        .run(&strategy, |t| {
            if let Ok(p) = path::parse(&t) {
                prop_assert!(!p.0.is_empty() && p.0.len() <= path::MAX_DEPTH);
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn durations_never_panic() {
    let strategy = prop_oneof![
        mutated("250ms"),
        mutated("1.5 h"),
        "[-+0-9.eE]{0,30} ?[a-zµ]{0,4}",
        any::<String>(),
    ];
    runner()
        .run(&strategy, |t| {
            match t.parse::<SimDuration>() {
                Ok(d) => prop_assert_eq!(d.to_string().parse::<SimDuration>(), Ok(d)),
                Err(e) => prop_assert!(e.to_string().contains("is not a duration")),
            }
            Ok(())
        })
        .unwrap();
}

//! Randomised hostile input for the zone, dependency, autoscaling and follow-the-sun
//! examples: proptest replaces one to three values of `datasets/examples/*.toml` — any
//! number or duration in the file — with hostile ones (0, −1, huge, NaN, ±inf, u32 and
//! u64 overflows, `"1ns"`, `"-1s"`, 584 years, a value of the wrong type), then loads the
//! result and, when it is valid, runs every layout of it.
//!
//! Asserted: nothing panics (proptest reports a panic as a failure, with the smallest
//! input it shrinks to); every problem is located inside the text and the message names
//! the file; a valid mutation simulates (shortened to a bounded size first, so that a
//! hostile `duration` or `peak_rps` cannot make the test slow — the budget's refusal of
//! long runs is covered by `tests/hostile.rs`).
//!
//! `cargo test` runs 48 cases per example; set `REGIONSIM_FUZZ_CASES` for a longer run.

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestRunner};
use sim_core::engine::SimDuration;
use sim_core::experiment::budget::estimate;
use sim_core::experiment::load_checked;
use sim_core::scenario::LayoutKind;
use std::path::Path;
use toml_edit::{DocumentMut, Item, Value};

const EXAMPLES: [(&str, &str); 4] = [
    (
        "zone-outage",
        include_str!("../../datasets/examples/zone-outage.toml"),
    ),
    (
        "dependency-outage",
        include_str!("../../datasets/examples/dependency-outage.toml"),
    ),
    (
        "autoscaling",
        include_str!("../../datasets/examples/autoscaling.toml"),
    ),
    (
        "follow-the-sun",
        include_str!("../../datasets/examples/follow-the-sun.toml"),
    ),
];

fn cases() -> u32 {
    std::env::var("REGIONSIM_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48)
}

/// One step into a TOML document.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

/// The paths of every number and duration string in `doc`.
fn leaves(doc: &DocumentMut) -> Vec<Vec<Step>> {
    fn item(i: &Item, at: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
        match i {
            Item::Table(t) => {
                for (k, v) in t.iter() {
                    at.push(Step::Key(k.to_string()));
                    item(v, at, out);
                    at.pop();
                }
            }
            Item::ArrayOfTables(a) => {
                for (n, t) in a.iter().enumerate() {
                    at.push(Step::Index(n));
                    for (k, v) in t.iter() {
                        at.push(Step::Key(k.to_string()));
                        item(v, at, out);
                        at.pop();
                    }
                    at.pop();
                }
            }
            Item::Value(v) => value(v, at, out),
            Item::None => {}
        }
    }
    fn value(v: &Value, at: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
        match v {
            Value::Integer(_) | Value::Float(_) => out.push(at.clone()),
            Value::String(s) if s.value().parse::<SimDuration>().is_ok() => out.push(at.clone()),
            Value::InlineTable(t) => {
                for (k, v) in t.iter() {
                    at.push(Step::Key(k.to_string()));
                    value(v, at, out);
                    at.pop();
                }
            }
            Value::Array(a) => {
                for (n, v) in a.iter().enumerate() {
                    at.push(Step::Index(n));
                    value(v, at, out);
                    at.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    item(doc.as_item(), &mut Vec::new(), &mut out);
    out
}

/// The value at `path`, to overwrite.
fn value_at<'a>(doc: &'a mut DocumentMut, path: &[Step]) -> Option<&'a mut Value> {
    fn in_value<'a>(v: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
        let Some((first, rest)) = path.split_first() else {
            return Some(v);
        };
        match (first, v) {
            (Step::Key(k), Value::InlineTable(t)) => in_value(t.get_mut(k)?, rest),
            (Step::Index(n), Value::Array(a)) => in_value(a.get_mut(*n)?, rest),
            _ => None,
        }
    }
    fn in_item<'a>(i: &'a mut Item, path: &[Step]) -> Option<&'a mut Value> {
        let Some((first, rest)) = path.split_first() else {
            return i.as_value_mut();
        };
        match (first, i) {
            (Step::Key(k), Item::Table(t)) => in_item(t.get_mut(k)?, rest),
            (Step::Index(n), Item::ArrayOfTables(a)) => {
                let (Step::Key(k), tail) = rest.split_first()? else {
                    return None;
                };
                in_item(a.get_mut(*n)?.get_mut(k)?, tail)
            }
            (_, Item::Value(v)) => in_value(v, path),
            _ => None,
        }
    }
    in_item(doc.as_item_mut(), path)
}

/// A hostile replacement value.
fn hostile() -> impl Strategy<Value = Value> {
    let ints = prop_oneof![
        Just(0i64),
        Just(1),
        Just(-1),
        Just(2),
        Just(17),
        Just(i64::from(u32::MAX)),
        Just(i64::from(u32::MAX) + 1),
        Just(i64::MAX),
        Just(i64::MIN),
        any::<i64>(),
        0i64..200,
    ]
    .prop_map(Value::from);
    let floats = prop_oneof![
        Just(0.0f64),
        Just(-0.0),
        Just(-1.0),
        Just(0.999_999),
        Just(1.0),
        Just(24.0),
        Just(f64::NAN),
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
        Just(1e300),
        Just(1e-300),
        any::<f64>(),
        0.0f64..30.0,
    ]
    .prop_map(Value::from);
    let durations = prop_oneof![
        Just("0s".to_string()),
        Just("1ns".to_string()),
        Just("1ms".to_string()),
        Just("-1s".to_string()),
        Just("1d".to_string()),
        Just("213503d".to_string()),
        Just("999999999d".to_string()),
        Just("1e400s".to_string()),
        Just("nan s".to_string()),
        (0u64..100_000).prop_map(|s| format!("{s}s")),
        (0u64..3_000).prop_map(|m| format!("{m}m")),
    ]
    .prop_map(Value::from);
    let wrong = prop_oneof![
        Just(Value::from(true)),
        Just(Value::from("")),
        Just(Value::from(toml_edit::Array::new())),
    ];
    prop_oneof![3 => ints, 3 => floats, 3 => durations, 1 => wrong]
}

/// Runs the (valid) mutated scenario at a bounded size: every layout.
fn simulate(l: &sim_core::experiment::Loaded) -> Result<(), TestCaseError> {
    let mut s = l.scenario.clone();
    s.duration = s.duration.min(SimDuration::from_mins(3));
    s.warmup = s.warmup.min(SimDuration::from_secs(30));
    s.workload.peak_rps = s.workload.peak_rps.min(300.0);
    // Shortening may make it invalid (a handover drain longer than the run is fine, but a
    // failure must start within `u64` nanoseconds): only valid ones run.
    let Ok(spec) = sim_core::spec::validate(&s, &l.catalog) else {
        return Ok(());
    };
    let e = estimate(&spec);
    if e.requests > 200_000.0 || e.timed > 2e6 {
        return Ok(());
    }
    for layout in LayoutKind::ALL {
        let r = spec.run_layout(layout, s.seed);
        prop_assert!(r.summary.requests as f64 <= 10.0 * e.requests + 1000.0);
    }
    Ok(())
}

fn mutate_and_check(name: &str, text: &str) {
    let doc: DocumentMut = text.parse().expect("the example parses");
    let paths = leaves(&doc);
    assert!(
        paths.len() > 10,
        "{name}: only {} values found",
        paths.len()
    );
    let source = format!("mutated/{name}.toml");
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        max_shrink_iters: 500,
        ..Config::default()
    });
    let edits = proptest::collection::vec((any::<Index>(), hostile()), 1..4);
    runner
        .run(&edits, |edits| {
            let mut d = doc.clone();
            for (at, v) in &edits {
                if let Some(slot) = value_at(&mut d, &paths[at.index(paths.len())]) {
                    *slot = v.clone();
                }
            }
            let text = d.to_string();
            match load_checked(&text, Path::new(&source)) {
                Err(e) => {
                    let lines = text.split('\n').count();
                    prop_assert!(!e.problems.is_empty());
                    for p in &e.problems {
                        if let Some((l, c)) = p.line_col {
                            prop_assert!(l >= 1 && l <= lines && c >= 1, "{l}:{c} outside");
                        }
                    }
                    prop_assert!(e.to_string().contains(&source), "{e}");
                }
                Ok(l) => simulate(&l)?,
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{name}: {e}"));
}

#[test]
fn mutated_zone_outage_example_never_panics() {
    mutate_and_check(EXAMPLES[0].0, EXAMPLES[0].1);
}

#[test]
fn mutated_dependency_outage_example_never_panics() {
    mutate_and_check(EXAMPLES[1].0, EXAMPLES[1].1);
}

#[test]
fn mutated_autoscaling_example_never_panics() {
    mutate_and_check(EXAMPLES[2].0, EXAMPLES[2].1);
}

#[test]
fn mutated_follow_the_sun_example_never_panics() {
    mutate_and_check(EXAMPLES[3].0, EXAMPLES[3].1);
}

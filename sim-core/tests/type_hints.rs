//! Every name field (an enum such as `layout`) and every distribution field of the
//! scenario, found by walking a scenario that sets them all rather than listed by hand,
//! gets a message that says what to write when given the wrong kind of value: the
//! allowed names, or how to write a distribution. A field added later is covered too.

use sim_core::scenario::load::load_str;
use std::path::Path;
use toml_edit::{DocumentMut, Item, Value};

/// A scenario that sets every optional part holding a name or a distribution.
const RICH: &str = r#"
duration = "20s"
warmup = "2s"
[workload]
peak_rps = 500.0
[[regions]]
id = "aws:us-east-1"
autoscaling = { min = 2, max = 8 }
[[regions]]
id = "aws:eu-west-1"
[network]
jitter = { dist = "uniform", min = "1ms", max = "2ms" }
[active_passive]
data_zone = { zone = 1, replica = "other-zone" }
[[dependencies]]
name = "db"
affects = "writes"
[[failures]]
kind = "region-outage"
region = "aws:us-east-1"
start = "1s"
duration = "1s"
"#;

/// The first problem the loader reports for `text` at `path`, as printed.
fn message_at(text: &str, path: &str) -> String {
    let err = load_str(text, Path::new("t.toml"), |_| Vec::new())
        .expect_err("the edited scenario must be rejected");
    let want = format!(": {path}: ");
    err.to_string()
        .lines()
        .find(|l| l.contains(&want))
        .unwrap_or_else(|| panic!("no problem at {path}:\n{err}"))
        .to_string()
}

/// The scenario with every field written out (defaults too), as a document.
fn full() -> DocumentMut {
    let s = load_str(RICH, Path::new("rich.toml"), |_| Vec::new()).expect("RICH loads");
    toml_edit::ser::to_string_pretty(&s)
        .expect("a scenario serialises")
        .parse()
        .expect("and parses back")
}

enum Step {
    Key(String),
    Index(usize),
}

fn at_mut<'a>(mut item: &'a mut Item, path: &[Step]) -> &'a mut Item {
    for s in path {
        item = match s {
            Step::Key(k) => &mut item[k.as_str()],
            Step::Index(i) => &mut item[*i],
        };
    }
    item
}

fn show(path: &[Step]) -> String {
    let mut out = String::new();
    for s in path {
        match s {
            Step::Key(k) if out.is_empty() => out += k,
            Step::Key(k) => out += &format!(".{k}"),
            Step::Index(i) => out += &format!("[{i}]"),
        }
    }
    out
}

/// Paths of every string leaf and every table with a `dist` key.
fn walk(item: &Item, path: &mut Vec<Step>, strings: &mut Vec<String>, dists: &mut Vec<String>) {
    let keys: Vec<String> = match item {
        Item::Table(t) => t.iter().map(|(k, _)| k.to_string()).collect(),
        Item::Value(Value::InlineTable(t)) => t.iter().map(|(k, _)| k.to_string()).collect(),
        Item::ArrayOfTables(a) => {
            for i in 0..a.len() {
                path.push(Step::Index(i));
                walk(&item[i], path, strings, dists);
                path.pop();
            }
            return;
        }
        Item::Value(Value::String(_)) => {
            strings.push(show(path));
            return;
        }
        _ => return,
    };
    if keys.iter().any(|k| k == "dist") {
        dists.push(show(path));
        return;
    }
    for k in keys {
        path.push(Step::Key(k.clone()));
        walk(&item[k.as_str()], path, strings, dists);
        path.pop();
    }
}

fn steps(path: &str) -> Vec<Step> {
    let p = sim_core::scenario::FieldPath::parse(path);
    p.0.into_iter()
        .map(|s| match s {
            sim_core::scenario::error::Seg::Key(k) => Step::Key(k),
            sim_core::scenario::error::Seg::Index(i) => Step::Index(i),
        })
        .collect()
}

fn with(doc: &DocumentMut, path: &str, v: Item) -> String {
    let mut d = doc.clone();
    *at_mut(d.as_item_mut(), &steps(path)) = v;
    d.to_string()
}

#[test]
fn every_name_and_distribution_field_says_what_to_write() {
    let doc = full();
    let (mut strings, mut dists) = (Vec::new(), Vec::new());
    walk(doc.as_item(), &mut Vec::new(), &mut strings, &mut dists);
    let mut names = Vec::new();
    for path in &strings {
        // A name field rejects `?` and lists what it allows; other strings (ids,
        // durations) take no part here.
        let text = with(&doc, path, toml_edit::value("?"));
        let Err(e) = load_str(&text, Path::new("t.toml"), |_| Vec::new()) else {
            continue;
        };
        let e = e.to_string();
        let Some(line) = e
            .lines()
            .find(|l| l.contains(&format!(": {path}: unknown value `?`")))
        else {
            continue;
        };
        let allowed: Vec<String> = line
            .rsplit_once("(allowed: ")
            .expect("the list of allowed names")
            .1
            .trim_end_matches(')')
            .split(", ")
            .map(str::to_string)
            .collect();
        for wrong in [toml_edit::value(3), toml_edit::value(true)] {
            let m = message_at(&with(&doc, path, wrong), path);
            for a in &allowed {
                assert!(
                    m.contains(&format!("\"{a}\"")),
                    "{path}: `{a}` missing: {m}"
                );
            }
            assert!(m.contains("write the name in quotes"), "{m}");
            assert!(!m.contains("wanted string or table"), "{m}");
        }
        names.push(path.clone());
    }
    for must in [
        "layout",
        "routing.policy",
        "active_passive.standby_mode",
        "active_passive.reads",
        "active_passive.data_zone.replica",
        "active_active.writes",
        "active_active.async_recovery",
        "sharded.home",
        "dependencies[0].affects",
        "failures[0].kind",
    ] {
        assert!(
            names.iter().any(|n| n == must),
            "{must} not found among {names:?}"
        );
    }
    for must in [
        "regions[0].service_time",
        "network.jitter",
        "active_passive.replication_lag",
        "active_active.replication_lag",
        "sharded.replication_lag",
    ] {
        assert!(
            dists.iter().any(|n| n == must),
            "{must} not found among {dists:?}"
        );
    }
    for path in &dists {
        let m = message_at(&with(&doc, path, toml_edit::value("4ms")), path);
        let field = path.rsplit('.').next().unwrap_or(path);
        assert!(
            m.contains(&format!(
                "got a string \"4ms\": write a table naming the distribution, e.g. {field} = {{ dist = \"exponential\", mean = \"4ms\" }}"
            )),
            "{m}"
        );
        assert!(m.contains("uniform { min, max }"), "{m}");
    }
}

#[test]
fn a_table_written_as_a_list_is_named_with_its_fields() {
    let base = "duration = \"20s\"\n[[regions]]\nid = \"aws:us-east-1\"\n";
    let m = message_at(&format!("residency = [\"EU\"]\n{base}"), "residency");
    assert!(m.starts_with("t.toml:1:1: residency: expected a table (fields: jurisdictions), got a list [\"EU\"]: write a table: a [residency] section with jurisdictions = [\"EU\"]"), "{m}");
    let m = message_at(
        &format!("{base}autoscaling = [1, 2]\n"),
        "regions[0].autoscaling",
    );
    assert!(
        m.contains("expected a table (fields: target_utilisation, min, max"),
        "{m}"
    );
    assert!(m.contains("autoscaling = { … }"), "{m}");
}

//! What the documentation promises about files and commands, checked against the program:
//! the metric lists of `docs/sweeps.md` and `docs/csv.md` name the metrics the CSV files
//! hold, the `runs.csv` and `availability.csv` tables of `docs/csv.md` are their headers,
//! and every file of `datasets/` that the README, the docs or a `--help` text tells you
//! to run exists.

use sim_core::experiment::availability::availability_csv;
use sim_core::metrics::summary::run_columns;
use sim_core::metrics::Metric;
use std::path::Path;
use std::process::Command;

fn workspace() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap()
}

fn doc(name: &str) -> String {
    std::fs::read_to_string(workspace().join(name)).unwrap()
}

/// The names in `text` between `start` and the next `end`, split at commas, backticks
/// and white space.
fn list_after(text: &str, start: &str, end: &str) -> Vec<String> {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("`{start}` not found"))
        + start.len();
    let to = from + text[from..].find(end).unwrap();
    text[from..to]
        .split(|c: char| c == ',' || c == '`' || c.is_whitespace())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

fn metric_names() -> Vec<String> {
    Metric::ALL.iter().map(|m| m.name().to_string()).collect()
}

#[test]
fn the_sweep_summary_metrics_in_the_docs_are_the_metrics() {
    let sweeps = doc("docs/sweeps.md");
    let listed = list_after(&sweeps, "for each key metric `M` —", "(the metrics");
    assert_eq!(listed, metric_names(), "docs/sweeps.md, summary.csv");
}

#[test]
fn the_interval_metrics_in_the_docs_are_the_metrics() {
    let csv = doc("docs/csv.md");
    let listed = list_after(&csv, "a `runs.csv` column:", "|");
    assert_eq!(listed, metric_names(), "docs/csv.md, intervals.csv");
}

/// The first column of the table under the heading that starts with `heading`, each cell
/// split at commas.
fn table_columns(text: &str, heading: &str) -> Vec<String> {
    let from = text
        .find(heading)
        .unwrap_or_else(|| panic!("no `{heading}`"));
    let to = text[from + 1..]
        .find("\n## ")
        .map_or(text.len(), |i| from + 1 + i);
    text[from..to]
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| column"))
        .flat_map(|l| {
            l.split('|')
                .nth(1)
                .unwrap()
                .split(',')
                .map(|c| c.trim().to_string())
        })
        .collect()
}

#[test]
fn the_runs_csv_table_in_the_docs_is_its_header() {
    let csv = doc("docs/csv.md");
    assert_eq!(
        table_columns(&csv, "## runs.csv"),
        run_columns(),
        "docs/csv.md, runs.csv"
    );
}

/// `availability.csv` had no documentation at all.
#[test]
fn the_availability_csv_table_in_the_docs_is_its_header() {
    let csv = doc("docs/csv.md");
    let bytes = availability_csv(&[]).unwrap();
    let header: Vec<String> = String::from_utf8(bytes)
        .unwrap()
        .trim_end()
        .split(',')
        .map(str::to_string)
        .collect();
    assert_eq!(
        table_columns(&csv, "## availability.csv"),
        header,
        "docs/csv.md, availability.csv"
    );
}

/// Every `datasets/….toml` or `.csv` the README, a doc or a `--help` text names exists:
/// `regionsim sweep --help` showed `datasets/sweeps/write-modes.toml`, which is not there.
#[test]
fn every_dataset_file_the_docs_and_help_name_exists() {
    let mut texts: Vec<(String, String)> = ["README.md", "ARCHITECTURE.md"]
        .iter()
        .map(|n| (n.to_string(), doc(n)))
        .collect();
    for entry in std::fs::read_dir(workspace().join("docs")).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "md") {
            texts.push((
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            ));
        }
    }
    for cmd in [
        vec![],
        vec!["run"],
        vec!["compare"],
        vec!["availability"],
        vec!["sweep"],
        vec!["merge"],
        vec!["cluster"],
        vec!["cluster", "slurm"],
        vec!["cluster", "k8s"],
        vec!["plan"],
        vec!["regions"],
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_regionsim"))
            .args(&cmd)
            .arg("--help")
            .output()
            .unwrap();
        assert!(o.status.success(), "{cmd:?} --help");
        texts.push((
            format!("regionsim {} --help", cmd.join(" ")),
            String::from_utf8(o.stdout).unwrap(),
        ));
    }
    let mut named = 0;
    for (source, text) in &texts {
        for (at, _) in text.match_indices("datasets/") {
            let path: String = text[at..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || "/._-".contains(*c))
                .collect();
            let path = path.trim_end_matches('.');
            if path.ends_with(".toml") || path.ends_with(".csv") {
                assert!(
                    workspace().join(path).is_file(),
                    "{source} names {path}, which does not exist"
                );
                named += 1;
            }
        }
    }
    assert!(named >= 5, "only {named} dataset files named");
}

//! Opening and saving scenario files, exporting results; every failure is a message.

use sim_core::catalog::Catalog;
use sim_core::experiment::{load_text, RunResult};
use sim_core::export::{csv_out, write_atomic};
use sim_core::scenario::Scenario;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Reads and validates a scenario file (the same checks and messages as `regionsim`);
/// also returns its text, so that saving can keep its comments.
pub fn open(path: &Path) -> Result<(Scenario, Arc<Catalog>, String), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read the file: {e}", path.display()))?;
    load_text(&text, path)
        .map(|(s, c)| (s, c, text))
        .map_err(|e| e.to_string())
}

/// The TOML text of `s`, checked to load back to the same scenario.
///
/// With `source` (the text the scenario was read from), the new values are written into
/// that document: its comments, order and layout stay ([`crate::toml_merge`]). Without
/// it, the scenario is written afresh under a short header.
pub fn to_toml(s: &Scenario, path: &Path, source: Option<&str>) -> Result<String, String> {
    let body = toml_edit::ser::to_string_pretty(s)
        .map_err(|e| format!("cannot write the scenario as TOML: {e}"))?;
    if let Some(text) = source.and_then(|src| in_place(s, path, src, &body)) {
        return Ok(text);
    }
    let text = format!(
        "# regionsim scenario, saved by planner-gui. Durations are strings with a unit\n\
         # (\"250ms\", \"90s\", \"10m\"); `regionsim run {}` runs it.\n\n{body}",
        path.file_name()
            .map_or_else(|| "FILE".into(), |n| n.to_string_lossy())
    );
    // Catalog paths in the scenario resolve against the file's folder, as when loading.
    match load_text(&text, path) {
        Ok((back, _)) if back == *s => Ok(text),
        Ok(_) => Err(
            "the scenario did not read back the same after writing it as TOML; \
                      nothing was saved"
                .into(),
        ),
        Err(e) => Err(format!(
            "the scenario written as TOML does not load back; nothing was saved:\n{e}"
        )),
    }
}

/// `source` with the values of `s` (serialised as `fresh`), if that reads back as `s`;
/// keys that had to be added are dropped again where the file reads the same without them.
fn in_place(s: &Scenario, path: &Path, source: &str, fresh: &str) -> Option<String> {
    let reads_back = |text: &str| matches!(load_text(text, path), Ok((back, _)) if back == *s);
    let (mut doc, added) = crate::toml_merge::merge_into(source, fresh)?;
    // Latest first, so that removing one key never shifts the path of another.
    for key in added.iter().rev() {
        let mut without = doc.clone();
        if crate::toml_merge::remove_path(&mut without, key) && reads_back(&without.to_string()) {
            doc = without;
        }
    }
    let text = doc.to_string();
    reads_back(&text).then_some(text)
}

/// Writes `s` to `path` atomically (a crash never leaves half a file), into the document
/// of `source` when given (see [`to_toml`]). Returns the text written.
pub fn save(s: &Scenario, path: &Path, source: Option<&str>) -> Result<String, String> {
    let text = to_toml(s, path, source)?;
    write_atomic(path, text.as_bytes())
        .map_err(|e| format!("cannot save {}: {e}", path.display()))?;
    Ok(text)
}

/// Writes `runs.csv`, `areas.csv`, `regions.csv`, `timeseries.csv`, `incidents.csv` and
/// `timing.csv` into `dir`
/// (created if missing). Returns the files written.
pub fn export(dir: &Path, runs: &[RunResult]) -> Result<Vec<PathBuf>, String> {
    if runs.is_empty() {
        return Err("nothing to export yet: run a comparison first".into());
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create the folder {}: {e}", dir.display()))?;
    let files: Vec<_> = runs.iter().map(RunResult::files).collect();
    csv_out::write_all(dir, &files)
        .map_err(|e| format!("cannot write the CSV files into {}: {e}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::experiment::{load_scenario, DEFAULT_SCENARIO};

    #[test]
    fn saving_an_edited_file_keeps_its_comments_and_changes_only_what_changed() {
        let (mut s, _) = load_scenario(None).expect("default loads");
        s.workload.peak_rps = 9000.0;
        s.regions[1].instances = 20;
        s.failures.clear();
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("mine.toml");
        let text = save(&s, &path, Some(DEFAULT_SCENARIO)).expect("saves");
        let (back, _, _) = open(&path).expect("loads back");
        assert_eq!(back, s);
        // Every comment line of the original is still there, in order, except those
        // inside the removed [[failures]] table.
        let comments = |t: &str| -> Vec<String> {
            t.lines()
                .filter_map(|l| l.find('#').map(|i| l[i..].to_string()))
                .collect()
        };
        let before = comments(DEFAULT_SCENARIO);
        let after = comments(&text);
        assert!(
            before.len() > 60,
            "the default is commented: {}",
            before.len()
        );
        assert!(
            after.len() + 5 >= before.len(),
            "{} of {} comments kept",
            after.len(),
            before.len()
        );
        let mut it = before.iter();
        assert!(
            after.iter().all(|c| it.any(|b| b == c)),
            "comments kept in order"
        );
        // Only the edited lines differ (the removed failure's lines are gone).
        let changed: Vec<&str> = text
            .lines()
            .filter(|l| !DEFAULT_SCENARIO.lines().any(|o| o == *l))
            .collect();
        assert_eq!(changed.len(), 2, "{changed:?}");
        assert!(
            changed.iter().any(|l| l.starts_with("peak_rps = 9000")),
            "{changed:?}"
        );
        assert!(
            changed.iter().any(|l| l.starts_with("instances = 20")),
            "{changed:?}"
        );
    }

    #[test]
    fn the_default_scenario_round_trips_through_toml() {
        let (s, _) = load_scenario(None).expect("default loads");
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("saved.toml");
        save(&s, &path, None).expect("saves");
        let (back, _, _) = open(&path).expect("loads back");
        assert_eq!(back, s);
    }

    #[test]
    fn errors_name_the_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("bad.toml");
        std::fs::write(&path, "[workload]\npeak_rps = 0.0\n").expect("write");
        let e = open(&path).expect_err("invalid");
        assert!(
            e.contains("bad.toml") && e.contains("workload.peak_rps"),
            "{e}"
        );
        let e = open(&dir.path().join("missing.toml")).expect_err("missing");
        assert!(e.contains("missing.toml"), "{e}");
    }

    #[test]
    fn export_without_results_is_an_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert!(export(dir.path(), &[]).is_err());
    }
}

//! Opening and saving scenario files, exporting results; every failure is a message.

use sim_core::catalog::Catalog;
use sim_core::experiment::{load_scenario, load_text, RunResult};
use sim_core::export::{csv_out, write_atomic};
use sim_core::scenario::Scenario;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Reads and validates a scenario file (the same checks and messages as `regionsim`).
pub fn open(path: &Path) -> Result<(Scenario, Arc<Catalog>), String> {
    load_scenario(Some(path)).map_err(|e| e.to_string())
}

/// The TOML text of `s`, checked to load back to the same scenario.
///
/// Comments of the file it came from are not kept (the scenario type holds values only).
pub fn to_toml(s: &Scenario, path: &Path) -> Result<String, String> {
    let body = toml_edit::ser::to_string_pretty(s)
        .map_err(|e| format!("cannot write the scenario as TOML: {e}"))?;
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

/// Writes `s` to `path` atomically (a crash never leaves half a file).
pub fn save(s: &Scenario, path: &Path) -> Result<(), String> {
    let text = to_toml(s, path)?;
    write_atomic(path, text.as_bytes()).map_err(|e| format!("cannot save {}: {e}", path.display()))
}

/// Writes `runs.csv`, `areas.csv`, `timeseries.csv`, `incidents.csv` and `timing.csv` into `dir`
/// (created if missing). Returns the files written.
pub fn export(dir: &Path, runs: &[RunResult]) -> Result<Vec<PathBuf>, String> {
    if runs.is_empty() {
        return Err("nothing to export yet: run a comparison first".into());
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| format!("cannot create the folder {}: {e}", dir.display()))?;
    csv_out::write_all(dir, runs)
        .map_err(|e| format!("cannot write the CSV files into {}: {e}", dir.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_scenario_round_trips_through_toml() {
        let (s, _) = load_scenario(None).expect("default loads");
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("saved.toml");
        save(&s, &path).expect("saves");
        let (back, _) = open(&path).expect("loads back");
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

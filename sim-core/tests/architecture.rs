//! Repository rules as tests: dependency direction and the engine's vocabulary.

use std::fs;
use std::path::Path;

fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push((p.display().to_string(), fs::read_to_string(&p).unwrap()));
        }
    }
}

#[test]
fn engine_knows_nothing_of_the_domain() {
    let mut files = Vec::new();
    sources(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/engine"),
        &mut files,
    );
    assert!(!files.is_empty());
    let forbidden = [
        "crate::model",
        "crate::scenario",
        "crate::catalog",
        "crate::experiment",
        "region",
        "replica",
        "request",
    ];
    for (path, text) in files {
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n")
            .to_lowercase();
        for word in forbidden {
            assert!(!code.contains(word), "{path} mentions `{word}`");
        }
    }
}

#[test]
fn sim_core_does_not_depend_on_a_gui() {
    let manifest =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    for gui in ["egui", "eframe", "winit", "wgpu", "glow"] {
        assert!(
            !manifest.contains(gui),
            "sim-core/Cargo.toml mentions {gui}"
        );
    }
}

/// Output files are written from measured numbers (`metrics`), not from the experiment
/// runner: `export` reads `RunSummary` and friends and never imports `experiment`, so the
/// dependency points one way (`experiment` → `export` → `metrics`). `metrics` itself is a
/// leaf the model feeds: it imports neither `experiment` nor `export`.
#[test]
fn export_and_metrics_do_not_import_the_runner() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for (dir, forbidden) in [
        ("export", &["crate::experiment"][..]),
        (
            "metrics",
            &["crate::experiment", "crate::export", "crate::model"][..],
        ),
    ] {
        let mut files = Vec::new();
        sources(&root.join(dir), &mut files);
        assert!(!files.is_empty(), "src/{dir} has no sources");
        for (path, text) in &files {
            for word in forbidden {
                assert!(!text.contains(word), "{path} mentions `{word}`");
            }
        }
    }
}

//! A sweep as a Kubernetes Indexed Job (`completionMode: Indexed`; pod I runs
//! `sweep --shard $(JOB_COMPLETION_INDEX)/N --resume` into `/data/part-I/`), a merge Job, a
//! ReadWriteMany volume claim for the parts, and a ConfigMap with the sweep file and its
//! base scenario. Rendered from `deploy/k8s/`.
//!
//! The pods need the sweep's inputs byte for byte (the sweep hash covers the sweep and base
//! texts), at paths where the sweep's relative `base = …` still resolves: the ConfigMap is
//! mounted at `/input` with the base at its normalised relative path and the sweep file as
//! many folders deep as the base path climbs (`base = "../scenarios/x.toml"` gives
//! `/input/sweeps/s.toml` and `/input/scenarios/x.toml`). Catalog files named by the base
//! scenario are not bundled: such a sweep is refused with the reason.

use super::{check_path, render, shared_vars, whole_seconds, ClusterError, Common, File};
use crate::experiment::load_scenario;
use crate::experiment::sweep::SweepPlan;
use std::path::{Component, Path, PathBuf};

pub const INPUT_TEMPLATE: &str = include_str!("../../../../deploy/k8s/input.yaml");
pub const VOLUME_TEMPLATE: &str = include_str!("../../../../deploy/k8s/volume.yaml");
pub const SWEEP_TEMPLATE: &str = include_str!("../../../../deploy/k8s/sweep-job.yaml");
pub const MERGE_TEMPLATE: &str = include_str!("../../../../deploy/k8s/merge-job.yaml");
pub const SUBMIT_TEMPLATE: &str = include_str!("../../../../deploy/k8s/submit.sh");

/// Where the ConfigMap is mounted in the pods.
pub const INPUT_DIR: &str = "/input";

/// Kubernetes manifests for one sweep.
#[derive(Clone, Debug)]
pub struct K8s {
    pub common: Common,
    /// The sweep file on this machine (read into the ConfigMap).
    pub sweep: PathBuf,
    /// Container image holding the regionsim binary.
    pub image: String,
    /// The binary inside the image: a name on its PATH or an absolute path.
    pub regionsim: String,
    /// Size of the volume claim, MiB.
    pub storage_mib: u64,
    /// Storage class of the claim (the cluster's default when `None`).
    pub storage_class: Option<String>,
}

/// One file of the ConfigMap: its key and its path under [`INPUT_DIR`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputFile {
    pub key: &'static str,
    pub path: String,
    pub text: String,
}

/// The ConfigMap's files: the sweep file and (unless it uses the embedded default) its base
/// scenario, laid out so that the sweep's `base` path resolves; see the module docs.
pub fn input_files(sweep: &Path, plan: &SweepPlan) -> Result<Vec<InputFile>, ClusterError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ClusterError::Io { path, source }
    };
    let sweep_text = std::fs::read_to_string(sweep).map_err(io(sweep))?;
    let doc: toml_edit::DocumentMut = sweep_text
        .parse()
        .map_err(|e| ClusterError::Arg(format!("{}: not a TOML file: {e}", sweep.display())))?;
    let sweep_name = sweep
        .file_name()
        .and_then(|n| n.to_str())
        .filter(|n| n.chars().all(safe_char))
        .unwrap_or("sweep.toml")
        .to_string();
    let Some(base) = doc.get("base").and_then(|b| b.as_str()) else {
        return Ok(vec![InputFile {
            key: "sweep.toml",
            path: sweep_name,
            text: sweep_text,
        }]);
    };
    let refuse =
        |why: String| ClusterError::Arg(format!("{}: base = \"{base}\": {why}", sweep.display()));
    // Normalise the base path: `..` it climbs above the sweep's folder, and what remains.
    let mut climb = 0usize;
    let mut rest: Vec<String> = Vec::new();
    for c in Path::new(base).components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir if rest.pop().is_none() => climb += 1,
            Component::ParentDir => {}
            Component::Normal(s) => match s.to_str().filter(|s| s.chars().all(safe_char)) {
                Some(s) => rest.push(s.to_string()),
                None => {
                    return Err(refuse(
                        "the Kubernetes input needs file and folder names of letters, digits and . _ - (rename them)".into(),
                    ))
                }
            },
            Component::RootDir | Component::Prefix(_) => {
                return Err(refuse(
                    "an absolute base path cannot be bundled for the pods: write it relative to the sweep file".into(),
                ))
            }
        }
    }
    if rest.is_empty() {
        return Err(refuse("not a file".into()));
    }
    // The sweep's folder in the pod: as many levels as the base climbs, named like the
    // real folders where their names allow it.
    let real = sweep
        .canonicalize()
        .map_err(io(sweep))?
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut names: Vec<String> = real
        .components()
        .rev()
        .take(climb)
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    names.reverse();
    let mut dirs: Vec<String> = (0..climb)
        .map(|i| match names.get(i) {
            Some(n) if n.chars().all(safe_char) && n != ".." && n != "." => n.clone(),
            _ => format!("dir{i}"),
        })
        .collect();
    dirs.push(sweep_name);
    let sweep_path = dirs.join("/");
    let base_path = rest.join("/");
    if base_path == sweep_path {
        return Err(refuse("the base scenario is the sweep file itself".into()));
    }
    check_catalog(plan)?;
    let base_text = std::fs::read_to_string(&plan.base_source).map_err(io(&plan.base_source))?;
    Ok(vec![
        InputFile {
            key: "sweep.toml",
            path: sweep_path,
            text: sweep_text,
        },
        InputFile {
            key: "base.toml",
            path: base_path,
            text: base_text,
        },
    ])
}

fn safe_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "._-".contains(c)
}

/// Refuses a sweep whose scenarios name catalog files: only the sweep and base travel.
fn check_catalog(plan: &SweepPlan) -> Result<(), ClusterError> {
    let refuse = |what: String| {
        Err(ClusterError::Arg(format!(
            "{what} names catalog files: the Kubernetes input bundles only the sweep file and its base scenario; put the catalog files in the image and run `regionsim sweep` there, or use the embedded catalog"
        )))
    };
    if let Some(a) = plan.axes.iter().find(|a| a.name.starts_with("catalog")) {
        return refuse(format!("{}: `{}`", plan.source.display(), a.name));
    }
    if let Ok((s, _)) = load_scenario(Some(&plan.base_source)) {
        let c = &s.catalog;
        if c.regions.is_some()
            || c.rtt.is_some()
            || c.prices.is_some()
            || c.transfer_prices.is_some()
        {
            return refuse(format!("the base scenario {}", plan.base_source.display()));
        }
    }
    Ok(())
}

/// `text` as a YAML value for a mapping key at `indent` spaces: a literal block that keeps
/// every byte (explicit indentation and chomping indicators), or a double-quoted string
/// when the text has characters a block cannot carry (carriage returns, control characters).
pub fn yaml_text(text: &str, indent: usize) -> String {
    let plain = !text.is_empty()
        && text.chars().all(|c| {
            c == '\n'
                || c == '\t'
                || !(c.is_control() || c == '\u{feff}' || c == '\u{2028}' || c == '\u{2029}')
        });
    if !plain {
        let mut s = String::from(" \"");
        for c in text.chars() {
            match c {
                '"' => s.push_str("\\\""),
                '\\' => s.push_str("\\\\"),
                '\n' => s.push_str("\\n"),
                '\r' => s.push_str("\\r"),
                '\t' => s.push_str("\\t"),
                c if c.is_control() || matches!(c, '\u{feff}' | '\u{2028}' | '\u{2029}') => {
                    s.push_str(&format!("\\u{:04x}", c as u32))
                }
                c => s.push(c),
            }
        }
        s.push('"');
        return s;
    }
    let body = text.strip_suffix('\n');
    let chomp = match body {
        None => "-",
        Some(b) if b.ends_with('\n') || b.is_empty() => "+",
        Some(_) => "",
    };
    let body = if chomp == "+" {
        text
    } else {
        body.unwrap_or(text)
    };
    let pad = " ".repeat(indent + 2);
    let mut s = format!(" |2{chomp}");
    let lines: Vec<&str> = body.split('\n').collect();
    let n = if chomp == "+" {
        lines.len() - 1
    } else {
        lines.len()
    };
    for line in &lines[..n] {
        s.push('\n');
        if !line.is_empty() {
            s.push_str(&pad);
            s.push_str(line);
        }
    }
    s
}

/// `input.yaml`, `volume.yaml`, `sweep-job.yaml`, `merge-job.yaml` and `submit.sh`.
pub fn files(job: &K8s, plan: &SweepPlan) -> Result<Vec<File>, ClusterError> {
    let c = &job.common;
    check_image(&job.image)?;
    if !job.regionsim.contains('/') {
        if job.regionsim.is_empty() || !job.regionsim.chars().all(safe_char) {
            return Err(ClusterError::Arg(format!(
                "--regionsim `{}`: name the binary in the image by a plain name on its PATH or an absolute path",
                job.regionsim
            )));
        }
    } else {
        check_path(Path::new(&job.regionsim), "--regionsim")?;
    }
    if let Some(sc) = &job.storage_class {
        let ok = !sc.is_empty()
            && sc.len() <= 253
            && sc
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
        if !ok {
            return Err(ClusterError::Arg(format!(
                "--storage-class `{sc}`: a storage class name is lowercase letters, digits, `-` and `.`"
            )));
        }
    }
    let inputs = input_files(&job.sweep, plan)?;
    let mut data = String::new();
    let mut items = String::new();
    for f in &inputs {
        data += &format!("  {}:{}\n", f.key, yaml_text(&f.text, 2));
        items += &format!(
            "              - key: {}\n                path: {}\n",
            f.key, f.path
        );
    }
    let sweep_path = inputs.first().map(|f| f.path.clone()).unwrap_or_default();
    let merge_parts: String = (0..c.shards)
        .map(|i| format!("            - /data/part-{i}\n"))
        .collect();
    let storage_class = match &job.storage_class {
        Some(sc) => format!("storageClassName: {sc}"),
        None => "# storageClassName: the cluster's default; pass --storage-class for one that offers ReadWriteMany".into(),
    };
    let all = |template: &str| {
        let mut v = shared_vars("k8s", template, c, plan);
        v.extend([
            ("mem", format!("{}Mi", c.mem_mib)),
            ("deadline_s", whole_seconds(c.time).to_string()),
            ("image", job.image.clone()),
            ("regionsim", job.regionsim.clone()),
            ("sweep_path", sweep_path.clone()),
            ("items", items.trim_end().to_string()),
            (
                "files",
                data.strip_suffix('\n').unwrap_or(&data).to_string(),
            ),
            ("merge_parts", merge_parts.trim_end().to_string()),
            ("storage", format!("{}Mi", job.storage_mib)),
            ("storage_class", storage_class.clone()),
        ]);
        v
    };
    let one = |name: &'static str, template: &'static str, keys: &[&str], exec: bool| {
        let path = format!("k8s/{name}");
        let vars: Vec<_> = all(&path)
            .into_iter()
            .filter(|(k, _)| keys.contains(k))
            .collect();
        render(template, name, &vars).map(|text| File {
            name,
            text: ensure_newline(text),
            executable: exec,
        })
    };
    Ok(vec![
        one(
            "input.yaml",
            INPUT_TEMPLATE,
            &["header", "name", "files"],
            false,
        )?,
        one(
            "volume.yaml",
            VOLUME_TEMPLATE,
            &["header", "name", "storage", "storage_class"],
            false,
        )?,
        one(
            "sweep-job.yaml",
            SWEEP_TEMPLATE,
            &[
                "header",
                "name",
                "shards",
                "runs",
                "runs_per_task",
                "threads",
                "mem",
                "deadline_s",
                "image",
                "regionsim",
                "sweep_path",
                "items",
            ],
            false,
        )?,
        one(
            "merge-job.yaml",
            MERGE_TEMPLATE,
            &[
                "header",
                "name",
                "last_task",
                "mem",
                "deadline_s",
                "image",
                "regionsim",
                "merge_parts",
            ],
            false,
        )?,
        one(
            "submit.sh",
            SUBMIT_TEMPLATE,
            &["header", "name", "shards"],
            true,
        )?,
    ])
}

fn ensure_newline(mut s: String) -> String {
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

/// An image reference: registry, path, tag or digest characters only.
fn check_image(image: &str) -> Result<(), ClusterError> {
    let ok = !image.is_empty()
        && image
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "./_:@-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(ClusterError::Arg(format!(
            "--image `{image}`: not an image reference (e.g. registry.example.com/regionsim:0.1.0)"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::yaml_text;

    #[test]
    fn yaml_text_chooses_the_right_block() {
        assert_eq!(yaml_text("a\nb\n", 2), " |2\n    a\n    b");
        assert_eq!(yaml_text("a\n\nb", 0), " |2-\n  a\n\n  b");
        assert_eq!(yaml_text("  a\n\n", 0), " |2+\n    a\n");
        assert_eq!(yaml_text("a\r\nb", 0), " \"a\\r\\nb\"");
        assert_eq!(yaml_text("", 0), " \"\"");
    }
}

//! Ready-to-submit files that run a sweep on a cluster scheduler: a Slurm job array with a
//! dependent merge job ([`slurm`]), or a Kubernetes Indexed Job with a merge Job and a
//! volume claim ([`k8s`]).
//!
//! Why generate them: the shard/resume/merge contract of [`super::sweep`] is easy to get
//! subtly wrong by hand — a task must pass its own index and the same shard count, always
//! `--resume` (so a requeued or resubmitted task continues instead of refusing its folder),
//! write its own folder, and the merge must list exactly the task folders. The files are
//! rendered from the templates in `deploy/slurm/` and `deploy/k8s/`, compiled in with
//! `include_str!`, so the templates in the repository are the files the command writes
//! (and the files `deploy/slurm/test-local.sh` submits to a real Slurm in CI).
//!
//! Templates hold `{{name}}` placeholders; [`render`] fills every one and refuses a template
//! with an unknown or unfilled placeholder. Values are checked before they reach a script:
//! paths are absolute and made of characters that need no shell quoting (an `#SBATCH` line
//! cannot quote), names are DNS labels, sizes and durations are parsed.

pub mod k8s;
pub mod slurm;

use super::sweep::{SweepError, SweepPlan};
use crate::engine::time::SimDuration;
use std::path::{Path, PathBuf};

/// A file to write into the output folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct File {
    /// File name inside the output folder.
    pub name: &'static str,
    pub text: String,
    /// A script to run (mode 0755).
    pub executable: bool,
}

/// What every cluster needs to know about the sweep and its tasks.
#[derive(Clone, Debug)]
pub struct Common {
    /// Number of tasks (shards).
    pub shards: u64,
    /// Worker threads per task (= CPUs per task).
    pub threads: u16,
    /// Wall-time limit per task.
    pub time: SimDuration,
    /// Memory per task, MiB.
    pub mem_mib: u64,
    /// Job name (a DNS label).
    pub name: String,
}

/// Why files could not be generated; each names the argument and the fix.
#[derive(Debug, thiserror::Error)]
pub enum ClusterError {
    #[error(transparent)]
    Sweep(#[from] SweepError),
    /// A bad argument: which one, and what to do.
    #[error("{0}")]
    Arg(String),
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A template with a placeholder the renderer does not know (a bug in this program).
    #[error("template {template}: {message}")]
    Template {
        template: &'static str,
        message: String,
    },
}

/// Loads the sweep at `path` and checks every point (as `regionsim sweep` does before its
/// first run), so a bad value fails here rather than in every task on the cluster; checks
/// `common` against the sweep's size.
pub fn load_checked(path: &Path, common: &Common) -> Result<SweepPlan, ClusterError> {
    if common.shards == 0 {
        return Err(ClusterError::Arg(
            "--shards 0: a sweep needs at least one task (e.g. --shards 16)".into(),
        ));
    }
    if common.threads == 0 {
        return Err(ClusterError::Arg(
            "--threads 0: a task needs at least one thread".into(),
        ));
    }
    if common.time.as_nanos() < 60 * NS_PER_S {
        return Err(ClusterError::Arg(format!(
            "--time {}: a task needs at least one minute (e.g. --time 2h)",
            common.time
        )));
    }
    let plan = SweepPlan::load(path)?;
    plan.check_points()?;
    if common.shards > plan.runs {
        return Err(ClusterError::Arg(format!(
            "--shards {} but {} has only {} runs: at most {} tasks (one run each) would have work",
            common.shards,
            path.display(),
            plan.runs,
            plan.runs
        )));
    }
    Ok(plan)
}

const NS_PER_S: u64 = 1_000_000_000;

/// Whole seconds of `d`, rounded up.
pub fn whole_seconds(d: SimDuration) -> u64 {
    d.as_nanos().div_ceil(NS_PER_S)
}

/// Parses a memory size: a whole number with an optional unit K, M (default), G or T
/// (binary: 1G = 1024M, as Slurm reads it); `Mi`, `Gi` … are accepted too. Returns MiB.
pub fn parse_mem(s: &str) -> Result<u64, String> {
    let bad = |why: &str| {
        format!(
            "`{s}` is not a memory size: {why} (write a whole number and a unit, e.g. 512M or 2G)"
        )
    };
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num.parse().map_err(|_| bad("the number is missing"))?;
    let mib = match unit.trim_end_matches(['i', 'B']) {
        "K" | "k" if !n.is_multiple_of(1024) => return Err(bad("it is not a whole number of MiB")),
        "K" | "k" => Some(n / 1024),
        "" | "M" | "m" => Some(n),
        "G" | "g" => n.checked_mul(1024),
        "T" | "t" => n.checked_mul(1024 * 1024),
        _ => return Err(bad("unknown unit")),
    };
    mib.filter(|&m| m > 0)
        .ok_or_else(|| bad("it is zero or too large"))
}

/// A job name from the sweep file's name: lowercase letters, digits and `-`, starting with
/// a letter, at most 40 characters (room for the `-sweep`, `-merge` … suffixes within the
/// 63 of a Kubernetes name).
pub fn default_name(sweep: &Path) -> String {
    let stem = sweep
        .file_stem()
        .map(|s| s.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut name = String::new();
    for c in stem.chars() {
        let c = if c.is_ascii_alphanumeric() { c } else { '-' };
        if !(c == '-' && (name.is_empty() || name.ends_with('-'))) {
            name.push(c);
        }
    }
    name.truncate(40);
    let name = name.trim_end_matches('-');
    if name.starts_with(|c: char| c.is_ascii_lowercase()) {
        name.to_string()
    } else if name.is_empty() {
        "regionsim".into()
    } else {
        format!("sweep-{name}")
    }
}

/// Checks a name given with `--name`: a DNS label of at most 40 characters.
pub fn check_name(name: &str) -> Result<(), ClusterError> {
    let ok = !name.is_empty()
        && name.len() <= 40
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if ok {
        Ok(())
    } else {
        Err(ClusterError::Arg(format!(
            "--name `{name}`: a job name is 1–40 lowercase letters, digits and `-`, starting with a letter and not ending with `-` (e.g. designs-2026)"
        )))
    }
}

/// Characters a path may have so that it needs no quoting in a shell script, an `#SBATCH`
/// line (no `%`, which Slurm expands in log paths) or a YAML plain scalar.
fn safe_path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "/._-+,@=".contains(c)
}

/// Checks that `p` is absolute and needs no quoting; `what` names the argument.
pub fn check_path(p: &Path, what: &str) -> Result<String, ClusterError> {
    let s = p.to_str().ok_or_else(|| {
        ClusterError::Arg(format!(
            "{what} `{}`: the path is not valid UTF-8",
            p.display()
        ))
    })?;
    if !p.is_absolute() {
        return Err(ClusterError::Arg(format!(
            "{what} `{s}`: the scripts run on other machines and in other folders, so the path must be absolute"
        )));
    }
    if let Some(c) = s.chars().find(|&c| !safe_path_char(c)) {
        return Err(ClusterError::Arg(format!(
            "{what} `{s}`: the path has {c:?}, which job scripts cannot carry unquoted (#SBATCH lines cannot quote): use a path of letters, digits and / . _ - + , @ = (move it or link it)"
        )));
    }
    Ok(s.to_string())
}

/// The comment line at the top of every generated file.
pub(crate) fn header(command: &str, template: &str) -> String {
    format!(
        "Written by `regionsim cluster {command}` from the template deploy/{template}; run the command again rather than editing by hand."
    )
}

/// Fills every `{{key}}` of `template` from `vars`. Refuses an unknown placeholder, an
/// unclosed `{{`, or a variable the template does not use (a sign the two drifted apart).
pub fn render(
    template: &str,
    name: &'static str,
    vars: &[(&str, String)],
) -> Result<String, ClusterError> {
    let err = |message: String| ClusterError::Template {
        template: name,
        message,
    };
    let mut out = String::with_capacity(template.len() + 256);
    let mut used = vec![false; vars.len()];
    let mut rest = template;
    while let Some(at) = rest.find("{{") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let end = after
            .find("}}")
            .ok_or_else(|| err("a `{{` without `}}`".into()))?;
        let key = &after[..end];
        let i = vars
            .iter()
            .position(|(k, _)| *k == key)
            .ok_or_else(|| err(format!("unknown placeholder {{{{{key}}}}}")))?;
        used[i] = true;
        out.push_str(&vars[i].1);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    if let Some(i) = used.iter().position(|u| !u) {
        return Err(err(format!(
            "the template does not use {{{{{}}}}}",
            vars[i].0
        )));
    }
    Ok(out)
}

/// The template values every scheduler's files share: the header naming `template` for
/// `scheduler`, the job name, the shard count and last task index, the sweep's runs and
/// runs per task, and the threads per task.
pub(crate) fn shared_vars(
    scheduler: &str,
    template: &str,
    c: &Common,
    plan: &SweepPlan,
) -> Vec<(&'static str, String)> {
    vec![
        ("header", header(scheduler, template)),
        ("name", c.name.clone()),
        ("shards", c.shards.to_string()),
        ("last_task", (c.shards - 1).to_string()),
        ("runs", plan.runs.to_string()),
        (
            "runs_per_task",
            runs_per_task(plan.runs, c.shards).to_string(),
        ),
        ("threads", c.threads.to_string()),
    ]
}

/// Runs per task: `runs / shards`, rounded up (the largest shard).
pub(crate) fn runs_per_task(runs: u64, shards: u64) -> u64 {
    runs.div_ceil(shards.max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_fills_and_refuses_drift() {
        let v = [("a", "1".to_string()), ("b", "two".to_string())];
        assert_eq!(render("x{{a}}y{{b}}{{a}}", "t", &v).unwrap(), "x1ytwo1");
        assert!(render("{{a}}{{c}}", "t", &v).is_err());
        assert!(render("{{a}}", "t", &v).is_err(), "b unused");
        assert!(render("{{a}}{{b", "t", &v).is_err());
    }

    #[test]
    fn memory_sizes() {
        assert_eq!(parse_mem("512"), Ok(512));
        assert_eq!(parse_mem("512M"), Ok(512));
        assert_eq!(parse_mem("2G"), Ok(2048));
        assert_eq!(parse_mem("2Gi"), Ok(2048));
        assert_eq!(parse_mem("1T"), Ok(1024 * 1024));
        assert_eq!(parse_mem("2048K"), Ok(2));
        for bad in ["", "G", "0", "1.5G", "2X", "-1G", "1000K"] {
            assert!(parse_mem(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names() {
        assert_eq!(
            default_name(Path::new("a/Designs_under load.toml")),
            "designs-under-load"
        );
        assert_eq!(default_name(Path::new("9lives.toml")), "sweep-9lives");
        assert_eq!(default_name(Path::new("__.toml")), "regionsim");
        let long = default_name(Path::new(&format!("{}.toml", "x".repeat(99))));
        assert_eq!(long.len(), 40);
        check_name("designs-2026").unwrap();
        for bad in ["", "Upper", "9x", "x-", "a_b", &"y".repeat(41)] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn paths() {
        check_path(Path::new("/scratch/a-b/c_1.toml"), "--x").unwrap();
        for bad in ["rel/x", "/a b", "/a%b", "/a'b", "/a$b", "/a\nb"] {
            assert!(check_path(Path::new(bad), "--x").is_err(), "{bad:?}");
        }
    }
}

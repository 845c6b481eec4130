//! A sweep as a Slurm job array (`array.sbatch`: task I runs `sweep --shard I/N --resume`
//! into `part-I/`), a merge job (`merge.sbatch`) and `submit.sh`, which queues the merge
//! with `--dependency=afterok` on the array. Rendered from `deploy/slurm/`.

use super::{check_path, render, shared_vars, whole_seconds, ClusterError, Common, File};
use crate::experiment::sweep::SweepPlan;
use std::path::PathBuf;

pub const ARRAY_TEMPLATE: &str = include_str!("../../../../deploy/slurm/array.sbatch");
pub const MERGE_TEMPLATE: &str = include_str!("../../../../deploy/slurm/merge.sbatch");
pub const SUBMIT_TEMPLATE: &str = include_str!("../../../../deploy/slurm/submit.sh");

/// A Slurm job array for one sweep. Paths are as the compute nodes see them (absolute, on
/// a shared file system).
#[derive(Clone, Debug)]
pub struct Slurm {
    pub common: Common,
    /// The regionsim binary.
    pub regionsim: PathBuf,
    /// The sweep file.
    pub sweep: PathBuf,
    /// The folder of the scripts, the task folders `part-I/`, `logs/` and `result/`.
    pub out: PathBuf,
}

/// A wall-time limit as Slurm writes it: `D-HH:MM:SS`.
pub fn slurm_time(seconds: u64) -> String {
    let (d, r) = (seconds / 86_400, seconds % 86_400);
    format!("{d}-{:02}:{:02}:{:02}", r / 3600, r % 3600 / 60, r % 60)
}

/// `array.sbatch`, `merge.sbatch` and `submit.sh` for `plan`.
pub fn files(job: &Slurm, plan: &SweepPlan) -> Result<Vec<File>, ClusterError> {
    let c = &job.common;
    let regionsim = check_path(&job.regionsim, "--regionsim")?;
    let sweep = check_path(&job.sweep, "the sweep file")?;
    let out = check_path(&job.out, "--out")?;
    let vars = |template: &str| {
        let mut v = shared_vars("slurm", template, c, plan);
        v.extend([
            ("mem", format!("{}M", c.mem_mib)),
            ("time", slurm_time(whole_seconds(c.time))),
            ("regionsim", regionsim.clone()),
            ("sweep", sweep.clone()),
            ("out", out.clone()),
        ]);
        v
    };
    let keep = |v: Vec<(&'static str, String)>, keys: &[&str]| -> Vec<(&'static str, String)> {
        v.into_iter().filter(|(k, _)| keys.contains(k)).collect()
    };
    let array = render(
        ARRAY_TEMPLATE,
        "slurm/array.sbatch",
        &vars("slurm/array.sbatch"),
    )?;
    let merge = render(
        MERGE_TEMPLATE,
        "slurm/merge.sbatch",
        &keep(
            vars("slurm/merge.sbatch"),
            &[
                "header",
                "name",
                "shards",
                "last_task",
                "mem",
                "time",
                "regionsim",
                "out",
            ],
        ),
    )?;
    let submit = render(
        SUBMIT_TEMPLATE,
        "slurm/submit.sh",
        &keep(vars("slurm/submit.sh"), &["header", "shards", "out"]),
    )?;
    Ok(vec![
        File {
            name: "array.sbatch",
            text: array,
            executable: true,
        },
        File {
            name: "merge.sbatch",
            text: merge,
            executable: true,
        },
        File {
            name: "submit.sh",
            text: submit,
            executable: true,
        },
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_format() {
        assert_eq!(slurm_time(60), "0-00:01:00");
        assert_eq!(slurm_time(90 * 60 + 5), "0-01:30:05");
        assert_eq!(slurm_time(2 * 86_400 + 3600), "2-01:00:00");
    }
}

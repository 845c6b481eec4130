//! `regionsim cluster slurm|k8s`: writes the files that run a sweep on a cluster scheduler
//! (`sim_core::experiment::cluster` renders them from the templates in `deploy/`).

use anyhow::{Context, Result};
use sim_core::engine::time::SimDuration;
use sim_core::experiment::cluster::{self, k8s, slurm, Common, File};
use sim_core::export::write_atomic;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub const CLUSTER_HELP: &str = "\
Writes ready-to-submit files that run a sweep as N tasks (`regionsim sweep --shard I/N
--resume`, each into its own folder) and then `regionsim merge`, whose result is
byte-identical to one machine running the whole sweep. The sweep is checked first, so a bad
value fails here, not on the cluster. See docs/cluster.md.

Examples:
  regionsim cluster slurm big.toml --shards 16 --out /scratch/big --threads 4 --time 3h
  bash /scratch/big/submit.sh
  regionsim cluster k8s big.toml --shards 16 --out k8s-big --image my-registry/regionsim:0.1.0
  bash k8s-big/submit.sh -n research";

#[derive(clap::Subcommand)]
pub enum ClusterCommand {
    /// A Slurm job array (task I runs shard I/N), a merge job queued with
    /// --dependency=afterok, and submit.sh. Every path must be on a file system the compute
    /// nodes share.
    #[command(
        after_help = "Writes OUT/array.sbatch, OUT/merge.sbatch and OUT/submit.sh. The tasks write\n\
OUT/part-I/, logs go to OUT/logs/, the merge writes OUT/result/runs.csv and summary.csv.\n\n\
Example:\n  regionsim cluster slurm big.toml --shards 16 --out /scratch/big --threads 4\n  bash /scratch/big/submit.sh                 # all tasks, then the merge\n  bash /scratch/big/submit.sh --array=3       # task 3 again after it failed"
    )]
    Slurm(SlurmArgs),
    /// A Kubernetes Indexed Job (completionMode: Indexed), a merge Job, a ReadWriteMany
    /// volume claim, a ConfigMap with the sweep's files, and submit.sh.
    #[command(
        after_help = "Writes OUT/input.yaml, volume.yaml, sweep-job.yaml, merge-job.yaml and submit.sh.\n\
The pods write /data/part-I/ on the claim; the merge writes /data/result/.\n\n\
Example:\n  regionsim cluster k8s big.toml --shards 16 --out k8s-big --image my-registry/regionsim:0.1.0\n  bash k8s-big/submit.sh -n research"
    )]
    K8s(K8sArgs),
}

#[derive(clap::Args)]
pub struct CommonArgs {
    /// The sweep file (TOML).
    sweep: PathBuf,
    /// Number of tasks: task I runs the runs whose index modulo N is I.
    #[arg(long, value_name = "N", value_parser = crate::args::whole::<u64>)]
    shards: u64,
    /// Folder for the generated files (for Slurm also the tasks' folders, logs and result).
    #[arg(long)]
    out: PathBuf,
    /// Worker threads per task, = CPUs requested per task.
    #[arg(long, default_value_t = 1, value_parser = crate::args::whole::<u16>)]
    threads: u16,
    /// Wall-time limit per task, e.g. 90m, 2h, 1d.
    #[arg(long, default_value = "2h", value_parser = parse_time)]
    time: SimDuration,
    /// Memory per task, e.g. 512M, 2G.
    #[arg(long, default_value = "1G", value_parser = cluster::parse_mem)]
    mem: u64,
    /// Job name (default: from the sweep file's name).
    #[arg(long)]
    name: Option<String>,
}

#[derive(clap::Args)]
pub struct SlurmArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// The regionsim binary as the compute nodes see it (default: this program).
    #[arg(long)]
    regionsim: Option<PathBuf>,
}

#[derive(clap::Args)]
pub struct K8sArgs {
    #[command(flatten)]
    common: CommonArgs,
    /// Container image with the regionsim binary.
    #[arg(long)]
    image: String,
    /// The binary inside the image: a name on its PATH or an absolute path.
    #[arg(long, default_value = "regionsim")]
    regionsim: String,
    /// Size of the volume claim for the parts and the result, e.g. 1G.
    #[arg(long, default_value = "1G", value_parser = cluster::parse_mem)]
    storage: u64,
    /// Storage class of the claim (one offering ReadWriteMany; default: the cluster's).
    #[arg(long)]
    storage_class: Option<String>,
}

fn parse_time(s: &str) -> Result<SimDuration, String> {
    s.parse().map_err(|e| format!("{e}"))
}

pub fn run(cmd: ClusterCommand) -> Result<ExitCode> {
    match cmd {
        ClusterCommand::Slurm(a) => {
            let (common, plan) = check(&a.common)?;
            let regionsim = match a.regionsim {
                Some(p) => absolute(&p)?,
                None => std::env::current_exe()
                    .and_then(|p| p.canonicalize())
                    .context("finding this program's path: pass --regionsim PATH")?,
            };
            // Refuse an unusable folder before creating it.
            let out = std::path::absolute(&a.common.out)
                .with_context(|| format!("resolving {}", a.common.out.display()))?;
            cluster::check_path(&out, "--out")?;
            std::fs::create_dir_all(&a.common.out)
                .with_context(|| format!("creating {}", a.common.out.display()))?;
            let job = slurm::Slurm {
                common,
                regionsim,
                sweep: absolute(&a.common.sweep)?,
                out: absolute(&a.common.out)?,
            };
            let files = slurm::files(&job, &plan)?;
            write(&a.common.out, &files)?;
            summary(&job.common, plan.runs, "Slurm job array");
            crate::out::outln!(
                "submit: bash {}   (results in {})",
                job.out.join("submit.sh").display(),
                job.out.join("result").display()
            );
        }
        ClusterCommand::K8s(a) => {
            let (common, plan) = check(&a.common)?;
            let job = k8s::K8s {
                common,
                sweep: a.common.sweep.clone(),
                image: a.image,
                regionsim: a.regionsim,
                storage_mib: a.storage,
                storage_class: a.storage_class,
            };
            let files = k8s::files(&job, &plan)?;
            write(&a.common.out, &files)?;
            summary(&job.common, plan.runs, "Kubernetes Indexed Job");
            crate::out::outln!(
                "submit: bash {}   (results in /data/result on the claim {}-data)",
                a.common.out.join("submit.sh").display(),
                job.common.name
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Checks the arguments and the sweep (every point, as the tasks would).
fn check(a: &CommonArgs) -> Result<(Common, sim_core::experiment::sweep::SweepPlan)> {
    let name = match &a.name {
        Some(n) => {
            cluster::check_name(n)?;
            n.clone()
        }
        None => cluster::default_name(&a.sweep),
    };
    let common = Common {
        shards: a.shards,
        threads: a.threads,
        time: a.time,
        mem_mib: a.mem,
        name,
    };
    let plan = cluster::load_checked(&a.sweep, &common)?;
    Ok((common, plan))
}

fn absolute(p: &Path) -> Result<PathBuf> {
    p.canonicalize()
        .with_context(|| format!("cannot find {}", p.display()))
}

fn write(dir: &Path, files: &[File]) -> Result<()> {
    for f in files {
        let path = dir.join(f.name);
        write_atomic(&path, f.text.as_bytes())
            .with_context(|| format!("writing {}", path.display()))?;
        #[cfg(unix)]
        if f.executable {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
                .with_context(|| format!("making {} executable", path.display()))?;
        }
        crate::out::outln!("wrote {}", path.display());
    }
    Ok(())
}

fn summary(c: &Common, runs: u64, what: &str) {
    crate::out::outln!(
        "{what} `{}`: {runs} runs in {} tasks (≤ {} runs each), {} thread(s), {} MiB and {} per task",
        c.name,
        c.shards,
        runs.div_ceil(c.shards),
        c.threads,
        c.mem_mib,
        c.time
    );
}

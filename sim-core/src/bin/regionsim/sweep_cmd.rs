//! `regionsim sweep` and `regionsim merge`: command-line glue over
//! `sim_core::experiment::sweep`, plus progress display (the only wall-clock reads).

use crate::out::{errln, outln};
use anyhow::{Context, Result};
use indicatif::{ProgressBar, ProgressState, ProgressStyle};
use sim_core::experiment::sweep::{self, Observer, Options, Shard, SweepPlan};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const SWEEP_HELP: &str = "\
The sweep file (TOML) names a base scenario and the fields to vary, by path:

  base = \"service.toml\"        # relative to the sweep file; omitted = embedded default
  seed = 7                     # master seed
  replications = 5             # runs per point
  [set]                        # constants for every point
  duration = \"2m\"
  [axes]                       # cartesian product, outermost first
  layout = [\"active-passive\", \"active-active\", \"sharded\"]
  \"routing.dns_ttl\" = [\"10s\", \"60s\"]
  [[zip]]                      # lists that advance together
  \"workload.peak_rps\" = [6000.0, 12000.0]
  \"regions[0].instances\" = [12, 24]

Replication k of every point uses the same seed (common random numbers). Each finished run
is saved at once under OUT/parts/; after an interruption, --resume runs only what is
missing. runs.csv and summary.csv are byte-identical for any --threads, after resumes, and
after merging shards.

Examples:
  regionsim sweep datasets/sweeps/designs-under-load.toml --out ws/
  regionsim sweep big.toml --out ws/ --resume            # continue after a crash
  regionsim sweep big.toml --shard 3/16 --out part-3/    # one task of a job array
  regionsim merge part-*/ --out ws/";

pub const MERGE_HELP: &str = "\
Every folder must come from the same sweep file and base scenario (checked by hash), and
every run must be in exactly one folder. Every part must verify (it ends with a CRC-32
line): a part cut short or changed is refused, naming it; run its shard again with
--resume, which replaces it. The result is byte-identical to one machine running the
whole sweep.

Example:
  regionsim merge part-0/ part-1/ part-2/ --out ws/";

#[derive(clap::Args)]
pub struct SweepArgs {
    /// The sweep file (TOML).
    file: PathBuf,
    /// Folder for parts/, runs.csv and summary.csv.
    #[arg(long, default_value = "sweep-out")]
    out: PathBuf,
    /// Worker threads (default: one per core).
    #[arg(long, value_parser = parse_threads)]
    threads: Option<u16>,
    /// Continue the sweep in --out: run only the runs not yet saved (starts one if none).
    #[arg(long)]
    resume: bool,
    /// Run only shard I of N: the runs whose index modulo N is I. Join with `regionsim merge`.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    shard: Option<Shard>,
    /// Print nothing but errors.
    #[arg(long, short)]
    quiet: bool,
    /// Refuse points whose runs are estimated to simulate more requests than this each.
    #[arg(long, default_value_t = sim_core::experiment::budget::DEFAULT_MAX_REQUESTS,
          value_parser = crate::args::whole::<u64>)]
    max_requests: u64,
}

#[derive(clap::Args)]
pub struct MergeArgs {
    /// Folders written by `regionsim sweep --shard`.
    #[arg(required = true)]
    dirs: Vec<PathBuf>,
    /// Folder for runs.csv and summary.csv.
    #[arg(long)]
    out: PathBuf,
}

fn parse_shard(s: &str) -> Result<Shard, String> {
    s.parse()
}

fn parse_threads(s: &str) -> Result<u16, String> {
    match crate::args::whole::<u16>(s)? {
        0 => Err("must be at least 1 (leave --threads out for one per core)".into()),
        n => Ok(n),
    }
}

pub fn sweep(a: SweepArgs) -> Result<ExitCode> {
    crate::args::out_dir("--out", &a.out)?;
    let plan = SweepPlan::load(&a.file)?;
    if !a.quiet {
        for line in plan.warnings() {
            errln!("warning: {line}");
        }
    }
    let shard = a.shard.unwrap_or(Shard::ALL);
    let opts = Options {
        out: a.out.clone(),
        threads: a.threads.map_or(0, usize::from),
        resume: a.resume,
        shard,
        max_requests: a.max_requests,
    };
    let progress = Progress::new(a.quiet);
    let outcome = sweep::run_sweep(&plan, &opts, &progress);
    progress.finish();
    let outcome = outcome?;
    if a.quiet {
        return Ok(ExitCode::SUCCESS);
    }
    for r in &outcome.redone {
        errln!("warning: re-ran a damaged part: {r}");
    }
    let shard_note = if shard == Shard::ALL {
        String::new()
    } else {
        format!(", shard {shard} ({} runs)", outcome.shard_runs)
    };
    outln!(
        "sweep {}: {} runs ({} points × {} replications){shard_note}: ran {}, {} already done",
        a.file.display(),
        outcome.runs,
        plan.points,
        plan.replications,
        outcome.ran,
        outcome.already_done
    );
    if outcome.written.is_empty() {
        outln!(
            "parts saved in {}; join the shards with `regionsim merge FOLDERS… --out DIR`",
            a.out.join("parts").display()
        );
    } else {
        let names: Vec<String> = outcome
            .written
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        outln!("wrote {}", names.join(", "));
    }
    Ok(ExitCode::SUCCESS)
}

pub fn merge(a: MergeArgs) -> Result<ExitCode> {
    crate::args::out_dir("--out", &a.out)?;
    let (m, written) = sweep::merge(&a.dirs, &a.out).with_context(|| {
        format!(
            "merging {} folder(s) into {}",
            a.dirs.len(),
            a.out.display()
        )
    })?;
    let names: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    outln!(
        "merged {} runs of {} from {} folder(s); wrote {}",
        m.runs,
        m.describe(),
        a.dirs.len(),
        names.join(", ")
    );
    Ok(ExitCode::SUCCESS)
}

/// Progress on stderr: a bar on a terminal, a line every 5 s or 10 % otherwise, or nothing.
struct Progress {
    bar: Option<ProgressBar>,
    lines: Option<Mutex<Lines>>,
}

struct Lines {
    total: u64,
    done: u64,
    resumed: u64,
    started: Instant,
    last: Instant,
    last_tenth: u64,
}

const EVERY: Duration = Duration::from_secs(5);

impl Progress {
    fn new(quiet: bool) -> Progress {
        let tty = std::io::stderr().is_terminal();
        Progress {
            bar: (!quiet && tty).then(|| {
                let b = ProgressBar::new(0);
                let style = ProgressStyle::with_template(
                    "{elapsed_precise} [{wide_bar}] {pos}/{len} runs  {rate}  ETA {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .with_key("rate", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.2} runs/s", s.per_sec());
                })
                .progress_chars("=> ");
                b.set_style(style);
                b
            }),
            lines: (!quiet && !tty).then(|| {
                let now = Instant::now();
                Mutex::new(Lines {
                    total: 0,
                    done: 0,
                    resumed: 0,
                    started: now,
                    last: now,
                    last_tenth: 0,
                })
            }),
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}

impl Observer for Progress {
    fn start(&self, total: u64, done: u64) {
        if let Some(b) = &self.bar {
            b.set_length(total);
            b.set_position(done);
            b.reset_eta();
        }
        if let Some(l) = &self.lines {
            let mut l = l.lock().unwrap_or_else(|e| e.into_inner());
            l.total = total;
            l.done = done;
            l.resumed = done;
            l.started = Instant::now();
            l.last = l.started;
            l.last_tenth = done * 10 / total.max(1);
            errln!("sweep: {total} runs, {done} already done");
        }
    }

    fn run_done(&self) {
        if let Some(b) = &self.bar {
            b.inc(1);
        }
        if let Some(l) = &self.lines {
            let mut l = l.lock().unwrap_or_else(|e| e.into_inner());
            l.done += 1;
            let now = Instant::now();
            let tenth = l.done * 10 / l.total.max(1);
            if now - l.last >= EVERY || tenth > l.last_tenth || l.done == l.total {
                l.last = now;
                l.last_tenth = tenth;
                let secs = (now - l.started).as_secs_f64().max(1e-9);
                let rate = (l.done - l.resumed) as f64 / secs;
                let eta = if rate > 0.0 {
                    format!("{:.0}s", (l.total - l.done) as f64 / rate)
                } else {
                    "?".into()
                };
                errln!(
                    "sweep: {}/{} runs ({:.0}%), {rate:.2} runs/s, ETA {eta}",
                    l.done,
                    l.total,
                    100.0 * l.done as f64 / l.total.max(1) as f64
                );
            }
        }
    }
}

//! `regionsim`: simulate and plan multi-region deployments from the command line.

// Output goes through `out` (`outln!`, `errln!`), which cannot panic.
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod args;
mod cluster_cmd;
mod compare_cmd;
mod out;
mod plan_cmd;
mod report;
mod sweep_cmd;
mod watch;

use out::{errln, outln};

use anyhow::{bail, Context, Result};
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};
use sim_core::experiment::{load_file, Loaded, DEFAULT_SCENARIO};
use sim_core::export::csv_out;
use sim_core::scenario::LayoutKind;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "regionsim",
    version,
    about = "Simulate a service across cloud regions: latency, availability and cost of active-active, active-passive and sharded layouts.",
    long_about = "Simulate a service across cloud regions before you build it.\n\n\
regionsim runs a discrete-event simulation of your users, the regions you deploy to, the \
network between them (measured inter-region round trips), replication and failures, and \
reports latency percentiles, availability, data loss and monthly cost per layout. Every \
command works without files: it then uses an embedded default scenario (a global web \
service on six AWS regions). Same scenario and seed give byte-identical CSV.",
    after_help = "Examples:\n  \
regionsim compare                     # three layouts on the embedded default\n  \
regionsim init > my.toml              # start your own scenario from the default\n  \
regionsim validate my.toml            # every problem with file:line:column\n  \
regionsim run my.toml --layout sharded --out results/\n  \
regionsim regions --provider gcp      # the region catalog with nearest neighbours"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Print the default scenario as a commented TOML file to start from.
    #[command(after_help = "Example:\n  regionsim init > my-service.toml")]
    Init,
    /// Check scenario files; print every problem with file:line:column and field.
    #[command(
        after_help = "Exit status is 0 when every file is valid (warnings — legal input that is surely\n\
not what you meant, such as a failure that starts after the run — are printed but do not\n\
fail), 1 otherwise.\n\nExample:\n  regionsim validate a.toml b.toml"
    )]
    Validate {
        /// Scenario files (TOML).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Simulate one layout and print a summary; write CSV under --out.
    #[command(
        after_help = "Examples:\n  regionsim run                       # embedded default, its layout\n  regionsim run my.toml --layout active-passive --seed 7 --out out/"
    )]
    Run {
        /// Scenario file; the embedded default when omitted.
        file: Option<PathBuf>,
        /// Layout to simulate (default: the scenario's `layout`).
        #[arg(long, value_parser = parse_layout)]
        layout: Option<LayoutKind>,
        #[command(flatten)]
        common: RunArgs,
    },
    /// Simulate the three layouts on the same users and arrivals, side by side; replicate
    /// them for confidence intervals, pin a baseline for paired differences, write a report.
    #[command(after_help = compare_cmd::HELP)]
    Compare {
        /// Scenario file (B when --baseline is given); the embedded default when omitted.
        file: Option<PathBuf>,
        /// Runs of every layout, on common random numbers (default 1, or 10 with
        /// --baseline); with 2 or more, means with 95 % intervals.
        #[arg(long, value_name = "R", value_parser = compare_cmd::parse_replications)]
        replications: Option<u32>,
        /// Pin scenario A as the baseline: print B − A per metric with a 95 % paired
        /// interval (differences.csv).
        #[arg(long, value_name = "A.toml")]
        baseline: Option<PathBuf>,
        /// Pin this scenario with follow-the-sun off (a fixed write primary) as the
        /// baseline: what moving the primary costs and gains, per metric, paired.
        #[arg(long, conflicts_with = "baseline")]
        against_fixed_primary: bool,
        /// Also write a self-contained HTML report (tables, verdict, charts, scenario
        /// with its SHA-256, seed and version) to this file.
        #[arg(long, value_name = "FILE.html")]
        report: Option<PathBuf>,
        #[command(flatten)]
        common: RunArgs,
    },
    /// Annual availability, downtime and data loss of the three layouts: Markov chains
    /// (exact) beside a years-long region-state simulation (with confidence intervals).
    #[command(
        after_help = "Regions fail at random (MTBF) and are repaired (MTTR): per-provider statistics from\n\
the catalog unless the scenario's [random_failures] sets them. Failover takes detection +\n\
promotion + DNS TTL (+ for a warm/cold standby, the part of its scale-up until it carries\n\
the day's mean load).\n\nExamples:\n  regionsim availability\n  regionsim availability my.toml --years 50000 --out out/"
    )]
    Availability {
        /// Scenario file; the embedded default when omitted.
        file: Option<PathBuf>,
        /// Simulated years per layout, 1 to 50000 (split over 100 replications; rounded up
        /// to a multiple of 100).
        #[arg(long, default_value_t = 20_000,
              value_parser = parse_years)]
        years: u32,
        /// Master seed (default: the scenario's `seed`).
        #[arg(long, value_parser = args::whole::<u64>)]
        seed: Option<u64>,
        /// Folder for availability.csv.
        #[arg(long, default_value = "out")]
        out: PathBuf,
    },
    /// Run a sweep file: scenarios × replications in parallel, resumable and shardable.
    #[command(after_help = sweep_cmd::SWEEP_HELP)]
    Sweep(sweep_cmd::SweepArgs),
    /// Join the folders of a sharded sweep into the files one machine would write.
    #[command(after_help = sweep_cmd::MERGE_HELP)]
    Merge(sweep_cmd::MergeArgs),
    /// Write the files that run a sweep on a cluster: a Slurm job array or a Kubernetes
    /// Indexed Job, each with its merge job.
    #[command(subcommand, after_help = cluster_cmd::CLUSTER_HELP)]
    Cluster(cluster_cmd::ClusterCommand),
    /// The cheapest designs (layout, regions, instances) that meet your SLOs, checked by
    /// simulation, and the cost / p99 / availability Pareto front.
    #[command(
        after_help = "Objectives come from the scenario's [slo] table and --slo flags. Candidate regions are the\n\
scenario's regions. Writes designs.csv (every design, ranked, with why it is feasible or\n\
what it misses) and pareto.csv. See docs/planner.md.\n\n\
Exit status: 0 when at least one design meets every objective; 2 when none does (the files are\n\
still written, and the output lists, per objective, the closest any design came); 1 on\n\
an error.\n\nExamples:\n  \
regionsim plan --quick --slo p99=250ms --slo availability=0.999\n  \
regionsim plan my.toml --slo p99=200ms --slo residency --slo n+1 --layouts sharded,active-active"
    )]
    Plan(plan_cmd::PlanArgs),
    /// Show the region catalog: city, jurisdiction, price and nearest neighbours.
    #[command(after_help = "Examples:\n  regionsim regions\n  regionsim regions --provider aws")]
    Regions {
        /// Only this provider (aws, gcp or azure).
        #[arg(long)]
        provider: Option<String>,
    },
}

#[derive(clap::Args)]
struct RunArgs {
    /// Master seed (default: the scenario's `seed`).
    #[arg(long, value_parser = args::whole::<u64>)]
    seed: Option<u64>,
    /// Folder for runs.csv, areas.csv, regions.csv, timeseries.csv, incidents.csv and
    /// timing.csv.
    #[arg(long, default_value = "out")]
    out: PathBuf,
    /// Refuse to start a run estimated to simulate more requests than this (warm-up
    /// included); the refusal says the estimate.
    #[arg(long, default_value_t = sim_core::experiment::budget::DEFAULT_MAX_REQUESTS,
          value_parser = args::whole::<u64>)]
    max_requests: u64,
}

fn parse_layout(s: &str) -> Result<LayoutKind, String> {
    s.parse()
}

/// Replications of the years-scale availability simulation.
const YEARS_REPLICATIONS: u32 = 100;
/// Most simulated years per replication (and so `--years` ≤ 100 × this).
const MAX_YEARS_PER_REPLICATION: u32 = 500;

fn parse_years(s: &str) -> Result<u32, String> {
    let max = YEARS_REPLICATIONS * MAX_YEARS_PER_REPLICATION;
    match args::whole::<u32>(s) {
        Ok(y) if (1..=max).contains(&y) => Ok(y),
        Ok(y) => Err(format!("must be between 1 and {max} years, not {y}")),
        Err(_) => Err(format!(
            "must be a whole number of years between 1 and {max}, not `{s}`"
        )),
    }
}

/// The command line, with every value accepting a leading `-`: clap otherwise takes `-1`
/// for an unknown flag and suggests `-- -1` (which would pass it as a file name). Each
/// value's parser then says what is wrong with it ("must be a whole number ≥ 0, not `-1`",
/// "unknown layout `-1`"); a flag added later is covered without a word of its own.
fn command() -> clap::Command {
    fn values_may_start_with_minus(c: clap::Command) -> clap::Command {
        c.mut_args(|a| {
            if a.get_action().takes_values() {
                a.allow_negative_numbers(true)
            } else {
                a
            }
        })
        .mut_subcommands(values_may_start_with_minus)
    }
    values_may_start_with_minus(Cli::command())
}

fn parse() -> Result<Cli, clap::Error> {
    let mut cmd = command();
    cmd.try_get_matches_from_mut(std::env::args_os())
        .and_then(|m| Cli::from_arg_matches(&m))
        .map_err(|e| e.format(&mut cmd))
}

fn main() -> ExitCode {
    let cli = match parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to standard output, usage errors to standard error.
            if let Err(io) = e.print() {
                if !e.use_stderr() {
                    out::stdout_failed(&io);
                }
            }
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(2));
        }
    };
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            errln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Init => {
            out::out(DEFAULT_SCENARIO);
            Ok(ExitCode::SUCCESS)
        }
        Command::Validate { files } => validate(&files),
        Command::Run {
            file,
            layout,
            common,
        } => {
            args::out_dir("--out", &common.out)?;
            let Loaded {
                scenario,
                spec: prepared,
                ..
            } = load(file.as_deref())?;
            let layout = layout.unwrap_or(scenario.layout);
            let seed = common.seed.unwrap_or(scenario.seed);
            let est = watch::budget(&prepared, common.max_requests, 1)?;
            let results = watch::run(&prepared, &[layout], seed, &est);
            out::out(&report::summary(&scenario, &results));
            write_csv(&common.out, &results)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Compare {
            file,
            replications,
            baseline,
            against_fixed_primary,
            report,
            common,
        } => compare_cmd::run(compare_cmd::CompareArgs {
            file,
            replications,
            baseline,
            against_fixed_primary,
            report,
            common,
        }),
        Command::Availability {
            file,
            years,
            seed,
            out,
        } => {
            args::out_dir("--out", &out)?;
            let Loaded {
                scenario,
                spec: prepared,
                ..
            } = load(file.as_deref())?;
            let replications = YEARS_REPLICATIONS;
            let cfg = sim_core::analytic::years::YearsConfig {
                replications,
                // parse_years bounds `years`, so this is at most MAX_YEARS_PER_REPLICATION.
                years_per_replication: years.div_ceil(replications),
                seed: seed.unwrap_or(scenario.seed),
            };
            if let Err(e) = sim_core::experiment::availability::within_years_budget(&prepared, &cfg)
            {
                bail!(
                    "the scenario cannot be simulated for {years} years:\n{}",
                    located(file.as_deref(), e)
                );
            }
            let rows = sim_core::experiment::availability::availability(&prepared, &cfg)
                .map_err(anyhow::Error::msg)?;
            out::out(&report::availability(&rows));
            let bytes = sim_core::experiment::availability::availability_csv(&rows)?;
            let path = out.join("availability.csv");
            sim_core::export::write_atomic(&path, &bytes)
                .with_context(|| format!("writing {}", path.display()))?;
            outln!("\nwrote {}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Sweep(args) => sweep_cmd::sweep(args),
        Command::Merge(args) => sweep_cmd::merge(args),
        Command::Cluster(cmd) => cluster_cmd::run(cmd),
        Command::Plan(args) => plan_cmd::run(args),
        Command::Regions { provider } => {
            let catalog = sim_core::experiment::load::embedded_catalog();
            match sim_core::catalog::regions_table(&catalog, provider.as_deref()) {
                Ok(t) => {
                    out::out(&t);
                    Ok(ExitCode::SUCCESS)
                }
                Err(e) => bail!("{e}"),
            }
        }
    }
}

/// Reads, checks and resolves a scenario (the embedded default without a file); prints
/// its warnings to standard error.
fn load(file: Option<&Path>) -> Result<Loaded> {
    let loaded = load_file(file).map_err(|e| anyhow::anyhow!("the scenario is not valid:\n{e}"))?;
    warn(file, &loaded.warnings);
    Ok(loaded)
}

/// A problem found after loading (it depends on a flag, not on the file alone), placed in
/// the file like a validation error: `file:line:col: field: message`. The file was read
/// and checked a moment ago; should it be unreadable now, the problem goes unplaced.
fn located(file: Option<&Path>, e: sim_core::scenario::FieldError) -> String {
    let (text, source) = match file {
        Some(f) => (std::fs::read_to_string(f).ok(), f.to_path_buf()),
        None => (
            Some(sim_core::experiment::DEFAULT_SCENARIO.to_string()),
            PathBuf::from("<embedded default scenario>"),
        ),
    };
    let Some(text) = text else {
        return format!("{}: {e}", source.display());
    };
    match sim_core::scenario::load::load_str(&text, &source, |_| vec![e.clone()]) {
        Err(located) => located.to_string(),
        Ok(_) => format!("{}: {e}", source.display()),
    }
}

/// Prints located warnings, `warning: file:line:col: field: message`, to standard error.
fn warn(file: Option<&Path>, warnings: &[sim_core::scenario::error::Located]) {
    if warnings.is_empty() {
        return;
    }
    let e = sim_core::scenario::ScenarioError {
        source: file.map_or_else(
            || PathBuf::from("<embedded default scenario>"),
            Path::to_path_buf,
        ),
        problems: warnings.to_vec(),
    };
    for line in e.to_string().lines() {
        errln!("warning: {line}");
    }
}

fn validate(files: &[PathBuf]) -> Result<ExitCode> {
    let mut bad = 0;
    for f in files {
        match load_file(Some(f)) {
            Ok(l) if l.warnings.is_empty() => outln!("{}: ok", f.display()),
            Ok(l) => {
                warn(Some(f), &l.warnings);
                outln!("{}: ok, with {} warning(s)", f.display(), l.warnings.len());
            }
            Err(e) => {
                bad += 1;
                errln!("{e}");
            }
        }
    }
    if bad > 0 {
        errln!("{bad} of {} file(s) invalid", files.len());
        Ok(ExitCode::FAILURE)
    } else {
        Ok(ExitCode::SUCCESS)
    }
}

fn write_csv(dir: &Path, results: &[sim_core::experiment::RunResult]) -> Result<()> {
    let files: Vec<_> = results.iter().map(|r| r.files()).collect();
    let written = csv_out::write_all(dir, &files).context("writing CSV")?;
    let names: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    outln!("\nwrote {}", names.join(", "));
    Ok(())
}

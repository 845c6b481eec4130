//! `regionsim`: simulate and plan multi-region deployments from the command line.

mod cluster_cmd;
mod plan_cmd;
mod report;
mod sweep_cmd;
mod watch;

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
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
    /// Simulate the three layouts on the same users and arrivals, side by side.
    #[command(
        after_help = "The three layouts share common random numbers: the same users, arrivals and\n\
service demands, so differences come from the layouts alone.\n\nExample:\n  regionsim compare my.toml --out out/"
    )]
    Compare {
        /// Scenario file; the embedded default when omitted.
        file: Option<PathBuf>,
        #[command(flatten)]
        common: RunArgs,
    },
    /// Annual availability, downtime and data loss of the three layouts: Markov chains
    /// (exact) beside a years-long region-state simulation (with confidence intervals).
    #[command(
        after_help = "Regions fail at random (MTBF) and are repaired (MTTR): per-provider statistics from\n\
the catalog unless the scenario's [random_failures] sets them. Failover takes detection +\n\
promotion + DNS TTL (+ scale-up for warm/cold standbys).\n\nExamples:\n  regionsim availability\n  regionsim availability my.toml --years 200000 --out out/"
    )]
    Availability {
        /// Scenario file; the embedded default when omitted.
        file: Option<PathBuf>,
        /// Simulated years per layout (split over 100 replications).
        #[arg(long, default_value_t = 20_000)]
        years: u32,
        /// Master seed (default: the scenario's `seed`).
        #[arg(long)]
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
what it misses) and pareto.csv. See docs/planner.md.\n\nExamples:\n  \
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
    #[arg(long)]
    seed: Option<u64>,
    /// Folder for runs.csv, areas.csv, timeseries.csv and timing.csv.
    #[arg(long, default_value = "out")]
    out: PathBuf,
    /// Refuse to start a run estimated to simulate more requests than this (warm-up
    /// included); the refusal says the estimate.
    #[arg(long, default_value_t = sim_core::experiment::budget::DEFAULT_MAX_REQUESTS)]
    max_requests: u64,
}

fn parse_layout(s: &str) -> Result<LayoutKind, String> {
    s.parse()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn dispatch(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Init => {
            emit(DEFAULT_SCENARIO);
            Ok(ExitCode::SUCCESS)
        }
        Command::Validate { files } => validate(&files),
        Command::Run {
            file,
            layout,
            common,
        } => {
            let Loaded {
                scenario,
                spec: prepared,
                ..
            } = load(file.as_deref())?;
            let layout = layout.unwrap_or(scenario.layout);
            let seed = common.seed.unwrap_or(scenario.seed);
            let est = watch::budget(&prepared, common.max_requests, 1)?;
            let results = watch::run(&prepared, &[layout], seed, &est);
            emit(&report::summary(&scenario, &results));
            write_csv(&common.out, &results)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Compare { file, common } => {
            let Loaded {
                scenario,
                spec: prepared,
                ..
            } = load(file.as_deref())?;
            let seed = common.seed.unwrap_or(scenario.seed);
            let est = watch::budget(&prepared, common.max_requests, 3)?;
            let results = watch::run(&prepared, &LayoutKind::ALL, seed, &est);
            emit(&report::summary(&scenario, &results));
            emit(&report::areas(&results));
            write_csv(&common.out, &results)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Availability {
            file,
            years,
            seed,
            out,
        } => {
            let Loaded {
                scenario,
                spec: prepared,
                ..
            } = load(file.as_deref())?;
            let replications = 100u32;
            let cfg = sim_core::analytic::years::YearsConfig {
                replications,
                years_per_replication: years.div_ceil(replications).clamp(1, 500),
                seed: seed.unwrap_or(scenario.seed),
            };
            let rows = sim_core::experiment::availability::availability(&prepared, &cfg)
                .map_err(anyhow::Error::msg)?;
            emit(&report::availability(&rows));
            let bytes = sim_core::experiment::availability::availability_csv(&rows)?;
            let path = out.join("availability.csv");
            sim_core::export::write_atomic(&path, &bytes)
                .with_context(|| format!("writing {}", path.display()))?;
            emit(&format!("\nwrote {}\n", path.display()));
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
                    emit(&t);
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
        eprintln!("warning: {line}");
    }
}

fn validate(files: &[PathBuf]) -> Result<ExitCode> {
    let mut bad = 0;
    for f in files {
        match load_file(Some(f)) {
            Ok(l) if l.warnings.is_empty() => emit(&format!("{}: ok\n", f.display())),
            Ok(l) => {
                warn(Some(f), &l.warnings);
                emit(&format!(
                    "{}: ok, with {} warning(s)\n",
                    f.display(),
                    l.warnings.len()
                ));
            }
            Err(e) => {
                bad += 1;
                eprintln!("{e}");
            }
        }
    }
    if bad > 0 {
        eprintln!("{bad} of {} file(s) invalid", files.len());
        Ok(ExitCode::FAILURE)
    } else {
        Ok(ExitCode::SUCCESS)
    }
}

/// Writes to standard output; a closed pipe (`regionsim compare | head`) ends quietly.
fn emit(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: writing to standard output: {e}");
        std::process::exit(1);
    }
}

fn write_csv(dir: &Path, results: &[sim_core::experiment::RunResult]) -> Result<()> {
    let written = csv_out::write_all(dir, results)
        .with_context(|| format!("writing CSV under {}", dir.display()))?;
    let names: Vec<String> = written.iter().map(|p| p.display().to_string()).collect();
    emit(&format!("\nwrote {}\n", names.join(", ")));
    Ok(())
}

//! `regionsim plan`: the cheapest designs that meet the SLOs, and the Pareto front.
//!
//! Objectives come from the scenario's `[slo]` table, then `--slo` flags (which add to or
//! replace it). Progress goes to standard error; the table to standard output;
//! `designs.csv` and `pareto.csv` are written once, at the end, atomically — an interrupt
//! (Ctrl-C) before then leaves any previous files as they were.

use crate::out::errln;
use anyhow::{bail, Context, Result};
use sim_core::experiment::plan::{self, report, PlanOptions, Progress, Status};
use sim_core::scenario::slo::problems;
use sim_core::scenario::{LayoutKind, StandbyMode};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;
use std::sync::Mutex;

#[derive(clap::Args)]
pub struct PlanArgs {
    /// Scenario file (its regions are the candidates, its [slo] table the objectives);
    /// the embedded default when omitted.
    file: Option<PathBuf>,
    /// An objective: p99=250ms, p99[AREA]=200ms, availability=0.999 (or 99.9%), rpo=1s,
    /// residency, budget=20000 (USD/month), n+1. Repeat the flag for several.
    #[arg(long = "slo", value_name = "KEY[=VALUE]")]
    slos: Vec<String>,
    /// Layouts to consider, comma-separated (default: all three).
    #[arg(long, value_delimiter = ',', value_parser = parse_layout)]
    layouts: Vec<LayoutKind>,
    /// Folder for designs.csv and pareto.csv.
    #[arg(long, default_value = "out")]
    out: PathBuf,
    /// Fewer, shorter runs (2 to 4 steady replications of ~150,000 requests, outage runs of
    /// ≤ 2 min, 2 finalists per layout).
    #[arg(long)]
    quick: bool,
    /// Master seed (default: the scenario's `seed`).
    #[arg(long, value_parser = crate::args::whole::<u64>)]
    seed: Option<u64>,
    /// Steady-state replications every simulated design gets (default 3; --quick: 2).
    #[arg(long, value_parser = crate::args::whole::<u32>)]
    replications: Option<u32>,
    /// Steady-state replications a design may get while the 95 % interval of an
    /// objective straddles its bound (default 10; --quick: 4; never below --replications).
    #[arg(long, value_parser = crate::args::whole::<u32>)]
    max_replications: Option<u32>,
    /// Per layout, stop after this many designs meet every objective.
    #[arg(long, value_parser = crate::args::whole::<usize>)]
    finalists: Option<usize>,
    /// Per layout, simulate at most this many designs.
    #[arg(long, value_parser = crate::args::whole::<usize>)]
    max_verified: Option<usize>,
    /// Instance counts to try per region, comma-separated (default: the Erlang C size ± a
    /// few).
    #[arg(long, value_delimiter = ',',
          value_parser = crate::args::whole::<u32>)]
    instances: Vec<u32>,
    /// Active-passive standby modes to try, comma-separated: hot, warm, cold (default: the
    /// scenario's `active_passive.standby_mode`).
    #[arg(long, value_delimiter = ',', value_parser = parse_mode)]
    standby: Vec<StandbyMode>,
    /// Keep the scenario's own [[failures]] in the steady runs.
    #[arg(long)]
    keep_failures: bool,
    /// Simulate the scenario's own time window instead of every area at its daily peak.
    #[arg(long)]
    window: bool,
    /// Also try every design autoscaled (target tracking at 0.6, min a quarter of the
    /// design's count, max the count), billed by the instance-hours it provisions; pays
    /// off with --window on a diurnal workload (docs/planner.md).
    #[arg(long)]
    autoscale: bool,
    /// Designs to print (at least 1).
    #[arg(long, default_value_t = 10,
          value_parser = crate::args::at_least_one::<usize>)]
    top: usize,
    /// Refuse to plan when one verification run is estimated to simulate more requests
    /// than this.
    #[arg(long, default_value_t = sim_core::experiment::budget::DEFAULT_MAX_REQUESTS,
          value_parser = crate::args::whole::<u64>)]
    max_requests: u64,
}

/// `Err` if one verification run (the measured window capped by the options, every area
/// at its peak unless `--window`) exceeds `max_requests`.
fn within_budget(mut p: sim_core::spec::Resolved, opts: &PlanOptions, max: u64) -> Result<()> {
    let s = &mut p.scenario;
    if let Some(cap) = opts.duration {
        s.duration = s.duration.min(cap);
    }
    if opts.at_peak {
        s.workload.diurnal = false;
    }
    sim_core::experiment::budget::estimate(&p)
        .check(max, 1)
        .map_err(|m| anyhow::anyhow!("each verification run: {m}"))
}

/// Exit status of a plan that found no feasible design (documented in `--help` and
/// docs/planner.md): distinct from 1, an error before any answer.
pub const NO_FEASIBLE_DESIGN: u8 = 2;

fn parse_layout(s: &str) -> Result<LayoutKind, String> {
    s.parse()
}

fn parse_mode(s: &str) -> Result<StandbyMode, String> {
    StandbyMode::ALL
        .into_iter()
        .find(|m| m.name() == s)
        .ok_or_else(|| format!("unknown standby mode `{s}` (allowed: hot, warm, cold)"))
}

pub fn run(args: PlanArgs) -> Result<ExitCode> {
    crate::args::out_dir("--out", &args.out)?;
    let super::Loaded {
        mut scenario,
        catalog,
        spec: prepared,
        ..
    } = super::load(args.file.as_deref())?;
    let areas: BTreeSet<String> = prepared
        .world
        .areas
        .iter()
        .map(|a| a.name.clone())
        .collect();
    scenario
        .slo
        .apply_flags(&args.slos)
        .map_err(anyhow::Error::msg)?;
    let bad = problems(&scenario.slo, &areas);
    if !bad.is_empty() {
        let lines: Vec<String> = bad.iter().map(|e| format!("--slo: {e}")).collect();
        bail!("{}", lines.join("\n"));
    }
    let mut opts = if args.quick {
        PlanOptions::quick()
    } else {
        PlanOptions::default()
    };
    opts.seed = args.seed.unwrap_or(scenario.seed);
    if !args.layouts.is_empty() {
        opts.layouts = args.layouts.clone();
    }
    if let Some(r) = args.replications {
        opts.replications = r;
    }
    if let Some(r) = args.max_replications {
        opts.max_replications = r;
    }
    if let Some(k) = args.finalists {
        opts.finalists = k;
    }
    if let Some(m) = args.max_verified {
        opts.max_verified = Some(m);
    }
    if !args.instances.is_empty() {
        opts.instances = Some(args.instances.clone());
    }
    opts.standby_modes = args.standby.clone();
    opts.keep_failures = args.keep_failures;
    opts.at_peak = !args.window;
    opts.autoscaling = args
        .autoscale
        .then(sim_core::experiment::plan::PlanAutoscaling::default);
    if let Some(p) = opts.problems().first() {
        // The option as typed on the command line: `max_verified: …` is `--max-verified`.
        let (name, rest) = p.split_once(':').unwrap_or((p.as_str(), ""));
        bail!("--{}:{rest}", name.replace('_', "-"));
    }
    within_budget(prepared, &opts, args.max_requests)?;
    errln!(
        "planning `{}`: {} candidate regions; layouts: {}",
        scenario.name,
        scenario.regions.len(),
        plan::layout_names(&opts.layouts)
    );
    let bar: Mutex<Option<indicatif::ProgressBar>> = Mutex::new(None);
    let progress = |p: Progress| {
        let mut bar = bar.lock().unwrap_or_else(|e| e.into_inner());
        match p {
            Progress::Analytic { shapes, designs } => {
                errln!("analytic: {shapes} layout × region shapes, {designs} designs sized and checked")
            }
            Progress::Runs {
                round,
                done: 0,
                total,
            } => {
                if let Some(b) = bar.take() {
                    b.finish_and_clear();
                }
                errln!("verification round {round}: {total} simulation runs");
                let b = indicatif::ProgressBar::new(total as u64);
                b.set_style(
                    indicatif::ProgressStyle::with_template(
                        "  {bar:40} {pos}/{len} runs, {elapsed}",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                *bar = Some(b);
            }
            Progress::Runs { done, total, .. } => {
                // Sequential stopping adds runs to a round as it goes: the length grows.
                if let Some(b) = bar.as_ref() {
                    b.set_length(total as u64);
                    b.set_position(done as u64);
                }
            }
        }
    };
    let cancel = AtomicBool::new(false);
    let result = plan::plan(&scenario, &catalog, &opts, &cancel, &progress);
    if let Some(b) = bar.lock().unwrap_or_else(|e| e.into_inner()).take() {
        b.finish_and_clear();
    }
    let r = result.map_err(|e| anyhow::anyhow!("{e}"))?;
    super::out::out(&table(&r, args.top));
    let designs = report::designs_csv(&r)?;
    let pareto = report::pareto_csv(&r)?;
    let (dp, pp) = (args.out.join("designs.csv"), args.out.join("pareto.csv"));
    sim_core::export::write_atomic(&dp, &designs)
        .with_context(|| format!("writing {}", dp.display()))?;
    sim_core::export::write_atomic(&pp, &pareto)
        .with_context(|| format!("writing {}", pp.display()))?;
    super::out::out(&format!("\nwrote {}, {}\n", dp.display(), pp.display()));
    if r.feasible().next().is_none() {
        return Ok(ExitCode::from(NO_FEASIBLE_DESIGN));
    }
    Ok(ExitCode::SUCCESS)
}

/// `aws:us-east-1;aws:eu-west-1` → `aws:us-east-1,eu-west-1` (one provider, named once).
fn short_regions(ids: &str) -> String {
    let parts: Vec<(&str, &str)> = ids.split(';').filter_map(|id| id.split_once(':')).collect();
    match parts.first() {
        Some((p, _)) if parts.iter().all(|(q, _)| q == p) => {
            let codes: Vec<&str> = parts.iter().map(|(_, c)| *c).collect();
            format!("{p}:{}", codes.join(","))
        }
        _ => ids.replace(';', ","),
    }
}

fn table(r: &plan::PlanReport, top: usize) -> String {
    let mut out = String::new();
    let count = |s: Status| r.designs.iter().filter(|d| d.status == s).count();
    out += &format!("objectives: {}\n", r.objectives.describe());
    out += &format!(
        "{} shapes, {} designs: {} pruned analytically, {} simulated in {} runs, {} feasible\n",
        r.shapes,
        r.designs.len(),
        count(Status::Pruned),
        count(Status::Feasible) + count(Status::Infeasible),
        r.runs,
        count(Status::Feasible)
    );
    for n in r.notes.iter().take(5) {
        out += &format!("note: {n}\n");
    }
    if r.notes.len() > 5 {
        out += &format!("note: … and {} more\n", r.notes.len() - 5);
    }
    let head = format!(
        "\n{:>4}  {:<20} {:<50} {:<16} {:>9} {:>14} {:>9}  {}\n",
        "rank", "layout", "regions", "instances", "$/month", "p99 ms (high)", "avail.", "why"
    );
    let line = |i: usize, d: &plan::DesignRow| {
        let v = d.verification.as_ref();
        let p99 = v.map_or(String::new(), |v| {
            format!("{:.0} ({:.0})", v.p99_ms.mean, v.p99_ms.high)
        });
        let avail = v.map_or(String::new(), |v| {
            // Never "100.000%" for a design that lost requests.
            format!(
                "{}%",
                sim_core::report::rows::percent(v.availability * 100.0, 3)
            )
        });
        let pareto = if r.pareto.contains(&i) { " ◆" } else { "" };
        format!(
            "{:>4}  {:<20} {:<50} {:<16} {:>9.0} {:>14} {:>9}  {}{pareto}\n",
            i + 1,
            d.layout,
            short_regions(&d.regions),
            d.instances.replace(';', ","),
            d.cost(),
            p99,
            avail,
            d.reason
        )
    };
    if count(Status::Feasible) == 0 {
        out += "\nno design meets every objective; per objective, the closest any design came:\n";
        for line in plan::why::closest(r) {
            out += &format!("  {line}\n");
        }
        if count(Status::Infeasible) == 0 {
            out += "\nno design got as far as a simulation: the analytic checks pruned every one (reasons in designs.csv)\n";
            return out;
        }
        out += "\nthe cheapest simulated designs:\n";
    } else {
        out += "\nfeasible designs, cheapest first (◆ = on the Pareto front of cost, p99, availability):";
    }
    out += &head;
    let shown: Vec<usize> = if count(Status::Feasible) == 0 {
        (0..r.designs.len())
            .filter(|&i| r.designs[i].status == Status::Infeasible)
            .take(top.min(5))
            .collect()
    } else {
        (0..r.designs.len())
            .filter(|&i| r.designs[i].status == Status::Feasible)
            .take(top)
            .collect()
    };
    for i in shown {
        out += &line(i, &r.designs[i]);
    }
    let misses: Vec<usize> = (0..r.designs.len())
        .filter(|&i| r.designs[i].status == Status::Infeasible)
        .take(3)
        .collect();
    if count(Status::Feasible) > 0 && !misses.is_empty() {
        out += "\ncheapest designs that missed in simulation:\n";
        for i in misses {
            out += &line(i, &r.designs[i]);
        }
    }
    out
}

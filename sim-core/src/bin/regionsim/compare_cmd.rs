//! `regionsim compare`: the three layouts side by side, optionally replicated, against a
//! pinned baseline, and as an HTML report.
//!
//! Without flags it prints and writes exactly what it always did (replication 0 is the
//! master seed). `--replications R` adds means with 95 % intervals; `--baseline A.toml`
//! runs A and this scenario (B) on the same replication seeds and prints the paired
//! differences B − A; `--report FILE.html` writes everything as one self-contained page.

use crate::out::{errln, outln};
use crate::{load, watch, write_csv, RunArgs};
use anyhow::{bail, Context, Result};
use sim_core::experiment::{Loaded, Replicated, MAX_REPLICATIONS};
use sim_core::export::replicated::{differences_csv, intervals_csv, replications_csv};
use sim_core::export::write_atomic;
use sim_core::metrics::{Metric, Paired};
use sim_core::report::rows::{shown, SHOWN};
use sim_core::report::{html, Baseline, ReportInput};
use sim_core::scenario::LayoutKind;
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Replications when `--baseline` is given without `--replications`.
pub const BASELINE_REPLICATIONS: u32 = 10;

pub const HELP: &str = "\
The three layouts share common random numbers: the same users, arrivals and service
demands, so differences come from the layouts alone.

One run is one sample: on another seed its p99 or downtime would differ. With
--replications R every layout runs R times; replication 0 uses the seed (so R = 1 is the
plain comparison), replication k a seed derived from it, the same for every layout. The
table then shows each metric's mean with its 95 % confidence interval, and
replications.csv and intervals.csv are written beside the files of replication 0.

To see what a change does, pin the old scenario as the baseline: --baseline A.toml runs A
and the scenario given (B) on the same replication seeds (A's seed unless --seed) and
prints, per metric and layout, the mean difference B - A with a 95 % interval of the
paired differences (differences.csv). An interval that excludes 0 is a real difference at
the 95 % level; two overlapping intervals of A and B would not tell you that.
--against-fixed-primary pins the same scenario with follow-the-sun off as A: what moving
the write primary with the day costs (drains, cost) and gains (latency), paired.

--report FILE.html writes all of it as one self-contained page to share: the tables, the
verdict, latency and availability over time with failure windows shaded, and the scenario
with its SHA-256, the seed and the regionsim version. Columns: docs/csv.md.

Examples:
  regionsim compare my.toml --out out/
  regionsim compare my.toml --replications 20
  regionsim compare new.toml --baseline old.toml --replications 10 --report ab.html
  regionsim compare datasets/examples/follow-the-sun.toml --against-fixed-primary";

pub fn parse_replications(s: &str) -> Result<u32, String> {
    match crate::args::whole::<u32>(s) {
        Ok(r) if (1..=MAX_REPLICATIONS).contains(&r) => Ok(r),
        Ok(r) => Err(format!(
            "must be between 1 and {MAX_REPLICATIONS} replications, not {r}"
        )),
        Err(e) => Err(e),
    }
}

/// What `compare` was asked to do.
pub struct CompareArgs {
    pub file: Option<PathBuf>,
    pub replications: Option<u32>,
    pub baseline: Option<PathBuf>,
    pub against_fixed_primary: bool,
    pub report: Option<PathBuf>,
    pub common: RunArgs,
}

pub fn run(a: CompareArgs) -> Result<ExitCode> {
    crate::args::out_dir("--out", &a.common.out)?;
    if let Some(r) = &a.report {
        if r.is_dir() {
            bail!(
                "--report {}: is a folder; name the HTML file to write (e.g. report.html)",
                r.display()
            );
        }
        crate::args::parents_are_folders("--report", r)?;
    }
    let b = load(a.file.as_deref())?;
    let base = if a.against_fixed_primary {
        match sim_core::experiment::variant::fixed_primary(&b) {
            Some(Ok(fixed)) => Some(fixed),
            Some(Err(e)) => bail!(
                "the scenario without follow-the-sun is not valid: {}",
                e.iter()
                    .map(|x| x.to_string())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            None => bail!(
                "--against-fixed-primary: the scenario has no follow-the-sun to turn off; add \
                 [active_passive.follow_the_sun] or [sharded.follow_the_sun] (docs/failures.md)"
            ),
        }
    } else {
        a.baseline.as_deref().map(|p| load(Some(p))).transpose()?
    };
    let reps = a.replications.unwrap_or(if base.is_some() {
        BASELINE_REPLICATIONS
    } else {
        1
    });
    if base.is_some() && reps < 2 {
        bail!(
            "--baseline needs at least 2 replications for an interval of the differences; \
             pass --replications {BASELINE_REPLICATIONS} (or leave it out)"
        );
    }
    // Paired on common random numbers: B runs on the baseline's seed.
    let seed = a
        .common
        .seed
        .unwrap_or_else(|| base.as_ref().map_or(b.scenario.seed, |x| x.scenario.seed));
    if a.common.seed.is_none() && b.scenario.seed != seed {
        errln!(
            "note: both scenarios run on the baseline's seed {seed} (common random numbers), \
             not on {}'s own seed {}; pass --seed to choose",
            b.scenario.name,
            b.scenario.seed
        );
    }
    let runs = 3 * u64::from(reps) * if base.is_some() { 2 } else { 1 };
    let est_b = watch::budget(&b.spec, a.common.max_requests, runs)?;
    let pinned = match &base {
        Some(x) => {
            let est = watch::budget(&x.spec, a.common.max_requests, runs)?;
            Some(watch::replicate(
                &x.spec,
                &LayoutKind::ALL,
                seed,
                reps,
                &est,
            ))
        }
        None => None,
    };
    let res = watch::replicate(&b.spec, &LayoutKind::ALL, seed, reps, &est_b);
    let paired = match &pinned {
        Some(p) => Some(res.against(p)?),
        None => None,
    };
    if reps == 1 {
        crate::out::out(&crate::report::summary(&b.scenario, &res.first));
    } else {
        crate::out::out(&intervals_table(&b, &res));
    }
    crate::out::out(&crate::report::areas(&res.first));
    if let (Some(base), Some(p)) = (&base, &paired) {
        crate::out::out(&differences_table(base, &b, &res, p));
    }
    write_csv(&a.common.out, &res.first)?;
    let mut extra = Vec::new();
    if reps > 1 {
        extra.push(("replications.csv", replications_csv(res.all_summaries())?));
        extra.push(("intervals.csv", intervals_csv(&res.intervals())?));
    }
    if let Some(p) = &paired {
        extra.push(("differences.csv", differences_csv(&p.rows)?));
    }
    for (name, bytes) in extra {
        let path = a.common.out.join(name);
        write_atomic(&path, &bytes).with_context(|| format!("writing {}", path.display()))?;
        outln!("wrote {}", path.display());
    }
    if let Some(path) = &a.report {
        write_report(path, &b, &res, base.as_ref().zip(paired.as_ref()))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn write_report(
    path: &Path,
    b: &Loaded,
    res: &Replicated,
    baseline: Option<(&Loaded, &Paired)>,
) -> Result<()> {
    let page = html(&ReportInput {
        scenario: &b.scenario,
        results: res,
        baseline: baseline.map(|(a, p)| Baseline {
            scenario: &a.scenario,
            paired: p,
        }),
    })
    .map_err(anyhow::Error::msg)?;
    write_atomic(path, page.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
    outln!("wrote {}", path.display());
    Ok(())
}

/// `x [lo, hi]` as `m` is shown (the interval left out when there is none).
fn cell(m: Metric, x: f64, lo: Option<f64>, hi: Option<f64>) -> String {
    let sh = shown(m);
    match (lo, hi) {
        (Some(lo), Some(hi)) => format!("{} [{}, {}]", sh.number(x), sh.number(lo), sh.number(hi)),
        _ => sh.number(x),
    }
}

/// A table with one row per shown metric and one column per layout.
fn table(head: String, res: &Replicated, value: impl Fn(Metric, LayoutKind) -> String) -> String {
    let mut out = head;
    let _ = write!(out, "{:<30}", "");
    for l in &res.layouts {
        let _ = write!(out, "{:>32}", l.name());
    }
    out.push('\n');
    for m in SHOWN {
        let sh = shown(m);
        let label = if sh.unit.is_empty() {
            sh.label.to_string()
        } else {
            format!("{} ({})", sh.label, sh.unit)
        };
        let _ = write!(out, "{label:<30}");
        for &l in &res.layouts {
            let _ = write!(out, "{:>32}", value(m, l));
        }
        out.push('\n');
    }
    out
}

fn intervals_table(b: &Loaded, res: &Replicated) -> String {
    let rows = res.intervals();
    let head = format!(
        "scenario `{}`: mean [95 % interval] over {} replications on common random numbers, seed {}\n\n",
        b.scenario.name,
        res.replications(),
        res.seed
    );
    table(head, res, |m, l| {
        rows.iter()
            .find(|r| r.metric == m.name() && r.layout == l)
            .map_or_else(String::new, |r| {
                cell(
                    m,
                    r.mean.value,
                    r.ci95_low.map(|f| f.value),
                    r.ci95_high.map(|f| f.value),
                )
            })
    })
}

fn differences_table(a: &Loaded, b: &Loaded, res: &Replicated, p: &Paired) -> String {
    let pairing = if p.common_random_numbers {
        "paired on common random numbers"
    } else {
        "paired, on different seeds"
    };
    let head = format!(
        "\n`{}` (B) − baseline `{}` (A): mean difference [95 % interval], {} replications {pairing};\n\
         * marks an interval that excludes 0 (a difference that rounds to 0 as shown is not marked)\n\n",
        b.scenario.name,
        a.scenario.name,
        res.replications()
    );
    table(head, res, |m, l| {
        p.rows
            .iter()
            .find(|r| r.metric == m.name() && r.layout == l)
            .map_or_else(String::new, |r| {
                let c = cell(
                    m,
                    r.difference.value,
                    r.ci95_low.map(|f| f.value),
                    r.ci95_high.map(|f| f.value),
                );
                if r.significant() && !shown(m).shows_as_zero(r.difference.value) {
                    format!("*{c}")
                } else {
                    c
                }
            })
    })
}

//! Running a sweep (or one shard of it) into a folder, resumable.
//!
//! 1. Every point's scenario (a sample of them in a huge sweep, every value of every axis
//!    among them: [`SweepPlan::points_to_check`]) is loaded and checked before the first
//!    run, so a bad value fails in seconds, not hours in.
//! 2. The folder gets a manifest ([`Manifest`]); a folder that already has one is continued
//!    only with `resume`, and only if it holds the same sweep and shard.
//! 3. The runs of the shard not yet on disk run on a rayon pool; each finished run is
//!    written at once, atomically, as its own part file. Nothing but the part is kept.
//!    Workers take runs from one shared list, the longest points first (by the request
//!    budget's estimate of each point's events, known when every point was checked), so
//!    that the last runs are the short ones: when a sweep mixes loads, splitting the runs
//!    into halves by index leaves one core idle while the other finishes the heavy tail.
//! 4. When the shard is the whole sweep, `runs.csv` and `summary.csv` are assembled from the
//!    parts in run order ([`store::assemble`]): the same bytes whatever the number of
//!    threads, the order runs finished in, or how often the sweep was interrupted.

use super::plan::SweepPlan;
use super::store::{self, list_parts, part_bytes, part_path, read_part, Manifest, Shard};
use super::SweepError;
use crate::experiment::budget::estimate;
use crate::export::write_atomic;
use crate::spec::Resolved;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Hears about progress; called from worker threads.
pub trait Observer: Sync {
    /// Before the first run: `total` runs in this shard, `done` of them already on disk.
    fn start(&self, _total: u64, _done: u64) {}
    /// After each run's part is written.
    fn run_done(&self) {}
}

/// An observer that ignores everything.
pub struct Silent;
impl Observer for Silent {}

/// How to run a sweep.
#[derive(Clone, Debug)]
pub struct Options {
    /// The sweep folder.
    pub out: PathBuf,
    /// Worker threads; 0 = one per core.
    pub threads: usize,
    /// Continue the sweep already in `out` (or start one if there is none).
    pub resume: bool,
    pub shard: Shard,
    /// Refuse points whose runs are estimated to simulate more requests than this
    /// ([`crate::experiment::budget`]).
    pub max_requests: u64,
}

/// What a sweep did.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// Runs in the whole sweep and in this shard.
    pub runs: u64,
    pub shard_runs: u64,
    /// Runs found finished on disk, and runs simulated now.
    pub already_done: u64,
    pub ran: u64,
    /// Parts found unreadable or not matching (re-run), as `path: why`.
    pub redone: Vec<String>,
    /// `runs.csv` and `summary.csv`, when this shard is the whole sweep.
    pub written: Vec<PathBuf>,
}

/// `Err` if point `p`'s runs exceed `max_requests` (points that fail to load are left to
/// the run that reaches them); else the estimated events of one of its runs, if it loads.
fn within_budget(plan: &SweepPlan, p: u64, max_requests: u64) -> Result<Option<f64>, SweepError> {
    let Ok((scenario, catalog)) = plan.load_point(p) else {
        return Ok(None);
    };
    let Ok(prepared) = crate::spec::validate(&scenario, &catalog) else {
        return Ok(None);
    };
    budget_of(plan, p, &prepared, max_requests)?;
    Ok(Some(estimate(&prepared).events))
}

fn budget_of(
    plan: &SweepPlan,
    p: u64,
    prepared: &Resolved,
    max_requests: u64,
) -> Result<(), SweepError> {
    estimate(prepared)
        .check(max_requests, plan.replications)
        .map_err(|message| SweepError::Run {
            run: p * plan.replications,
            point: plan.describe(p),
            message,
        })
}

/// Runs `plan` (the runs of `opts.shard`) into `opts.out`; see the module docs.
pub fn run_sweep(
    plan: &SweepPlan,
    opts: &Options,
    observer: &dyn Observer,
) -> Result<Outcome, SweepError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.threads)
        .build()
        .map_err(|e| SweepError::Threads(e.to_string()))?;
    let work = pool.install(|| check_first(plan, opts))?;

    let dir = &opts.out;
    let manifest = Manifest::of_plan(plan, opts.shard);
    let parts = list_parts(dir)?;
    open_folder(dir, &manifest, opts, &parts)?;
    store::remove_temporaries(dir)?;
    let (done, redone) = finished_runs(dir, &manifest, plan, opts, &parts);
    let shard_runs = opts.shard.size(plan.runs);
    let already_done = done.len() as u64;
    let todo = shard_runs - already_done;
    observer.start(shard_runs, already_done);

    let reps = plan.replications;
    pool.install(|| {
        longest_first(plan.points, work)
            .flat_map(|p| p * reps..(p + 1) * reps)
            .filter(|&r| opts.shard.contains(r) && !done.contains(&r))
            .par_bridge()
            .try_for_each_init(
                || None::<(u64, Resolved)>,
                |cache, r| {
                    run_one(plan, opts, cache, r)?;
                    observer.run_done();
                    Ok(())
                },
            )
    })?;

    let written = if opts.shard == Shard::ALL {
        store::assemble(dir, &manifest, |r| part_path(dir, r))?
    } else {
        Vec::new()
    };
    Ok(Outcome {
        runs: plan.runs,
        shard_runs,
        already_done,
        ran: todo,
        redone,
        written,
    })
}

/// Before the first run: every point's scenario (a sample in a huge sweep) loads and
/// checks, and — the same sample, for size — none exceeds the request budget: a point of
/// 10⁹ requests fails now, not hours in. Runs on the current rayon pool. Returns each
/// point's estimated events per run when every point was checked (`None` for a sample).
fn check_first(plan: &SweepPlan, opts: &Options) -> Result<Option<Vec<f64>>, SweepError> {
    plan.check_points()?;
    let points = plan.points_to_check();
    let work: Vec<Option<f64>> = points
        .par_iter()
        .map(|&p| within_budget(plan, p, opts.max_requests))
        .collect::<Result<_, _>>()?;
    Ok((points.len() as u64 == plan.points)
        .then(|| work.into_iter().map(|w| w.unwrap_or(0.0)).collect()))
}

/// The points in the order their runs start: most estimated events first (ties in point
/// order), or point order without estimates. Which run a worker takes changes only when
/// it runs; every run's result and the assembled files are the same in any order.
fn longest_first(points: u64, work: Option<Vec<f64>>) -> Box<dyn Iterator<Item = u64> + Send> {
    match work {
        Some(w) => {
            let mut order: Vec<u64> = (0..points).collect();
            order.sort_by(|&a, &b| w[b as usize].total_cmp(&w[a as usize]).then(a.cmp(&b)));
            Box::new(order.into_iter())
        }
        None => Box::new(0..points),
    }
}

/// Makes `dir` this sweep's folder: writes the manifest in a new folder, or checks that an
/// existing one holds this sweep and shard and that `--resume` was asked for.
fn open_folder(
    dir: &std::path::Path,
    manifest: &Manifest,
    opts: &Options,
    parts: &[u64],
) -> Result<(), SweepError> {
    let refuse = |message: String| {
        Err(SweepError::Dir {
            dir: dir.to_path_buf(),
            message,
        })
    };
    match Manifest::read(dir)? {
        Some(old) if !opts.resume => refuse(format!(
            "already holds a sweep ({}, shard {}, {} of its runs done): pass --resume to continue it, or choose another --out",
            old.describe(),
            old.shard,
            parts.len()
        )),
        Some(old) if !old.same_sweep(manifest) => refuse(format!(
            "holds a different sweep ({}); this is {}: --resume continues only the same sweep file and base scenario (choose another --out)",
            old.describe(),
            manifest.describe()
        )),
        Some(old) if old.shard != opts.shard => refuse(format!(
            "holds shard {} of this sweep, not {}: resume it with --shard {}",
            old.shard, opts.shard, old.shard
        )),
        Some(_) => Ok(()),
        None if !parts.is_empty() => refuse(format!(
            "holds {} part file(s) but no {}: not a sweep folder this program can continue (choose another --out)",
            parts.len(),
            store::MANIFEST
        )),
        None => manifest.write(dir),
    }
}

/// Which runs of the shard are finished (and intact): a set of what is on disk, not a
/// flag per run, so that a sweep of 10⁹ runs starts at once. Also the parts found
/// damaged or not matching (to be re-run), as `path: why`.
fn finished_runs(
    dir: &std::path::Path,
    manifest: &Manifest,
    plan: &SweepPlan,
    opts: &Options,
    parts: &[u64],
) -> (BTreeSet<u64>, Vec<String>) {
    let mut done = BTreeSet::new();
    let mut redone = Vec::new();
    for &r in parts
        .iter()
        .filter(|&&r| r < plan.runs && opts.shard.contains(r))
    {
        let p = part_path(dir, r);
        match read_part(&p, manifest, r) {
            Ok(_) => {
                done.insert(r);
            }
            Err(why) => redone.push(format!("{}: {why}", p.display())),
        }
    }
    (done, redone)
}

/// Simulates run `r` and writes its part. `cache` keeps the last point's resolved
/// scenario (a worker's consecutive runs are mostly replications of one point).
fn run_one(
    plan: &SweepPlan,
    opts: &Options,
    cache: &mut Option<(u64, Resolved)>,
    r: u64,
) -> Result<(), SweepError> {
    let id = plan.run_id(r);
    let fail = |message: String| SweepError::Run {
        run: r,
        point: plan.describe(id.point),
        message,
    };
    if !matches!(cache, Some((p, _)) if *p == id.point) {
        let (scenario, catalog) = plan.load_point(id.point)?;
        let prepared = crate::spec::validate(&scenario, &catalog).map_err(|errs| {
            let msgs: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
            fail(msgs.join("; "))
        })?;
        budget_of(plan, id.point, &prepared, opts.max_requests)?;
        *cache = Some((id.point, prepared));
    }
    let Some((_, prepared)) = cache.as_ref() else {
        return Err(fail("no scenario".into()));
    };
    let result = prepared.run_layout(prepared.scenario.layout, id.seed);
    let row = (
        id.run,
        id.point,
        id.replication,
        plan.labels(id.point),
        &result.summary,
    );
    let path = part_path(&opts.out, r);
    let bytes = part_bytes(plan.hash, r, &row).map_err(|e| SweepError::io(&path, "write", e))?;
    write_atomic(&path, &bytes).map_err(|e| SweepError::io(&path, "write", e))
}

#[cfg(test)]
mod tests {
    use super::longest_first;

    #[test]
    fn heaviest_points_start_first_and_ties_keep_point_order() {
        let work = vec![1.0, 3.0, 2.0, 3.0, 0.0];
        let order: Vec<u64> = longest_first(5, Some(work)).collect();
        assert_eq!(order, vec![1, 3, 2, 0, 4]);
        let natural: Vec<u64> = longest_first(4, None).collect();
        assert_eq!(natural, vec![0, 1, 2, 3], "without estimates: point order");
    }
}

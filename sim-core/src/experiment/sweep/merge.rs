//! Joining the folders of a sharded sweep into the files one machine would have written.
//!
//! Every folder must hold the same sweep (same manifest hash and shape). Every run must be
//! in exactly one folder: a run in two folders is refused whether the copies differ (they
//! come from different builds or were edited) or not (a shard given twice), and missing
//! runs are refused with their count and the first few indices. The output is then
//! assembled from the parts in run order by the same code as an unsharded sweep, so it is
//! byte-identical to it.

use super::store::{self, list_parts, part_path, Manifest};
use super::SweepError;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Indices listed in a message before the rest are counted.
const SHOW: usize = 5;

fn first_few(runs: &[u64]) -> String {
    let mut s: Vec<String> = runs.iter().take(SHOW).map(u64::to_string).collect();
    if runs.len() > SHOW {
        s.push("…".into());
    }
    s.join(", ")
}

/// Merges the sweep folders `dirs` into `out` (`runs.csv`, `summary.csv`); returns the
/// manifest of the sweep and the paths written.
///
/// Stages: each folder given once ([`distinct`]); one sweep in all of them
/// ([`one_sweep`]); each run in exactly one folder ([`owners`], [`complete`]); then the
/// files, assembled in run order.
pub fn merge(dirs: &[PathBuf], out: &Path) -> Result<(Manifest, Vec<PathBuf>), SweepError> {
    distinct(dirs)?;
    let manifests = one_sweep(dirs)?;
    let m = &manifests[0];
    let owner = owners(dirs, m)?;
    complete(&owner, &manifests)?;
    let written = store::assemble(out, m, |r| {
        part_path(&dirs[owner.get(&r).copied().unwrap_or(0)], r)
    })?;
    Ok((m.clone(), written))
}

/// At least one folder, and none given twice (by canonical path when there is one).
fn distinct(dirs: &[PathBuf]) -> Result<(), SweepError> {
    if dirs.is_empty() {
        return Err(SweepError::Merge("no folders to merge".into()));
    }
    for (i, d) in dirs.iter().enumerate() {
        let same = |e: &PathBuf| match (d.canonicalize(), e.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => d == e,
        };
        if let Some(e) = dirs[..i].iter().find(|e| same(e)) {
            return Err(SweepError::Merge(format!(
                "{} and {} are the same folder: give each folder once",
                e.display(),
                d.display()
            )));
        }
    }
    Ok(())
}

/// The manifest of each folder (in `dirs` order, at least one), all of the same sweep.
fn one_sweep(dirs: &[PathBuf]) -> Result<Vec<Manifest>, SweepError> {
    let mut manifests = Vec::new();
    for d in dirs {
        match Manifest::read(d)? {
            Some(m) => manifests.push(m),
            None => {
                return Err(SweepError::Dir {
                    dir: d.clone(),
                    message: format!(
                        "has no {}: not a folder written by `regionsim sweep`",
                        store::MANIFEST
                    ),
                })
            }
        }
    }
    let Some(m) = manifests.first() else {
        return Err(SweepError::Merge("no folders to merge".into()));
    };
    for (d, other) in dirs.iter().zip(&manifests).skip(1) {
        if !other.same_sweep(m) {
            return Err(SweepError::Merge(format!(
                "{} holds {}, but {} holds {}: parts of different sweeps (or sweep files or base scenarios that changed in between) cannot be merged",
                d.display(),
                other.describe(),
                dirs[0].display(),
                m.describe()
            )));
        }
    }
    Ok(manifests)
}

/// Which folder (index into `dirs`) holds each run. A map, not a vector of `m.runs`
/// entries: its size is that of the part files present, whatever count a (damaged)
/// manifest announces. Refuses a run outside the sweep and a run in two folders (saying
/// whether the copies are identical or differ).
fn owners(dirs: &[PathBuf], m: &Manifest) -> Result<BTreeMap<u64, usize>, SweepError> {
    let mut owner: BTreeMap<u64, usize> = BTreeMap::new();
    let mut same = Vec::new();
    let mut differ = Vec::new();
    let mut example: Option<(u64, usize, usize)> = None;
    for (di, d) in dirs.iter().enumerate() {
        for r in list_parts(d)? {
            if r >= m.runs {
                return Err(SweepError::Part {
                    path: part_path(d, r),
                    message: format!("run {r} is outside the sweep ({} runs)", m.runs),
                });
            }
            let Some(&o) = owner.get(&r) else {
                owner.insert(r, di);
                continue;
            };
            let a = part_path(&dirs[o], r);
            let b = part_path(d, r);
            let read = |p: &Path| std::fs::read(p).map_err(|e| SweepError::io(p, "read", e));
            if read(&a)? == read(&b)? {
                same.push(r);
            } else {
                differ.push(r);
            }
            example.get_or_insert((r, o, di));
        }
    }
    let Some((r, a, b)) = example else {
        return Ok(owner);
    };
    let mut msg = format!(
        "runs are in more than one folder (first: run {r} in {} and {})",
        dirs[a].display(),
        dirs[b].display()
    );
    if !differ.is_empty() {
        msg += &format!(
            "; {} with DIFFERENT results (runs {}): the folders come from different builds of regionsim or were modified",
            differ.len(),
            first_few(&differ)
        );
    }
    if !same.is_empty() {
        msg += &format!(
            "; {} identical (runs {}): was a shard's folder given twice, or two shards run with the same --shard?",
            same.len(),
            first_few(&same)
        );
    }
    Err(SweepError::Merge(msg + "; give each run's folder once"))
}

/// Every run of the sweep has a folder; else the count, the first few missing runs and
/// the shards present.
fn complete(owner: &BTreeMap<u64, usize>, manifests: &[Manifest]) -> Result<(), SweepError> {
    let runs = manifests.first().map_or(0, |m| m.runs);
    let missing = runs - owner.len() as u64;
    if missing == 0 {
        return Ok(());
    }
    // The first few missing runs: the scan stops after SHOW + 1 gaps, so it is short even
    // when the manifest announces billions of runs.
    let few: Vec<u64> = (0..runs)
        .filter(|r| !owner.contains_key(r))
        .take(SHOW + 1)
        .collect();
    let shards: Vec<String> = manifests.iter().map(|m| m.shard.to_string()).collect();
    Err(SweepError::Merge(format!(
        "incomplete: {missing} of {runs} runs are missing (runs {}); the folders hold shards {}; finish the missing shards (`regionsim sweep FILE --shard I/N --resume --out THEIR_FOLDER`) and merge again",
        first_few(&few),
        shards.join(", ")
    )))
}

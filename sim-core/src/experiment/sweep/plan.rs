//! A sweep plan: the checked sweep file (read by `file`), expanded into points and runs.
//!
//! A plan is a base scenario (its TOML text), constant overrides (`[set]`), and dimensions:
//! each entry of `[axes]` is one dimension, each `[[zip]]` group is one dimension whose lists
//! advance together. Dimensions vary like nested loops in the order they appear in the file
//! (the first is the outermost), so point `p` is a mixed-radix number whose first digit is
//! the first dimension. Run `r` is replication `r % replications` of point
//! `r / replications` (point-major).
//!
//! Every run of replication `k` uses the seed `derive_seed(seed, "replication", k)`, at
//! every point: points (layouts among them) compare on common random numbers, and the
//! replications of one point are independent.
//!
//! A point's scenario is the base text with the point's values set at their paths
//! ([`super::path::set`]), loaded by [`load_text`] like any scenario file; its problems are
//! traced back to the sweep file's line when they concern an axis.

use super::file;
use super::path;
use super::SweepError;
use crate::catalog::Catalog;
use crate::engine::rng::{derive_seed, fnv1a64};
use crate::experiment::load::load_text;
use crate::metrics::summary::run_columns;
use crate::scenario::error::{FieldError, FieldPath, Located, Seg};
use crate::scenario::{Scenario, ScenarioError};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use toml_edit::{DocumentMut, Value};

/// Most runs one sweep may have (run indices fit in 32 bits).
pub(super) const MAX_RUNS: u64 = u32::MAX as u64;

/// Sweeps of at most this many points have every point checked before the first run;
/// larger ones a sample ([`SweepPlan::points_to_check`]).
pub const CHECK_ALL_UP_TO: u64 = 4096;

/// Problems listed before the rest are summarised as a count.
const MAX_PROBLEMS: usize = 20;

/// One path the sweep sets, with its values and where they are written in the sweep file.
#[derive(Clone, Debug)]
pub struct Axis {
    /// The path as written in the sweep file (the column name in the CSV files).
    pub name: String,
    pub path: FieldPath,
    pub values: Vec<Value>,
    /// Each value as written in a CSV cell (strings unquoted).
    pub labels: Vec<String>,
    /// The dimension this axis belongs to; `None` for a constant of `[set]`.
    pub dim: Option<usize>,
    /// Where the entry lives in the sweep file, e.g. `axes."routing.dns_ttl"`.
    pub(super) place: FieldPath,
    pub(super) key_at: Option<(usize, usize)>,
    pub(super) value_at: Vec<Option<(usize, usize)>>,
}

impl Axis {
    /// `true` for the `layout` axis, which `runs.csv` already has as a run column.
    fn is_layout(&self) -> bool {
        self.path.0 == [Seg::Key("layout".into())]
    }
}

/// A run's place in the sweep.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunId {
    pub run: u64,
    pub point: u64,
    pub replication: u64,
    /// The master seed of the run: `derive_seed(sweep seed, "replication", replication)`.
    pub seed: u64,
}

/// A checked sweep file, ready to expand into runs.
#[derive(Clone, Debug)]
pub struct SweepPlan {
    /// The sweep file (for messages).
    pub source: PathBuf,
    /// The base scenario file, or `<embedded default scenario>`.
    pub base_source: PathBuf,
    pub(super) base_doc: DocumentMut,
    /// Master seed of the sweep.
    pub seed: u64,
    pub replications: u64,
    /// `[set]` entries first, then the axes of every dimension, in the order they apply.
    pub axes: Vec<Axis>,
    /// For each dimension (outermost first), the indices into `axes` of its paths.
    pub dims: Vec<Vec<usize>>,
    pub points: u64,
    pub runs: u64,
    /// A stable hash (FNV-1a 64) of the sweep and base texts, the program version and the
    /// run columns: parts of sweeps with different hashes never mix.
    pub hash: u64,
}

impl SweepPlan {
    /// Reads and checks the sweep file at `path` (and its base scenario).
    pub fn load(path: &Path) -> Result<SweepPlan, SweepError> {
        let text = crate::input::read_text(path).map_err(|e| SweepError::io(path, "read", e))?;
        SweepPlan::from_text(&text, path)
    }

    /// Parses sweep `text` read from `source`; a relative `base` is resolved against the
    /// folder of `source`. Checks the base scenario, but not yet every point (see
    /// [`check_points`](Self::check_points)).
    pub fn from_text(text: &str, source: &Path) -> Result<SweepPlan, SweepError> {
        let file::SweepFile {
            base_source,
            base_text,
            base_doc,
            seed,
            replications,
            axes,
            dims: dim_axes,
        } = file::parse(text, source)?;
        let mut points: u64 = 1;
        for d in &dim_axes {
            let n = axes[d[0]].values.len() as u64;
            points = points.checked_mul(n).ok_or_else(|| too_many(source))?;
        }
        let runs = points
            .checked_mul(replications)
            .filter(|&r| r <= MAX_RUNS)
            .ok_or_else(|| too_many(source))?;

        let hash = {
            let mut h = String::new();
            for part in [
                "regionsim-sweep/2",
                env!("CARGO_PKG_VERSION"),
                &run_columns().join(","),
                text,
                &base_text,
            ] {
                h += &format!("{}:{part};", part.len());
            }
            fnv1a64(&h)
        };
        Ok(SweepPlan {
            source: source.to_path_buf(),
            base_source,
            base_doc,
            seed,
            replications,
            axes,
            dims: dim_axes,
            points,
            runs,
            hash,
        })
    }

    /// Names of the axis columns of `runs.csv` and `summary.csv`: every axis of a dimension
    /// in order, except `layout` (always a column of its own).
    pub fn columns(&self) -> Vec<String> {
        self.axes
            .iter()
            .filter(|a| a.dim.is_some() && !a.is_layout())
            .map(|a| a.name.clone())
            .collect()
    }

    /// Index into each dimension's lists for point `p`.
    pub fn choice(&self, point: u64) -> Vec<usize> {
        let mut rest = point;
        let mut out = vec![0; self.dims.len()];
        for (d, ids) in self.dims.iter().enumerate().rev() {
            let n = self.axes[ids[0]].values.len() as u64;
            out[d] = (rest % n) as usize;
            rest /= n;
        }
        out
    }

    /// The values of point `p` in the order of [`columns`](Self::columns).
    pub fn labels(&self, point: u64) -> Vec<String> {
        let choice = self.choice(point);
        self.axes
            .iter()
            .filter(|a| !a.is_layout())
            .filter_map(|a| a.dim.map(|d| a.labels[choice[d]].clone()))
            .collect()
    }

    /// Where run `run` stands: point, replication and seed.
    pub fn run_id(&self, run: u64) -> RunId {
        let replication = run % self.replications;
        RunId {
            run,
            point: run / self.replications,
            replication,
            seed: derive_seed(self.seed, "replication", replication),
        }
    }

    /// A short description of point `p` for messages: `layout = sharded, routing.dns_ttl = 5s`.
    pub fn describe(&self, point: u64) -> String {
        let choice = self.choice(point);
        let parts: Vec<String> = self
            .axes
            .iter()
            .filter_map(|a| {
                a.dim
                    .map(|d| format!("{} = {}", a.name, a.labels[choice[d]]))
            })
            .collect();
        if parts.is_empty() {
            format!("point {point}")
        } else {
            format!("point {point}: {}", parts.join(", "))
        }
    }

    /// The TOML text of point `p`'s scenario, and the axes that could not be set (with why).
    pub(super) fn point_text(&self, point: u64) -> (String, Vec<(usize, String)>) {
        let choice = self.choice(point);
        let mut doc = self.base_doc.clone();
        let mut failed = Vec::new();
        for (i, a) in self.axes.iter().enumerate() {
            let v = a.values[a.dim.map_or(0, |d| choice[d])].clone();
            if let Err(e) = path::set(doc.as_table_mut(), &a.path, v) {
                failed.push((i, e));
            }
        }
        (doc.to_string(), failed)
    }

    /// Loads and validates point `p`'s scenario; problems come back located in the sweep
    /// file where an axis is to blame.
    pub fn load_point(&self, point: u64) -> Result<(Scenario, Arc<Catalog>), SweepError> {
        self.try_point(point).map_err(|problems| {
            SweepError::Sweep(ScenarioError {
                source: self.source.clone(),
                problems,
            })
        })
    }

    fn try_point(&self, point: u64) -> Result<(Scenario, Arc<Catalog>), Vec<Located>> {
        let (text, failed) = self.point_text(point);
        let mut problems: Vec<Located> = failed
            .into_iter()
            .map(|(i, msg)| Located {
                line_col: self.axes[i].key_at,
                error: FieldError::new(self.axes[i].place.clone(), msg),
            })
            .collect();
        match load_text(&text, &self.base_source) {
            Ok(loaded) if problems.is_empty() => Ok(loaded),
            Ok(_) => Err(problems),
            Err(e) => {
                problems.extend(e.problems.into_iter().map(|pr| self.trace(point, pr.error)));
                Err(problems)
            }
        }
    }

    /// The points checked before the first run: all of them up to [`CHECK_ALL_UP_TO`];
    /// beyond, the first [`CHECK_ALL_UP_TO`], the last, every value of every dimension
    /// (with the other dimensions at their first value) and the corners (each dimension
    /// at its first or last value, for up to 12 dimensions). Sorted, without duplicates.
    ///
    /// Why a sample: a sweep of 10⁹ points would spend hours loading scenarios before
    /// printing anything. Every value written in the sweep file is still loaded once, so a
    /// bad value is reported, with its line, before any run; a value wrong only in some
    /// combination is reported when a run reaches it (the run stops the sweep with the
    /// same located message).
    pub fn points_to_check(&self) -> Vec<u64> {
        if self.points <= CHECK_ALL_UP_TO {
            return (0..self.points).collect();
        }
        let sizes: Vec<u64> = self
            .dims
            .iter()
            .map(|d| self.axes[d[0]].values.len() as u64)
            .collect();
        // The point with `choice[d]` set per dimension (mixed radix, first dimension outermost).
        let point = |choice: &[u64]| {
            choice
                .iter()
                .zip(&sizes)
                .fold(0u64, |p, (&c, &n)| p * n + c)
        };
        let mut out: BTreeSet<u64> = (0..CHECK_ALL_UP_TO).collect();
        out.insert(self.points - 1);
        for (d, &n) in sizes.iter().enumerate() {
            for i in 0..n {
                let mut choice = vec![0; sizes.len()];
                choice[d] = i;
                out.insert(point(&choice));
            }
        }
        if sizes.len() <= 12 {
            for corner in 0..(1u64 << sizes.len()) {
                let choice: Vec<u64> = sizes
                    .iter()
                    .enumerate()
                    .map(|(d, &n)| if (corner >> d) & 1 == 1 { n - 1 } else { 0 })
                    .collect();
                out.insert(point(&choice));
            }
        }
        out.into_iter().collect()
    }

    /// Loads the scenarios of [`points_to_check`](Self::points_to_check) (in parallel, on
    /// the current rayon pool) and reports the distinct problems, in order of the sweep
    /// file. Returns how many points were checked.
    pub fn check_points(&self) -> Result<u64, SweepError> {
        let sample = self.points_to_check();
        let found: Vec<(u64, Vec<Located>)> = sample
            .par_iter()
            .filter_map(|&p| self.try_point(p).err().map(|e| (p, e)))
            .collect();
        if found.is_empty() {
            return Ok(sample.len() as u64);
        }
        let mut seen = BTreeSet::new();
        let mut problems = Vec::new();
        let mut more = 0usize;
        for (point, list) in found {
            for mut l in list {
                if !seen.insert((l.line_col, l.error.to_string())) {
                    continue;
                }
                if problems.len() == MAX_PROBLEMS {
                    more += 1;
                    continue;
                }
                // A value may be wrong only together with others: say where it first failed.
                if l.line_col.is_some() && self.dims.len() > 1 {
                    l.error.message += &format!(" (first at {})", self.describe(point));
                }
                problems.push(l);
            }
        }
        problems.sort_by_key(|l| l.line_col.unwrap_or((usize::MAX, 0)));
        if more > 0 {
            problems.push(Located {
                line_col: None,
                error: FieldError::new(FieldPath::root(), format!("… and {more} more problem(s)")),
            });
        }
        Err(SweepError::Sweep(ScenarioError {
            source: self.source.clone(),
            problems,
        }))
    }

    /// Traces a problem of point `p`'s scenario back to the axis that set the field.
    pub(super) fn trace(&self, point: u64, e: FieldError) -> Located {
        let choice = self.choice(point);
        let starts = |long: &FieldPath, short: &FieldPath| long.0.starts_with(&short.0);
        // The axis whose path holds the field (longest first), else one the field contains,
        // else one that sets a sibling in the same table (an axis of `autoscaling.min`
        // breaks the base's `autoscaling.max`): its value is the one to change.
        let parent = |p: &FieldPath| p.0.split_last().map(|(_, rest)| rest.to_vec());
        let owner = self
            .axes
            .iter()
            .filter(|a| starts(&e.path, &a.path))
            .max_by_key(|a| a.path.0.len())
            .or_else(|| self.axes.iter().find(|a| starts(&a.path, &e.path)))
            .or_else(|| {
                let table = parent(&e.path).filter(|t| !t.is_empty())?;
                self.axes
                    .iter()
                    .find(|a| parent(&a.path).as_ref() == Some(&table))
            });
        let Some(a) = owner else {
            // Not an axis's own field: a problem of the base in this point's combination.
            return Located {
                line_col: None,
                error: FieldError::new(
                    e.path,
                    format!(
                        "{} (in {} of {})",
                        e.message,
                        self.describe(point),
                        self.base_source.display()
                    ),
                ),
            };
        };
        let unknown = e.message.starts_with("unknown field `");
        if unknown {
            let mut msg = "no such field in the scenario".to_string();
            if e.path != a.path {
                msg += &format!(": `{}` does not exist", e.path);
            }
            // "unknown field `x`: did you mean `y`? (allowed: …)" names siblings of the last key.
            if let Some(s) = e
                .message
                .split_once("did you mean `")
                .and_then(|(_, r)| r.split_once('`'))
                .map(|(s, _)| s)
            {
                let mut fix = e.path.clone();
                fix.0.pop();
                msg += &format!(": did you mean `{}`?", fix.key(s));
            } else if let Some((_, allowed)) = e.message.split_once(" (allowed: ") {
                let mut parent = e.path.clone();
                parent.0.pop();
                let under = if parent.0.is_empty() {
                    "at the top level".to_string()
                } else {
                    format!("under `{parent}`")
                };
                msg += &format!(" (allowed {under}: {}", allowed);
            }
            return Located {
                line_col: a.key_at,
                error: FieldError::new(a.place.clone(), msg),
            };
        }
        let i = a.dim.map_or(0, |d| choice[d]);
        let (place, at) = if a.dim.is_some() {
            (a.place.index(i), a.value_at[i].or(a.key_at))
        } else {
            (a.place.clone(), a.value_at[0].or(a.key_at))
        };
        let msg = if e.path == a.path {
            e.message
        } else {
            format!("{}: {}", e.path, e.message)
        };
        Located {
            line_col: at,
            error: FieldError::new(place, msg),
        }
    }
}

fn too_many(source: &Path) -> SweepError {
    SweepError::Sweep(ScenarioError {
        source: source.to_path_buf(),
        problems: vec![Located {
            line_col: None,
            error: FieldError::new(
                FieldPath::root(),
                "the sweep has too many runs (more than 2^32): split it into several sweep files",
            ),
        }],
    })
}

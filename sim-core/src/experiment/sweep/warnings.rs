//! The warnings of a sweep's scenarios: legal input that is surely not meant (a failure
//! after the run ends, a field the layout ignores), as `regionsim run` prints them for one
//! scenario. A sweep runs many scenarios unattended, so they are said once, before the
//! first run: located in the sweep file where an axis or `[set]` value is to blame, else in
//! the base scenario.

use super::plan::SweepPlan;
use crate::experiment::load::load_checked;
use crate::scenario::error::Located;
use crate::scenario::{FieldError, ScenarioError};
use rayon::prelude::*;
use std::collections::BTreeSet;

/// Most warnings listed; beyond, their number.
const MAX_WARNINGS: usize = 20;

impl SweepPlan {
    /// The distinct warnings of the points checked before a sweep runs
    /// ([`points_to_check`](Self::points_to_check)), one line each:
    /// `file:line:col: field: message`. Points that fail to load are left to
    /// [`check_points`](Self::check_points), which reports them as errors.
    pub fn warnings(&self) -> Vec<String> {
        let found: Vec<(u64, Vec<FieldError>)> = self
            .points_to_check()
            .par_iter()
            .filter_map(|&p| {
                let (text, failed) = self.point_text(p);
                if !failed.is_empty() {
                    return None;
                }
                let loaded = load_checked(&text, &self.base_source).ok()?;
                let w: Vec<FieldError> = loaded.warnings.into_iter().map(|l| l.error).collect();
                Some((p, w))
            })
            .collect();
        let mut seen = BTreeSet::new();
        let mut lines = Vec::new();
        let mut more = 0usize;
        for (point, list) in found {
            for w in list {
                if !seen.insert(w.to_string()) {
                    continue;
                }
                if lines.len() == MAX_WARNINGS {
                    more += 1;
                    continue;
                }
                lines.push(self.place_warning(point, w));
            }
        }
        if more > 0 {
            lines.push(format!("… and {more} more warning(s)"));
        }
        lines
    }

    /// One warning of `point`, in the sweep file if a value written there is to blame,
    /// else in the base scenario (its own line and column when it has a file).
    fn place_warning(&self, point: u64, w: FieldError) -> String {
        let traced = self.trace(point, w.clone());
        if traced.line_col.is_some() {
            return ScenarioError {
                source: self.source.clone(),
                problems: vec![traced],
            }
            .to_string();
        }
        let base = self.base_doc.to_string();
        match crate::scenario::load::load_str(&base, &self.base_source, |_| vec![w.clone()]) {
            Err(located) => located.to_string(),
            Ok(_) => ScenarioError {
                source: self.base_source.clone(),
                problems: vec![Located {
                    line_col: None,
                    error: w,
                }],
            }
            .to_string(),
        }
    }
}

//! The files of a replicated comparison, beside the per-run files of replication 0:
//!
//! - `replications.csv`: every replication's `runs.csv` row (the `seed` column tells the
//!   replications apart), layout by layout, in replication order;
//! - `intervals.csv`: mean and 95 % interval per layout and metric;
//! - `differences.csv`: against a pinned baseline, the paired mean difference B − A
//!   with its 95 % interval per layout and metric.
//!
//! Columns are the fields of [`MetricInterval`] and [`MetricDifference`]; `docs/csv.md`
//! defines each.

use super::csv_out::to_bytes;
use crate::metrics::summary::{columns_of, run_columns};
use crate::metrics::{MetricDifference, MetricInterval, RunSummary};
use std::io;

/// `replications.csv` bytes.
pub fn replications_csv<'a>(runs: impl IntoIterator<Item = &'a RunSummary>) -> io::Result<Vec<u8>> {
    to_bytes(run_columns(), runs)
}

/// `intervals.csv` bytes.
pub fn intervals_csv(rows: &[MetricInterval]) -> io::Result<Vec<u8>> {
    to_bytes(&columns_of::<MetricInterval>(), rows)
}

/// `differences.csv` bytes.
pub fn differences_csv(rows: &[MetricDifference]) -> io::Result<Vec<u8>> {
    to_bytes(&columns_of::<MetricDifference>(), rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_the_field_names() {
        let head = |b: Vec<u8>| String::from_utf8(b).unwrap();
        assert_eq!(
            head(intervals_csv(&[]).unwrap()),
            "layout,metric,unit,replications,mean,ci95_low,ci95_high\n"
        );
        assert_eq!(
            head(differences_csv(&[]).unwrap()),
            "layout,metric,unit,replications,baseline_mean,mean,difference,ci95_low,ci95_high\n"
        );
    }
}

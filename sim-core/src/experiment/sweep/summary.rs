//! `summary.csv`: per point, the mean, standard deviation and 95 % confidence interval of
//! the key metrics over the point's replications.
//!
//! The summary is computed from the rows of `runs.csv` (the strings, in run order), never
//! from in-memory results: a resumed or merged sweep therefore summarises exactly the same
//! numbers as an uninterrupted one, and only one point's accumulators are alive at a time.
//!
//! Formulas, for the `n` replications `x₁ … xₙ` of one point:
//! - mean `x̄`, and the sample standard deviation `s = √(Σ(xᵢ − x̄)² / (n − 1))`, both by
//!   Welford's streaming update (mergeable: Chan et al. 1979);
//! - 95 % confidence half-width of the mean `t₀.₉₇₅,ₙ₋₁ · s / √n` (Student's t; the
//!   replications are independent because each has its own seed). Empty when `n < 2`.
//!
//! Replications share nothing but the scenario, so the interval is the textbook one; points
//! share seeds (common random numbers), which makes *differences* between points more
//! precise than these per-point intervals suggest.

use crate::metrics::stats::Moments;
use crate::metrics::summary::{run_columns, Metric};

/// The metrics summarised, in column order ([`Metric::ALL`]); each is a `runs.csv` column
/// (a test checks it).
pub const METRICS: &[Metric] = &Metric::ALL;

fn num(x: f64) -> String {
    format!("{x:.6}")
}

/// Builds `summary.csv` from `runs.csv` rows fed in run order.
pub struct Summary {
    /// Column index in a run row of `layout` and of each metric.
    layout_col: usize,
    metric_cols: Vec<(usize, Metric)>,
    axes: usize,
    /// The point being accumulated: its number, its leading cells, its moments.
    current: Option<(u64, Vec<String>, Vec<Moments>)>,
    out: csv::Writer<Vec<u8>>,
}

impl Summary {
    /// `axes` = names of the axis columns (which follow `run, point, replication` in a row).
    pub fn new(axes: &[String]) -> std::io::Result<Summary> {
        let offset = 3 + axes.len();
        let col = |name: &str| {
            run_columns()
                .iter()
                .position(|c| c == name)
                .map(|i| offset + i)
        };
        let layout_col = col("layout").ok_or_else(|| std::io::Error::other("no layout column"))?;
        let metric_cols: Vec<(usize, Metric)> = METRICS
            .iter()
            .filter_map(|&m| col(m.name()).map(|c| (c, m)))
            .collect();
        let mut header: Vec<String> = vec!["point".into(), "layout".into()];
        header.extend(axes.iter().cloned());
        header.push("n".into());
        for (_, m) in &metric_cols {
            for stat in ["mean", "sd", "ci95"] {
                header.push(format!("{}_{stat}", m.name()));
            }
        }
        let mut out = csv::Writer::from_writer(Vec::new());
        out.write_record(&header).map_err(std::io::Error::other)?;
        Ok(Summary {
            layout_col,
            metric_cols,
            axes: axes.len(),
            current: None,
            out,
        })
    }

    /// Adds one run row (`run, point, replication, axes…, run columns…`).
    pub fn push(&mut self, point: u64, row: &csv::StringRecord) -> std::io::Result<()> {
        if self.current.as_ref().is_some_and(|(p, _, _)| *p != point) {
            self.flush()?;
        }
        let (_, _, moments) = self.current.get_or_insert_with(|| {
            let mut lead = vec![
                point.to_string(),
                row.get(self.layout_col).unwrap_or("").to_string(),
            ];
            lead.extend((3..3 + self.axes).map(|i| row.get(i).unwrap_or("").to_string()));
            (
                point,
                lead,
                vec![Moments::default(); self.metric_cols.len()],
            )
        });
        for (m, (c, _)) in moments.iter_mut().zip(&self.metric_cols) {
            let x = row
                .get(*c)
                .and_then(|s| s.parse::<f64>().ok())
                .unwrap_or(f64::NAN);
            m.push(x);
        }
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let Some((_, mut cells, moments)) = self.current.take() else {
            return Ok(());
        };
        cells.push(moments.first().map_or(0, |m| m.n()).to_string());
        for m in &moments {
            cells.push(num(m.mean()));
            cells.push(m.sd().map(num).unwrap_or_default());
            cells.push(m.ci95().map(num).unwrap_or_default());
        }
        self.out.write_record(&cells).map_err(std::io::Error::other)
    }

    /// The bytes of `summary.csv`.
    pub fn finish(mut self) -> std::io::Result<Vec<u8>> {
        self.flush()?;
        self.out
            .into_inner()
            .map_err(|e| std::io::Error::other(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_rows_group_consecutive_runs_of_a_point() {
        let axes = vec!["routing.dns_ttl".to_string()];
        let mut s = Summary::new(&axes).unwrap();
        let row = |run: u64, point: u64, p99: &str| {
            let mut cells = vec![run.to_string(), point.to_string(), "0".into(), "10s".into()];
            for c in run_columns() {
                cells.push(match c.as_str() {
                    "layout" => "sharded".into(),
                    "p99_ms" => p99.into(),
                    _ => "0".into(),
                });
            }
            csv::StringRecord::from(cells)
        };
        s.push(0, &row(0, 0, "10")).unwrap();
        s.push(0, &row(1, 0, "14")).unwrap();
        s.push(1, &row(2, 1, "7")).unwrap();
        let text = String::from_utf8(s.finish().unwrap()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines[0].starts_with("point,layout,routing.dns_ttl,n,p50_ms_mean,"),
            "{}",
            lines[0]
        );
        let p99 = METRICS.iter().position(|m| *m == Metric::P99).unwrap();
        let cells: Vec<&str> = lines[1].split(',').collect();
        assert_eq!(&cells[..4], ["0", "sharded", "10s", "2"]);
        assert_eq!(cells[4 + 3 * p99], "12.000000");
        assert_eq!(cells[5 + 3 * p99], format!("{:.6}", 8f64.sqrt()));
        let cells: Vec<&str> = lines[2].split(',').collect();
        assert_eq!(&cells[..4], ["1", "sharded", "10s", "1"]);
        assert_eq!((cells[5 + 3 * p99], cells[6 + 3 * p99]), ("", ""));
    }
}

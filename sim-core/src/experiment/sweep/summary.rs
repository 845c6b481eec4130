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

use crate::export::csv_out::RUN_COLUMNS;

/// Columns of `runs.csv` summarised, in this order (those the run columns have).
pub const METRICS: &[&str] = &[
    "p50_ms",
    "p99_ms",
    "p999_ms",
    "read_p99_ms",
    "write_p99_ms",
    "availability",
    "failed",
    "timeouts",
    "rejected",
    "unavailable",
    "downtime_s",
    "rto_s",
    "rpo_s",
    "lost_writes",
    "stale_read_fraction",
    "conflicts",
    "residency_violations",
    "cost_usd_month",
];

/// Running mean and sum of squared deviations (Welford), mergeable.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Moments {
    pub n: u64,
    pub mean: f64,
    m2: f64,
}

impl Moments {
    pub fn push(&mut self, x: f64) {
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
    }

    /// Combines two accumulators (Chan, Golub & LeVeque): as if one had seen both inputs.
    pub fn merge(&mut self, o: &Moments) {
        if o.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = *o;
            return;
        }
        let n = self.n + o.n;
        let d = o.mean - self.mean;
        self.mean += d * o.n as f64 / n as f64;
        self.m2 += o.m2 + d * d * (self.n as f64 * o.n as f64 / n as f64);
        self.n = n;
    }

    /// Sample standard deviation (`n − 1` in the denominator); `None` when `n < 2`.
    pub fn sd(&self) -> Option<f64> {
        (self.n >= 2).then(|| (self.m2.max(0.0) / (self.n - 1) as f64).sqrt())
    }

    /// Half-width of the 95 % confidence interval of the mean; `None` when `n < 2`.
    pub fn ci95(&self) -> Option<f64> {
        let sd = self.sd()?;
        Some(t975(self.n - 1) * sd / (self.n as f64).sqrt())
    }
}

/// `t₀.₉₇₅` of Student's t with `df` degrees of freedom (`df ≥ 1`).
///
/// Exact values (to 9 decimals) up to 30 degrees of freedom; beyond, the Cornish–Fisher
/// expansion in `1/df` (Abramowitz & Stegun 26.7.5) to the fourth order, whose error there
/// is below 1e-8. A test checks both against the t distribution integrated numerically.
pub fn t975(df: u64) -> f64 {
    const TABLE: [f64; 30] = [
        12.706204736,
        4.302652730,
        3.182446305,
        2.776445105,
        2.570581836,
        2.446911851,
        2.364624252,
        2.306004135,
        2.262157163,
        2.228138852,
        2.200985160,
        2.178812830,
        2.160368656,
        2.144786688,
        2.131449546,
        2.119905299,
        2.109815578,
        2.100922040,
        2.093024054,
        2.085963447,
        2.079613845,
        2.073873068,
        2.068657610,
        2.063898562,
        2.059538553,
        2.055529439,
        2.051830516,
        2.048407142,
        2.045229642,
        2.042272456,
    ];
    match df {
        0 => f64::NAN,
        1..=30 => TABLE[df as usize - 1],
        _ => {
            let z: f64 = 1.959_963_984_540_054;
            let v = df as f64;
            let z2 = z * z;
            let g1 = (z2 + 1.0) * z / 4.0;
            let g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0;
            let g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0;
            let g4 =
                ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) * z / 92160.0;
            z + g1 / v + g2 / (v * v) + g3 / (v * v * v) + g4 / (v * v * v * v)
        }
    }
}

fn num(x: f64) -> String {
    format!("{x:.6}")
}

/// Builds `summary.csv` from `runs.csv` rows fed in run order.
pub struct Summary {
    /// Column index in a run row of `layout` and of each metric.
    layout_col: usize,
    metric_cols: Vec<(usize, &'static str)>,
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
            RUN_COLUMNS
                .iter()
                .position(|c| *c == name)
                .map(|i| offset + i)
        };
        let layout_col = col("layout").ok_or_else(|| std::io::Error::other("no layout column"))?;
        let metric_cols: Vec<(usize, &'static str)> = METRICS
            .iter()
            .filter_map(|&m| col(m).map(|c| (c, m)))
            .collect();
        let mut header: Vec<String> = vec!["point".into(), "layout".into()];
        header.extend(axes.iter().cloned());
        header.push("n".into());
        for (_, m) in &metric_cols {
            for stat in ["mean", "sd", "ci95"] {
                header.push(format!("{m}_{stat}"));
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

    /// Adds one run row (`run, point, replication, axes…, RUN_COLUMNS…`).
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
        cells.push(moments.first().map_or(0, |m| m.n).to_string());
        for m in &moments {
            cells.push(num(m.mean));
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

    /// P(T ≤ t) for Student's t with `df` degrees of freedom, by Simpson's rule after the
    /// substitution x = √df·tan θ, which turns the density into cos^(df−1) θ on (−π/2, π/2).
    fn t_cdf(t: f64, df: u64) -> f64 {
        let f = |th: f64| th.cos().powi(df as i32 - 1);
        let simpson = |a: f64, b: f64| {
            let n = 20_000;
            let h = (b - a) / n as f64;
            let mut s = f(a) + f(b);
            for i in 1..n {
                s += f(a + i as f64 * h) * if i % 2 == 1 { 4.0 } else { 2.0 };
            }
            s * h / 3.0
        };
        let half = std::f64::consts::FRAC_PI_2;
        simpson(-half, (t / (df as f64).sqrt()).atan()) / simpson(-half, half)
    }

    #[test]
    fn t_quantiles_match_the_distribution() {
        for df in (1..=45).chain([60, 100, 120, 500, 10_000]) {
            let t = t975(df);
            let p = t_cdf(t, df);
            assert!((p - 0.975).abs() < 1e-8, "df {df}: P(T ≤ {t}) = {p}");
        }
        // Closed forms: Cauchy (df 1) and df 2.
        assert!((t975(1) - (0.475 * std::f64::consts::PI).tan()).abs() < 1e-8);
        assert!((t975(2) - 0.95 * (2.0 / (4.0 * 0.975 * 0.025f64)).sqrt()).abs() < 1e-8);
    }

    #[test]
    fn moments_match_two_pass_and_merge() {
        let xs = [3.0, 1.5, 4.25, 1.0, 5.5, 9.0, 2.75, 6.5];
        let mut all = Moments::default();
        xs.iter().for_each(|&x| all.push(x));
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (xs.len() - 1) as f64;
        assert!((all.mean - mean).abs() < 1e-12);
        assert!((all.sd().unwrap() - var.sqrt()).abs() < 1e-12);
        let (mut a, mut b) = (Moments::default(), Moments::default());
        xs[..3].iter().for_each(|&x| a.push(x));
        xs[3..].iter().for_each(|&x| b.push(x));
        a.merge(&b);
        assert_eq!(a.n, all.n);
        assert!((a.mean - all.mean).abs() < 1e-12);
        assert!((a.sd().unwrap() - all.sd().unwrap()).abs() < 1e-12);
        // CI by hand: t(7) = 2.364624252.
        let ci = 2.364_624_252 * var.sqrt() / (xs.len() as f64).sqrt();
        assert!((all.ci95().unwrap() - ci).abs() < 1e-9);
        let mut one = Moments::default();
        one.push(1.0);
        assert_eq!((one.sd(), one.ci95()), (None, None));
    }

    #[test]
    fn summary_rows_group_consecutive_runs_of_a_point() {
        let axes = vec!["routing.dns_ttl".to_string()];
        let mut s = Summary::new(&axes).unwrap();
        let row = |run: u64, point: u64, p99: &str| {
            let mut cells = vec![run.to_string(), point.to_string(), "0".into(), "10s".into()];
            for c in RUN_COLUMNS {
                cells.push(match *c {
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
        let p99 = METRICS.iter().position(|m| *m == "p99_ms").unwrap();
        let cells: Vec<&str> = lines[1].split(',').collect();
        assert_eq!(&cells[..4], ["0", "sharded", "10s", "2"]);
        assert_eq!(cells[4 + 3 * p99], "12.000000");
        assert_eq!(cells[5 + 3 * p99], format!("{:.6}", 8f64.sqrt()));
        let cells: Vec<&str> = lines[2].split(',').collect();
        assert_eq!(&cells[..4], ["1", "sharded", "10s", "1"]);
        assert_eq!((cells[5 + 3 * p99], cells[6 + 3 * p99]), ("", ""));
    }
}

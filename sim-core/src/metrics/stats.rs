//! The one home of the statistics behind every confidence interval the program reports:
//! sweeps (`summary.csv`), the years simulation (`availability.csv`) and the planner's
//! verification (`designs.csv`) all use these, so that "mean ± 95 %" means the same thing
//! everywhere.
//!
//! - [`Moments`]: count, mean and sum of squared deviations by Welford's streaming update,
//!   mergeable (Chan, Golub & LeVeque 1979), so that accumulators fed on different threads
//!   or from different files combine exactly as one fed everything;
//! - [`t975`]: the 0.975 quantile of Student's t;
//! - [`Interval`]: a mean with the half-width `t₀.₉₇₅,ₙ₋₁ · s / √n` of its 95 % confidence
//!   interval, for `n` independent replications (Law, *Simulation Modeling and Analysis*,
//!   5th ed., §9.4.1);
//! - [`percentile`]: nearest-rank percentiles of a sorted sample.

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

/// Running count, mean and sum of squared deviations (Welford), mergeable.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Moments {
    n: u64,
    mean: f64,
    m2: f64,
}

impl Moments {
    /// The moments of `xs`, fed in order.
    pub fn of(xs: impl IntoIterator<Item = f64>) -> Moments {
        let mut m = Moments::default();
        xs.into_iter().for_each(|x| m.push(x));
        m
    }

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

    /// Values seen.
    pub fn n(&self) -> u64 {
        self.n
    }

    /// Mean of the values seen (0 when none).
    pub fn mean(&self) -> f64 {
        self.mean
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

    /// The mean with its 95 % confidence interval; `None` when `n < 2` (each caller says
    /// what one replication means: the planner takes the single value, the years
    /// simulation an unbounded interval).
    pub fn interval95(&self) -> Option<Interval> {
        let half = self.ci95()?;
        Some(Interval {
            mean: self.mean,
            low: self.mean - half,
            high: self.mean + half,
        })
    }
}

/// A mean with its 95 % confidence interval `[low, high]`.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
pub struct Interval {
    pub mean: f64,
    pub low: f64,
    pub high: f64,
}

impl Interval {
    /// An interval of zero width: what is known from a single value.
    pub fn point(x: f64) -> Interval {
        Interval {
            mean: x,
            low: x,
            high: x,
        }
    }

    /// True when `x` lies in the interval.
    pub fn contains(&self, x: f64) -> bool {
        self.low <= x && x <= self.high
    }
}

/// Nearest-rank percentile of a sorted, non-empty sample: the smallest value such that at
/// least `p` of the sample is at or below it.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    // The guard keeps p·n = 90.000000000000014 (round-off) at rank 90.
    let rank = (p * n as f64 * (1.0 - 1e-12)).ceil() as usize;
    sorted[rank.clamp(1, n) - 1]
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
    fn moments_match_two_pass() {
        let xs = [3.0, 1.5, 4.25, 1.0, 5.5, 9.0, 2.75, 6.5];
        let all = Moments::of(xs);
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (xs.len() - 1) as f64;
        assert_eq!(all.n(), 8);
        assert!((all.mean() - mean).abs() < 1e-12);
        assert!((all.sd().unwrap() - var.sqrt()).abs() < 1e-12);
        // CI by hand: t(7) = 2.364624252.
        let ci = 2.364_624_252 * var.sqrt() / (xs.len() as f64).sqrt();
        assert!((all.ci95().unwrap() - ci).abs() < 1e-9);
        let i = all.interval95().unwrap();
        assert!((i.high - i.low - 2.0 * ci).abs() < 1e-9 && i.contains(mean));
        let one = Moments::of([1.0]);
        assert_eq!((one.sd(), one.ci95(), one.interval95()), (None, None, None));
    }

    #[test]
    fn nearest_rank_percentiles() {
        let xs: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&xs, 0.5), 50.0);
        assert_eq!(percentile(&xs, 0.9), 90.0);
        assert_eq!(percentile(&xs, 0.99), 99.0);
        assert_eq!(percentile(&xs, 0.0), 1.0);
        assert_eq!(percentile(&xs, 1.0), 100.0);
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
    }

    proptest::proptest! {
        /// `merge(a, b)` equals one accumulator fed both inputs, in either order, for any
        /// split (empty sides included).
        #[test]
        fn merge_equals_one_accumulator_fed_both(
            xs in proptest::collection::vec(-1e6f64..1e6, 0..60),
            cut in 0usize..60,
        ) {
            let cut = cut.min(xs.len());
            let all = Moments::of(xs.iter().copied());
            let (a, b) = (Moments::of(xs[..cut].iter().copied()), Moments::of(xs[cut..].iter().copied()));
            for (mut m, o) in [(a, b), (b, a)] {
                m.merge(&o);
                proptest::prop_assert_eq!(m.n(), all.n());
                proptest::prop_assert!(close(m.mean(), all.mean()), "{} vs {}", m.mean(), all.mean());
                match (m.sd(), all.sd()) {
                    (Some(x), Some(y)) => proptest::prop_assert!(close(x, y), "{} vs {}", x, y),
                    (x, y) => proptest::prop_assert_eq!(x, y),
                }
            }
        }
    }
}

//! Small statistics shared by every report that gives a confidence interval.

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
}

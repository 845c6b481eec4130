//! Erlang B and C for M/M/c queues, and the M/M/c waiting- and response-time distributions.
//!
//! With arrival rate λ, service rate μ per server and `c` servers, the offered load is
//! `a = λ/μ` Erlangs and the utilisation `ρ = a/c`. Erlang B is computed by the stable
//! recurrence `B(0) = 1`, `B(k) = a·B(k−1) / (k + a·B(k−1))`; Erlang C from it by
//! `C = B / (1 − ρ(1 − B))` (Kleinrock, *Queueing Systems* vol. 1, §3.5).
//!
//! # Waiting and response time (FCFS)
//!
//! An arrival waits with probability `C`; given that it waits, its wait is exponential with
//! rate `θ = cμ − λ` (the queue drains at rate `cμ` while all servers are busy, and the
//! number ahead is geometric). Hence (Gross & Harris, *Fundamentals of Queueing Theory*,
//! §2.3):
//!
//! ```text
//! P(Wq > t) = C·e^{−θt}                                  t ≥ 0
//! ```
//!
//! The response time is `T = Wq + S` with the service `S ~ Exp(μ)` independent of `Wq`, so
//! `T` is `S` with probability `1 − C` and `E_θ + E_μ` (hypoexponential) with probability
//! `C`:
//!
//! ```text
//! P(T > t) = (1 − C)·e^{−μt} + C·H(t),
//! H(t) = P(E_θ + E_μ > t) = (θ·e^{−μt} − μ·e^{−θt}) / (θ − μ)      θ ≠ μ
//!      = (1 + μt)·e^{−μt}                                        θ = μ
//! ```
//!
//! `H` is evaluated in a form with no cancellation and no special case: with `r = min(θ, μ)`,
//! `s = max(θ, μ)` and `φ(x) = (1 − e^{−x})/x` (`φ(0) = 1`),
//! `H(t) = e^{−rt}·(1 + r·t·φ((s − r)t))`, which equals both lines above and is continuous
//! through `θ = μ` (that is `λ = (c − 1)μ`). Quantiles of `T` have no closed form; they are
//! found by bisection on the exact, strictly decreasing `P(T > t)`.
//!
//! Times are in the unit of `1/μ` (seconds if rates are per second).

/// Probability that an arrival finds all `c` servers busy in M/M/c/c (blocked and lost).
pub fn erlang_b(c: u32, a: f64) -> f64 {
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (k as f64 + a * b);
        // Once it underflows it stays 0 (0 · a / k): the rest of the loop changes
        // nothing, and a count far above the load (10⁸ servers for 100 Erlangs) would
        // spin for seconds per call.
        if b == 0.0 {
            return 0.0;
        }
    }
    b
}

/// Probability that an arrival has to wait in M/M/c (Erlang C). 1 when `a ≥ c` (unstable).
pub fn erlang_c(c: u32, a: f64) -> f64 {
    let rho = a / c as f64;
    if rho >= 1.0 {
        return 1.0;
    }
    let b = erlang_b(c, a);
    b / (1.0 - rho * (1.0 - b))
}

/// Mean waiting time in queue (`Wq`) of M/M/c, in the unit of `1/mu`.
pub fn mmc_mean_wait(c: u32, lambda: f64, mu: f64) -> f64 {
    let a = lambda / mu;
    if a >= c as f64 {
        return f64::INFINITY;
    }
    erlang_c(c, a) / (c as f64 * mu - lambda)
}

/// Mean time in system (`W = Wq + 1/μ`) of M/M/c.
pub fn mmc_mean_response(c: u32, lambda: f64, mu: f64) -> f64 {
    mmc_mean_wait(c, lambda, mu) + 1.0 / mu
}

/// `P(Wq > t)` in M/M/c: the probability that an arrival waits longer than `t` before
/// service starts. 1 when unstable (`λ ≥ cμ`).
pub fn mmc_wait_tail(c: u32, lambda: f64, mu: f64, t: f64) -> f64 {
    let theta = c as f64 * mu - lambda;
    if theta <= 0.0 {
        return 1.0;
    }
    if t < 0.0 {
        return 1.0;
    }
    erlang_c(c, lambda / mu) * (-theta * t).exp()
}

/// `P(T > t)` in M/M/c, where `T = Wq + S` is the time in system (see the module docs).
/// 1 when unstable.
pub fn mmc_response_tail(c: u32, lambda: f64, mu: f64, t: f64) -> f64 {
    let theta = c as f64 * mu - lambda;
    if theta <= 0.0 || t <= 0.0 {
        return 1.0;
    }
    let pw = erlang_c(c, lambda / mu);
    (1.0 - pw) * (-mu * t).exp() + pw * hypoexp_tail(theta, mu, t)
}

/// `P(T ≤ t)` in M/M/c: the fraction of requests that complete within `t`.
pub fn mmc_response_cdf(c: u32, lambda: f64, mu: f64, t: f64) -> f64 {
    1.0 - mmc_response_tail(c, lambda, mu, t)
}

/// The `p`-quantile of the wait in queue, `inf{t : P(Wq ≤ t) ≥ p}`:
/// `0` if `p ≤ 1 − C`, else `ln(C / (1 − p)) / θ`. Infinite when unstable or `p ≥ 1`.
pub fn mmc_wait_quantile(c: u32, lambda: f64, mu: f64, p: f64) -> f64 {
    let theta = c as f64 * mu - lambda;
    if theta <= 0.0 || p >= 1.0 {
        return f64::INFINITY;
    }
    let pw = erlang_c(c, lambda / mu);
    if p <= 1.0 - pw {
        return 0.0;
    }
    (pw / (1.0 - p)).ln() / theta
}

/// The `p`-quantile of the response time `T = Wq + S`: the `t` with `P(T ≤ t) = p`,
/// to a relative accuracy of about 1e-13. 0 for `p ≤ 0`; infinite when unstable or `p ≥ 1`;
/// NaN for rates that are not finite and positive.
pub fn mmc_response_quantile(c: u32, lambda: f64, mu: f64, p: f64) -> f64 {
    if !(lambda.is_finite() && lambda >= 0.0 && mu.is_finite() && mu > 0.0) {
        return f64::NAN;
    }
    let theta = c as f64 * mu - lambda;
    if theta <= 0.0 || p >= 1.0 || p.is_nan() {
        return f64::INFINITY;
    }
    if p <= 0.0 {
        return 0.0;
    }
    let target = 1.0 - p;
    let tail = |t: f64| mmc_response_tail(c, lambda, mu, t);
    // T is stochastically below E_θ + E_μ, itself below a Gamma(2, r) with r = min(θ, μ),
    // whose tail e^{−rt}(1 + rt) gives a starting upper bracket; double until it holds.
    let r = theta.min(mu);
    let mut hi = (1.0 - target.ln()) / r;
    while tail(hi) > target {
        hi *= 2.0;
    }
    let mut lo = 0.0;
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if tail(mid) > target {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo <= 1e-14 * hi {
            break;
        }
    }
    0.5 * (lo + hi)
}

/// `P(E_a + E_b > t)` for independent exponentials with rates `a`, `b` (any order, may be
/// equal), in the cancellation-free form of the module docs.
pub(crate) fn hypoexp_tail(a: f64, b: f64, t: f64) -> f64 {
    let (r, s) = if a <= b { (a, b) } else { (b, a) };
    let x = (s - r) * t;
    let phi = if x == 0.0 { 1.0 } else { -(-x).exp_m1() / x };
    (-r * t).exp() * (1.0 + r * t * phi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_server_reduces_to_mm1() {
        // M/M/1: P(wait) = ρ, W = 1/(μ − λ).
        assert!((erlang_c(1, 0.9) - 0.9).abs() < 1e-12);
        assert!((mmc_mean_response(1, 0.9, 1.0) - 10.0).abs() < 1e-9);
    }

    #[test]
    fn matches_hand_computed_two_servers() {
        // c = 2, a = 1: B = 1/5, C = (1/5) / (1 − ½·⅘) = 1/3.
        assert!((erlang_b(2, 1.0) - 0.2).abs() < 1e-12);
        assert!((erlang_c(2, 1.0) - 1.0 / 3.0).abs() < 1e-12);
    }

    /// The early return at underflow is exact: the same value as the full recursion, and
    /// a count far above the load (a red team's 10⁸ servers) is 0 at once.
    #[test]
    fn erlang_b_stops_at_underflow_with_the_same_value() {
        let full = |c: u32, a: f64| (1..=c).fold(1.0, |b, k| a * b / (k as f64 + a * b));
        for (c, a) in [
            (1, 0.5),
            (10, 3.0),
            (200, 150.0),
            (2000, 100.0),
            (5000, 4900.0),
        ] {
            assert_eq!(
                erlang_b(c, a).to_bits(),
                full(c, a).to_bits(),
                "c {c}, a {a}"
            );
        }
        assert_eq!(erlang_b(100_000_000, 100.0), 0.0);
        assert_eq!(erlang_c(100_000_000, 100.0), 0.0);
    }

    fn rel(a: f64, b: f64) -> f64 {
        (a - b).abs() / b.abs().max(1e-300)
    }

    #[test]
    fn published_call_centre_example() {
        // The Call Centre Helper worked example ("Erlang C formula – made simple"): 100
        // calls per 30 min, AHT 180 s, answer target 20 s; A = 10 Erlangs. The pyworkforce
        // README reproduces it for 14 agents: waiting probability 0.1741, service level
        // 0.8884, occupancy 0.7143 (4 decimals, so compare to 5e-5).
        let (lambda, mu) = (100.0 / 1800.0, 1.0 / 180.0);
        assert!((erlang_c(14, 10.0) - 0.1741).abs() < 5e-5);
        let sl = 1.0 - mmc_wait_tail(14, lambda, mu, 20.0);
        assert!((sl - 0.8884).abs() < 5e-5, "{sl}");
        assert!((10.0f64 / 14.0 - 0.7143).abs() < 5e-5);
    }

    #[test]
    fn mm1_response_time_is_exponential() {
        // M/M/1: T ~ Exp(μ − λ) exactly, so the tail and the quantile have closed forms.
        let (lambda, mu) = (0.7f64, 1.0f64);
        for t in [0.01, 0.5, 1.0, 3.0, 10.0, 40.0] {
            let exact = (-(mu - lambda) * t).exp();
            assert!(
                rel(mmc_response_tail(1, lambda, mu, t), exact) < 1e-12,
                "t={t}"
            );
        }
        for p in [0.5, 0.9, 0.99, 0.999] {
            let exact = -(1.0f64 - p).ln() / (mu - lambda);
            assert!(
                rel(mmc_response_quantile(1, lambda, mu, p), exact) < 1e-9,
                "p={p}"
            );
        }
    }

    #[test]
    fn equal_rates_case_by_hand() {
        // c = 2, λ = μ = 1: θ = cμ − λ = 1 = μ, C = 1/3, so
        // P(T > t) = (2/3)e^{−t} + (1/3)(1 + t)e^{−t} = (1 + t/3)e^{−t}.
        for t in [0.1f64, 1.0, 2.5, 7.0] {
            let exact = (1.0 + t / 3.0) * (-t).exp();
            assert!(
                rel(mmc_response_tail(2, 1.0, 1.0, t), exact) < 1e-12,
                "t={t}"
            );
        }
        // And the tail is continuous through θ = μ.
        let at = mmc_response_tail(2, 1.0, 1.0, 2.0);
        for eps in [1e-6, 1e-9, 1e-12] {
            assert!(rel(mmc_response_tail(2, 1.0 + eps, 1.0, 2.0), at) < 10.0 * eps);
            assert!(rel(mmc_response_tail(2, 1.0 - eps, 1.0, 2.0), at) < 10.0 * eps);
        }
    }

    #[test]
    fn response_tail_integrates_to_the_mean() {
        // E[T] = ∫ P(T > t) dt; Simpson's rule on a fine grid against Wq + 1/μ.
        for (c, lambda, mu) in [(1, 0.5, 1.0), (3, 2.0, 1.0), (8, 7.2, 1.0), (4, 3.0, 1.0)] {
            let h = 1e-3;
            let n = 200_000;
            let mut s = mmc_response_tail(c, lambda, mu, 0.0);
            for i in 1..n {
                let w = if i % 2 == 1 { 4.0 } else { 2.0 };
                s += w * mmc_response_tail(c, lambda, mu, i as f64 * h);
            }
            s += mmc_response_tail(c, lambda, mu, n as f64 * h);
            let integral = s * h / 3.0;
            let mean = mmc_mean_response(c, lambda, mu);
            assert!(rel(integral, mean) < 1e-7, "c={c}: {integral} vs {mean}");
        }
    }

    #[test]
    fn quantiles_invert_the_cdf() {
        for (c, lambda, mu) in [(2, 1.0, 1.0), (5, 4.5, 1.0), (20, 15.0, 1.0), (3, 0.1, 1.0)] {
            for p in [0.5, 0.9, 0.95, 0.99, 0.999] {
                let t = mmc_response_quantile(c, lambda, mu, p);
                assert!(
                    (mmc_response_cdf(c, lambda, mu, t) - p).abs() < 1e-12,
                    "c={c} p={p}"
                );
                let w = mmc_wait_quantile(c, lambda, mu, p);
                if w > 0.0 {
                    assert!((mmc_wait_tail(c, lambda, mu, w) - (1.0 - p)).abs() < 1e-12);
                }
                assert!(w <= t, "the wait is part of the response");
            }
        }
        assert_eq!(mmc_response_quantile(2, 3.0, 1.0, 0.5), f64::INFINITY);
        assert_eq!(mmc_response_quantile(2, 1.0, 1.0, 1.0), f64::INFINITY);
        assert_eq!(mmc_response_quantile(2, 1.0, 1.0, 0.0), 0.0);
        assert!(mmc_response_quantile(2, f64::NAN, 1.0, 0.5).is_nan());
        assert!(mmc_response_quantile(2, 1.0, f64::INFINITY, 0.5).is_nan());
        // With little load most arrivals do not wait: the median wait is zero.
        assert_eq!(mmc_wait_quantile(4, 1.0, 1.0, 0.5), 0.0);
    }
}

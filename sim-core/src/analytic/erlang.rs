//! Erlang B and C for M/M/c queues.
//!
//! With arrival rate λ, service rate μ per server and `c` servers, the offered load is
//! `a = λ/μ` Erlangs and the utilisation `ρ = a/c`. Erlang B is computed by the stable
//! recurrence `B(0) = 1`, `B(k) = a·B(k−1) / (k + a·B(k−1))`; Erlang C from it by
//! `C = B / (1 − ρ(1 − B))` (Kleinrock, *Queueing Systems* vol. 1, §3.5).

/// Probability that an arrival finds all `c` servers busy in M/M/c/c (blocked and lost).
pub fn erlang_b(c: u32, a: f64) -> f64 {
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (k as f64 + a * b);
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
}

//! Server sizing with Erlang C: the smallest number of servers `c` such that an M/M/c
//! queue meets a latency target at a load, under a utilisation cap.
//!
//! A target says "the `p`-quantile of the response time is at most `latency`", that is
//! `P(T > latency) ≤ 1 − p` with `T = Wq + S` (see [`super::erlang`] for the exact
//! distribution). [`smallest_servers_for_wait`] does the same for the wait `Wq` alone (the
//! call-centre "service level"). The search starts at the smallest `c` with
//! `a/c ≤ max_utilisation` and `a/c < 1` (`a = λ/μ`) and walks up. Both tails decrease in
//! `c` (Erlang C falls and the drain rate `cμ − λ` rises), so the first `c` that meets the
//! target is the smallest; Erlang B is carried from one `c` to the next by its recurrence,
//! so the whole search costs `O(c)`.
//!
//! No `c` can beat the service time itself: with unlimited servers `T = S`, whose
//! `p`-quantile is `−ln(1 − p)/μ`. A response target at or below that is reported as
//! unreachable rather than searched for.
//!
//! Times are in the unit of `1/μ` (seconds if rates are per second).

use super::erlang::{erlang_b, hypoexp_tail};
use serde::Serialize;

/// Beyond this many servers the search gives up.
pub const MAX_SERVERS: u32 = 10_000_000;

/// A latency target: `P(T ≤ latency) ≥ quantile`, e.g. p99 ≤ 250 ms is
/// `LatencyTarget { quantile: 0.99, latency: 0.250 }` with rates per second.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct LatencyTarget {
    /// The quantile, in (0, 1), e.g. 0.99.
    pub quantile: f64,
    /// The latency bound, in the unit of `1/μ`.
    pub latency: f64,
}

/// The answer of a sizing search, with the figures that justify it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Sizing {
    /// The smallest number of servers that meets the target and the utilisation cap.
    pub servers: u32,
    /// `λ/(cμ)` at that size.
    pub utilisation: f64,
    /// Erlang C at that size: the probability that a request waits.
    pub wait_probability: f64,
    /// The tail at the target latency at that size, `P(T > latency)` or `P(Wq > latency)`
    /// (at most `1 − quantile`).
    pub tail_at_target: f64,
}

/// Why no size was found.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SizingError {
    #[error("sizing input `{field}` is invalid: {reason}")]
    Invalid { field: &'static str, reason: String },
    #[error(
        "no number of servers meets a p{pct} of {latency}: the service time alone has a p{pct} of {service_quantile} (mean 1/μ = {mean_service})",
        pct = quantile * 100.0
    )]
    Unreachable {
        quantile: f64,
        latency: f64,
        service_quantile: f64,
        mean_service: f64,
    },
    #[error("more than {MAX_SERVERS} servers would be needed")]
    TooManyServers,
}

/// The smallest `c` such that M/M/c with arrival rate `lambda` and per-server service rate
/// `mu` has `P(T ≤ target.latency) ≥ target.quantile` for the response time `T = Wq + S`,
/// and utilisation `≤ max_utilisation`. See the module docs.
pub fn smallest_servers(
    lambda: f64,
    mu: f64,
    target: LatencyTarget,
    max_utilisation: f64,
) -> Result<Sizing, SizingError> {
    validate(lambda, mu, target, max_utilisation)?;
    let p = target.quantile;
    let service_quantile = -(1.0 - p).ln() / mu;
    if target.latency <= service_quantile {
        return Err(SizingError::Unreachable {
            quantile: p,
            latency: target.latency,
            service_quantile,
            mean_service: 1.0 / mu,
        });
    }
    let t = target.latency;
    search(lambda, mu, target, max_utilisation, |pw, theta| {
        (1.0 - pw) * (-mu * t).exp() + pw * hypoexp_tail(theta, mu, t)
    })
}

/// Like [`smallest_servers`] but the target is on the wait in queue alone,
/// `P(Wq ≤ latency) ≥ quantile` — the call-centre "service level" (e.g. 80 % answered
/// within 20 s). Any such target is reachable.
pub fn smallest_servers_for_wait(
    lambda: f64,
    mu: f64,
    target: LatencyTarget,
    max_utilisation: f64,
) -> Result<Sizing, SizingError> {
    validate(lambda, mu, target, max_utilisation)?;
    let t = target.latency;
    search(lambda, mu, target, max_utilisation, |pw, theta| {
        pw * (-theta * t).exp()
    })
}

fn validate(
    lambda: f64,
    mu: f64,
    target: LatencyTarget,
    max_utilisation: f64,
) -> Result<(), SizingError> {
    let invalid = |field, reason: &str| {
        Err(SizingError::Invalid {
            field,
            reason: reason.to_string(),
        })
    };
    if !(lambda.is_finite() && lambda >= 0.0) {
        return invalid("lambda", "must be a finite rate ≥ 0");
    }
    if !(mu.is_finite() && mu > 0.0) {
        return invalid("mu", "must be a finite rate > 0");
    }
    if !(target.quantile > 0.0 && target.quantile < 1.0) {
        return invalid("target.quantile", "must lie strictly between 0 and 1");
    }
    if !(target.latency.is_finite() && target.latency > 0.0) {
        return invalid("target.latency", "must be a finite time > 0");
    }
    if !(max_utilisation > 0.0 && max_utilisation <= 1.0) {
        return invalid("max_utilisation", "must lie in (0, 1]");
    }
    Ok(())
}

/// Walks `c` up from the utilisation bound until `tail(C, cμ − λ) ≤ 1 − quantile`.
fn search(
    lambda: f64,
    mu: f64,
    target: LatencyTarget,
    max_utilisation: f64,
    tail: impl Fn(f64, f64) -> f64,
) -> Result<Sizing, SizingError> {
    let a = lambda / mu;
    let need = (a / max_utilisation).ceil();
    if need >= MAX_SERVERS as f64 {
        return Err(SizingError::TooManyServers);
    }
    let mut c = (need as u32).max(1);
    if a >= c as f64 {
        c += 1; // utilisation 1 is unstable
    }
    let mut b = erlang_b(c, a);
    let budget = 1.0 - target.quantile;
    loop {
        let cf = c as f64;
        let rho = a / cf;
        let pw = b / (1.0 - rho * (1.0 - b));
        let t = tail(pw, cf * mu - lambda);
        if t <= budget {
            return Ok(Sizing {
                servers: c,
                utilisation: rho,
                wait_probability: pw,
                tail_at_target: t,
            });
        }
        if c >= MAX_SERVERS {
            return Err(SizingError::TooManyServers);
        }
        c += 1;
        b = a * b / (c as f64 + a * b);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analytic::erlang::{erlang_c, mmc_response_quantile, mmc_response_tail};

    fn target(quantile: f64, latency: f64) -> LatencyTarget {
        LatencyTarget { quantile, latency }
    }

    #[test]
    fn chosen_size_meets_the_target_and_one_fewer_does_not() {
        for (lambda, mu, q, lat, cap) in [
            (1000.0, 50.0, 0.99, 0.1, 1.0),
            (1000.0, 50.0, 0.99, 0.1, 0.7),
            (5.0, 1.0, 0.95, 4.0, 0.9),
            (0.5, 1.0, 0.5, 1.0, 1.0),
            (20_000.0, 10.0, 0.999, 0.8, 0.95),
        ] {
            let s = smallest_servers(lambda, mu, target(q, lat), cap).unwrap();
            let c = s.servers;
            assert!(mmc_response_quantile(c, lambda, mu, q) <= lat * (1.0 + 1e-12));
            assert!(mmc_response_tail(c, lambda, mu, lat) <= 1.0 - q);
            assert!(s.utilisation <= cap);
            assert!((s.wait_probability - erlang_c(c, lambda / mu)).abs() < 1e-12);
            let (a, prev) = (lambda / mu, c - 1);
            let prev_ok = prev >= 1
                && a / (prev as f64) <= cap
                && a < prev as f64
                && mmc_response_tail(prev, lambda, mu, lat) <= 1.0 - q;
            assert!(!prev_ok, "c − 1 = {prev} would also do for λ={lambda}");
        }
    }

    #[test]
    fn published_call_centre_example_needs_14_agents() {
        // The Call Centre Helper worked example, as reproduced in the pyworkforce README:
        // 100 calls per 30 min, AHT 180 s, 80 % answered within 20 s → 14 raw positions,
        // service level 0.8884, waiting probability 0.1741. That is a target on the wait.
        let (lambda, mu) = (100.0 / 1800.0, 1.0 / 180.0);
        let s = smallest_servers_for_wait(lambda, mu, target(0.8, 20.0), 1.0).unwrap();
        assert_eq!(s.servers, 14);
        assert!((1.0 - s.tail_at_target - 0.8884).abs() < 5e-5);
        assert!((s.wait_probability - 0.1741).abs() < 5e-5);
        // On the response time (wait + talk) the same 20 s is unreachable: the talk alone
        // has p80 = 180·ln 5 ≈ 290 s.
        assert!(matches!(
            smallest_servers(lambda, mu, target(0.8, 20.0), 1.0),
            Err(SizingError::Unreachable { .. })
        ));
        let s = smallest_servers(lambda, mu, target(0.8, 320.0), 1.0).unwrap();
        assert!(mmc_response_tail(s.servers, lambda, mu, 320.0) <= 0.2);
        assert!(mmc_response_tail(s.servers - 1, lambda, mu, 320.0) > 0.2);
    }

    #[test]
    fn utilisation_cap_binds_when_latency_is_loose() {
        // Generous latency: only the cap matters. a = 40, cap 0.8 → c = 50.
        let s = smallest_servers(40.0, 1.0, target(0.5, 100.0), 0.8).unwrap();
        assert_eq!(s.servers, 50);
        // With no load one server is enough.
        let idle = smallest_servers(0.0, 1.0, target(0.9, 3.0), 1.0).unwrap();
        assert_eq!(idle.servers, 1);
        // a = 3 exactly with cap 1 must not pick c = 3 (unstable).
        let s = smallest_servers(3.0, 1.0, target(0.5, 50.0), 1.0).unwrap();
        assert!(s.servers >= 4);
    }

    #[test]
    fn bad_inputs_are_errors_not_panics() {
        let t = target(0.99, 1.0);
        assert!(smallest_servers(-1.0, 1.0, t, 1.0).is_err());
        assert!(smallest_servers(1.0, 0.0, t, 1.0).is_err());
        assert!(smallest_servers(1.0, 1.0, target(1.0, 1.0), 1.0).is_err());
        assert!(smallest_servers(1.0, 1.0, target(0.9, f64::NAN), 1.0).is_err());
        assert!(smallest_servers(1.0, 1.0, t, 0.0).is_err());
        assert!(smallest_servers(f64::INFINITY, 1.0, t, 1.0).is_err());
        let e = smallest_servers(1.0, 1.0, target(0.99, 4.0), 1.0).unwrap_err();
        assert!(e.to_string().contains("service time alone"), "{e}");
        assert_eq!(
            smallest_servers(1e9, 1.0, target(0.5, 10.0), 1.0),
            Err(SizingError::TooManyServers)
        );
    }
}

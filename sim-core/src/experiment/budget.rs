//! How big a run is before it starts: requests, events and a wall-time guess.
//!
//! A scenario line such as `duration = "365d"` or `peak_rps = 1e7` asks for billions of
//! requests; the run would take days and show nothing. So the CLI estimates the work from
//! the scenario, refuses beyond a limit ([`DEFAULT_MAX_REQUESTS`], overridable with
//! `--max-requests`) naming the estimate and the flag, and shows progress on long runs.
//!
//! The estimate is the expected number of requests the simulated time holds (warm-up
//! included): each area's peak rate times the integral of its diurnal curve
//! ([`Diurnal`](crate::model::workload::Diurnal)) over `[0, warmup + duration)`, in closed
//! form. Events: one candidate arrival per peak-rate gap (thinning) plus
//! [`EVENTS_PER_REQUEST`] per request (reach the region, finish, respond, timeout sweep,
//! replication and probes on top: measured 4–6 on the default scenario).
//!
//! Work that follows the clock rather than the requests is counted apart, as *timed*
//! events: health-check probes (every `routing.health_check.interval` per region),
//! autoscaling evaluations (every `evaluation` per scaled region) and the per-minute
//! series of every region (each minute weighted [`SERIES_EVENTS_PER_MINUTE`] for its
//! memory). A run at a tiny rate over centuries has few requests but billions of these,
//! so they get their own limit: [`EVENTS_PER_REQUEST`] per request `--max-requests`
//! allows.

use crate::model::workload::Diurnal;
use crate::spec::Resolved;

/// Requests one run may simulate unless `--max-requests` says more: about ten minutes of
/// wall time on one core.
pub const DEFAULT_MAX_REQUESTS: u64 = 100_000_000;

/// Events per request beyond its candidate arrival (an upper-side estimate).
pub const EVENTS_PER_REQUEST: f64 = 6.0;

/// Events one core handles per second on the full request model (a conservative figure
/// from the benches; only used to say roughly how long a run will take).
pub const EVENTS_PER_SECOND: f64 = 2.0e6;

/// Weight of one region-minute of the time series in the timed events: the series keep
/// about 30 bytes per region and minute, the weight keeps the default limit's series
/// under a few hundred megabytes.
pub const SERIES_EVENTS_PER_MINUTE: f64 = 50.0;

/// The size of one run of a layout.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Estimate {
    /// Expected requests over warm-up and measured window.
    pub requests: f64,
    /// Expected events the engine handles.
    pub events: f64,
    /// Of which timed: probes, autoscaling evaluations and series minutes (see the
    /// module docs), whatever the request rate.
    pub timed: f64,
}

impl Estimate {
    /// Rough wall time in seconds on one core.
    pub fn wall_s(&self) -> f64 {
        self.events / EVENTS_PER_SECOND
    }

    /// `Err(message)` if the run exceeds `max_requests`: the estimate, the limit and the
    /// flag that lifts it. `runs` is how many such runs the command does.
    pub fn check(&self, max_requests: u64, runs: u64) -> Result<(), String> {
        let timed_limit = max_requests as f64 * EVENTS_PER_REQUEST;
        if self.requests <= max_requests as f64 && self.timed > timed_limit {
            return Err(format!(
                "this run would handle about {} timed events (health checks, autoscaling \
                 evaluations and per-minute series over its whole simulated time), more than \
                 the limit of {} ({EVENTS_PER_REQUEST} per request --max-requests allows); \
                 shorten `duration` or `warmup`, or lengthen `routing.health_check.interval` or \
                 `autoscaling.evaluation`, or pass --max-requests {} to run it anyway",
                human(self.timed),
                human(timed_limit),
                (self.timed / EVENTS_PER_REQUEST).ceil() as u64,
            ));
        }
        if self.requests <= max_requests as f64 {
            return Ok(());
        }
        Err(format!(
            "this run would simulate about {} requests ({} events, roughly {} of wall time{}), \
             more than the limit of {max_requests}; shorten `duration` or `warmup` (the warm-up \
             is simulated too) or lower `workload.peak_rps`, or pass --max-requests {} to run \
             it anyway",
            human(self.requests),
            human(self.events),
            human_time(self.wall_s() * runs as f64),
            if runs > 1 {
                format!(" for {runs} runs")
            } else {
                String::new()
            },
            self.requests.ceil() as u64,
        ))
    }
}

/// The expected size of one run of `p`'s scenario (any layout: they share arrivals).
pub fn estimate(p: &Resolved) -> Estimate {
    let s = &p.scenario;
    let t = (s.warmup + s.duration).as_secs_f64();
    let mut requests = 0.0;
    let mut candidates = 0.0;
    for a in &p.world.areas {
        let rate = s.workload.peak_rps * a.share;
        let d = Diurnal::new(&s.workload, s.start_utc_hour, a.utc_offset_hours);
        requests += rate * factor_integral(&d, t);
        candidates += rate * t;
    }
    let n = p.world.n_regions() as f64;
    let every = |d: crate::engine::SimDuration| t / d.as_secs_f64().max(1e-9);
    let probes = n * every(s.routing.health_check.interval);
    let evaluations: f64 = p
        .world
        .regions
        .iter()
        .filter_map(|r| r.autoscaling.as_ref())
        .map(|a| every(a.evaluation))
        .sum();
    let series = SERIES_EVENTS_PER_MINUTE * n * (t / 60.0).ceil();
    let timed = probes + evaluations + series;
    Estimate {
        requests,
        events: candidates + EVENTS_PER_REQUEST * requests + probes + evaluations,
        timed,
    }
}

/// `∫₀ᵗ factor(u) du` in seconds, in closed form (a raised cosine of period one day).
fn factor_integral(d: &Diurnal, t: f64) -> f64 {
    if !d.enabled {
        return t;
    }
    let day = 86_400.0;
    let w = 2.0 * std::f64::consts::PI / day;
    let phase0 = w * (d.local_hour_at_zero - d.peak_local_hour) * 3600.0;
    let cos_integral = ((phase0 + w * t).sin() - phase0.sin()) / w;
    d.trough * t + (1.0 - d.trough) * (t + cos_integral) / 2.0
}

/// `12.3 million`, `4.5 billion`, `870`.
fn human(x: f64) -> String {
    for (unit, name) in [(1e12, "trillion"), (1e9, "billion"), (1e6, "million")] {
        if x >= unit {
            return format!("{:.1} {name}", x / unit);
        }
    }
    format!("{x:.0}")
}

/// `3 s`, `12 min`, `5.2 h`, `3.1 days`.
fn human_time(s: f64) -> String {
    if s < 90.0 {
        format!("{s:.0} s")
    } else if s < 5400.0 {
        format!("{:.0} min", s / 60.0)
    } else if s < 2.0 * 86_400.0 {
        format!("{:.1} h", s / 3600.0)
    } else {
        format!("{:.1} days", s / 86_400.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{SimDuration, SimTime};

    #[test]
    fn the_closed_form_matches_a_sum_over_minutes() {
        let d = Diurnal {
            enabled: true,
            trough: 0.3,
            peak_local_hour: 20.0,
            local_hour_at_zero: 13.5,
        };
        let t = 3.7 * 86_400.0;
        let sum: f64 = (0..(t / 60.0) as u64)
            .map(|m| 60.0 * d.factor(SimTime::ZERO + SimDuration::from_secs(m * 60 + 30)))
            .sum();
        let exact = factor_integral(&d, t);
        assert!((sum - exact).abs() / exact < 1e-4, "{sum} vs {exact}");
        // Whole days average (1 + trough) / 2.
        let days = factor_integral(&d, 2.0 * 86_400.0);
        assert!((days - 0.65 * 2.0 * 86_400.0).abs() < 1e-6);
    }

    #[test]
    fn refusals_name_the_estimate_and_the_flag() {
        let e = Estimate {
            requests: 3.2e9,
            events: 2.2e10,
            timed: 1e6,
        };
        let msg = e.check(DEFAULT_MAX_REQUESTS, 3).unwrap_err();
        assert!(msg.contains("3.2 billion requests"), "{msg}");
        assert!(msg.contains("--max-requests 3200000000"), "{msg}");
        assert!(msg.contains("for 3 runs"), "{msg}");
        assert!(e.check(4_000_000_000, 1).is_ok());
    }

    #[test]
    fn timed_events_have_their_own_limit() {
        // A tiny rate over years: few requests, billions of probes.
        let e = Estimate {
            requests: 10.0,
            events: 7e9,
            timed: 7e9,
        };
        let msg = e.check(DEFAULT_MAX_REQUESTS, 1).unwrap_err();
        assert!(msg.contains("7.0 billion timed events"), "{msg}");
        assert!(msg.contains("--max-requests 1166666667"), "{msg}");
        assert!(e.check(1_166_666_667, 1).is_ok());
    }
}

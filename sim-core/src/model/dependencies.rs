//! Shared dependencies: one service (a global DNS, a control plane, an identity provider,
//! a whole cloud provider) that many regions rely on, so that its outage is a *common
//! cause* — every dependent region fails at the same instant, which independent region
//! failures (whose simultaneous failure has probability `Π Uᵢ`) cannot describe.
//!
//! A dependency outage (`dependency-outage`, or a random one) becomes one incident per
//! dependent region over the same interval, with the effect its `affects` names
//! ([`crate::spec::DependencySpec::effect_on`]):
//!
//! - `all` — a region outage of each dependent region (no answers, work in service lost,
//!   health checks fail, failover to a region that does not depend on it);
//! - `writes` — the dependent regions refuse writes at once (`unavailable`, retried like
//!   any error), reads are served;
//! - `routing` — the balancer cannot act on the dependent regions' health: their probes'
//!   verdicts are lost, so nothing is marked down or up and no failover starts until the
//!   dependency is back (then detection takes the usual `threshold × interval`).
//!
//! Random outages: a dependency with `mtbf` and `mttr` (and `[random_failures]
//! enabled = true`) alternates exponential up-times (stream `("dependency-failures", d)`)
//! and repairs (stream `("dependency-repairs", d)`), `d` its index in the file — its own
//! streams, so adding one leaves every other draw unchanged.
//!
//! The annual model (`experiment::availability`) adds the common-cause term: see
//! [`crate::analytic::availability::CommonCause`].

use crate::engine::{SimDuration, SimTime, Streams};
use crate::spec::{Incident, Resolved};
use rand_distr::{Distribution, Exp1};

/// Random dependency outages over `[0, horizon)`, appended to `out` dependency by
/// dependency (each outage as one incident per dependent region).
pub fn random_incidents(spec: &Resolved, seed: u64, horizon: SimTime, out: &mut Vec<Incident>) {
    if !spec.scenario.random_failures.enabled {
        return;
    }
    let streams = Streams::new(seed);
    for (d, dep) in spec.dependencies.iter().enumerate() {
        let Some((mtbf, mttr)) = dep.rates else {
            continue;
        };
        let mut up = streams.stream("dependency-failures", d as u64);
        let mut repair = streams.stream("dependency-repairs", d as u64);
        let mut t = SimTime::ZERO;
        loop {
            let e1: f64 = Exp1.sample(&mut up);
            t += mtbf.mul_f64(e1);
            if t >= horizon {
                break;
            }
            let e2: f64 = Exp1.sample(&mut repair);
            let end = t + mttr.mul_f64(e2).max(SimDuration::from_secs(1));
            out.extend(dep.incidents(t, end, true));
            t = end;
        }
    }
}

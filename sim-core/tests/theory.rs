//! The service station on the DES engine against queueing theory.
//!
//! An open M/M/c system: Poisson arrivals, exponential service, `c` servers, unbounded
//! FIFO queue, no timeouts. Each test checks a simulated quantity against its closed form.

use rand::RngExt;
use rand_distr::{Distribution, Exp};
use sim_core::analytic::erlang::{erlang_c, mmc_mean_response};
use sim_core::engine::{run, Model, Scheduler, SimDuration, SimTime, Stop, StreamRng, Streams};
use sim_core::model::station::{Admission, Station};

enum Ev {
    Arrival,
    Departure(SimTime),
}

struct Mmc {
    station: Station<SimTime>,
    arrivals: StreamRng,
    service: StreamRng,
    inter: Exp<f64>,
    svc: Exp<f64>,
    /// Customers arriving before this are not measured (initial transient).
    warmup: SimTime,
    max_customers: u64,
    arrived: u64,
    measured: u64,
    waited: u64,
    sum_response: f64,
}

impl Mmc {
    fn new(c: u32, lambda: f64, mu: f64, seed: u64, customers: u64) -> Self {
        let s = Streams::new(seed);
        Mmc {
            station: Station::new(c, usize::MAX),
            arrivals: s.stream("arrivals", 0),
            service: s.stream("service", 0),
            inter: Exp::new(lambda).unwrap(),
            svc: Exp::new(mu).unwrap(),
            warmup: SimTime::ZERO + SimDuration::from_secs((2000.0 / lambda) as u64),
            max_customers: customers,
            arrived: 0,
            measured: 0,
            waited: 0,
            sum_response: 0.0,
        }
    }

    fn start(&mut self, s: &mut Scheduler<Ev>, arrived: SimTime) {
        let d = SimDuration::from_secs_f64(self.svc.sample(&mut self.service));
        s.schedule_in(d, Ev::Departure(arrived));
    }
}

impl Model for Mmc {
    type Event = Ev;
    fn handle(&mut self, s: &mut Scheduler<Ev>, ev: Ev) {
        let now = s.now();
        match ev {
            Ev::Arrival => {
                self.arrived += 1;
                match self.station.arrive(now, now, SimTime::MAX) {
                    Admission::Started(t) => self.start(s, t),
                    Admission::Queued => {
                        if now >= self.warmup {
                            self.waited += 1;
                        }
                    }
                    Admission::Rejected(_) => unreachable!("unbounded queue"),
                }
                if self.arrived < self.max_customers {
                    let d = SimDuration::from_secs_f64(self.inter.sample(&mut self.arrivals));
                    s.schedule_in(d, Ev::Arrival);
                }
            }
            Ev::Departure(arrived) => {
                if arrived >= self.warmup {
                    self.measured += 1;
                    self.sum_response += now.since(arrived).as_secs_f64();
                }
                if let Some(w) = self.station.complete(now, |_| unreachable!("no deadlines")) {
                    self.start(s, w.job);
                }
            }
        }
    }
}

fn simulate(c: u32, lambda: f64, mu: f64, seed: u64, customers: u64) -> (Mmc, Scheduler<Ev>) {
    let mut m = Mmc::new(c, lambda, mu, seed, customers);
    let mut s = Scheduler::new();
    s.schedule_at(SimTime::ZERO, Ev::Arrival);
    run(&mut m, &mut s, Stop::at(SimTime::MAX));
    (m, s)
}

fn rel_err(got: f64, want: f64) -> f64 {
    (got - want).abs() / want
}

#[test]
fn mm1_at_rho_0_9_mean_time_in_system() {
    // At ρ = 0.9 the sojourn times are strongly autocorrelated: the standard error of the
    // mean over N customers is ≈ 19/√N (asymptotic variance of the M/M/1 waiting-time
    // mean), so 8 M customers put the 3 % tolerance at ≈ 4.5 standard errors.
    let (m, s) = simulate(1, 0.9, 1.0, 7, 8_000_000);
    let w = m.sum_response / m.measured as f64;
    let want = 1.0 / (1.0 - 0.9);
    assert!(m.measured > 7_000_000);
    assert!(rel_err(w, want) < 0.03, "W = {w}, theory {want}");
    assert_eq!(s.events_processed(), 2 * 8_000_000);
}

#[test]
fn mm4_at_rho_0_8_probability_of_waiting_is_erlang_c() {
    let (c, lambda, mu) = (4, 3.2, 1.0);
    let (m, _) = simulate(c, lambda, mu, 11, 3_000_000);
    let measured_arrivals = m.measured as f64; // every measured customer arrived after warm-up
    let p_wait = m.waited as f64 / measured_arrivals;
    let want = erlang_c(c, lambda / mu);
    assert!(
        rel_err(p_wait, want) < 0.02,
        "P(wait) = {p_wait}, Erlang C {want}"
    );
    let w = m.sum_response / m.measured as f64;
    let want_w = mmc_mean_response(c, lambda, mu);
    assert!(rel_err(w, want_w) < 0.02, "W = {w}, theory {want_w}");
}

#[test]
fn littles_law_holds_on_the_station() {
    // L (time-averaged number in system, from the station's integral) = λ·W, where λ is
    // the observed arrival rate and W the mean time in system of all customers.
    let lambda = 2.5;
    let mut m = Mmc::new(3, lambda, 1.0, 99, 2_000_000);
    m.warmup = SimTime::ZERO;
    let mut s = Scheduler::new();
    s.schedule_at(SimTime::ZERO, Ev::Arrival);
    run(&mut m, &mut s, Stop::at(SimTime::MAX));
    let end = s.now();
    let l = m.station.mean_in_system(end);
    let lambda_obs = m.arrived as f64 / end.as_secs_f64();
    let w = m.sum_response / m.measured as f64;
    assert!(
        rel_err(l, lambda_obs * w) < 0.02,
        "L = {l}, λW = {}",
        lambda_obs * w
    );
    // And against the closed form.
    assert!(rel_err(l, lambda * mmc_mean_response(3, lambda, 1.0)) < 0.03);
}

#[test]
fn same_seed_same_trajectory_other_seed_differs() {
    let a = simulate(2, 1.5, 1.0, 5, 20_000).0.sum_response;
    let b = simulate(2, 1.5, 1.0, 5, 20_000).0.sum_response;
    let c = simulate(2, 1.5, 1.0, 6, 20_000).0.sum_response;
    assert_eq!(a.to_bits(), b.to_bits());
    assert_ne!(a.to_bits(), c.to_bits());
    // The arrival stream is independent of the service stream (common random numbers).
    let mut r1 = Streams::new(5).stream("arrivals", 0);
    let mut r2 = Streams::new(5).stream("arrivals", 0);
    assert_eq!(r1.random::<u64>(), r2.random::<u64>());
}

//! The same workloads as `engine.rs`, measured interleaved for ratios that hold up on a
//! shared, noisy machine.
//!
//! Criterion measures one benchmark after another, so a compile that starts on another
//! core halfway through penalises whichever implementation happens to be running. Here
//! each round runs every implementation back to back (in an order that rotates every
//! round) for about the same wall time each, and the ratios are taken within the round.
//! The medians over rounds are printed as a Markdown table, one row per implementation.
//!
//! Implementations: floor, ours and simcore on every workload; on the hold model also the
//! hand-written radix heap and 4-ary heap (`benches/src/queues.rs`) and ours pinned to
//! its 4-ary heap store (`ours (heap)`: the engine before the radix store).
//!
//! ```text
//! cargo bench -p benches --bench interleaved              # 15 rounds
//! cargo bench -p benches --bench interleaved -- --rounds 31 --only hold_1m
//! ```

use benches::queues::{QuadHeap, RadixHeap};
use benches::{hold, mm1, Workload};
use sim_core::engine::QueueKind;
use std::time::{Duration, Instant};

/// Wall time per implementation per round.
const SLICE: Duration = Duration::from_millis(60);

struct Contender {
    name: &'static str,
    w: Box<dyn Workload>,
    /// Events per slice, calibrated during warm-up.
    chunk: u64,
    rates: Vec<f64>,
}

impl Contender {
    fn new(name: &'static str, w: impl Workload + 'static) -> Self {
        Contender {
            name,
            w: Box::new(w),
            chunk: 0,
            rates: Vec::new(),
        }
    }

    /// Events per second over `n` events.
    fn time(&mut self, n: u64) -> f64 {
        let t = Instant::now();
        self.w.run_events(n);
        n as f64 / t.elapsed().as_secs_f64()
    }
}

fn median(v: &[f64]) -> f64 {
    let mut v = v.to_vec();
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

/// Runs `rounds` interleaved rounds; `cs[0]` is ours, the one every ratio is taken of;
/// `warm` events first.
fn compare(workload: &str, mut cs: Vec<Contender>, warm: u64, rounds: usize) {
    for c in &mut cs {
        // Bring the model to its steady state, then size a slice from the measured rate.
        c.w.run_events(warm);
        let rate = c.time(warm.min(1_000_000));
        c.chunk = ((rate * SLICE.as_secs_f64()) as u64).max(1000);
    }
    let k = cs.len();
    // ratios[i]: ours / cs[i], one per round.
    let mut ratios = vec![Vec::with_capacity(rounds); k];
    for r in 0..rounds {
        let mut rate = vec![0.0; k];
        for j in 0..k {
            let i = (r + j) % k;
            let c = &mut cs[i];
            rate[i] = c.time(c.chunk);
            c.rates.push(rate[i]);
        }
        for i in 0..k {
            ratios[i].push(rate[0] / rate[i]);
        }
    }
    let spread = |v: &[f64]| {
        let (lo, hi) = v
            .iter()
            .fold((f64::MAX, f64::MIN), |(lo, hi), &x| (lo.min(x), hi.max(x)));
        format!("{:.2} ({lo:.2}–{hi:.2})", median(v))
    };
    for (c, r) in cs.iter().zip(&ratios) {
        let ratio = if c.name == "ours" {
            "—".to_string()
        } else {
            spread(r)
        };
        println!(
            "| {workload} | {} | {:.2} | {ratio} |",
            c.name,
            median(&c.rates) / 1e6
        );
    }
    for c in &cs {
        assert!(
            c.w.events() > 0 && c.w.now_secs() > 0.0,
            "{} did no work",
            c.name
        );
    }
}

fn hold_contenders(n: usize) -> Vec<Contender> {
    vec![
        Contender::new("ours", hold::Ours::new(n)),
        Contender::new("radix heap", hold::Plain::<RadixHeap>::new(n)),
        Contender::new("4-ary heap", hold::Plain::<QuadHeap>::new(n)),
        Contender::new("ours (heap)", hold::Ours::with_queue(n, QueueKind::Heap)),
        Contender::new("floor", hold::Floor::new(n)),
        Contender::new("simcore", hold::SimCore::new(n)),
    ]
}

fn main() {
    let mut rounds = 15;
    let mut only: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--rounds" => {
                rounds = args
                    .next()
                    .and_then(|s| s.parse().ok())
                    .expect("--rounds N")
            }
            "--only" => only = args.next(),
            "--bench" => {} // passed by `cargo bench`
            other => panic!("unknown argument {other}; use --rounds N, --only hold_1k|hold_1m|mm1"),
        }
    }
    let want = |w: &str| only.as_deref().is_none_or(|o| o == w);
    println!(
        "load average before: {}; {rounds} rounds of {SLICE:?} per implementation",
        load()
    );
    println!();
    println!("| workload | implementation | M events/s | ours / it (min–max) |");
    println!("|---|---|---:|---:|");
    if want("hold_1k") {
        compare("hold_1k", hold_contenders(1_000), 2_000_000, rounds);
    }
    if want("hold_1m") {
        let n = 1_000_000;
        // A few generations so the pending times reach their steady spread.
        compare("hold_1m", hold_contenders(n), 5 * n as u64, rounds);
    }
    if want("mm1") {
        let cs = vec![
            Contender::new("ours", mm1::Ours::new()),
            Contender::new("floor", mm1::Floor::new()),
            Contender::new("simcore", mm1::SimCore::new()),
        ];
        compare("mm1", cs, 2_000_000, rounds);
    }
    println!();
    println!("load average after: {}", load());
}

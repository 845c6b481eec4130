//! Engine throughput in events per second: ours against a plain `BinaryHeap` loop (the
//! floor) and DSLab's `simcore`, on the hold model (1 000 and 1 000 000 pending events) and
//! an M/M/1 queue. See `benches/README.md` for how to read the numbers.
//!
//! Each benchmark keeps one long-lived simulation and advances it [`BATCH`] events per
//! iteration, so criterion's warm-up also brings the hold set to its steady state.

use benches::{hold, mm1, Workload};
use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};
use std::time::Duration;

/// Events handled per timed iteration.
const BATCH: u64 = 10_000;

fn bench_one<W: Workload>(
    g: &mut BenchmarkGroup<'_, criterion::measurement::WallTime>,
    name: &str,
    mut w: W,
) {
    g.bench_function(name, |b| b.iter(|| w.run_events(BATCH)));
}

fn group<'a>(
    c: &'a mut Criterion,
    name: &str,
) -> BenchmarkGroup<'a, criterion::measurement::WallTime> {
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Elements(BATCH));
    g.sample_size(20);
    g.warm_up_time(Duration::from_secs(2));
    g.measurement_time(Duration::from_secs(4));
    g
}

fn hold(c: &mut Criterion, n: usize, name: &str) {
    let mut g = group(c, name);
    bench_one(&mut g, "floor", hold::Floor::new(n));
    bench_one(&mut g, "ours", hold::Ours::new(n));
    bench_one(&mut g, "simcore", hold::SimCore::new(n));
    g.finish();
}

fn hold_1k(c: &mut Criterion) {
    hold(c, 1_000, "hold_1k");
}

fn hold_1m(c: &mut Criterion) {
    hold(c, 1_000_000, "hold_1m");
}

fn mm1(c: &mut Criterion) {
    let mut g = group(c, "mm1");
    bench_one(&mut g, "floor", mm1::Floor::new());
    bench_one(&mut g, "ours", mm1::Ours::new());
    bench_one(&mut g, "simcore", mm1::SimCore::new());
    g.finish();
}

criterion_group!(engine, hold_1k, hold_1m, mm1);
criterion_main!(engine);

//! The full request-level model: simulated requests per second, per layout.
//!
//! A fixed scenario (`benches/scenarios/model.toml`: the embedded default, shortened to a
//! one-minute window with a 20-second outage of its busiest region) and a fixed seed, so
//! every run does the same work. Throughput is reported in requests (criterion
//! `Elements`); events per request are printed once for reference. The `watched` group
//! compares a plain run with the GUI's cancellable, progress-reporting run of the same work.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use sim_core::experiment::load_text;
use sim_core::scenario::LayoutKind;
use std::path::Path;
use std::sync::atomic::AtomicBool;

const SCENARIO: &str = include_str!("../scenarios/model.toml");

fn model(c: &mut Criterion) {
    let (s, cat) = load_text(SCENARIO, Path::new("benches/scenarios/model.toml"))
        .expect("valid bench scenario");
    let p = sim_core::spec::validate(&s, &cat).expect("valid bench scenario");
    let mut g = c.benchmark_group("model");
    g.sample_size(10);
    for layout in LayoutKind::ALL {
        let probe = p.run_layout(layout, 42);
        eprintln!(
            "{layout}: {} requests, {} events ({:.2} events per request)",
            probe.rec.requests,
            probe.summary.events,
            probe.summary.events as f64 / probe.rec.requests as f64
        );
        g.throughput(Throughput::Elements(probe.rec.requests));
        g.bench_function(layout.name(), |b| {
            b.iter(|| p.run_layout(layout, 42).rec.requests)
        });
    }
    g.finish();

    // The GUI's runs: the same work in chunks of `WATCH_EVERY` events, with a look at the
    // cancel flag and a progress call between chunks. Bench it next to the plain run.
    let mut g = c.benchmark_group("watched");
    g.sample_size(10);
    let layout = LayoutKind::ActiveActive;
    g.throughput(Throughput::Elements(p.run_layout(layout, 42).rec.requests));
    let never = AtomicBool::new(false);
    g.bench_function("plain", |b| {
        b.iter(|| p.run_layout(layout, 42).rec.requests)
    });
    g.bench_function("watched", |b| {
        b.iter(|| {
            p.run_layout_watched(layout, 42, &never, &|f| {
                std::hint::black_box(f);
            })
            .map(|r| r.rec.requests)
        })
    });
    g.finish();
}

criterion_group!(benches, model);
criterion_main!(benches);

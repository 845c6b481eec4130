//! A vs B with confidence and a report to share (#19), driven through the widgets: the
//! replications field, Pin / Clear baseline, Export report and the charts' PNG buttons.
//!
//! Scenarios are one simulated minute at a low rate, so that a few replications of the
//! three layouts take seconds.

mod common;

use common::{click_button, harness, wait, FixedDialogs};
use egui::accesskit::Role;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use planner_gui::ab::{against, AbCommand, TimeChart};
use planner_gui::dialogs::{DialogKind, NoDialogs};
use planner_gui::panels::baseline::{difference_cell, value_cell, DIFFERENCE, EXPORT, PIN};
use planner_gui::panels::path_prompt::PATH_LABEL;
use planner_gui::panels::run::REPLICATIONS_LABEL;
use planner_gui::state::AppState;
use planner_gui::PlannerApp;
use sim_core::engine::SimDuration;
use sim_core::metrics::Metric;
use sim_core::scenario::LayoutKind;

/// The default scenario, made quick: one simulated minute at a lower rate.
fn quick_state() -> AppState {
    let d = AppState::from_default();
    let mut s = d.scenario.clone();
    s.duration = SimDuration::from_secs(60);
    s.warmup = SimDuration::from_secs(10);
    s.workload.peak_rps = 600.0;
    AppState::new(s, d.catalog.clone(), None)
}

fn compare(h: &mut Harness<'_, PlannerApp>) {
    common::start_compare(h);
    wait(h, "the comparison", |st| st.job.is_none());
    assert!(
        h.state().state.results.is_some(),
        "{:?}",
        h.state().state.message
    );
}

/// Types `r` into the replications field, as a user would.
fn set_replications(h: &mut Harness<'_, PlannerApp>, r: u32) {
    h.get_by_role_and_label(Role::SpinButton, REPLICATIONS_LABEL)
        .focus();
    h.run_ok();
    for _ in 0..4 {
        h.key_press(egui::Key::Backspace);
        h.step();
    }
    h.input_mut().events.push(egui::Event::Text(r.to_string()));
    h.step();
    h.step();
    h.key_press(egui::Key::Enter);
    h.run_ok();
    assert_eq!(h.state().state.ab.replications, r);
}

fn interval_of(
    h: &Harness<'_, PlannerApp>,
    l: LayoutKind,
    m: Metric,
) -> sim_core::metrics::MetricInterval {
    let res = h.state().state.results.as_ref().expect("results");
    res.samples
        .intervals()
        .into_iter()
        .find(|r| r.layout == l && r.metric == m.name())
        .expect("an interval row")
}

#[test]
fn replications_show_each_number_with_its_interval() {
    let mut h = harness(quick_state(), Box::new(NoDialogs));
    set_replications(&mut h, 3);
    compare(&mut h);
    let st = &h.state().state;
    let res = st.results.as_ref().unwrap();
    assert_eq!(res.samples.count(), 3);
    assert_eq!(res.samples.layouts, LayoutKind::ALL.to_vec());
    // Replication 0 is the plain run on the scenario's seed, the others differ.
    for (run, reps) in res.runs.iter().zip(&res.samples.runs) {
        assert_eq!(run.summary, reps[0]);
        assert_eq!(reps[0].seed, st.scenario.seed);
        assert_ne!(reps[1].seed, reps[0].seed);
    }
    h.get_by_label("Mean ± 95 % interval over 3 replications (best mean per row in green)");
    // The verdict tells one run's story: it says which, beside a table of means.
    h.get_by_label_contains("In replication 0 of 3 (the table below gives means over all 3): ");
    let p99 = interval_of(&h, LayoutKind::Sharded, Metric::P99);
    let (lo, hi) = (p99.ci95_low.unwrap().value, p99.ci95_high.unwrap().value);
    assert!(lo < p99.mean.value && p99.mean.value < hi, "{p99:?}");
    let cell = value_cell(Metric::P99, &p99);
    assert!(cell.contains(" ± ") && cell.ends_with(" ms"), "{cell}");
    h.get_by_label(&cell);
    let msg = h.state().state.message.clone().unwrap();
    assert!(msg.text.contains("× 3 replications"), "{msg:?}");
}

#[test]
fn replicated_runs_can_be_cancelled() {
    let mut h = harness(quick_state(), Box::new(NoDialogs));
    h.state_mut().state.ab.replications = 20;
    click_button(&mut h, "▶ Compare");
    let total = h.state().state.job.as_ref().map(|j| j.total);
    assert_eq!(total, Some(60), "3 layouts × 20 replications");
    wait(&mut h, "the first progress", |st| {
        st.job.as_ref().is_none_or(|j| j.fraction() > 0.0)
    });
    assert!(
        h.state().state.job.is_some(),
        "finished before it could be cancelled"
    );
    click_button(&mut h, "⏹ Cancel");
    let st = &h.state().state;
    assert!(st.job.is_none() && st.results.is_none());
    assert_eq!(st.message.as_ref().unwrap().text, "comparison cancelled");
}

#[test]
fn a_pinned_baseline_gives_differences_with_intervals() {
    let mut h = harness(quick_state(), Box::new(NoDialogs));
    h.state_mut().state.ab.replications = 3;
    compare(&mut h);
    assert!(h.query_all_by_label(DIFFERENCE).next().is_none());
    click_button(&mut h, PIN);
    let base = h.state().state.ab.baseline.clone().expect("pinned");
    assert_eq!(base.samples.count(), 3);
    // The results just pinned are not compared with themselves ("+0 ± 0" everywhere).
    assert!(h.query_all_by_label(DIFFERENCE).next().is_none());
    h.get_by_label(planner_gui::panels::baseline::PINNED);

    // B: more instances in the first region.
    let mut s = h.state().state.scenario.clone();
    s.regions[0].instances += 8;
    h.state_mut().state.set_scenario(s);
    compare(&mut h);
    let st = &h.state().state;
    let res = st.results.as_ref().unwrap();
    let p = against(res, &base).expect("the two pair");
    assert!(p.common_random_numbers);
    // One difference column per layout.
    assert_eq!(h.get_all_by_label(DIFFERENCE).count(), 3);
    // More instances cost more, in every replication alike: worse, with an interval.
    let find = |l: LayoutKind, m: Metric| {
        p.rows
            .iter()
            .find(|r| r.layout == l && r.metric == m.name())
            .unwrap()
            .clone()
    };
    let cost = find(LayoutKind::Sharded, Metric::Cost);
    assert!(
        cost.difference.value > 0.0 && cost.significant(),
        "{cost:?}"
    );
    let cell = difference_cell(Metric::Cost, &cost);
    assert!(
        cell.starts_with('+') && cell.contains(" ± ") && cell.ends_with("· worse"),
        "{cell}"
    );
    // (Layouts that gained the same instances show the same cost difference.)
    assert!(
        h.query_all_by_label(&cell).next().is_some(),
        "{cell} not shown"
    );
    let p99 = find(LayoutKind::ActiveActive, Metric::P99);
    assert!(p99.ci95_low.is_some() && p99.ci95_high.is_some());
    let cell = difference_cell(Metric::P99, &p99);
    assert!(
        h.query_all_by_label(&cell).next().is_some(),
        "{cell} not shown"
    );
    // A difference that rounds to zero is +0.0, not "−0.0".
    let mut tiny = p99.clone();
    tiny.difference.value = -0.04;
    let cell = difference_cell(Metric::P99, &tiny);
    assert!(cell.starts_with("+0.0 "), "{cell}");

    // Other replications than the baseline's cannot be paired: said plainly.
    h.state_mut().state.ab.replications = 2;
    compare(&mut h);
    h.get_by_label_contains("Not comparable with the baseline");
    h.get_by_label_contains("same number of replications");
    assert!(h.query_all_by_label(DIFFERENCE).next().is_none());

    click_button(&mut h, "Clear baseline");
    assert!(h.state().state.ab.baseline.is_none());
    assert!(h.query_by_label_contains("Not comparable").is_none());
}

#[test]
fn export_report_writes_html_with_the_scenario_hash_and_tables() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("ab.html");
    let mut h = harness(quick_state(), Box::new(FixedDialogs(file.clone())));
    h.state_mut().state.ab.replications = 2;
    compare(&mut h);
    click_button(&mut h, PIN);
    let mut s = h.state().state.scenario.clone();
    s.regions[0].instances += 8;
    h.state_mut().state.set_scenario(s.clone());
    compare(&mut h);
    click_button(&mut h, EXPORT);
    let msg = h.state().state.message.clone().unwrap();
    assert!(
        !msg.is_error && msg.text.contains("wrote the report"),
        "{msg:?}"
    );
    let page = std::fs::read_to_string(&file).expect("the report");
    assert!(page.starts_with("<!DOCTYPE html>"), "{}", &page[..80]);
    assert!(page.trim_end().ends_with("</html>"));
    let hash = sim_core::report::sha256_hex(&sim_core::report::canonical_toml(&s).unwrap());
    assert!(page.contains(&hash), "the scenario's SHA-256 {hash}");
    assert!(page.contains("Comparison: mean [95 % interval] over 2 replications"));
    assert!(page.contains("Against the baseline"));
    assert!(page.contains("<table") && page.contains("<svg"));
    assert!(page.contains("observed RTO"));
}

#[test]
fn without_a_file_dialog_the_report_goes_to_a_typed_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut h = harness(quick_state(), Box::new(NoDialogs));
    compare(&mut h);
    click_button(&mut h, EXPORT);
    let prompt = h
        .state()
        .state
        .prompt
        .clone()
        .expect("the app's own prompt");
    assert_eq!(prompt.kind, DialogKind::ReportFile);
    // A name typed without extension gets `.html`.
    let typed = dir.path().join("shared");
    h.get_by_role_and_label(Role::TextInput, PATH_LABEL).focus();
    h.run_ok();
    h.input_mut()
        .events
        .push(egui::Event::Text(typed.display().to_string()));
    h.step();
    h.step();
    h.key_press(egui::Key::Enter);
    h.run_ok();
    let page = std::fs::read_to_string(dir.path().join("shared.html")).expect("the report");
    assert!(
        page.contains("<h2>Comparison</h2>"),
        "one replication: the plain table"
    );
}

#[test]
fn charts_save_as_png() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("chart.png");
    let mut h = harness(quick_state(), Box::new(FixedDialogs(file.clone())));
    compare(&mut h);
    let l = h.state().state.timeline_layout;
    for which in [
        TimeChart::Latency,
        TimeChart::Availability,
        TimeChart::RegionFailed(l),
        TimeChart::RegionP99(l),
    ] {
        let _ = std::fs::remove_file(&file);
        click_button(&mut h, &which.save_label());
        let msg = h.state().state.message.clone().unwrap();
        assert!(!msg.is_error, "{which:?}: {msg:?}");
        let png = std::fs::read(&file).expect("the PNG");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{which:?}");
        // Width and height of the IHDR chunk: twice the report's chart.
        let w = u32::from_be_bytes(png[16..20].try_into().unwrap());
        assert_eq!(w, 2 * sim_core::report::chart::WIDTH, "{which:?}");
    }
    // A chart with nothing to draw yet is an error message, not a panic.
    let mut h = harness(quick_state(), Box::new(NoDialogs));
    let st = &mut h.state_mut().state;
    planner_gui::ab::handle(st, AbCommand::SaveChart(TimeChart::Latency, file.clone()));
    assert!(st.message.as_ref().unwrap().is_error);
}

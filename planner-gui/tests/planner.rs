//! Headless tests of the Planner tab (egui_kittest, no GPU): objectives are set through
//! the widgets, plans run on the worker thread, designs are loaded by clicking.
//!
//! The scenario is the planner's own small test case (`sim-core/tests/plan.rs`): three
//! candidate regions, three areas, 200 req/s, 40 simulated seconds, so that a quick plan
//! takes a second or two. Runs wait for the worker by stepping frames up to a cap; nothing
//! here compares wall-clock times.

mod common;

use common::{click_at, click_button, harness, set_value, wait, FixedDialogs};
use egui::accesskit::Role;
use egui_kittest::kittest::{by, NodeT, Queryable};
use egui_kittest::Harness;
use egui_plot::PlotPoint;
use planner_gui::dialogs::NoDialogs;
use planner_gui::panels::planner::{load_label, AUTOSCALE, AUTOSCALED, CANCEL_BUTTON, PLAN_BUTTON};
use planner_gui::planner::PlanCommand;
use planner_gui::state::{AppState, Tab};
use planner_gui::PlannerApp;
use sim_core::engine::SimDuration;
use sim_core::experiment::load_text;
use sim_core::experiment::plan::pareto::dominates;
use sim_core::experiment::plan::{report, PlanAutoscaling, Status};
use sim_core::scenario::LayoutKind;
use std::path::Path;

/// The planner's own small case (shared with `sim-core/tests/plan.rs`).
const TINY: &str = include_str!("../../sim-core/tests/data/plan_tiny.toml");

/// The small case with a diurnal curve and an outage: the planner simulates at peak
/// without them; a loaded design keeps both.
fn tiny_text() -> String {
    TINY.replace("diurnal = false", "diurnal = true")
        + r#"
[[failures]]
kind = "region-outage"
region = "aws:us-east-1"
start = "20s"
duration = "10s"
"#
}

fn tiny_state() -> AppState {
    let (s, cat) =
        load_text(&tiny_text(), Path::new("tiny.toml")).expect("the tiny scenario is valid");
    AppState::new(s, cat, None)
}

fn open_planner(h: &mut Harness<'_, PlannerApp>) {
    click_button(h, "🎯 Planner");
    assert_eq!(h.state().state.tab, Tab::Planner);
}

/// Ticks (or unticks) the objective checkbox named `label`.
fn click_checkbox(h: &mut Harness<'_, PlannerApp>, label: &str) {
    h.get(by().role(Role::CheckBox).label(label).include_labels())
        .click();
    h.run_ok();
}

/// Plans with `p99 ≤ 200 ms`, set through the widgets.
fn plan_with_p99(h: &mut Harness<'_, PlannerApp>) {
    open_planner(h);
    click_checkbox(h, "p99 latency, all users");
    set_value(h, "p99 latency, all users", 200.0);
    let st = &h.state().state;
    assert_eq!(st.scenario.slo.p99, Some(SimDuration::from_millis(200)));
    assert!(st.dirty && st.errors.is_empty(), "{:?}", st.errors);
    click_button(h, PLAN_BUTTON);
    assert!(
        h.state().state.planner.job.is_some(),
        "▶ Plan started no job"
    );
    wait(h, "the plan", |st| st.planner.job.is_none());
}

#[test]
fn a_plan_shows_designs_and_a_non_dominated_front_and_a_click_loads_a_design() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("plan");
    let mut h = harness(tiny_state(), Box::new(FixedDialogs(out.clone())));
    let candidates = h.state().state.scenario.clone();
    plan_with_p99(&mut h);

    let st = &h.state().state;
    let res = st.planner.result.as_ref().expect("a plan result");
    let mut planned = candidates.clone();
    planned.slo.p99 = Some(SimDuration::from_millis(200));
    assert_eq!(res.base, planned);
    let r = &res.report;
    assert!(r.designs.len() > 10, "{} designs", r.designs.len());
    assert!(r.feasible().count() > 0, "no feasible design");
    assert!(!r.pareto.is_empty());
    // The front: feasible, non-dominated, and dominating every feasible design off it.
    let point = |i: usize| report::point(&r.designs[i]);
    let feasible: Vec<usize> = (0..r.designs.len())
        .filter(|&i| r.designs[i].status == Status::Feasible)
        .collect();
    for &i in &r.pareto {
        assert_eq!(r.designs[i].status, Status::Feasible);
        for &j in &feasible {
            assert!(!dominates(&point(j), &point(i)), "#{j} dominates #{i}");
        }
    }
    for &j in feasible.iter().filter(|j| !r.pareto.contains(j)) {
        assert!(r.pareto.iter().any(|&i| dominates(&point(i), &point(j))));
    }
    assert!(st
        .message
        .as_ref()
        .is_some_and(|m| !m.is_error && m.text.contains("feasible")));
    h.get_by_label(&load_label(0));
    h.get_by_label("Pareto front");
    // Each row's layout cell names its standby: two designs on the same regions that
    // differ only there must not read alike.
    for d in r.designs.iter().filter(|d| d.verification.is_some()) {
        let cell = planner_gui::panels::designs_table::layout_cell(d);
        let want = match d.layout.as_str() {
            "sharded+standby" => "SH+sb".to_string(),
            l if l.starts_with("active-passive/") => format!("AP {}", &l[15..]),
            "sharded" => "SH".to_string(),
            "active-active" => "AA".to_string(),
            other => panic!("unexpected layout {other}"),
        };
        assert_eq!(cell, want, "{}", d.layout);
        assert!(
            h.query_all_by_label(&cell).next().is_some(),
            "{cell} not shown"
        );
    }

    // Click the cheapest design on the front in the scatter.
    let (i, p) = {
        let i = r.pareto[0];
        (i, point(i))
    };
    let t = st.planner.plot_transform.expect("the scatter was drawn");
    let pos = t.position_from_point(&PlotPoint::new(p.cost, p.p99_ms));
    click_at(&mut h, pos);
    let st = &h.state().state;
    let loaded = st.planner.loaded.expect("a design was loaded");
    let res = st.planner.result.as_ref().expect("the plan stays");
    // The nearest dot wins; only a design drawn at the same place could be taken instead.
    let q = report::point(&res.report.designs[loaded]);
    assert!(
        (q.cost - p.cost).abs() <= 1e-6 * p.cost && (q.p99_ms - p.p99_ms).abs() < 1e-6,
        "clicked #{i}, loaded #{loaded}"
    );
    let design = &res.report.designs[loaded];
    assert_eq!(st.scenario, res.design_scenario(loaded).expect("a design"));
    assert_eq!(st.scenario.layout, design.design.shape.layout);
    let ids: Vec<&str> = st.scenario.regions.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids.join(";"), design.regions);
    // In the user's conditions: their diurnal curve and the failures on its regions.
    assert!(st.scenario.workload.diurnal);
    let outage_kept = st.scenario.failures.len() == 1;
    assert_eq!(
        outage_kept,
        ids.contains(&"aws:us-east-1"),
        "{:?}",
        st.scenario.failures
    );
    assert!(st.dirty && st.errors.is_empty(), "{:?}", st.errors);
    assert_eq!(st.tab, Tab::Compare);
    // The small case compares in well under a second: the job may have ended already
    // during the frames after the click (a race that made this test flaky).
    let compared = st
        .results
        .as_ref()
        .is_some_and(|r| r.scenario == st.scenario);
    assert!(
        st.job.is_some() || compared,
        "loading a design starts a comparison"
    );
    wait(&mut h, "the comparison", |st| st.job.is_none());
    let st = &h.state().state;
    let compared = st.results.as_ref().expect("compare results");
    assert_eq!(compared.scenario, st.scenario);
    assert!(!st.results_are_stale());

    // Another design, from the table; then export the plan.
    open_planner(&mut h);
    let other = (0..h
        .state()
        .state
        .planner
        .result
        .as_ref()
        .map_or(0, |r| r.report.designs.len()))
        .find(|&j| j != loaded)
        .expect("a second design");
    click_button(&mut h, &load_label(other));
    let st = &h.state().state;
    assert_eq!(st.planner.loaded, Some(other));
    let res = st.planner.result.as_ref().expect("the plan stays");
    assert_eq!(Some(st.scenario.clone()), res.design_scenario(other));
    wait(&mut h, "the comparison", |st| st.job.is_none());
    open_planner(&mut h);
    click_button(&mut h, "Export designs.csv, pareto.csv…");
    h.run_ok();
    let designs = std::fs::read_to_string(out.join("designs.csv")).expect("designs.csv");
    assert!(designs.starts_with("rank,status,layout,regions,instances"));
    assert!(out.join("pareto.csv").is_file());
    click_button(&mut h, "↩ candidates back into the editor");
    assert_eq!(h.state().state.scenario.regions, candidates.regions);
}

/// Found by a person driving the app: a plan where every design was pruned drew an empty
/// scatter with egui_plot's default −1 to 1 axes (negative costs and latencies). Its axes
/// start at 0 and reach past the objectives.
#[test]
fn an_empty_scatter_has_no_negative_axes() {
    let mut h = harness(tiny_state(), Box::new(NoDialogs));
    open_planner(&mut h);
    click_checkbox(&mut h, "p99 latency, all users");
    // 1 ms: below any network round trip, every design is pruned.
    set_value(&mut h, "p99 latency, all users", 1.0);
    click_button(&mut h, PLAN_BUTTON);
    wait(&mut h, "the plan", |st| st.planner.job.is_none());
    let st = &h.state().state;
    let res = st.planner.result.as_ref().expect("a plan");
    assert_eq!(res.report.feasible().count(), 0);
    let t = st.planner.plot_transform.expect("the scatter was drawn");
    let b = t.bounds();
    assert!(b.min()[0] >= 0.0 && b.min()[1] >= 0.0, "{b:?}");
    assert!(b.max()[1] >= 1.0, "{b:?}");
}

/// Found by a person driving the app: after a plan, an edit (a shorter duration) was
/// silently undone by loading a design, which is built on the plan's scenario. The tab
/// says so while the scenario differs from the plan's and no design is loaded.
#[test]
fn an_edit_after_the_plan_is_warned_about_before_a_design_replaces_it() {
    let mut h = harness(tiny_state(), Box::new(NoDialogs));
    plan_with_p99(&mut h);
    let warning = "⚠ the scenario changed since this plan";
    assert!(h.query_by_label_contains(warning).is_none());
    let mut s = h.state().state.scenario.clone();
    s.duration = SimDuration::from_secs(150);
    let ctx = h.ctx.clone();
    h.state_mut()
        .handle(planner_gui::Command::SetScenario(Box::new(s)), &ctx);
    h.run_ok();
    h.get_by_label_contains(warning);
}

#[test]
fn cancel_stops_a_running_plan() {
    let mut h = harness(tiny_state(), Box::new(NoDialogs));
    open_planner(&mut h);
    // Many replications, so that the plan is still running when Cancel is pressed.
    set_value(&mut h, "replications", 40.0);
    assert_eq!(h.state().state.planner.settings.options.replications, 40);
    click_button(&mut h, PLAN_BUTTON);
    assert!(h.state().state.planner.job.is_some());
    h.get_by_role_and_label(Role::Button, CANCEL_BUTTON).click();
    h.step();
    // The job stays, marked cancelling, until the planner stops between two runs (which
    // may already have happened: runs of this scenario are short).
    assert!(h
        .state()
        .state
        .planner
        .job
        .as_ref()
        .is_none_or(|j| j.is_cancelling()));
    wait(&mut h, "the cancelled plan", |st| st.planner.job.is_none());
    let st = &h.state().state;
    assert!(st.planner.result.is_none());
    assert_eq!(
        st.message.as_ref().map(|m| m.text.as_str()),
        Some("plan cancelled")
    );
    h.get_by_role_and_label(Role::Button, PLAN_BUTTON);
}

#[test]
fn an_invalid_objective_shows_its_error_instead_of_planning() {
    let mut h = harness(tiny_state(), Box::new(NoDialogs));
    open_planner(&mut h);
    click_checkbox(&mut h, "availability");
    assert_eq!(h.state().state.scenario.slo.availability, Some(0.999));
    set_value(&mut h, "availability", 100.0);
    let st = &h.state().state;
    assert_eq!(st.scenario.slo.availability, Some(1.0));
    assert_eq!(st.errors.len(), 1, "{:?}", st.errors);
    // Validation's rule, said in percent as the field shows it: under the objective, and
    // with its path in the editor's list (Compare is disabled by it too).
    let text = "must be strictly between 0 % and 100 %, such as 99.9 %, got 100 %";
    assert_eq!(h.get_all_by_label_contains(text).count(), 2);
    h.get_by_label_contains(&format!("slo.availability: {text}"));
    assert!(h
        .get_by_role_and_label(Role::Button, PLAN_BUTTON)
        .accesskit_node()
        .is_disabled());
    let ctx = h.ctx.clone();
    h.state_mut().handle(PlanCommand::Start.into(), &ctx);
    h.run_ok();
    let st = &h.state().state;
    assert!(
        st.planner.job.is_none(),
        "an invalid objective started a plan"
    );
    assert!(st.message.as_ref().is_some_and(|m| m.is_error));

    // Fixed: the error goes; options with no layout are a problem of their own.
    set_value(&mut h, "availability", 99.95);
    assert!(h.state().state.errors.is_empty());
    for l in ["active-passive", "active-active", "sharded"] {
        click_checkbox(&mut h, l);
    }
    h.get_by_label_contains("layouts: name at least one layout");
    assert!(h
        .get_by_role_and_label(Role::Button, PLAN_BUTTON)
        .accesskit_node()
        .is_disabled());
}

/// #19: an availability typed as 99.9 % is 0.9990000000000001 as a fraction; the plan's
/// header must say 0.999.
#[test]
fn the_plan_header_shows_a_typed_availability_as_typed() {
    let mut h = harness(tiny_state(), Box::new(NoDialogs));
    open_planner(&mut h);
    click_checkbox(&mut h, "availability");
    set_value(&mut h, "availability", 99.9);
    let typed = h.state().state.scenario.slo.availability.expect("on");
    assert!((typed - 0.999).abs() < 1e-12, "{typed}");
    click_button(&mut h, PLAN_BUTTON);
    wait(&mut h, "the plan", |st| st.planner.job.is_none());
    assert!(h.state().state.planner.result.is_some(), "no plan");
    let header = h.get_by_label_contains("objectives: ");
    let node = header.accesskit_node();
    let text = node.label().or_else(|| node.value()).unwrap_or_default();
    assert!(text.contains("availability ≥ 99.9 %"), "{text}");
    assert!(!text.contains("0.9990000"), "{text}");
    // The Pareto chart's legend and the designs table draw with the fonts we ship.
    common::assert_every_glyph_drawable(&h);
}

#[test]
fn the_autoscale_checkbox_hands_the_command_lines_option_to_the_planner() {
    let mut h = harness(tiny_state(), Box::new(NoDialogs));
    open_planner(&mut h);
    assert_eq!(h.state().state.planner.settings.options.autoscaling, None);
    let d = h
        .get_by_role_and_label(Role::CheckBox, AUTOSCALE)
        .accesskit_node()
        .description()
        .unwrap_or_default();
    assert!(
        d.contains("regionsim plan --autoscale") && d.contains("default off; valid: on or off"),
        "{d}"
    );
    click_checkbox(&mut h, AUTOSCALE);
    // What `regionsim plan --autoscale` sets, and kept when quick is switched.
    let want = Some(PlanAutoscaling::default());
    let set = &h.state().state.planner.settings;
    assert_eq!(set.options(7).autoscaling, want);
    click_checkbox(&mut h, "quick");
    click_checkbox(&mut h, "quick");
    let set = &h.state().state.planner.settings;
    assert!(set.quick);
    assert_eq!(set.options(7).autoscaling, want);
    // One layout keeps the plan short; it runs with autoscaled designs among its own.
    click_checkbox(&mut h, "active-passive");
    click_checkbox(&mut h, "sharded");
    plan_with_p99(&mut h);
    let st = &h.state().state;
    let res = st.planner.result.as_ref().expect("a plan result");
    assert_eq!(res.options.autoscaling, want);
    assert_eq!(res.options.layouts, vec![LayoutKind::ActiveActive]);
    let scaled = res
        .report
        .designs
        .iter()
        .filter(|d| d.design.shape.autoscaled)
        .count();
    assert!(
        scaled > 0,
        "no autoscaled design among {}",
        res.report.designs.len()
    );
    // The table tells them apart: "AA auto".
    let shown = h.get_all_by_label(&format!("AA {AUTOSCALED}")).count();
    assert!(shown > 0, "no autoscaled row in the table");
    // Unticked, the next plan's options carry none.
    click_checkbox(&mut h, AUTOSCALE);
    let set = &h.state().state.planner.settings;
    assert_eq!(set.options(7).autoscaling, None);
}

/// The search options keep what is typed too: letters in "replications" stay, named under
/// the options, and stop ▶ Plan — but not Compare (they are the app's, not the scenario's).
#[test]
fn a_search_option_that_is_no_number_stays_and_stops_plan() {
    let mut h = harness(AppState::from_default(), Box::new(NoDialogs));
    click_button(&mut h, "🎯 Planner");
    let before = h.state().state.planner.settings.options.replications;
    common::type_into(&mut h, "replications", "two");
    let field = h.get_by_role_and_label(Role::SpinButton, "replications");
    assert_eq!(field.accesskit_node().value().as_deref(), Some("two"));
    assert_eq!(
        h.state().state.planner.settings.options.replications,
        before
    );
    h.get_by_label("⚠ replications: not a number: two");
    let disabled = |h: &Harness<'_, planner_gui::PlannerApp>, l: &str| {
        h.get_by_role_and_label(Role::Button, l)
            .accesskit_node()
            .is_disabled()
    };
    assert!(disabled(&h, PLAN_BUTTON));
    assert!(!disabled(&h, "▶ Compare"));
    common::type_into(&mut h, "replications", "2");
    assert_eq!(h.state().state.planner.settings.options.replications, 2);
    assert!(h.query_by_label_contains("not a number").is_none());
    assert!(!disabled(&h, PLAN_BUTTON));
}

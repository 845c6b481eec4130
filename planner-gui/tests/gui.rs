//! Headless GUI tests (egui_kittest, no GPU): the app is driven through its widgets and
//! shortcuts as a user would, and checked through its state and what it shows.
//!
//! Runs wait for the worker by stepping frames up to a generous cap; nothing here compares
//! wall-clock times.

mod common;

use common::{click_at, click_button, harness, wait, FixedDialogs};
use egui::accesskit::Role;
use egui_kittest::kittest::{NodeT, Queryable};
use egui_kittest::Harness;
use egui_plot::PlotPoint;
use planner_gui::dialogs::NoDialogs;
use planner_gui::state::{AppState, Tab};
use planner_gui::{Command, PlannerApp};
use sim_core::engine::SimDuration;
use sim_core::scenario::LayoutKind;

/// The default scenario, made quick: one simulated minute at a lower rate.
fn quick_state() -> AppState {
    let d = AppState::from_default();
    let mut s = d.scenario.clone();
    s.duration = SimDuration::from_secs(60);
    s.warmup = SimDuration::from_secs(10);
    s.workload.peak_rps = 800.0;
    AppState::new(s, d.catalog.clone(), None)
}

fn compare(h: &mut Harness<'_, PlannerApp>) {
    common::start_compare(h);
    wait_for_job(h);
}

fn wait_for_job(h: &mut Harness<'_, PlannerApp>) {
    wait(h, "the comparison", |st| st.job.is_none());
}

/// A real click at a plot position of the map.
fn click_map_at(h: &mut Harness<'_, PlannerApp>, lon: f64, lat: f64) {
    let t = h.state().state.map_transform.expect("the map was drawn");
    let pos = t.position_from_point(&PlotPoint::new(lon, lat));
    click_at(h, pos);
}

#[test]
fn starts_on_the_embedded_default_scenario() {
    let h = harness(AppState::from_default(), Box::new(NoDialogs));
    let st = &h.state().state;
    assert_eq!(st.scenario.name, "global-web-service");
    assert_eq!(st.scenario.regions.len(), 6);
    assert!(st.errors.is_empty(), "{:?}", st.errors);
    assert!(st.results.is_none() && st.job.is_none());
    assert!(st.links.is_some(), "the map has links for a valid scenario");
    assert!(st.map_transform.is_some(), "the map was drawn");
    let compare = h.get_by_role_and_label(Role::Button, "▶ Compare");
    assert!(!compare.accesskit_node().is_disabled());
    h.get_by_label_contains("global-web-service — embedded default");
}

#[test]
fn compare_runs_the_three_layouts_and_shows_them() {
    let mut h = harness(quick_state(), Box::new(NoDialogs));
    compare(&mut h);
    let st = &h.state().state;
    let res = st.results.as_ref().expect("results");
    let layouts: Vec<LayoutKind> = res.runs.iter().map(|r| r.layout()).collect();
    assert_eq!(layouts, LayoutKind::ALL.to_vec());
    for r in &res.runs {
        assert!(
            r.rec.requests > 0 && r.rec.served > 0,
            "{}: nothing served",
            r.layout()
        );
        assert!(r.cost.total() > 0.0);
    }
    assert_eq!(st.tab, Tab::Compare);
    h.get_by_label("Summary (best per row in green)");
    h.get_by_label("p99 latency");
    h.get_by_label("cost per month");
    // The failure story, and the two availabilities told apart.
    for row in [
        "observed RTO",
        "lost writes",
        "downtime (users down)",
        "observed RPO",
        "failovers",
        "retried attempts",
        "availability in this run",
        "availability per year",
    ] {
        h.get_by_label(row);
    }
    h.get_by_label_contains("is cheapest");
    common::assert_every_glyph_drawable(&h);
}

/// Found by a person driving the app: a finished comparison pulled the view back to
/// Compare from the map or the planner the user had gone to meanwhile. It stays; the
/// status line says where the results are.
#[test]
fn a_finished_comparison_leaves_the_view_where_the_user_went() {
    let mut h = harness(quick_state(), Box::new(NoDialogs));
    common::start_compare(&mut h);
    assert_eq!(
        h.state().state.tab,
        Tab::Compare,
        "Compare opens when a run starts"
    );
    let ctx = h.ctx.clone();
    h.state_mut()
        .handle(planner_gui::Command::ShowTab(Tab::Map), &ctx);
    wait_for_job(&mut h);
    let st = &h.state().state;
    assert!(st.results.is_some());
    assert_eq!(st.tab, Tab::Map);
    let m = st
        .message
        .as_ref()
        .map(|m| m.text.clone())
        .unwrap_or_default();
    assert!(m.contains("results in Compare view"), "{m}");
}

#[test]
fn ctrl_r_starts_a_comparison_and_cancel_stops_it() {
    // A comparison long enough (the default's rate over two simulated hours, tens of
    // seconds) that it cannot end before the click: the quick one sometimes did, and the
    // test then found results instead of a cancelled job (one run in four).
    let d = AppState::from_default();
    let mut s = d.scenario.clone();
    s.duration = SimDuration::from_secs(2 * 3600);
    let mut h = harness(
        AppState::new(s, d.catalog.clone(), None),
        Box::new(NoDialogs),
    );
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::R);
    h.step();
    assert!(h.state().state.job.is_some(), "Ctrl+R started no job");
    click_button(&mut h, "⏹ Cancel");
    let st = &h.state().state;
    assert!(st.job.is_none() && st.results.is_none());
    assert!(st
        .message
        .as_ref()
        .is_some_and(|m| m.text.contains("cancelled")));
    h.get_by_role_and_label(Role::Button, "▶ Compare");
}

#[test]
fn a_second_comparison_says_the_results_shown_are_the_previous_ones() {
    let mut h = harness(quick_state(), Box::new(NoDialogs));
    compare(&mut h);
    // An edit that makes the next comparison long (two simulated hours): it is still
    // running when the view is read.
    let mut s = h.state().state.scenario.clone();
    s.duration = SimDuration::from_secs(2 * 3600);
    let ctx = h.ctx.clone();
    h.state_mut()
        .handle(Command::SetScenario(Box::new(s)), &ctx);
    h.run_ok();
    h.get_by_label(planner_gui::panels::compare::STALE);
    h.get_by_role_and_label(Role::Button, "▶ Compare").click();
    h.step();
    h.step();
    assert!(h.state().state.job.is_some() && h.state().state.results.is_some());
    h.get_by_label_contains("running again");
    h.get_by_label_contains("these are the previous results");
    assert!(
        h.query_by_label(planner_gui::panels::compare::STALE)
            .is_none(),
        "'run again' while it runs"
    );
    click_button(&mut h, "⏹ Cancel");
    // Cancelled: the results are the previous ones again, for a scenario edited since.
    h.get_by_label(planner_gui::panels::compare::STALE);
}

#[test]
fn clicking_a_region_on_the_map_removes_it_and_changes_the_next_run() {
    let mut h = harness(quick_state(), Box::new(NoDialogs));
    compare(&mut h);
    let before = h.state().state.results.clone().expect("results");
    click_button(&mut h, "🗺 Map");
    let id = "aws:ap-south-1";
    let (lon, lat) = {
        let cat = &h.state().state.catalog;
        let r = &cat.regions()[cat.region(id).expect("in the catalog")];
        (r.lon, r.lat)
    };
    click_map_at(&mut h, lon, lat);
    let st = &h.state().state;
    assert!(
        st.scenario.regions.iter().all(|r| r.id != id),
        "{id} still deployed"
    );
    assert_eq!(st.scenario.regions.len(), 5);
    assert!(st.errors.is_empty(), "{:?}", st.errors);
    assert!(st.results_are_stale());

    compare(&mut h);
    let after = h.state().state.results.clone().expect("results");
    for (b, a) in before.runs.iter().zip(&after.runs) {
        assert!(b.summary.region_ids.iter().any(|r| r == id));
        assert!(
            a.summary.region_ids.iter().all(|r| r != id),
            "{}: still ran {id}",
            a.layout()
        );
    }
    // Six regions' instances cost more than five: the active-active fleet shrank.
    let aa = |r: &planner_gui::state::Results| r.runs[1].cost.compute;
    assert!(
        aa(&after) < aa(&before),
        "{} !< {}",
        aa(&after),
        aa(&before)
    );
    // India's users (the default's `india` area, Mumbai) now travel further under active-active.
    let india_p50 = |r: &planner_gui::state::Results| {
        let run = &r.runs[1];
        let india = run.summary.areas.iter().find(|a| a.area == "india");
        india.expect("india").p50_ms
    };
    assert!(india_p50(&after) > india_p50(&before));

    // A second click lands on India's users, whose area now wins over the grey dot
    // under it (#19): nothing is added; the editor's region list puts it back.
    click_button(&mut h, "🗺 Map");
    click_map_at(&mut h, lon, lat);
    assert!(h.state().state.scenario.regions.iter().all(|r| r.id != id));
    let ctx = h.ctx.clone();
    h.state_mut().handle(Command::ToggleRegion(id.into()), &ctx);
    h.run_ok();
    assert!(h.state().state.scenario.regions.iter().any(|r| r.id == id));
}

/// #19 B2: removing the active-passive primary on the map must leave a distinct standby
/// (before the fix the standby became the primary in effect and active-passive showed
/// stale reads, marked cheapest in green).
#[test]
fn removing_the_primary_on_the_map_leaves_a_distinct_standby() {
    let mut h = harness(quick_state(), Box::new(NoDialogs));
    let primary = h.state().state.scenario.active_passive.primary.clone();
    let primary = primary.expect("the default names a primary");
    let (lon, lat) = {
        let cat = &h.state().state.catalog;
        let r = &cat.regions()[cat.region(&primary).expect("in the catalog")];
        (r.lon, r.lat)
    };
    click_map_at(&mut h, lon, lat);
    let st = &h.state().state;
    assert!(st.scenario.regions.iter().all(|r| r.id != primary));
    assert!(st.errors.is_empty(), "{:?}", st.errors);
    let spec = st.spec.as_ref().expect("a valid scenario resolves");
    let ap = &spec.active_passive;
    let standby = ap.standby.expect("a standby remains");
    assert_ne!(ap.primary, standby, "the standby is the primary in effect");
    let told = st
        .message
        .as_ref()
        .is_some_and(|m| m.text.contains("primary"));
    assert!(told, "the user is told what happened to the primary");

    compare(&mut h);
    let res = h.state().state.results.clone().expect("results");
    let ap = res
        .runs
        .iter()
        .find(|r| r.layout() == LayoutKind::ActivePassive);
    let ap = ap.expect("active-passive ran");
    assert!(ap.rec.served > 0);
    assert_eq!(
        ap.rec.stale_reads, 0,
        "active-passive reads from its primary: no stale read"
    );
}

#[test]
fn an_invalid_edit_shows_an_error_instead_of_running() {
    let mut h = harness(quick_state(), Box::new(NoDialogs));
    let mut s = h.state().state.scenario.clone();
    s.workload.peak_rps = 0.0;
    let ctx = h.ctx.clone();
    h.state_mut()
        .handle(Command::SetScenario(Box::new(s)), &ctx);
    h.run_ok();
    h.get_by_label_contains("must be a number greater than 0");
    h.get_by_label_contains("1 problem in the scenario");
    assert!(h
        .get_by_role_and_label(Role::Button, "▶ Compare")
        .accesskit_node()
        .is_disabled());
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::R);
    h.run_ok();
    let st = &h.state().state;
    assert!(st.job.is_none(), "an invalid scenario started a run");
    assert!(st.message.as_ref().is_some_and(|m| m.is_error));
}

#[test]
fn removing_every_region_in_the_editor_is_an_error() {
    let mut h = harness(quick_state(), Box::new(NoDialogs));
    for _ in 0..6 {
        let first = h.get_all_by_label("✖").next().expect("a remove button");
        first.click();
        h.run_ok();
    }
    assert!(h.state().state.scenario.regions.is_empty());
    h.get_by_label_contains("the deployment has no regions");
    assert!(h
        .get_by_role_and_label(Role::Button, "▶ Compare")
        .accesskit_node()
        .is_disabled());
}

#[test]
fn export_writes_the_csv_files() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("results");
    let mut h = harness(quick_state(), Box::new(FixedDialogs(out.clone())));
    compare(&mut h);
    click_button(&mut h, "File");
    click_button(&mut h, "Export results as CSV…");
    h.run_ok();
    for f in [
        "runs.csv",
        "areas.csv",
        "regions.csv",
        "timeseries.csv",
        "incidents.csv",
        "timing.csv",
    ] {
        assert!(out.join(f).is_file(), "{f} not written");
    }
    let runs = std::fs::read_to_string(out.join("runs.csv")).expect("runs.csv");
    assert_eq!(runs.lines().count(), 4, "{runs}");
    assert!(runs
        .lines()
        .nth(2)
        .is_some_and(|l| l.starts_with("active-active,")));
    let msg = h.state().state.message.clone().expect("a message");
    assert!(
        !msg.is_error && msg.text.contains("wrote 6 files"),
        "{msg:?}"
    );
}

#[test]
fn save_then_open_round_trips_and_remembers_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("mine.toml");
    let mut h = harness(quick_state(), Box::new(FixedDialogs(path.clone())));
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::S);
    h.run_ok();
    assert!(path.is_file(), "Ctrl+S saved nothing");
    let saved = h.state().state.scenario.clone();
    assert_eq!(h.state().state.path.as_deref(), Some(path.as_path()));

    let ctx = h.ctx.clone();
    h.state_mut().handle(Command::NewDefault, &ctx);
    assert_ne!(h.state().state.scenario, saved);
    h.state_mut().handle(Command::Open(path.clone()), &ctx);
    h.run_ok();
    let st = &h.state().state;
    assert_eq!(st.scenario, saved);
    assert_eq!(st.recent.first(), Some(&path));
    assert!(!st.dirty);
}

#[test]
fn opening_a_broken_file_shows_where_it_is_wrong() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("broken.toml");
    std::fs::write(&path, "[workload]\npeak_rps = -5.0\n").expect("write");
    let mut h = harness(quick_state(), Box::new(NoDialogs));
    let before = h.state().state.scenario.clone();
    let ctx = h.ctx.clone();
    h.state_mut().handle(Command::Open(path), &ctx);
    h.run_ok();
    let st = &h.state().state;
    let msg = st.message.clone().expect("a message");
    assert!(msg.is_error);
    assert!(
        msg.text.contains("broken.toml:2:") && msg.text.contains("workload.peak_rps"),
        "{}",
        msg.text
    );
    assert_eq!(st.scenario, before, "a broken file replaced the scenario");
    h.get_by_label_contains("workload.peak_rps");
}

#[test]
fn the_failure_timeline_adds_removes_and_validates_failures() {
    let mut h = harness(quick_state(), Box::new(NoDialogs));
    // The default's outage (at 4 min) lies after this one-minute run: the editor shows
    // validation's warning (the CLI's words) by the failure, and the run may still go.
    assert_eq!(h.state().state.scenario.failures.len(), 1);
    h.get_by_label_contains("warning: starts at 4m, after the run ends");
    let st = &h.state().state;
    assert!(st.is_valid());
    assert_eq!(st.warnings.len(), 1);
    assert_eq!(st.warnings[0].path.to_string(), "failures[0].start");

    click_button(&mut h, "+ region outage");
    click_button(&mut h, "+ gray failure");
    let st = &h.state().state;
    assert_eq!(st.scenario.failures.len(), 3);
    assert!(
        st.errors.is_empty(),
        "added failures validate: {:?}",
        st.errors
    );
    assert!(st.dirty);
    let added = st.scenario.failures[1].clone();
    assert!(added.start() >= st.scenario.warmup);
    assert!(added.start() + added.duration() <= st.scenario.warmup + st.scenario.duration);

    // Remove the default's outage (the first 🗑): the added ones remain, in order.
    h.get_all_by_label("🗑")
        .next()
        .expect("a remove button")
        .scroll_to_me();
    h.run_ok();
    h.get_all_by_label("🗑")
        .next()
        .expect("a remove button")
        .click();
    h.run_ok();
    let st = &h.state().state;
    assert_eq!(st.scenario.failures.len(), 2);
    assert_eq!(st.scenario.failures[0], added);

    // A zero-length failure is shown as a problem under it and stops runs.
    let mut s = st.scenario.clone();
    if let sim_core::scenario::FailureSpec::RegionOutage { duration, .. } = &mut s.failures[0] {
        *duration = SimDuration::ZERO;
    }
    let ctx = h.ctx.clone();
    h.state_mut()
        .handle(Command::SetScenario(Box::new(s)), &ctx);
    h.run_ok();
    h.get_by_label_contains("must be longer than 0s");
    assert!(h
        .get_by_role_and_label(Role::Button, "▶ Compare")
        .accesskit_node()
        .is_disabled());
}

#[test]
fn an_outage_added_on_the_timeline_happens_in_the_next_run() {
    let mut h = harness(quick_state(), Box::new(NoDialogs));
    compare(&mut h);
    let before = h.state().state.results.as_ref().expect("results").runs[0]
        .summary
        .outages;
    assert_eq!(before, 0, "the default's outage lies after this short run");
    click_button(&mut h, "+ region outage");
    compare(&mut h);
    let res = h.state().state.results.as_ref().expect("results");
    for r in &res.runs {
        assert_eq!(
            r.summary.outages,
            1,
            "{}: the added outage happened",
            r.layout()
        );
    }
}

#[test]
fn analytic_estimates_show_at_once_and_while_the_runs_go() {
    // The full default scenario: its runs take long enough to be seen running.
    let mut h = harness(AppState::from_default(), Box::new(NoDialogs));
    let est = &h.state().state.estimates;
    assert_eq!(est.len(), 3);
    assert!(est.iter().all(|(_, r)| r.is_ok()), "{est:?}");
    let aa = est[1].1.as_ref().unwrap().availability;
    let ap = est[0].1.as_ref().unwrap().availability;
    assert!(
        aa > ap,
        "active-active ({aa}) is more available than active-passive ({ap})"
    );

    click_button(&mut h, "📊 Compare view");
    h.get_by_label_contains("Over a year (Markov model, instant)");
    h.get_by_label("downtime per year");

    h.get_by_role_and_label(Role::Button, "▶ Compare").click();
    h.step();
    h.step();
    let st = &h.state().state;
    assert!(st.job.is_some() && st.results.is_none());
    assert_eq!(st.tab, Tab::Compare, "the compare view opens on Compare");
    h.get_by_label_contains("Simulating the three layouts");
    h.get_by_label("lost writes per year");
    click_button(&mut h, "⏹ Cancel");
    assert!(h.state().state.job.is_none());

    // An invalid scenario has no estimate.
    let mut s = h.state().state.scenario.clone();
    s.workload.peak_rps = -1.0;
    let ctx = h.ctx.clone();
    h.state_mut()
        .handle(Command::SetScenario(Box::new(s)), &ctx);
    h.run_ok();
    assert!(h.state().state.estimates.is_empty());
    h.get_by_label("no estimate while the scenario has problems");
}

#[test]
fn the_editor_has_health_checks_retries_and_failover_times() {
    let mut h = harness(quick_state(), Box::new(NoDialogs));
    for label in [
        "health checks",
        "retries",
        "retry budget",
        "promotion",
        "DNS TTL",
    ] {
        h.get_by_label(label);
    }
    // A backoff cap below its base is the CLI's error, shown in the routing section.
    let mut s = h.state().state.scenario.clone();
    s.client.backoff_max = SimDuration::from_millis(1);
    let ctx = h.ctx.clone();
    h.state_mut()
        .handle(Command::SetScenario(Box::new(s)), &ctx);
    h.run_ok();
    h.get_by_label_contains("must be at least backoff_base");
}

/// The delay until the next repaint the last frame asked for.
fn repaint_delay(h: &Harness<'_, PlannerApp>) -> std::time::Duration {
    h.output()
        .viewport_output
        .get(&egui::ViewportId::ROOT)
        .map(|v| v.repaint_delay)
        .expect("the root viewport's output")
}

/// While a comparison runs the window repaints on progress, a few times a second at most,
/// and not at all once it is idle: an animated widget (the spinner it had) repainted every
/// frame and took a core from the simulation (#17).
#[test]
fn a_running_comparison_does_not_repaint_continuously() {
    // Long enough (≈ 1 s) that the job spans several wake periods: on a quick one that
    // ends inside the first period, the fixed allowance below is all there is.
    let mut st = quick_state();
    st.scenario.duration = SimDuration::from_secs(600);
    let st = AppState::new(st.scenario.clone(), st.catalog.clone(), None);
    let mut h = harness(st, Box::new(NoDialogs));
    click_button(&mut h, "▶ Compare");
    h.remove_cursor();
    assert!(h.state().state.job.is_some(), "Compare started no job");
    let started = std::time::Instant::now();
    let (mut frames, mut immediate) = (0u32, 0u32);
    while h.state().state.job.is_some() && frames < 2000 {
        h.step();
        frames += 1;
        if repaint_delay(&h).is_zero() {
            immediate += 1;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    // Periods begun (the first wake goes through at once).
    let periods =
        (started.elapsed().as_millis() / planner_gui::job::WAKE_EVERY.as_millis()) as u32 + 1;
    // The frames that asked for an immediate repaint: one per wake at most (progress is
    // throttled to one per period), the end, the frame that started the job, and egui's
    // sizing pass when the results' tables and charts first appear.
    assert!(
        immediate <= periods + 4 && immediate < frames,
        "{immediate} of {frames} frames asked to repaint at once in {periods} periods"
    );
    wait(&mut h, "the comparison", |st| st.job.is_none());
    h.remove_cursor();
    h.run_ok();
    assert!(
        repaint_delay(&h) >= std::time::Duration::from_secs(1),
        "idle, the window still asks for a repaint within {:?}",
        repaint_delay(&h)
    );
}

/// The status bar gives the wall time of the whole comparison, from Compare to its end,
/// not the slowest layout's own time (#19).
#[test]
fn the_status_bar_shows_the_whole_comparisons_wall_time() {
    let mut h = harness(quick_state(), Box::new(NoDialogs));
    let started = std::time::Instant::now();
    compare(&mut h);
    let elapsed = started.elapsed().as_secs_f64();
    let st = &h.state().state;
    let text = &st.message.as_ref().expect("a message").text;
    let shown: f64 = text
        .strip_prefix("compared 3 layouts in ")
        .and_then(|t| t.strip_suffix(" s (wall time)"))
        .and_then(|t| t.parse().ok())
        .unwrap_or_else(|| panic!("unexpected status: {text}"));
    let slowest = st
        .results
        .as_ref()
        .expect("results")
        .runs
        .iter()
        .map(|r| r.summary.wall_s)
        .fold(0.0, f64::max);
    assert!(
        shown + 0.05 >= slowest && shown <= elapsed + 0.05,
        "shown {shown} s, slowest layout {slowest} s, the test waited {elapsed} s"
    );
    h.get_by_label_contains("compared 3 layouts in");
}

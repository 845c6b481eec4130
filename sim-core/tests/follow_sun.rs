//! Follow-the-sun (#20) on `datasets/examples/follow-the-sun.toml`: the primary moves on
//! schedule, a drained switch loses no write, an undrained one loses the replication
//! window, `daytime = true` picks the region whose users are awake, and the fields are
//! checked.

mod common;

use sim_core::experiment::{load_text, RunResult};
use sim_core::scenario::LayoutKind;
use std::path::{Path, PathBuf};

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../datasets/examples/follow-the-sun.toml")
}

fn text() -> String {
    std::fs::read_to_string(example()).unwrap()
}

fn run(text: &str) -> RunResult {
    let (s, cat) = load_text(text, &example()).unwrap_or_else(|e| panic!("{e}"));
    let spec = sim_core::spec::validate(&s, &cat).unwrap();
    spec.run_layout(LayoutKind::ActivePassive, s.seed)
}

#[test]
fn the_primary_moves_on_schedule_and_a_drained_switch_loses_no_write() {
    let r = run(&text());
    // 06:45 UTC at t = 0; the 07:00 switch starts at 15 min and promotes at 15m30s.
    for (m, n) in common::per_minute(&r, "aws:eu-west-1") {
        if m < 15 {
            assert_eq!(
                n, 0,
                "eu-west-1 serves nothing before the switch (minute {m})"
            );
        }
        if (17..31).contains(&m) {
            assert!(
                n > 20_000,
                "eu-west-1 serves everyone after it (minute {m}: {n})"
            );
        }
    }
    for (m, n) in common::per_minute(&r, "aws:us-east-1") {
        if (17..31).contains(&m) {
            assert_eq!(
                n, 0,
                "us-east-1 is the standby after the switch (minute {m})"
            );
        }
    }
    assert_eq!(r.summary.lost_writes, 0, "drained: nothing lost");
    assert_eq!(r.summary.rpo_s, 0.0);
    assert_eq!(r.summary.failovers, 0, "a planned switch is not a failover");
    // The drain refuses writes at the old primary for 30 s: they show as unavailable.
    assert!(r.summary.unavailable > 0);
}

#[test]
fn an_undrained_switch_loses_the_replication_window() {
    let r = run(&text().replace("drain = \"30s\"", "drain = \"0s\""));
    // ≈ 80 writes/s × (0.5 s lag + ~35 ms one-way) ≈ 40 writes at risk at the switch.
    let lost = r.summary.lost_writes;
    assert!((10..120).contains(&lost), "lost {lost}");
    assert!(
        r.summary.rpo_s > 0.0 && r.summary.rpo_s < 10.0,
        "{}",
        r.summary.rpo_s
    );
    // And it still moved.
    let after: u64 = common::per_minute(&r, "aws:eu-west-1")
        .iter()
        .filter(|x| x.0 >= 17)
        .map(|x| x.1)
        .sum();
    assert!(after > 100_000, "{after}");
}

#[test]
fn daytime_follows_the_users_who_are_awake() {
    let t = text()
        .replace("drain = \"30s\"", "drain = \"30s\"\ndaytime = true")
        .replace(
            "[[active_passive.follow_the_sun.schedule]]\nutc_hour = 7.0\nprimary = \"aws:eu-west-1\"\n",
            "",
        )
        .replace(
            "[[active_passive.follow_the_sun.schedule]]\nutc_hour = 13.0\nprimary = \"aws:us-east-1\"\n",
            "",
        );
    let (s, cat) = load_text(&t, &example()).unwrap_or_else(|e| panic!("{e}"));
    let spec = sim_core::spec::validate(&s, &cat).unwrap();
    let sched: Vec<(f64, String)> = spec
        .follow_the_sun
        .as_ref()
        .unwrap()
        .schedule
        .iter()
        .map(|&(h, r)| (h, spec.region_name(r).to_string()))
        .collect();
    // Ireland is awake 08–20 UTC, Virginia 13–01 UTC (equal shares): Ireland alone from
    // 08, both (a tie keeps the leader) until 20, Virginia alone from 20, nobody 01–08.
    assert_eq!(
        sched,
        vec![
            (0.0, "aws:us-east-1".to_string()),
            (8.0, "aws:eu-west-1".to_string()),
            (20.0, "aws:us-east-1".to_string()),
        ]
    );
}

#[test]
fn follow_the_sun_fields_are_checked_with_their_place() {
    let err = |t: &str| {
        load_text(t, Path::new("f.toml"))
            .expect_err("invalid")
            .to_string()
    };
    let e = err(&text().replace("standby_mode = \"hot\"", "standby_mode = \"warm\""));
    assert!(
        e.contains("active_passive.standby_mode: follow-the-sun needs a hot standby"),
        "{e}"
    );
    let e = err(&text().replace(
        "primary = \"aws:eu-west-1\"\n\n",
        "primary = \"aws:ap-south-1\"\n\n",
    ));
    assert!(
        e.contains("active_passive.follow_the_sun.schedule[0].primary: `aws:ap-south-1` is neither the primary nor the standby"),
        "{e}"
    );
    let e = err(&text().replace("utc_hour = 7.0", "utc_hour = 24.5"));
    assert!(
        e.contains("schedule[0].utc_hour: must be an hour in [0, 24), got 24.5"),
        "{e}"
    );
}

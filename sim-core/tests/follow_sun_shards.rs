//! Follow-the-sun for sharded homes (#20, `[sharded.follow_the_sun]`): a shard's primary
//! moves between its home and its standby on schedule, each move a planned failover of
//! that shard only — no lost write when drained, the replication window's when not — and
//! `daytime = true` follows the shard's own users; the fields are checked with their
//! place.

mod common;

use sim_core::experiment::RunResult;
use sim_core::scenario::LayoutKind;

/// Virginia and Oregon users (US, 200 requests/s each, 20 % writes), sharded with
/// standbys over us-east-1 and us-west-2: Virginia's shard lives in us-east-1 (standby
/// us-west-2), Oregon's in us-west-2 (standby us-east-1). Replication lag exactly 500 ms.
/// The run starts at 06:45 UTC; at 07:00 UTC (15 min in) Oregon's shard moves to
/// us-east-1 (Oregon's night), after a drain of `drain`.
fn scenario(drain: &str, extra: &str) -> String {
    format!(
        r#"
duration = "30m"
warmup = "1m"
seed = 11
start_utc_hour = 6.75
layout = "sharded"
[workload]
peak_rps = 400.0
diurnal = false
read_fraction = 0.8
keys = 10000
[[areas]]
name = "virginia"
lat_deg = 38.9
lon_deg = -77.0
jurisdiction = "US"
share = 0.5
utc_offset_hours = -5.0
[[areas]]
name = "oregon"
lat_deg = 45.5
lon_deg = -122.7
jurisdiction = "US"
share = 0.5
utc_offset_hours = -8.0
[[regions]]
id = "aws:us-east-1"
instances = 8
service_time = {{ dist = "exponential", mean = "10ms" }}
[[regions]]
id = "aws:us-west-2"
instances = 8
service_time = {{ dist = "exponential", mean = "10ms" }}
[routing]
dns_ttl = "30s"
[client]
timeout = "2s"
retries = 3
[sharded]
standby = true
replication_lag = {{ dist = "constant", value = "500ms" }}
{extra}
[sharded.follow_the_sun]
drain = "{drain}"
[[sharded.follow_the_sun.schedule]]
utc_hour = 7.0
shard = "aws:us-west-2"
primary = "aws:us-east-1"
[[sharded.follow_the_sun.schedule]]
utc_hour = 15.0
shard = "aws:us-west-2"
primary = "aws:us-west-2"
"#
    )
}

fn run(toml: &str) -> RunResult {
    common::prepare(toml).run_layout(LayoutKind::Sharded, 11)
}

#[test]
fn a_shard_moves_on_schedule_and_a_drained_move_loses_no_write() {
    let r = run(&scenario("30s", ""));
    // Oregon's 200 requests/s stay in us-west-2 until the switch (promotion at 15m30s,
    // clients follow within the 30 s TTL), then all of them go to us-east-1.
    for (m, n) in common::per_minute(&r, "aws:us-west-2") {
        if (2..15).contains(&m) {
            assert!(
                n > 10_000,
                "us-west-2 serves Oregon before (minute {m}: {n})"
            );
        }
        if (17..31).contains(&m) {
            assert_eq!(n, 0, "us-west-2 serves nothing after (minute {m})");
        }
    }
    for (m, n) in common::per_minute(&r, "aws:us-east-1") {
        if (2..15).contains(&m) {
            assert!(
                (10_000..14_000).contains(&n),
                "Virginia only (minute {m}: {n})"
            );
        }
        if (17..31).contains(&m) {
            assert!(n > 21_000, "Virginia and Oregon (minute {m}: {n})");
        }
    }
    assert_eq!(r.summary.lost_writes, 0, "drained: nothing lost");
    assert_eq!(r.summary.rpo_s, 0.0);
    assert_eq!(r.summary.failovers, 0, "a planned move is not a failover");
    // Oregon's writes are refused during the 30 s drain: 40 writes/s, retried.
    assert!(r.summary.unavailable > 0);
}

#[test]
fn an_undrained_move_loses_the_shards_replication_window() {
    let r = run(&scenario("0s", ""));
    // 40 writes/s of Oregon × (0.5 s lag + ~30 ms one-way) ≈ 21 writes at risk.
    let lost = r.summary.lost_writes;
    assert!((8..=40).contains(&lost), "lost {lost}");
    assert!(
        r.summary.rpo_s > 0.45 && r.summary.rpo_s < 0.7,
        "rpo {}",
        r.summary.rpo_s
    );
    // Virginia's shard did not move: us-east-1 still replicates it and it still leads.
    let after: u64 = common::per_minute(&r, "aws:us-east-1")
        .iter()
        .filter(|x| x.0 >= 17)
        .map(|x| x.1)
        .sum();
    assert!(after > 14 * 21_000, "{after}");
}

#[test]
fn daytime_moves_a_shard_to_where_its_own_users_are_awake() {
    // Both areas homed at us-east-1 (standby us-west-2): Oregon's users are nearer
    // us-west-2. Virginia (UTC−5) is awake 13–01 UTC, Oregon (UTC−8) 16–04 UTC; equal
    // shares: Oregon alone from 01, Virginia alone from 13 (a tie keeps the leader).
    let t = scenario(
        "30s",
        "homes = { virginia = \"aws:us-east-1\", oregon = \"aws:us-east-1\" }",
    )
    .replace("drain = \"30s\"", "drain = \"30s\"\ndaytime = true");
    let t = t[..t.find("[[sharded.follow_the_sun.schedule]]").unwrap()].to_string();
    let spec = common::prepare(&t);
    let shards = &spec.sharded.follow_the_sun;
    assert_eq!(shards.len(), 1, "one home, one moving shard");
    let sched: Vec<(f64, &str)> = shards[0]
        .sun
        .schedule
        .iter()
        .map(|&(h, r)| (h, spec.region_name(r)))
        .collect();
    assert_eq!(
        sched,
        [
            (0.0, "aws:us-east-1"),
            (1.0, "aws:us-west-2"),
            (13.0, "aws:us-east-1")
        ]
    );
}

#[test]
fn sharded_follow_the_sun_fields_are_checked_with_their_place() {
    let e = common::problems(&scenario("30s", "").replace("standby = true", "standby = false"))
        .join("\n");
    assert!(
        e.contains("sharded.standby: sharded follow-the-sun moves each shard between its home and its standby"),
        "{e}"
    );
    let e = common::problems(&scenario("30s", "").replacen(
        "shard = \"aws:us-west-2\"\nprimary = \"aws:us-east-1\"",
        "primary = \"aws:us-east-1\"",
        1,
    ))
    .join("\n");
    assert!(
        e.contains("sharded.follow_the_sun.schedule[0].shard: name the shard by its home region"),
        "{e}"
    );
    let three = scenario("30s", "homes = { oregon = \"aws:us-east-1\" }");
    let e = common::problems(&three).join("\n");
    assert!(
        e.contains("schedule[0].shard") && e.contains("is no shard's home"),
        "{e}"
    );
    let e = common::problems(&scenario("30s", "").replacen(
        "primary = \"aws:us-east-1\"",
        "primary = \"aws:eu-west-1\"",
        1,
    ))
    .join("\n");
    assert!(
        e.contains("schedule[0].primary: `aws:eu-west-1` is not one of the deployment's regions"),
        "{e}"
    );
}

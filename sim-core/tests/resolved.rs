//! The resolved run spec: every name resolved once, by one rule; each test is named after
//! a bug that let a name mean the wrong thing, or nothing, without a word.

use sim_core::engine::SimDuration;
use sim_core::experiment::{load_checked, load_text, DEFAULT_SCENARIO};
use sim_core::scenario::{FailureSpec, LayoutKind, Scenario};
use sim_core::spec::{self, Effect, RegionId, Resolved};
use std::path::Path;
use std::process::Command;

/// Three regions in a deliberately mixed spelling, one area each, light load.
const MIXED_CASE: &str = r#"
duration = "3m"
warmup = "20s"
[workload]
peak_rps = 300.0
diurnal = false
[[areas]]
name = "ireland"
lat_deg = 53.3
lon_deg = -6.3
jurisdiction = "EU"
share = 0.5
[[areas]]
name = "virginia"
lat_deg = 38.9
lon_deg = -77.0
jurisdiction = "US"
share = 0.5
[[regions]]
id = "aws:eu-west-1"
instances = 8
[[regions]]
id = "AWS:US-EAST-1"
instances = 8
[[regions]]
id = " Aws:Us-West-2 "
instances = 8
[routing]
dns_ttl = "5s"
health_check = { interval = "2s", failure_threshold = 2, timeout = "500ms" }
[active_passive]
primary = "AWS:us-east-1"
standby = "aws:US-WEST-2"
[[failures]]
kind = "region-outage"
region = "AWS:US-EAST-1"
start = "1m"
duration = "1m"
"#;

fn scenario(text: &str) -> (Scenario, std::sync::Arc<sim_core::catalog::Catalog>) {
    load_text(text, Path::new("test.toml")).unwrap_or_else(|e| panic!("{e}"))
}

fn resolve(text: &str) -> Resolved {
    let (s, cat) = scenario(text);
    spec::validate(&s, &cat).unwrap_or_else(|e| panic!("{e:?}"))
}

/// `regionsim validate` on `text` saved as `name`: exit code and standard error.
fn validate_cli(name: &str, text: &str) -> (Option<i32>, String) {
    let dir =
        std::env::temp_dir().join(format!("regionsim-resolved-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(name);
    std::fs::write(&file, text).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_regionsim"))
        .arg("validate")
        .arg(&file)
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Every message of a scenario that must not load.
fn load_errors(text: &str) -> String {
    match load_text(text, Path::new("test.toml")) {
        Ok(_) => panic!("should not load:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn case_mismatched_outage_hits_the_named_region() {
    let r = resolve(MIXED_CASE);
    let ids: Vec<&str> = r.world.regions.iter().map(|x| x.id.as_str()).collect();
    assert_eq!(ids, ["aws:eu-west-1", "aws:us-east-1", "aws:us-west-2"]);
    let us_east = r.world.find_region("aws:us-east-1").unwrap();
    assert_eq!(us_east, RegionId::new(1));
    assert_eq!(r.failures.len(), 1);
    assert_eq!(r.failures[0].effect, Effect::Outage { region: us_east });
    assert_eq!(r.active_passive.primary, us_east);
    assert_eq!(r.active_passive.standby, Some(RegionId::new(2)));
    // The scenario the model reads carries one spelling per region.
    assert_eq!(r.scenario.regions[1].id, "aws:us-east-1");
    assert_eq!(
        r.scenario.active_passive.primary.as_deref(),
        Some("aws:us-east-1")
    );

    // In a run, us-east-1 goes down (a failover happens), and eu-west-1 keeps serving.
    let run = r.run_layout(LayoutKind::ActivePassive, 3);
    assert_eq!(run.summary.outages, 1);
    assert_eq!(
        run.writes.failovers, 1,
        "the primary (us-east-1) failed over"
    );
    let aa = r.run_layout(LayoutKind::ActiveActive, 3);
    let t = &aa.rec;
    // Minute 1 of simulated time (60 s..120 s) is us-east-1's outage: everything sent there
    // fails (until clients move away), nothing sent to eu-west-1 does.
    let cell = |m: u64, reg: usize| {
        t.series
            .cells()
            .find(|&(minute, r, _)| minute == m && r == reg)
            .map(|(_, _, c)| c)
            .expect("a cell per minute and region")
    };
    assert!(cell(1, 1).requests > 0);
    let down = cell(1, 1).failed as f64 / cell(1, 1).requests as f64;
    assert!(down > 0.99, "us-east-1 is down: {down}");
    assert_eq!(cell(0, 1).failed, 0, "and was up before");
    assert!(cell(1, 0).requests > 0);
    assert_eq!(cell(1, 0).failed, 0, "eu-west-1 serves through the outage");
}

#[test]
fn region_listed_twice_in_two_spellings_is_an_error() {
    let text = MIXED_CASE.replace("\" Aws:Us-West-2 \"", "\"aws:us-east-1\"");
    let e = load_errors(&text);
    assert!(
        e.contains("regions[2].id") && e.contains("listed twice"),
        "{e}"
    );
}

#[test]
fn mixed_case_ids_resolve_everywhere_a_region_is_named() {
    let text = format!(
        "{MIXED_CASE}\n[prices]\ninstance_usd_per_hour = {{ \"AWS:EU-WEST-1\" = 9.0 }}\n\
         [network]\nrtt_overrides = [{{ a = \"AWS:EU-WEST-1\", b = \"aws:US-east-1\", rtt = \"50ms\" }}]"
    );
    let r = resolve(&text);
    assert_eq!(r.world.regions[0].usd_per_hour, Some(9.0), "price override");
    assert_eq!(
        r.world.rtt(0, 1),
        SimDuration::from_millis(50),
        "RTT override"
    );
    assert_eq!(r.world.rtt(1, 0), SimDuration::from_millis(50));
}

#[test]
fn residency_jurisdiction_typo_is_an_error() {
    let text = MIXED_CASE.replace(
        "[routing]",
        "[residency]\njurisdictions = [\"EUR\"]\n[routing]",
    );
    let e = load_errors(&text);
    assert!(
        e.contains("residency.jurisdictions[0]") && e.contains("did you mean `EU`"),
        "{e}"
    );
    // The residency rule used to be switched off silently by a case mismatch; now one
    // spelling of a jurisdiction is one jurisdiction.
    let lower = MIXED_CASE.replace(
        "[routing]",
        "[residency]\njurisdictions = [\"eu\"]\n[routing]",
    );
    let r = resolve(&lower);
    let ireland = &r.world.areas[0];
    assert_eq!(ireland.name, "ireland");
    assert!(ireland.residency_required, "`eu` protects the EU area");
    assert!(!r.world.areas[1].residency_required);
}

#[test]
fn residency_for_nobody_is_a_warning() {
    let text = MIXED_CASE.replace(
        "[routing]",
        "[residency]\njurisdictions = [\"JP\"]\n[routing]",
    );
    let r = resolve(&text);
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    assert_eq!(r.warnings[0].path.to_string(), "residency.jurisdictions[0]");
}

#[test]
fn standby_equal_to_effective_primary_is_an_error() {
    // No `primary`: the first region is the primary, and the standby names it.
    let text = MIXED_CASE
        .replace("primary = \"AWS:us-east-1\"\n", "")
        .replace("standby = \"aws:US-WEST-2\"", "standby = \"AWS:EU-WEST-1\"");
    let e = load_errors(&text);
    assert!(
        e.contains("active_passive.standby") && e.contains("primary in effect"),
        "{e}"
    );
    // Named primary, the same region in another case.
    let text = MIXED_CASE.replace("standby = \"aws:US-WEST-2\"", "standby = \"aws:us-east-1\"");
    let e = load_errors(&text);
    assert!(e.contains("also the primary"), "{e}");
}

#[test]
fn standby_equal_to_effective_primary_is_an_error_in_the_cli() {
    let text = MIXED_CASE
        .replace("primary = \"AWS:us-east-1\"\n", "")
        .replace("standby = \"aws:US-WEST-2\"", "standby = \"aws:eu-west-1\"");
    let (code, err) = validate_cli("standby.toml", &text);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("standby.toml:") && err.contains("active_passive.standby"),
        "{err}"
    );
}

#[test]
fn active_passive_with_zero_instances_is_refused() {
    let text = MIXED_CASE.replace("[active_passive]", "[active_passive]\ninstances = 0");
    let e = load_errors(&text);
    assert!(
        e.contains("active_passive.instances") && e.contains("at least 1"),
        "{e}"
    );
}

#[test]
fn a_sharded_home_in_another_case_is_the_named_region() {
    let text = format!("{MIXED_CASE}\n[sharded]\nhomes = {{ ireland = \"AWS:US-WEST-2\" }}");
    let r = resolve(&text);
    assert_eq!(r.sharded.homes[0], RegionId::new(2));
    assert_eq!(r.sharded.homes[1], RegionId::new(1), "virginia by the rule");
}

#[test]
fn seventy_thousand_failures_work() {
    let (mut s, cat) = scenario(MIXED_CASE);
    s.failures.clear();
    // 69,999 harmless slowdowns of eu-west-1, one every millisecond, then an outage of
    // us-east-1 as failure number 70,000 (index 69,999): past any 16-bit index.
    for i in 0..69_999u64 {
        s.failures.push(FailureSpec::Degradation {
            region: Some("aws:eu-west-1".into()),
            regions: Vec::new(),
            factor: 1.0,
            start: SimDuration::from_millis(1000 + i),
            duration: SimDuration::from_millis(1),
        });
    }
    s.failures.push(FailureSpec::RegionOutage {
        region: "AWS:US-East-1".into(),
        start: SimDuration::from_secs(60),
        duration: SimDuration::from_secs(60),
    });
    let r = spec::validate(&s, &cat).unwrap_or_else(|e| panic!("{:?}", &e[..e.len().min(3)]));
    assert_eq!(r.failures.len(), 70_000);
    let last = r.failures.last().unwrap();
    assert_eq!(
        last.effect,
        Effect::Outage {
            region: RegionId::new(1)
        }
    );
    let run = r.run_layout(LayoutKind::ActiveActive, 1);
    assert_eq!(run.summary.outages, 1, "the 70,000th failure happened");
    let t = &run.rec;
    let cell = |m: u64, reg: usize| {
        t.series
            .cells()
            .find(|&(minute, r, _)| minute == m && r == reg)
            .map(|(_, _, c)| c)
            .expect("a cell per minute and region")
    };
    assert!(cell(1, 1).failed > 0, "us-east-1 was down");
    assert_eq!(cell(0, 1).failed, 0, "and not before");
    assert_eq!(cell(1, 0).failed, 0, "eu-west-1 was not");
}

#[test]
fn too_many_regions_or_areas_are_refused_with_the_limit() {
    let (mut s, cat) = scenario(MIXED_CASE);
    let area = s.areas[0].clone();
    s.areas = (0..70_000)
        .map(|i| {
            let mut a = area.clone();
            a.name = format!("a{i}");
            a
        })
        .collect();
    let e = spec::validate(&s, &cat).expect_err("70,000 areas");
    let msg: Vec<String> = e.iter().map(ToString::to_string).collect();
    assert!(
        msg.iter()
            .any(|m| m.starts_with("areas:") && m.contains("65535")),
        "{msg:?}"
    );
}

#[test]
fn failure_after_the_run_is_a_warning_in_validate_and_the_cli() {
    let text = MIXED_CASE.replace("start = \"1m\"", "start = \"10m\"");
    let l = load_checked(&text, Path::new("late.toml")).expect("legal input");
    assert_eq!(l.warnings.len(), 1);
    let w = &l.warnings[0];
    assert_eq!(w.error.path.to_string(), "failures[0].start");
    assert!(w.line_col.is_some(), "the warning has a place in the file");
    assert!(
        w.error.message.contains("after the run ends"),
        "{}",
        w.error
    );

    let (code, err) = validate_cli("late.toml", &text);
    assert_eq!(code, Some(0), "warnings alone pass: {err}");
    assert!(
        err.contains("warning: ")
            && err.contains("late.toml:")
            && err.contains("failures[0].start"),
        "{err}"
    );
}

#[test]
fn the_default_scenario_resolves_without_warnings() {
    let l = load_checked(DEFAULT_SCENARIO, Path::new("default.toml")).unwrap();
    assert!(l.warnings.is_empty(), "{:?}", l.warnings);
    let us_east = l.spec.world.find_region("aws:us-east-1").unwrap();
    assert_eq!(l.spec.active_passive.primary, us_east);
    assert_eq!(
        l.spec.failures[0].effect,
        Effect::Outage { region: us_east }
    );
}

/// Found by a red team: the README's shortest scenario (two regions, every default) ran
/// with 18.8 % availability and no word — 16 instances at 20 ms serve 800 requests/s, the
/// default peak is 1000. And a last mile longer than the client timeout failed every
/// request. Both run (they are legal) but warn, naming the field.
#[test]
fn an_overloaded_fleet_and_a_last_mile_beyond_the_timeout_are_warned_about() {
    let short = "[[regions]]\nid = \"aws:us-east-1\"\n[[regions]]\nid = \"gcp:europe-west1\"\n";
    let warned = |text: &str| {
        let l = load_checked(text, Path::new("w.toml")).expect("legal input");
        let paths: Vec<String> = l
            .warnings
            .iter()
            .map(|w| w.error.path.to_string())
            .collect();
        (paths, l)
    };
    let (paths, l) = warned(short);
    assert_eq!(paths, ["workload.peak_rps"], "{:?}", l.warnings);
    let m = &l.warnings[0].error.message;
    assert!(
        m.contains("16 instances") && m.contains("800 requests/s"),
        "{m}"
    );
    // Enough instances: no warning.
    let fine = short.replace("\"\n", "\"\ninstances = 12\n");
    let (paths, _) = warned(&fine);
    assert!(paths.is_empty(), "{paths:?}");
    // An area's own last mile beyond the 2 s default timeout.
    let slow = format!(
        "{fine}[[areas]]\nname = \"far\"\nlat_deg = 0.0\nlon_deg = 0.0\njurisdiction = \"US\"\n\
         share = 1.0\naccess_latency = \"3s\"\n"
    );
    let (paths, l) = warned(&slow);
    assert_eq!(paths, ["areas[0].access_latency"], "{:?}", l.warnings);
}

/// The red team's false positives: two areas twelve hours apart never peak together (their
/// sum is 650 req/s at most, 14 instances serve 700), and a network last mile of 3 s that
/// every area replaces with its own 5 ms reaches no one. Neither warns; a last mile of
/// 1499 ms against a 1500 ms timeout, which no request survives, does.
#[test]
fn load_warnings_have_no_false_positives_and_catch_the_near_miss() {
    let area = |name: &str, lon: f64, off: f64, own: &str| {
        format!(
            "[[areas]]\nname = \"{name}\"\nlat_deg = 20.0\nlon_deg = {lon}\njurisdiction = \"US\"\n\
             share = 0.5\nutc_offset_hours = {off}\n{own}"
        )
    };
    let regions = "[[regions]]\nid = \"aws:us-east-1\"\ninstances = 7\n\
                   [[regions]]\nid = \"aws:ap-south-1\"\ninstances = 7\n";
    let warned = |text: &str| -> Vec<String> {
        let l = load_checked(text, Path::new("w.toml")).expect("legal input");
        l.warnings
            .iter()
            .map(|w| w.error.path.to_string())
            .collect()
    };
    let apart = format!(
        "[workload]\npeak_rps = 1000.0\n{}{}{regions}",
        area("a", -74.0, -5.0, ""),
        area("b", 72.9, 7.0, "")
    );
    assert!(warned(&apart).is_empty(), "{:?}", warned(&apart));
    let together = apart.replace("utc_offset_hours = 7", "utc_offset_hours = -5");
    assert_eq!(warned(&together), ["workload.peak_rps"]);
    let own = format!(
        "[network]\naccess_latency = \"3s\"\n[workload]\npeak_rps = 100.0\n{}{}{regions}",
        area("a", -74.0, -5.0, "access_latency = \"5ms\"\n"),
        area("b", 72.9, 7.0, "access_latency = \"5ms\"\n")
    );
    assert!(warned(&own).is_empty(), "{:?}", warned(&own));
    let near = format!(
        "[network]\naccess_latency = \"1499ms\"\n[client]\ntimeout = \"1500ms\"\n\
         [workload]\npeak_rps = 100.0\n{}{}{regions}",
        area("a", -74.0, -5.0, ""),
        area("b", 72.9, 7.0, "")
    );
    assert_eq!(warned(&near), ["network.access_latency"]);
}

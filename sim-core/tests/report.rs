//! The HTML report and chart PNGs (#19): the report names the scenario's hash, the seed
//! and the version, parses as well-formed markup, fetches nothing, and the CLI writes it
//! (atomically) together with the replication and difference files; charts decode as
//! PNGs of the size asked for.

mod common;

use sim_core::experiment::Replicated;
use sim_core::report::chart::{availability_over_time, escape, failure_windows, latency_over_time};
use sim_core::report::{canonical_toml, html, sha256_hex, verdict, Baseline, ReportInput, VERSION};
use sim_core::scenario::{LayoutKind, Scenario};
use std::path::Path;
use std::process::Command;

/// The default scenario, small (see `tests/replications.rs`).
fn small(service_mean: &str) -> String {
    sim_core::experiment::DEFAULT_SCENARIO
        .replace("duration = \"10m\"", "duration = \"6m\"")
        .replace("peak_rps = 12000.0", "peak_rps = 300.0")
        .replace("mean = \"4ms\" }", &format!("mean = \"{service_mean}\" }}"))
}

fn run(text: &str, reps: u32) -> (Scenario, Replicated) {
    let (s, _) = sim_core::experiment::load_text(text, Path::new("small.toml")).unwrap();
    let r = common::prepare(text).replicate(&LayoutKind::ALL, 42, reps);
    (s, r)
}

/// Every `src` and `href` in the document (there should be none that leaves the file).
fn links(doc: &roxmltree::Document<'_>) -> Vec<String> {
    doc.descendants()
        .flat_map(|n| n.attributes().collect::<Vec<_>>())
        .filter(|a| matches!(a.name(), "src" | "href"))
        .map(|a| a.value().to_string())
        .collect()
}

#[test]
fn the_report_is_self_contained_and_names_hash_seed_and_version() {
    let (a, ra) = run(&small("4ms"), 2);
    let (b, rb) = run(&small("5ms"), 2);
    let paired = rb.against(&ra).unwrap();
    let page = html(&ReportInput {
        scenario: &b,
        results: &rb,
        baseline: Some(Baseline {
            scenario: &a,
            paired: &paired,
        }),
    })
    .unwrap();
    let hash = sha256_hex(&canonical_toml(&b).unwrap());
    assert_ne!(hash, sha256_hex(&canonical_toml(&a).unwrap()));
    assert!(page.contains(&hash), "no scenario hash");
    assert!(page.contains("<td>seed</td><td style=\"text-align:left\">42</td>"));
    assert!(page.contains(&format!(
        "<td>regionsim version</td><td style=\"text-align:left\">{VERSION}</td>"
    )));
    // The verdict of replication 0, the intervals, the differences and the scenario.
    let first: Vec<_> = rb.first.iter().map(|r| &r.summary).collect();
    let v = verdict(&first).replace('\'', "&#39;");
    assert!(page.contains(&v), "verdict missing: {v}");
    assert!(page.contains("over 2 replications"));
    assert!(page.contains("difference B − A [95 % paired interval]"));
    assert!(page.contains("observed RTO") && page.contains("lost writes"));
    assert!(page.contains(&escape(&canonical_toml(&b).unwrap())));
    // Well-formed, with two inline charts, and nothing fetched from elsewhere.
    let doc = roxmltree::Document::parse_with_options(
        &page,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..roxmltree::ParsingOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("report does not parse: {e}"));
    let svgs = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "svg")
        .count();
    assert_eq!(svgs, 2);
    assert!(links(&doc).is_empty(), "{:?}", links(&doc));
    let lower = page.to_lowercase();
    assert!(!lower.contains("<script") && !lower.contains("url(") && !lower.contains("@import"));
    for bad in ["src=\"http", "href=\"http", "src='http", "href='http"] {
        assert!(!lower.contains(bad), "{bad}");
    }
}

/// Width and height of a PNG, read by decoding it.
fn decoded_size(bytes: &[u8]) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert!(buf.iter().any(|&b| b != 255), "the image is blank");
    (info.width, info.height)
}

#[test]
fn charts_render_as_pngs_of_the_asked_size() {
    let (s, r) = run(&small("4ms"), 1);
    let windows = failure_windows(&s);
    assert_eq!(windows.len(), 1);
    for chart in [
        latency_over_time(&r.first, &windows),
        availability_over_time(&r.first, &windows),
    ] {
        assert_eq!(chart.lines.len(), 3);
        let png = chart.png(800, 320).unwrap();
        assert_eq!(decoded_size(&png), (800, 320), "{}", chart.title);
        if let Some(d) = std::env::var_os("DUMP") {
            std::fs::write(Path::new(&d).join(format!("{}.png", chart.title)), &png).unwrap();
        }
    }
}

/// The charts end with the run: the bucket after its window (only the drain of requests
/// answered or timed out after it — a few outcomes, mostly failures) is not drawn, and a
/// failure lasting past the end is shaded up to it, not beyond.
#[test]
fn charts_end_with_the_run() {
    // The default's outage (at 4m, for 5m) made to outlast the 7-minute run.
    let text = small("4ms").replace("duration = \"5m\"", "duration = \"30m\"");
    let (s, r) = run(&text, 1);
    let windows = failure_windows(&s);
    assert_eq!(windows.len(), 1);
    assert!(windows[0].end_min > 30.0, "{windows:?}");
    let end = r.first[0].rec.window_end.as_secs_f64() / 60.0;
    // The runs do record outcomes after the window (the drain)…
    assert!(
        r.first[0].rec.series.cells().any(|c| c.0 as f64 >= end),
        "no drain bucket: the test would prove nothing"
    );
    for chart in [
        latency_over_time(&r.first, &windows),
        availability_over_time(&r.first, &windows),
    ] {
        // …which the charts leave out: every point lies inside the window.
        for l in &chart.lines {
            assert!(
                l.points.iter().all(|p| p.0 < end),
                "{}: {:?}",
                chart.title,
                l.points.last()
            );
        }
        assert_eq!(chart.x_end, end.ceil(), "{}", chart.title);
        assert_eq!(chart.windows.len(), 1);
        assert_eq!(chart.windows[0].end_min, chart.x_end, "{}", chart.title);
    }
}

#[test]
fn the_cli_writes_intervals_differences_and_the_report() {
    let dir = std::env::temp_dir().join(format!("regionsim-report-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("a.toml"), small("4ms")).unwrap();
    std::fs::write(dir.join("b.toml"), small("5ms")).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_regionsim"))
        .current_dir(&dir)
        .args([
            "compare",
            "b.toml",
            "--baseline",
            "a.toml",
            "--replications",
            "2",
        ])
        .args(["--report", "share/ab.html", "--out", "out"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        stdout.contains("mean difference [95 % interval]"),
        "{stdout}"
    );
    let diff = std::fs::read_to_string(dir.join("out/differences.csv")).unwrap();
    let mut lines = diff.lines();
    assert_eq!(
        lines.next(),
        Some("layout,metric,unit,replications,baseline_mean,mean,difference,ci95_low,ci95_high")
    );
    assert_eq!(lines.count(), 3 * sim_core::metrics::Metric::ALL.len());
    let intervals = std::fs::read_to_string(dir.join("out/intervals.csv")).unwrap();
    assert!(intervals.starts_with("layout,metric,unit,replications,mean,ci95_low,ci95_high\n"));
    let page = std::fs::read_to_string(dir.join("share/ab.html")).unwrap();
    assert!(page.contains(VERSION) && page.contains("</html>"));
    // Written atomically: nothing but the report in its folder.
    let names: Vec<_> = std::fs::read_dir(dir.join("share"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["ab.html"]);
    let _ = std::fs::remove_dir_all(&dir);
}

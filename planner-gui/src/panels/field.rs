//! What every editable field means, in one table, and the one way to draw a field.
//!
//! A number without its unit, default and valid range makes the user guess, and a widget
//! not tied to its label cannot be reached by a screen reader (nor found by a test by its
//! name). So every editor section draws its fields through [`row`] (a grid row: label,
//! widget, and the field's problems in a row under it) or [`labelled`] (label and widget
//! side by side), keyed by the scenario path the field edits. That path is the one
//! validation names in its messages, so a field's label, its tooltip (meaning, unit,
//! default, valid range), its accessible name and the problems shown under it all come
//! from one key and one table, [`FIELDS`] — which [`markdown`] also turns into the field
//! reference of `docs/gui-fields.md`.
//!
//! Fractions the editor shows in percent ([`Doc::percent`]) must also be *spoken of* in
//! percent: validation (shared with the command line, where the file holds the fraction)
//! says "must be a probability in [0, 1], got 1.5"; [`message`] turns that into "must be
//! between 0 % and 100 %, got 150 %" at display time.

use super::editor::Problems;
use egui::{Response, Ui};

/// One editable field: what the editor calls it and what the user needs to know to fill it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Doc {
    /// The scenario path, with `[]` for any index and `{}` for any map key
    /// (`regions[].instances`, `routing.weights.{}`).
    pub path: &'static str,
    /// The label next to the widget (and its accessible name).
    pub label: &'static str,
    /// What it means, in a few words.
    pub meaning: &'static str,
    /// The unit the editor shows it in (empty for a count, a choice or a switch).
    pub unit: &'static str,
    /// Its value when the scenario leaves it out (or the one a new entry starts with).
    pub default: &'static str,
    /// The values validation accepts, to follow "valid:" or "must be".
    pub range: &'static str,
    /// Stored as a fraction, shown (and validation's messages spoken) in percent.
    pub percent: bool,
}

const fn f(
    path: &'static str,
    label: &'static str,
    meaning: &'static str,
    unit: &'static str,
    default: &'static str,
    range: &'static str,
) -> Doc {
    Doc {
        path,
        label,
        meaning,
        unit,
        default,
        range,
        percent: false,
    }
}

/// A field stored as a fraction and shown in percent.
const fn pct(
    path: &'static str,
    label: &'static str,
    meaning: &'static str,
    default: &'static str,
    range: &'static str,
) -> Doc {
    Doc {
        percent: true,
        ..f(path, label, meaning, "%", default, range)
    }
}

/// Every field the editor and the Planner tab edit, in the order they are shown. Paths
/// under `plan.` are the Planner tab's search options (flags of `regionsim plan`), kept
/// by the app, not saved in the scenario.
pub const FIELDS: &[Doc] = &[
    f("name", "name", "the scenario's name, shown in reports", "", "unnamed", "any text"),
    f("seed", "seed", "seed of every random stream: the same seed gives the same run", "", "1", "a whole number ≥ 0"),
    f("duration", "duration", "simulated time that is measured", "min", "30 min", "longer than 0 (a drag stops at 24 h; type a longer one)"),
    f("warmup", "warm-up", "simulated time before measurement starts, while queues fill", "min", "1 min", "0 min or more (a drag stops at 120 min)"),
    f("start_utc_hour", "start (UTC hour)", "UTC time of day the run starts at; sets each area's local time", "h", "14", "0 to 24 (24 excluded)"),
    f("workload.peak_rps", "peak rate", "requests per second from all areas together at the daily peak", "req/s", "1000 req/s", "more than 0, at most 100 000 000 req/s"),
    f("workload.diurnal", "diurnal", "traffic follows each area's local time of day", "", "on", "on or off"),
    pct("workload.trough_fraction", "trough / peak", "the day's lowest traffic as a share of the peak", "30 %", "more than 0 % and at most 100 %"),
    f("workload.peak_local_hour", "peak local hour", "local hour at which each area's traffic peaks", "h", "20", "0 to 24 (24 excluded)"),
    pct("workload.read_fraction", "reads", "share of requests that read (the rest write)", "90 %", "between 0 % and 100 %"),
    f("workload.request_bytes", "request size", "bytes each request carries to its region (inter-region transfer is billed on it)", "B", "1500 B", "a whole number ≥ 0"),
    f("workload.response_bytes", "response size", "bytes each response sends back to the internet (egress is billed on it)", "B", "8000 B", "a whole number ≥ 0"),
    f("workload.keys", "keys", "distinct keys that requests touch (fewer keys: more stale reads and write conflicts)", "", "1 000 000", "at least 1"),
    f("workload.zipf_exponent", "key skew (Zipf)", "how unevenly keys are popular: 0 is uniform, about 1 is a few very hot keys", "", "0.9", "0 or more"),
    f("regions[].id", "region", "a deployed catalog region", "", "", "a region of the catalog, deployed once"),
    f("regions[].instances", "instances", "servers in the region, each serving one request at a time", "", "8", "1 to 100 000"),
    f("regions[].service_time", "service time", "mean time one instance needs per request (the distribution's shape is kept)", "ms", "20 ms, exponential", "more than 0 ms"),
    pct("regions[].autoscaling.target_utilisation", "target utilisation", "the utilisation (busy instances ÷ running instances) an autoscaling policy steers to", "60 % (with autoscaling on)", "between 0 % and 100 %"),
    f("regions[].queue_limit", "queue", "requests that may wait for an instance; more are rejected", "requests", "1000", "0 or more"),
    f("routing.policy", "policy", "how a user's request picks a region: lowest latency, nearest, by weight, or the first healthy one of a list", "", "latency", "latency, geo-proximity, weighted or priority failover"),
    f("routing.dns_ttl", "DNS TTL", "how long clients keep a resolved answer (delays every failover)", "s", "60 s", "0 s or more"),
    f("routing.health_check.interval", "probe every", "time between health probes of one region", "s", "10 s", "longer than 0 s"),
    f("routing.health_check.failure_threshold", "down after", "failed probes in a row that mark a region down (good ones that mark it up again)", "probes", "3", "1 or more"),
    f("routing.health_check.timeout", "misses of", "a probe not answered within this time fails", "s", "2 s", "longer than a probe's round trip"),
    f("routing.weights.{}", "weight", "relative share of requests the weighted policy sends to the region", "", "0", "0 or more, at least one above 0"),
    f("routing.priority", "failover order", "regions in order of preference for the priority policy", "", "none", "deployed regions"),
    f("client.timeout", "client timeout", "an attempt not answered within this time fails (and may be retried)", "s", "2 s", "longer than 0 s"),
    f("client.retries", "retries", "retries of a failed request, with exponential backoff and full jitter", "", "2", "0 to 20"),
    f("client.backoff_base", "backoff", "the first retry waits up to this long, each next one up to twice as long", "ms", "100 ms", "0 ms or more"),
    f("client.backoff_max", "up to", "no retry waits longer than this", "ms", "2000 ms", "at least the backoff"),
    pct("client.retry_budget", "retry budget", "retries may be at most this share of requests (0 % = no budget: retry whenever allowed)", "0 %", "0 % or more"),
    f("network.access_latency", "access latency", "last-mile round trip added to every user request (a user area may set its own)", "ms", "10 ms", "0 or more"),
    f("network.jitter", "jitter", "random extra delay on every one-way network hop, exponential with this mean (ticked: on)", "ms", "none", "off, or a mean of 0 ms or more"),
    f("residency.jurisdictions", "data residency", "ticked: users there must have their data stored and processed there (requests served elsewhere are residency violations)", "", "EU", "jurisdictions of user areas or deployed regions"),
    f("areas[].name", "area name", "the user area's name, as objectives, partitions and the results name it", "", "", "any text, unique among the areas"),
    f("areas[].jurisdiction", "jurisdiction", "where the users' data legally belongs (EU, US, UK, …): data residency and the sharded home rule use it", "", "", "any text, not empty"),
    f("areas[].share", "traffic weight", "the area's weight in the traffic; weights are normalised, so its share is its weight ÷ all weights", "", "its catalog share", "more than 0"),
    f("areas[].utc_offset_hours", "UTC offset", "local time minus UTC: when the area's daily peak comes", "h", "0", "-12 to 14"),
    f("areas[].lat_deg", "latitude", "where the users are; the distance to each region gives the round trip where none was measured", "°", "", "-90 to 90"),
    f("areas[].lon_deg", "longitude", "where the users are (east positive)", "°", "", "-180 to 180"),
    f("areas[].access_latency", "own access latency", "ticked: this area's last-mile round trip instead of the network's", "ms", "the network's access latency", "0 or more"),
    f("active_passive.primary", "primary", "region that takes every write (and every read with primary reads)", "", "the first region", "a deployed region"),
    f("active_passive.standby", "standby", "region that replicates the primary and takes over when it fails", "", "the next region", "a deployed region other than the primary"),
    f("active_passive.standby_mode", "standby mode", "hot: fully running; warm: a share of the instances running; cold: only the replica", "", "hot", "hot, warm or cold"),
    pct("active_passive.warm_fraction", "warm share", "share of the primary's instances a warm standby runs before it is promoted", "25 %", "between 0 % and 100 %"),
    f("active_passive.reads", "reads", "where reads go: the primary, or the nearer of primary and standby (possibly stale)", "", "primary", "primary or nearest"),
    f("active_passive.instances", "instances", "instances of the primary (and of a hot standby)", "", "the whole fleet (every region's instances)", "1 or more"),
    f("active_passive.replication_lag", "replication lag", "mean delay from a write's commit at the primary to its apply at the standby", "ms", "200 ms, exponential", "0 ms or more"),
    f("active_passive.failover.promotion", "promotion", "from the standby being told to take over to it accepting writes", "s", "30 s", "0 s or more"),
    f("active_passive.failover.scale_up", "scale-up", "time for a warm or cold standby to reach full capacity after promotion", "s", "300 s", "0 s or more"),
    f("active_passive.data_zone", "database zone", "each region's copy of the database lives in one availability zone, so that zone's outage takes the database (not just capacity) with it", "", "off (a zone outage costs only its share of instances)", "on or off"),
    f("active_passive.data_zone.zone", "database in zone", "the availability zone, counting from 1, that holds the primary's and the standby's copy of the database", "", "1", "1 to the zones of the primary's and the standby's regions"),
    f("active_passive.data_zone.replica", "zone replica", "none: the zone's outage takes the region down (a cross-region failover); other-zone: a synchronous replica in the next zone of the same region takes over, nothing lost", "", "none", "none or other-zone (needs at least 2 zones)"),
    f("active_passive.data_zone.failover", "zone failover", "in-region promotion of the zone replica: the region refuses writes for this long", "s", "30 s", "0 s or more"),
    f("active_active.writes", "writes", "when a write is acknowledged: after every region, a quorum, or locally (async multi-master)", "", "sync (quorum)", "sync (all regions), sync (quorum) or async"),
    f("active_active.quorum", "quorum", "regions (the local one included) that apply a write before it is acknowledged", "regions", "a majority", "1 to the number of regions"),
    f("active_active.replication_lag", "replication lag", "mean delay of asynchronous replication beyond the network round trip", "ms", "200 ms, exponential", "0 ms or more"),
    f("sharded.home", "home rule", "where an area's shard lives: the nearest region in its jurisdiction, or the nearest of all", "", "jurisdiction", "jurisdiction or proximity"),
    f("sharded.standby", "standby", "each shard replicates asynchronously to another region of its jurisdiction", "", "off", "on or off"),
    f("sharded.replication_lag", "replication lag", "mean delay from a write's commit at its home to its apply at the shard's standby", "ms", "200 ms, exponential", "0 ms or more"),
    f("sharded.failover.promotion", "promotion", "from a shard's standby being told to take over to it accepting writes", "s", "30 s", "0 s or more"),
    f("sharded.follow_the_sun", "follow-the-sun", "move shards' primaries between their home and their standby with the users' day, each move a planned failover of that shard (needs the standby: switching it on ticks it)", "", "off (shards stay home)", "off, a daily schedule, or each shard's daytime users"),
    f("sharded.follow_the_sun.schedule[].utc_hour", "from (UTC hour)", "every day from this hour the handover's region leads its shard", "h", "7, then twelve hours after the last handover", "0 to 24 (24 excluded)"),
    f("sharded.follow_the_sun.schedule[].shard", "shard", "the shard that moves, named by its home region", "", "the first shard that has a standby", "a shard's home (a deployed region)"),
    f("sharded.follow_the_sun.schedule[].primary", "leads", "the region that leads the shard from that hour", "", "the one of home and standby that did not lead before", "the shard's home or its standby"),
    f("sharded.follow_the_sun.drain", "drain", "a moving shard's old primary refuses writes this long before the switch, so that replication catches up: longer than the replication lag loses no write, 0 switches at once (an RPO)", "s", "30 s", "0 s or more"),
    f("failures[].region", "region", "the region that fails", "", "the first region", "a deployed region"),
    f("failures[].regions", "regions", "the two regions whose link fails", "", "the first two regions", "two deployed regions"),
    f("failures[].area", "users of", "the user area cut off", "", "the first area", "a user area"),
    pct("failures[].fraction", "capacity lost", "share of the region's instances lost", "50 %", "between 0 % and 100 %"),
    f("failures[].factor", "slowdown", "how many times slower the region or link gets", "×", "10×", "1× or more"),
    f("failures[].zone", "zone", "which availability zone fails, counting from 1", "", "1", "1 to the region's zones"),
    f("failures[].dependency", "dependency", "the shared dependency that fails", "", "the first one declared", "a declared dependency"),
    f("failures[].start", "starts at", "simulated time the failure starts, warm-up included", "s", "a quarter into the measured window", "0 s or more, before the run ends"),
    f("failures[].duration", "lasts", "how long the failure lasts", "s", "a quarter of the measured window, at most 300 s", "longer than 0 s"),
    f("random_failures.enabled", "random outages", "every region fails at random with a mean time between failures and a mean time to repair", "", "off", "on or off"),
    f("random_failures.mtbf", "MTBF", "mean time between failures of one region", "h", "the provider's incident history, else 26 000 h", "longer than 0 h"),
    f("random_failures.mttr", "MTTR", "mean time to repair a failed region", "h", "the provider's incident history, else 3 h", "longer than 0 h"),
    f("slo.p99", "p99 latency, all users", "objective: 99th-percentile latency of all users' requests at most", "ms", "off (250 ms when ticked)", "longer than 0 ms"),
    f("slo.p99_by_area.{}", "p99 of the area", "objective: 99th-percentile latency of this area's requests at most", "ms", "off (200 ms when ticked)", "longer than 0 ms"),
    pct("slo.availability", "availability", "objective: annual availability at least (Markov-model availability × share served in simulation)", "off (99.9 % when ticked)", "strictly between 0 % and 100 %, such as 99.9 %"),
    f("slo.rpo", "RPO (data loss window)", "objective: writes lost in a failure span at most this long", "s", "off (1 s when ticked)", "0 s or more"),
    f("slo.budget_usd_per_month", "budget", "objective: monthly cost at most", "USD / month", "off (20 000 when ticked)", "more than 0"),
    f("slo.residency", "residency", "objective: zero residency violations in every run (data stays in its jurisdiction)", "", "off", "on or off"),
    f("slo.n_plus_one", "N+1", "objective: the latency objectives hold with any one region down", "", "off", "on or off"),
    f("plan.autoscale", "try autoscaled designs", "also try every design autoscaled — target tracking at 60 % utilisation, min a quarter of the design's count, max the count — billed by the instance-hours it provisions, as `regionsim plan --autoscale`; pays off with \"simulate the scenario's time of day\" on a diurnal workload", "", "off", "on or off"),
];

/// `path` with every index written `[]` (`failures[2].start` → `failures[].start`).
fn generic(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push_str("[]");
            }
            ']' => in_index = false,
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}

/// The field `path` names (`regions[3].instances`, `routing.weights.aws:us-east-1`), if
/// the table has it.
pub fn doc(path: &str) -> Option<&'static Doc> {
    let g = generic(path);
    FIELDS.iter().find(|d| d.path == g).or_else(|| {
        // A map key is any text after its table's path (region ids contain no dot, but
        // may contain a colon).
        FIELDS.iter().find(|d| {
            d.path
                .strip_suffix("{}")
                .is_some_and(|table| g.starts_with(table) && g.len() > table.len())
        })
    })
}

/// The tooltip of a field: what it is, its unit, default and valid values, e.g.
/// "service time — mean time one instance needs per request …, in ms; default 20 ms,
/// exponential; valid: more than 0 ms".
pub fn tooltip(d: &Doc) -> String {
    let mut t = format!("{} — {}", d.label, d.meaning);
    if !d.unit.is_empty() {
        t += &format!(", in {}", d.unit);
    }
    if !d.default.is_empty() {
        t += &format!("; default {}", d.default);
    }
    t += &format!("; valid: {}", d.range);
    t
}

/// The tooltip of `path`, or an empty text when the table lacks it.
pub fn tooltip_of(path: &str) -> String {
    doc(path).map(tooltip).unwrap_or_default()
}

/// The fraction of a percent as typed: 99.9 → 0.999, the decimal point shifted in the
/// number's shortest text, where `99.9 / 100` is 0.9990000000000001 — which the file
/// would then hold and the objective read "≥ 0.9990000000000001". The result is the
/// double nearest the typed decimal moved two places, so it prints as that decimal.
pub fn fraction_of_percent(percent: f64) -> f64 {
    shift_decimal(percent, -2)
}

/// The percent of a fraction, shifted the same way (0.333 → 33.3, not 33.300000000000004).
pub fn percent_of_fraction(fraction: f64) -> f64 {
    shift_decimal(fraction, 2)
}

/// `v × 10^places`, done on the shortest decimal text of `v` (Rust's `Display` of a
/// float round-trips and never uses an exponent), so no binary rounding is added.
fn shift_decimal(v: f64, places: i32) -> f64 {
    let scaled = v * 10f64.powi(places);
    if !v.is_finite() {
        return scaled;
    }
    format!("{v}e{places}").parse().unwrap_or(scaled)
}

/// A percent as the editor shows it: at most four decimals, no trailing zeros.
pub fn format_percent(fraction: f64) -> String {
    let s = format!("{:.4}", 100.0 * fraction);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{} %", if s == "-0" { "0" } else { s })
}

/// Validation's `text` about `path`, as the editor shows it: for a field shown in percent,
/// its valid range and the value in percent ("must be between 0 % and 100 %, got 150 %");
/// any other message as it is.
///
/// Validation checks nothing but the range of a percent field, and every such message
/// ends in "got <fraction>" (a test walks every percent field through validation to keep
/// it so); a message without that ending is shown as it is rather than guessed at.
pub fn message(path: &str, text: &str) -> String {
    let Some(d) = doc(path).filter(|d| d.percent) else {
        return text.to_string();
    };
    match text
        .rsplit_once("got ")
        .and_then(|(_, v)| v.trim().parse::<f64>().ok())
    {
        Some(v) => format!("must be {}, got {}", d.range, format_percent(v)),
        None => text.to_string(),
    }
}

/// Adds the tooltip of `path` to a widget (shown when it is disabled too) and names it
/// for accessibility by the tooltip when nothing else names it.
pub fn describe(r: Response, path: &str) -> Response {
    let t = tooltip_of(path);
    if t.is_empty() {
        return r;
    }
    r.on_hover_text(t.clone()).on_disabled_hover_text(t)
}

/// The label of `path` and the widget `add` draws, side by side (or as two grid cells);
/// the widget is labelled by the label for accessibility and both carry the tooltip.
pub fn labelled(ui: &mut Ui, path: &str, add: impl FnOnce(&mut Ui) -> Response) -> Response {
    let text = doc(path).map_or(path, |d| d.label);
    labelled_as(ui, text, path, add)
}

/// [`labelled`] with a label of its own (the table's label does not fit, e.g. a region id).
pub fn labelled_as(
    ui: &mut Ui,
    text: &str,
    path: &str,
    add: impl FnOnce(&mut Ui) -> Response,
) -> Response {
    let tip = tooltip_of(path);
    let mut label = ui.label(text);
    if !tip.is_empty() {
        label = label.on_hover_text(tip);
    }
    let r = super::typed::at(ui, path, add).labelled_by(label.id);
    describe(r, path)
}

/// A field as a row of a two-column grid: its label, its widget, and — in a row of their
/// own right under it — the validation problems of `path` and of the paths under it.
pub fn row(
    ui: &mut Ui,
    p: &mut Problems<'_>,
    path: &str,
    add: impl FnOnce(&mut Ui) -> Response,
) -> Response {
    let r = labelled(ui, path, add);
    ui.end_row();
    p.grid_row(ui, 1, path);
    r
}

/// A fraction edited in percent (`0.25` shows as `25 %`), dragged within 0 to
/// `max_percent`; writes only when changed. Its problems are translated by [`message`]
/// when its [`Doc`] says `percent`.
pub fn percent(ui: &mut Ui, v: &mut f64, max_percent: f64) -> Response {
    let mut p = percent_of_fraction(*v);
    let r = super::typed::drag(ui, &mut p, |d| d.speed(0.5).max_decimals(3).suffix(" %"));
    drag_within(&r, &mut p, 0.0, max_percent);
    if r.changed() {
        *v = fraction_of_percent(p);
    }
    r
}

/// Keeps a dragged value within `lo..=hi`; a typed one stays as typed.
///
/// No field of the app gives its `DragValue` a `range`: egui clamps typed input to it, so
/// 150 % typed into a 0–99 % field became 99 % without a word (found by hand, #19). The
/// bounds apply to dragging only; validation names a typed value that is out of range,
/// under its field (`tests/fields.rs`: every field keeps what is typed).
pub fn drag_within(r: &Response, v: &mut f64, lo: f64, hi: f64) {
    if r.dragged() || r.drag_stopped() {
        *v = v.clamp(lo, hi);
    }
}

/// The field reference as a Markdown table (`docs/gui-fields.md` is this text).
pub fn markdown() -> String {
    let mut s = String::from(
        "# The desktop app's fields\n\n\
         Generated from `planner-gui/src/panels/field.rs` (the app's tooltips); \
         `BLESS=1 cargo test -p planner-gui --lib field` rewrites it. Paths under `plan.` \
         are the Planner tab's search options (flags of `regionsim plan`), not scenario \
         fields.\n\n\
         | scenario path | label | meaning | unit | default | valid |\n\
         |---|---|---|---|---|---|\n",
    );
    for d in FIELDS {
        s += &format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            d.path,
            d.label,
            d.meaning,
            if d.percent {
                "% (a fraction in the file)"
            } else {
                d.unit
            },
            d.default,
            d.range
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use sim_core::experiment::load_scenario;
    use sim_core::scenario::Scenario;

    #[test]
    fn paths_find_their_field_with_any_index_or_key() {
        assert_eq!(doc("regions[3].instances").unwrap().label, "instances");
        assert_eq!(doc("failures[12].start").unwrap().label, "starts at");
        assert_eq!(
            doc("routing.weights.aws:us-east-1").unwrap().label,
            "weight"
        );
        assert_eq!(
            doc("slo.p99_by_area.europe").unwrap().label,
            "p99 of the area"
        );
        assert!(doc("routing.weights").is_none());
        assert!(doc("workload.requests").is_none());
    }

    #[test]
    fn every_tooltip_has_a_meaning_a_default_and_a_range() {
        let mut seen = std::collections::BTreeSet::new();
        for d in FIELDS {
            assert!(seen.insert(d.path), "{} twice", d.path);
            assert!(!d.label.is_empty() && !d.meaning.is_empty() && !d.range.is_empty());
            let t = tooltip(d);
            assert!(t.contains("valid: "), "{t}");
            if !d.unit.is_empty() {
                assert!(t.contains(&format!("in {}", d.unit)), "{t}");
            }
        }
        let t = tooltip(doc("regions[0].service_time").unwrap());
        assert!(
            t.starts_with("service time — mean time one instance needs per request")
                && t.contains("in ms; default 20 ms"),
            "{t}"
        );
    }

    /// Every percent typed with up to three decimals (0 % to 200 %) is stored as that
    /// decimal moved two places — 99.9 as 0.999, which the file and the objective's text
    /// print as "0.999" — and shows again as typed.
    #[test]
    fn a_typed_percent_is_stored_as_the_same_decimal() {
        assert_eq!(fraction_of_percent(99.9), 0.999);
        assert_ne!(99.9 / 100.0, 0.999, "the noise this avoids");
        assert_eq!(percent_of_fraction(0.333), 33.3);
        for thousandths in 0..=200_000u32 {
            let typed = format!("{}.{:03}", thousandths / 1000, thousandths % 1000);
            let p: f64 = typed.parse().unwrap();
            let f = fraction_of_percent(p);
            let digits = format!("{:05}", thousandths);
            let (int, frac) = digits.split_at(digits.len() - 5);
            let want: f64 = format!("{}.{frac}", if int.is_empty() { "0" } else { int })
                .parse()
                .unwrap();
            assert_eq!(f, want, "{typed} % stored as {f}");
            assert_eq!(percent_of_fraction(f), p, "{typed} % shown back");
        }
        assert_eq!(fraction_of_percent(-10.0), -0.1);
        assert!(fraction_of_percent(f64::NAN).is_nan());
        assert_eq!(fraction_of_percent(f64::INFINITY), f64::INFINITY);
        assert_eq!(fraction_of_percent(1e300), 1e298);
    }

    #[test]
    fn percents_print_without_float_noise() {
        assert_eq!(format_percent(0.999), "99.9 %");
        assert_eq!(format_percent(1.5), "150 %");
        assert_eq!(format_percent(0.0), "0 %");
        assert_eq!(format_percent(-0.1), "-10 %");
    }

    /// Every percent field, made invalid, through the validation the app runs: the message
    /// shown speaks in percent and names no fraction.
    #[test]
    fn validation_of_every_percent_field_is_shown_in_percent() {
        let (base, cat) = load_scenario(None).expect("the default loads");
        type Set = Box<dyn Fn(&mut Scenario, f64)>;
        let cases: Vec<(&str, f64, Set)> = vec![
            (
                "workload.trough_fraction",
                0.0,
                Box::new(|s, v| s.workload.trough_fraction = v),
            ),
            (
                "workload.read_fraction",
                1.5,
                Box::new(|s, v| s.workload.read_fraction = v),
            ),
            (
                "client.retry_budget",
                -0.5,
                Box::new(|s, v| s.client.retry_budget = v),
            ),
            (
                "active_passive.warm_fraction",
                1.25,
                Box::new(|s, v| s.active_passive.warm_fraction = v),
            ),
            (
                "failures[0].fraction",
                1.5,
                Box::new(|s, v| {
                    s.failures = vec![sim_core::scenario::FailureSpec::CapacityLoss {
                        region: s.regions[0].id.clone(),
                        fraction: v,
                        start: s.warmup,
                        duration: sim_core::engine::SimDuration::from_secs(10),
                    }];
                }),
            ),
            (
                "slo.availability",
                1.0,
                Box::new(|s, v| s.slo.availability = Some(v)),
            ),
            (
                "regions[0].autoscaling.target_utilisation",
                1.5,
                Box::new(|s, v| {
                    let mut a = crate::panels::editor_realism::new_policy(8).unwrap();
                    a.target_utilisation = v;
                    s.regions[0].autoscaling = Some(a);
                }),
            ),
        ];
        let percent_fields = FIELDS.iter().filter(|d| d.percent).count();
        assert_eq!(
            cases.len(),
            percent_fields,
            "a percent field without a case"
        );
        for (path, bad, set) in cases {
            let mut s = base.clone();
            set(&mut s, bad);
            let errors = sim_core::spec::validate(&s, &cat).err().unwrap_or_default();
            let e = errors
                .iter()
                .find(|e| e.path.to_string() == path)
                .unwrap_or_else(|| panic!("{path} = {bad} is no error: {errors:?}"));
            let shown = message(path, &e.message);
            assert!(
                shown.starts_with("must be ") && shown.ends_with(&format_percent(bad)),
                "{path}: {} → {shown}",
                e.message
            );
            assert!(
                !shown.contains("[0, 1]") && !shown.contains(" 1]") && !shown.contains("0 and 1"),
                "{shown}"
            );
        }
        assert_eq!(
            message(
                "workload.peak_rps",
                "must be a number greater than 0, got 0"
            ),
            "must be a number greater than 0, got 0",
            "other fields keep validation's words"
        );
    }

    #[test]
    fn the_field_reference_in_docs_is_up_to_date() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/gui-fields.md");
        let want = markdown();
        if std::env::var_os("BLESS").is_some() {
            std::fs::write(path, &want).expect("write docs/gui-fields.md");
        }
        let have = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            have == want,
            "docs/gui-fields.md is stale: run BLESS=1 cargo test -p planner-gui --lib field"
        );
    }
}

//! TOML text → [`Scenario`], reporting *every* problem with its line, column and field.
//!
//! serde stops at the first error, so loading works in rounds: parse, deserialise, and
//! when a field is rejected, record the error, blank that entry out of the text (spaces
//! keep every byte offset, so positions stay those of the original file) and try again.
//! A rejected optional field then takes its default, which lets the later checks of
//! [`validate`](super::validate) run too, and the user sees all problems at once.
//!
//! Two consequences of blanking are undone so that every message still names the right
//! field and line: blanking a whole array element (a `[[failures]]` entry rejected as a
//! unit) shifts the later elements down, so paths found afterwards are mapped back to
//! the file's own indices ([`Removed`]); and a rejected field is no longer there, so the
//! "missing field" that a later round reports for it, and a check of the entry that held
//! it (`need both mtbf and mttr`), would be echoes of the first problem: they are dropped.

use super::error::{did_you_mean, line_col, FieldError, FieldPath, Located, ScenarioError, Seg};
use super::types::Scenario;
use std::ops::Range;
use std::path::Path;
use toml_edit::{Document, Item, Value};

/// At most this many rounds of blank-and-retry (each removes one bad entry).
const MAX_ROUNDS: usize = 100;

/// The outcome of reading a file: a scenario (possibly with defaults in place of rejected
/// fields) and the problems found so far, each with its byte span.
pub struct Parsed {
    pub scenario: Option<Scenario>,
    pub problems: Vec<(Option<Range<usize>>, FieldError)>,
    /// The original document, to locate fields named by later checks.
    pub doc: Option<Document<String>>,
    /// Array elements blanked out, to map the scenario's indices back to the file's.
    pub removed: Removed,
}

/// Array elements blanked out of the text, by their index in the file: the scenario
/// deserialised afterwards lacks them, so its later elements sit at lower indices.
#[derive(Clone, Debug, Default)]
pub struct Removed(Vec<FieldPath>);

impl Removed {
    /// `path` (with indices of the blanked document) with the file's indices.
    pub fn original(&self, path: &FieldPath) -> FieldPath {
        let mut out = FieldPath::root();
        for seg in &path.0 {
            match seg {
                Seg::Index(j) => {
                    let mut gone: Vec<usize> = self
                        .0
                        .iter()
                        .filter_map(|r| match r.0.split_last() {
                            Some((Seg::Index(i), parent)) if parent == out.0.as_slice() => Some(*i),
                            _ => None,
                        })
                        .collect();
                    gone.sort_unstable();
                    let mut i = *j;
                    for g in gone {
                        if g <= i {
                            i += 1;
                        }
                    }
                    out = out.index(i);
                }
                Seg::Key(k) => out = out.key(k),
            }
        }
        out
    }

    fn record(&mut self, original: FieldPath) {
        if matches!(original.0.last(), Some(Seg::Index(_))) {
            self.0.push(original);
        }
    }
}

/// Whether `a` is `b` or one of the entries that hold it (`regions[0]` holds
/// `regions[0].autoscaling.max`); the document root holds everything but is not counted.
fn holds(a: &FieldPath, b: &FieldPath) -> bool {
    !a.0.is_empty() && b.0.starts_with(&a.0)
}

/// The field a serde "missing field `x`" message at `at` names, if it is one.
fn missing_field(at: &FieldPath, message: &str) -> Option<FieldPath> {
    let rest = message.strip_prefix("missing field `")?;
    let (name, _) = rest.split_once('`')?;
    Some(at.key(name))
}

/// Parses and deserialises `text`; see the module docs.
pub fn parse(text: &str) -> Parsed {
    let original = match Document::parse(text.to_string()) {
        Ok(d) => d,
        Err(e) => {
            let msg = e.message().split_whitespace().collect::<Vec<_>>().join(" ");
            return Parsed {
                scenario: None,
                problems: vec![(
                    // toml_edit gives no span for a recursion limit met in a dotted key: the
                    // file's start is still a place an editor can jump to.
                    e.span().or(Some(0..0)),
                    FieldError::new(FieldPath::root(), format!("TOML syntax: {msg}")),
                )],
                doc: None,
                removed: Removed::default(),
            };
        }
    };
    let mut work = text.as_bytes().to_vec();
    let mut problems: Vec<(Option<Range<usize>>, FieldError)> = Vec::new();
    let mut removed = Removed::default();
    let mut doc = original.clone();
    for _ in 0..MAX_ROUNDS {
        let de = toml_edit::de::Deserializer::from(doc.clone());
        match serde_path_to_error::deserialize::<_, Scenario>(de) {
            Ok(s) => {
                // A list where a table belongs deserialises (serde fills the fields in
                // order): said, not taken (`shape`).
                problems.extend(super::shape::lists_for_tables(&original, &s));
                return Parsed {
                    scenario: Some(s),
                    problems,
                    doc: Some(original),
                    removed,
                };
            }
            Err(e) => {
                let mut here = convert_path(e.path());
                let message = e.inner().message();
                let mut span = e.inner().span();
                let text = match super::hints::improve(&doc, &here, message) {
                    Some(hint) => {
                        if hint.at != here {
                            // The hint is about an entry holding the one serde named.
                            here = hint.at;
                            span = None;
                        }
                        hint.message
                    }
                    None => explain(message, &here),
                };
                let path = removed.original(&here);
                let echo = missing_field(&path, message)
                    .is_some_and(|f| problems.iter().any(|(_, p)| p.path == f));
                let entry = locate(&doc, &here);
                let span = span.or_else(|| entry.as_ref().map(|(k, _)| k.clone()));
                if !echo {
                    problems.push((span, FieldError::new(path.clone(), text)));
                }
                removed.record(path);
                let Some((_, ranges)) = entry else { break };
                for r in ranges {
                    blank(&mut work, r);
                }
                let Ok(next) = String::from_utf8(work.clone())
                    .map_err(|_| ())
                    .and_then(|t| Document::parse(t).map_err(|_| ()))
                else {
                    break;
                };
                doc = next;
            }
        }
    }
    Parsed {
        scenario: None,
        problems,
        doc: Some(original),
        removed,
    }
}

/// Parses `text` read from `source`, runs the checks of `validate`, and returns the
/// scenario or every problem located in the file.
pub fn load_str(
    text: &str,
    source: &Path,
    validate: impl FnOnce(&Scenario) -> Vec<FieldError>,
) -> Result<Scenario, ScenarioError> {
    load_str_with_warnings(text, source, |s| (validate(s), Vec::new())).map(|(s, _)| s)
}

/// [`load_str`] whose checks also return warnings (legal but surely unintended input):
/// on success, the scenario and its warnings, located like errors.
pub fn load_str_with_warnings(
    text: &str,
    source: &Path,
    validate: impl FnOnce(&Scenario) -> (Vec<FieldError>, Vec<FieldError>),
) -> Result<(Scenario, Vec<Located>), ScenarioError> {
    let parsed = parse(text);
    let mut located: Vec<Located> = parsed
        .problems
        .into_iter()
        .map(|(span, error)| Located {
            line_col: span.map(|s| line_col(text, s.start)),
            error,
        })
        .collect();
    let place = |error: FieldError| {
        let span = parsed
            .doc
            .as_ref()
            .and_then(|d| locate_nearest(d, &error.path));
        Located {
            line_col: span.map(|s| line_col(text, s.start)),
            error,
        }
    };
    let mut warnings = Vec::new();
    if let Some(s) = &parsed.scenario {
        let (errors, warned) = validate(s);
        let rejected: Vec<&FieldPath> = located.iter().map(|l| &l.error.path).collect();
        let fix = |e: FieldError| FieldError::new(parsed.removed.original(&e.path), e.message);
        // A check of an entry whose field was rejected sees a default in its place.
        let echo = |e: &FieldError| rejected.iter().any(|r| holds(&e.path, r));
        let errors: Vec<FieldError> = errors.into_iter().map(fix).filter(|e| !echo(e)).collect();
        let warned: Vec<FieldError> = warned.into_iter().map(fix).filter(|e| !echo(e)).collect();
        located.extend(errors.into_iter().map(place));
        warnings.extend(warned.into_iter().map(place));
    }
    located.sort_by_key(|l| l.line_col.unwrap_or((usize::MAX, 0)));
    warnings.sort_by_key(|l| l.line_col.unwrap_or((usize::MAX, 0)));
    match (parsed.scenario, located.is_empty()) {
        (Some(s), true) => Ok((s, warnings)),
        _ => Err(ScenarioError {
            source: source.to_path_buf(),
            problems: located,
        }),
    }
}

pub(super) fn convert_path(p: &serde_path_to_error::Path) -> FieldPath {
    use serde_path_to_error::Segment;
    FieldPath(
        p.iter()
            .filter_map(|s| match s {
                Segment::Seq { index } => Some(Seg::Index(*index)),
                Segment::Map { key } => Some(Seg::Key(key.clone())),
                Segment::Enum { variant } => Some(Seg::Key(variant.clone())),
                Segment::Unknown => None,
            })
            .collect(),
    )
}

/// Makes serde's messages read as advice: unknown names get a suggestion.
fn explain(msg: &str, at: &FieldPath) -> String {
    let msg = msg.trim();
    for kind in ["field", "variant"] {
        let prefix = format!("unknown {kind} `");
        if let Some(rest) = msg.strip_prefix(&prefix) {
            let (word, tail) = rest.split_once('`').unwrap_or((rest, ""));
            let allowed: Vec<&str> = tail.split('`').skip(1).step_by(2).collect();
            let what = if kind == "field" { "field" } else { "value" };
            let mut out = format!("unknown {what} `{word}`");
            if let Some(s) = did_you_mean(word, allowed.iter().copied()) {
                out += &format!(": did you mean `{s}`?");
            }
            if allowed.is_empty() {
                out += " (no fields are allowed here)";
            } else {
                out += &format!(" (allowed: {})", allowed.join(", "));
            }
            return out;
        }
    }
    let msg = msg.replace("invalid type: ", "wrong type: ");
    match fix_for(&msg, at) {
        Some(fix) => format!("{msg}: {fix}"),
        None => msg,
    }
}

/// What to write instead, for serde's messages that name only a Rust type.
fn fix_for(msg: &str, at: &FieldPath) -> Option<String> {
    if let Some(rest) = msg.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or(rest);
        if name == "dist" {
            // Only a distribution has a `dist`: say which ones there are.
            let names: Vec<String> = super::dist::FORMS
                .iter()
                .map(|f| format!("\"{}\"", f.0))
                .collect();
            return Some(format!(
                "add `dist = …` to this entry, one of {}",
                names.join(", ")
            ));
        }
        return Some(format!("add `{name} = …` to this entry"));
    }
    // An enum given a value no probe could replace (a `[section]`, see `hints`).
    if msg.starts_with("wanted string or table") || msg.starts_with("wanted exactly 1 element") {
        return Some("write one of the allowed names in quotes, e.g. \"…\"".into());
    }
    let expected = msg.rsplit_once(", expected ")?.1;
    // A count with a range of its own says that range, not its type's ("instances = -3":
    // "from 0 to 4294967295" named 0, which is refused, and a maximum no region runs).
    let own = match at.0.last() {
        Some(super::error::Seg::Key(k)) => match k.as_str() {
            "instances" => Some((1, u64::from(super::MAX_INSTANCES))),
            "zones" => Some((1, u64::from(super::types::defaults::MAX_ZONES))),
            "retries" => Some((0, u64::from(super::validate::MAX_RETRIES))),
            _ => None,
        },
        _ => None,
    };
    if let (Some((lo, hi)), "u16" | "u32" | "u64") = (own, expected) {
        return Some(format!("write a whole number from {lo} to {hi}"));
    }
    let whole = |max: u64| format!("write a whole number from 0 to {max}");
    Some(match expected {
        "u16" => whole(u64::from(u16::MAX)),
        "u32" => whole(u64::from(u32::MAX)),
        "u64" | "usize" => whole(u64::MAX),
        "f64" | "f32" => "write a number, e.g. 0.5".into(),
        "a boolean" => "write true or false".into(),
        "a string" => "write it in quotes, e.g. \"aws:us-east-1\"".into(),
        "a sequence" => "write a list in brackets, e.g. [\"a\", \"b\"]".into(),
        e if e.starts_with("struct ") || e == "a map" => {
            "write a table: a [section] or { key = value, … }".into()
        }
        _ => return None,
    })
}

/// A place in the TOML document, whatever its syntax.
#[derive(Clone, Copy)]
pub(super) enum Node<'a> {
    Table(&'a toml_edit::Table),
    Inline(&'a toml_edit::InlineTable),
    Array(&'a toml_edit::Array),
    Tables(&'a toml_edit::ArrayOfTables),
    Scalar(&'a Value),
}

impl<'a> Node<'a> {
    fn of_item(item: &'a Item) -> Option<Node<'a>> {
        match item {
            Item::Table(t) => Some(Node::Table(t)),
            Item::ArrayOfTables(a) => Some(Node::Tables(a)),
            Item::Value(v) => Some(Node::of_value(v)),
            Item::None => None,
        }
    }
    fn of_value(v: &'a Value) -> Node<'a> {
        match v {
            Value::InlineTable(t) => Node::Inline(t),
            Value::Array(a) => Node::Array(a),
            other => Node::Scalar(other),
        }
    }
    fn span(self) -> Option<Range<usize>> {
        match self {
            Node::Table(t) => t.span(),
            Node::Inline(t) => t.span(),
            Node::Array(a) => a.span(),
            Node::Tables(a) => a.span(),
            Node::Scalar(v) => v.span(),
        }
    }
    /// The child at one step of a path, with the span of its key if it has one.
    pub(super) fn child(self, seg: &Seg) -> Option<(Option<Range<usize>>, Node<'a>)> {
        match (seg, self) {
            (Seg::Key(k), Node::Table(t)) => {
                let (key, item) = t.get_key_value(k)?;
                Some((key.span(), Node::of_item(item)?))
            }
            (Seg::Key(k), Node::Inline(t)) => {
                let (key, item) = t.get_key_value(k)?;
                Some((key.span(), Node::of_item(item)?))
            }
            (Seg::Index(i), Node::Tables(a)) => Some((None, Node::Table(a.get(*i)?))),
            (Seg::Index(i), Node::Array(a)) => Some((None, Node::of_value(a.get(*i)?))),
            _ => None,
        }
    }
    /// Every byte range that makes up this entry (a table's header and all its children).
    fn ranges(self, key: Option<Range<usize>>, out: &mut Vec<Range<usize>>) {
        match self {
            Node::Table(t) => {
                out.extend(t.span());
                out.extend(key);
                for (k, _) in t.iter() {
                    if let Some((ks, child)) = self.child(&Seg::Key(k.to_string())) {
                        child.ranges(ks, out);
                    }
                }
            }
            Node::Tables(a) => {
                for t in a.iter() {
                    Node::Table(t).ranges(None, out);
                }
            }
            other => {
                let Some(v) = other.span() else { return };
                let start = key.map_or(v.start, |k| k.start.min(v.start));
                out.push(start..v.end);
            }
        }
    }
}

/// The entry at `path`: the span of its key (or of its value) and the ranges that make it
/// up. `None` if the path does not exist in the document or names the whole document.
fn locate(doc: &Document<String>, path: &FieldPath) -> Option<(Range<usize>, Vec<Range<usize>>)> {
    if path.0.is_empty() {
        return None;
    }
    let mut node = Node::Table(doc.as_table());
    let mut key = None;
    for seg in &path.0 {
        let (k, n) = node.child(seg)?;
        key = k;
        node = n;
    }
    let mut ranges = Vec::new();
    node.ranges(key.clone(), &mut ranges);
    let anchor = key
        .or_else(|| node.span())
        .or_else(|| ranges.first().cloned())?;
    Some((anchor, ranges))
}

/// The span of the deepest existing entry along `path` (a missing field points at its table).
fn locate_nearest(doc: &Document<String>, path: &FieldPath) -> Option<Range<usize>> {
    let mut node = Node::Table(doc.as_table());
    let mut best = None;
    for seg in &path.0 {
        let Some((k, n)) = node.child(seg) else { break };
        best = n.span().or(k).or(best);
        node = n;
    }
    best
}

/// Overwrites a byte range with spaces, keeping line breaks (so positions do not move).
fn blank(text: &mut [u8], r: Range<usize>) {
    let end = r.end.min(text.len());
    for b in &mut text[r.start.min(end)..end] {
        if *b != b'\n' && *b != b'\r' {
            *b = b' ';
        }
    }
}

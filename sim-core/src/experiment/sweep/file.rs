//! Reading a sweep file: its keys, the base scenario, and the entries of `[set]`, `[axes]`
//! and `[[zip]]`, each problem located at its line. See [`super::plan`] for what a plan
//! does with them.

use super::path;
use super::plan::Axis;
use super::SweepError;
use crate::experiment::load::{load_text, DEFAULT_SCENARIO};
use crate::scenario::error::{did_you_mean, line_col, FieldError, FieldPath, Located, Seg};
use crate::scenario::ScenarioError;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml_edit::{Document, DocumentMut, Item, TableLike, Value};

/// Top-level keys of a sweep file.
const KEYS: [&str; 6] = ["base", "seed", "replications", "set", "axes", "zip"];

/// What a sweep file says, checked but not yet expanded.
pub(super) struct SweepFile {
    pub base_source: PathBuf,
    pub base_text: String,
    pub base_doc: DocumentMut,
    pub seed: u64,
    pub replications: u64,
    /// `[set]` entries first, then the axes of every dimension in file order.
    pub axes: Vec<Axis>,
    /// For each dimension, the indices into `axes` of its paths.
    pub dims: Vec<Vec<usize>>,
}

/// Parses sweep `text` read from `source` and loads its base scenario.
///
/// Stages: TOML syntax; unknown keys; the base scenario ([`read_base`], loaded and
/// checked); `seed` and `replications`; the axes of `[set]`, `[axes]` and `[[zip]]` in
/// dimension order ([`gather_axes`]); each path at most once ([`duplicate_paths`]). A
/// base that cannot be read stops at once; every other problem is collected.
pub(super) fn parse(text: &str, source: &Path) -> Result<SweepFile, SweepError> {
    let mut p = Problems {
        text,
        list: Vec::new(),
    };
    let doc = match Document::parse(text.to_string()) {
        Ok(d) => d,
        Err(e) => {
            let msg = e.message().split_whitespace().collect::<Vec<_>>().join(" ");
            p.at(
                e.span().or(Some(0..0)),
                FieldPath::root(),
                format!("TOML syntax: {msg}"),
            );
            return Err(sweep_error(source, p.list));
        }
    };
    let root = doc.as_table();
    unknown_keys(&mut p, root);
    let Some((base_text, base_source)) = read_base(&mut p, root, source) else {
        return Err(sweep_error(source, p.list));
    };
    let (base, _) = load_text(&base_text, &base_source).map_err(SweepError::Base)?;
    // The loader parsed this text already, so it is valid TOML.
    let base_doc: DocumentMut = base_text.parse().map_err(|e: toml_edit::TomlError| {
        SweepError::Base(ScenarioError {
            source: base_source.clone(),
            problems: vec![Located {
                line_col: None,
                error: FieldError::new(FieldPath::root(), e.to_string()),
            }],
        })
    })?;
    let seed = whole(&mut p, root, "seed", 0, "a whole number ≥ 0").unwrap_or(base.seed);
    let replications = whole(&mut p, root, "replications", 1, "a whole number ≥ 1").unwrap_or(1);
    let (axes, dims) = gather_axes(&mut p, root);
    duplicate_paths(&mut p, &axes);
    if !p.list.is_empty() {
        return Err(sweep_error(source, p.list));
    }
    Ok(SweepFile {
        base_source,
        base_text,
        base_doc,
        seed,
        replications,
        axes,
        dims,
    })
}

/// The error of a sweep file with `problems`, in file order.
fn sweep_error(source: &Path, mut problems: Vec<Located>) -> SweepError {
    problems.sort_by_key(|l| l.line_col.unwrap_or((usize::MAX, 0)));
    SweepError::Sweep(ScenarioError {
        source: source.to_path_buf(),
        problems,
    })
}

/// Where key `k` of `root` is written.
fn span_of(root: &toml_edit::Table, k: &str) -> Option<Range<usize>> {
    root.get_key_value(k).and_then(|(k, _)| k.span())
}

/// Top-level keys the sweep file does not know, each with a suggestion if one is close.
fn unknown_keys(p: &mut Problems<'_>, root: &toml_edit::Table) {
    for (k, _) in root.iter() {
        if !KEYS.contains(&k) {
            let mut msg = format!("unknown field `{k}`");
            if let Some(s) = did_you_mean(k, KEYS) {
                msg += &format!(": did you mean `{s}`?");
            }
            msg += &format!(" (allowed: {})", KEYS.join(", "));
            p.at(span_of(root, k), key(k), msg);
        }
    }
}

/// The base scenario's text and where it came from (the embedded default without
/// `base`); `None`, with the problem noted, when `base` is not a readable path.
fn read_base(
    p: &mut Problems<'_>,
    root: &toml_edit::Table,
    source: &Path,
) -> Option<(String, PathBuf)> {
    let Some(item) = root.get("base") else {
        return Some((
            DEFAULT_SCENARIO.to_string(),
            PathBuf::from("<embedded default scenario>"),
        ));
    };
    let at = item.span().or(span_of(root, "base"));
    let Some(rel) = item.as_str() else {
        p.at(
            at,
            key("base"),
            "must be a path (a string), relative to the sweep file",
        );
        return None;
    };
    let bp = source.parent().unwrap_or(Path::new("")).join(rel);
    match crate::input::read_text(&bp) {
        Ok(t) => Some((t, bp)),
        Err(e) => {
            p.at(
                at,
                key("base"),
                format!("cannot read `{}`: {e}", bp.display()),
            );
            None
        }
    }
}

/// Top-level whole number `name` (≥ `min`), if present and valid; else noted.
fn whole(
    p: &mut Problems<'_>,
    root: &toml_edit::Table,
    name: &str,
    min: i64,
    what: &str,
) -> Option<u64> {
    let item = root.get(name)?;
    match item.as_integer() {
        Some(v) if v >= min => Some(v as u64),
        _ => {
            p.at(
                item.span().or(span_of(root, name)),
                key(name),
                format!("must be {what}"),
            );
            None
        }
    }
}

/// The axes of `[set]` (no dimension), then of each dimension (an `[axes]` entry or a
/// `[[zip]]` group) in file order; and per dimension the indices of its axes.
fn gather_axes(p: &mut Problems<'_>, root: &toml_edit::Table) -> (Vec<Axis>, Vec<Vec<usize>>) {
    // `[set]`, `[axes]` and `[[zip]]`: (position in the file, axes) per dimension.
    let constants: Vec<Axis> = entries(p, root, "set", false)
        .into_iter()
        .map(|(_, a)| a)
        .collect();
    let mut dims: Vec<(usize, Vec<Axis>)> = entries(p, root, "axes", true)
        .into_iter()
        .map(|(pos, a)| (pos, vec![a]))
        .collect();
    dims.extend(zip_groups(p, root));
    dims.sort_by_key(|(pos, _)| *pos);

    let mut axes = constants;
    let mut dim_axes = Vec::new();
    for (d, (_, group)) in dims.into_iter().enumerate() {
        let mut ids = Vec::new();
        for mut a in group {
            a.dim = Some(d);
            ids.push(axes.len());
            axes.push(a);
        }
        dim_axes.push(ids);
    }
    (axes, dim_axes)
}

/// Each path at most once: a later axis on a path already set is a problem.
fn duplicate_paths(p: &mut Problems<'_>, axes: &[Axis]) {
    for (i, a) in axes.iter().enumerate() {
        if let Some(b) = axes[..i].iter().find(|b| b.path == a.path) {
            let first = b
                .key_at
                .map_or(String::new(), |(l, _)| format!(" (line {l})"));
            p.list.push(Located {
                line_col: a.key_at,
                error: FieldError::new(
                    a.place.clone(),
                    format!("`{}` is already set by {}{first}", a.name, b.place),
                ),
            });
        }
    }
}

/// Collects located problems of the sweep file.
struct Problems<'t> {
    text: &'t str,
    list: Vec<Located>,
}

impl Problems<'_> {
    fn at(&mut self, span: Option<Range<usize>>, path: FieldPath, msg: impl Into<String>) {
        self.list.push(Located {
            line_col: span.map(|s| line_col(self.text, s.start)),
            error: FieldError::new(path, msg),
        });
    }
}

fn key(k: &str) -> FieldPath {
    FieldPath::root().key(k)
}

/// A key of `[axes]`, `[set]` or `[[zip]]` as shown in messages: quoted when needed, and
/// cut after 60 characters (a key may be thousands long; its line locates it).
fn quoted(k: &str) -> String {
    const SHOWN: usize = 60;
    if k.chars().count() > SHOWN {
        let head: String = k.chars().take(SHOWN).collect();
        return format!("\"{}…\"", head.replace('"', "\\\""));
    }
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_string()
    } else {
        format!("\"{}\"", k.replace('"', "\\\""))
    }
}

/// The text of a value in a CSV cell: strings as they are, anything else as TOML.
fn label(v: &Value) -> String {
    match v {
        Value::String(s) => s.value().clone(),
        other => {
            let mut v = other.clone();
            v.decor_mut().clear();
            v.to_string().trim().to_string()
        }
    }
}

/// The entries of table `name` (`set` or `axes`), each with its position in the file.
fn entries(
    p: &mut Problems<'_>,
    root: &toml_edit::Table,
    name: &str,
    list: bool,
) -> Vec<(usize, Axis)> {
    let Some((k, item)) = root.get_key_value(name) else {
        return Vec::new();
    };
    let Some(t) = item.as_table_like() else {
        let what = if list {
            "path = [values]"
        } else {
            "path = value"
        };
        p.at(
            item.span().or(k.span()),
            key(name),
            format!("must be a table of {what}"),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (k, v) in t.iter() {
        let kspan = t.get_key_value(k).and_then(|(k, _)| k.span());
        let pos = kspan.clone().map_or(usize::MAX, |s| s.start);
        let place = key(name).key(&quoted(k));
        if let Some(a) = entry(p, k, kspan, place, v, list) {
            out.push((pos, a));
        }
    }
    out
}

/// The `[[zip]]` groups (or an inline `zip = [{ … }]`), each with its position in the file.
fn zip_groups(p: &mut Problems<'_>, root: &toml_edit::Table) -> Vec<(usize, Vec<Axis>)> {
    let Some((k, item)) = root.get_key_value("zip") else {
        return Vec::new();
    };
    type Group<'a> = (Option<Range<usize>>, &'a dyn TableLike);
    let groups: Option<Vec<Group<'_>>> = match item {
        Item::ArrayOfTables(a) => Some(a.iter().map(|t| (t.span(), t as &dyn TableLike)).collect()),
        Item::Value(Value::Array(a)) => a
            .iter()
            .map(|v| v.as_inline_table().map(|t| (t.span(), t as &dyn TableLike)))
            .collect(),
        _ => None,
    };
    let Some(groups) = groups else {
        p.at(
            item.span().or(k.span()),
            key("zip"),
            "must be groups of lists that advance together: `[[zip]]` tables of path = [values]",
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for (g, (gspan, t)) in groups.into_iter().enumerate() {
        let gpath = key("zip").index(g);
        if t.is_empty() {
            p.at(gspan, gpath, "an empty group: give it lists of values");
            continue;
        }
        let mut axes = Vec::new();
        let mut first = None;
        for (k, v) in t.iter() {
            let kspan = t.get_key_value(k).and_then(|(k, _)| k.span());
            first = first.or(kspan.clone());
            if let Some(a) = entry(p, k, kspan, gpath.key(&quoted(k)), v, true) {
                axes.push(a);
            }
        }
        let Some(head) = axes.first() else { continue };
        let n = head.values.len();
        if let Some(odd) = axes.iter().find(|a| a.values.len() != n) {
            let message = format!(
                "the lists of a zip group advance together and must have the same length: `{}` has {} value(s), `{}` has {}",
                head.name,
                n,
                odd.name,
                odd.values.len()
            );
            p.list.push(Located {
                line_col: odd.key_at,
                error: FieldError::new(odd.place.clone(), message),
            });
            continue;
        }
        out.push((first.or(gspan).map_or(usize::MAX, |s| s.start), axes));
    }
    out
}

/// One entry of `[set]`, `[axes]` or a `[[zip]]` group: a path and its value(s).
fn entry(
    p: &mut Problems<'_>,
    name: &str,
    kspan: Option<Range<usize>>,
    place: FieldPath,
    item: &Item,
    list: bool,
) -> Option<Axis> {
    let key_at = kspan.clone().map(|s| line_col(p.text, s.start));
    let path = match path::parse(name) {
        Ok(path) => path,
        Err(msg) => {
            p.at(kspan, place, msg);
            return None;
        }
    };
    if path.0 == [Seg::Key("seed".into())] {
        p.at(
            kspan,
            place,
            "the seed of each run comes from the sweep's `seed` and the replication number (common random numbers): set `seed` at the top of the sweep file instead",
        );
        return None;
    }
    let Some(value) = item.as_value() else {
        // `routing.dns_ttl = [...]` unquoted is a dotted key: TOML makes `routing` a table.
        let message = match item.as_table_like().and_then(|t| first_leaf(name, t)) {
            Some(leaf) => format!(
                "TOML reads the unquoted `{leaf}` as tables, not as one path: quote the path, `\"{leaf}\" = …` (a table as one value is written inline: `{{ a = 1 }}`)"
            ),
            None => "must be a value (write tables inline: `{ a = 1 }`)".to_string(),
        };
        p.at(kspan, place, message);
        return None;
    };
    let values: Vec<&Value> = if list {
        match value.as_array() {
            Some(a) if !a.is_empty() => a.iter().collect(),
            Some(_) => {
                p.at(
                    value.span().or(kspan),
                    place,
                    "an empty list: give at least one value",
                );
                return None;
            }
            None => {
                p.at(
                    value.span().or(kspan),
                    place,
                    "must be a list of values, e.g. [\"10s\", \"60s\"] (a single value belongs in [set])",
                );
                return None;
            }
        }
    } else {
        vec![value]
    };
    Some(Axis {
        name: name.to_string(),
        path,
        labels: values.iter().map(|v| label(v)).collect(),
        value_at: values
            .iter()
            .map(|v| v.span().map(|s| line_col(p.text, s.start)))
            .collect(),
        values: values
            .into_iter()
            .map(|v| {
                let mut v = v.clone();
                v.decor_mut().clear();
                v
            })
            .collect(),
        dim: None,
        place,
        key_at,
    })
}

/// The dotted path from `name` down the first entries of `t` to its first value:
/// `routing.dns_ttl` for `routing.dns_ttl = [..]` written unquoted.
fn first_leaf(name: &str, t: &dyn TableLike) -> Option<String> {
    let (k, item) = t.iter().next()?;
    let path = format!("{name}.{k}");
    match item.as_table_like() {
        Some(inner) if !item.is_value() => first_leaf(&path, inner),
        _ => Some(path),
    }
}

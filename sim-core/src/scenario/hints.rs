//! Messages for the serde errors that name a Rust type, or nothing, instead of what to
//! write: a name (an enum such as `layout`) given a number or a list (`wanted string or
//! table`), a distribution given a bare duration (`expected internally tagged enum Dist`),
//! a table given a list (`residency = ["EU"]`, which serde reads position by position
//! and rejects at `residency[0]`, asking for yet another list), and a list given one
//! value or one `[section]` (`[failures]` for `[[failures]]`), where serde's "expected a
//! sequence" cannot tell a list of tables from a list of names.
//!
//! Why probes: serde's message for an enum given the wrong kind of value does not carry
//! the enum's variants, and nothing else at hand knows the type at a path. Putting a value
//! that cannot be right (the string `"?"`, an inline table with a key `?`) in place of the
//! offending one, in a copy of the text, and deserialising again makes serde itself say
//! `unknown variant `?`, expected one of …` (or `unknown field`, with the table's fields)
//! at the same path. The lists so come from the types: every enum field, today's and
//! tomorrow's, gets its own, and none can go stale. A probe that does not fail at the
//! same path tells nothing, and the plain message stays.

use super::dist;
use super::error::{FieldPath, Seg};
use super::load::{convert_path, Node};
use super::types::Scenario;
use toml_edit::{Document, Item, Value};

/// A better message for an error, and the entry it is about (the path serde reported, or
/// an entry holding it).
pub struct Hint {
    pub at: FieldPath,
    pub message: String,
}

/// A clearer message for serde's `message` at `here` in `doc`, if one is known.
pub fn improve(doc: &Document<String>, here: &FieldPath, message: &str) -> Option<Hint> {
    if let Some(h) = doubled_brackets(doc, here, message) {
        return Some(h);
    }
    if let Some(h) = wrong_shape(doc, here, message) {
        return Some(h);
    }
    if message.contains("expected a sequence") {
        return not_a_list(doc, here);
    }
    if !(message.starts_with("wanted string or table") || message.starts_with("wanted exactly 1")) {
        return None;
    }
    let value = value_at(doc, here)?;
    let field = last_key(here);
    let names = listed(&probe(doc, here, "\"?\"")?, "unknown variant `")?;
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    let expected = match quoted.as_slice() {
        [one] => one.clone(),
        [a, b] => format!("{a} or {b}"),
        all => format!("one of {}", all.join(", ")),
    };
    // A list holding one allowed name was surely meant as that name.
    let meant = value
        .as_array()
        .filter(|a| a.len() == 1)
        .and_then(|a| a.get(0)?.as_str())
        .filter(|s| names.iter().any(|n| n == s));
    let fix = match meant {
        Some(s) => format!("write one name, not a list: {field} = \"{s}\""),
        None => format!("write the name in quotes, e.g. {field} = {}", quoted[0]),
    };
    Some(Hint {
        at: here.clone(),
        message: format!("expected {expected}; got {}: {fix}", describe(value)),
    })
}

/// `[[residency]]` where `[residency]` is meant: double brackets make a list of tables,
/// which serde reads as the struct's fields in order, failing at the first entry itself
/// (`residency[0]`: a table where the struct's first field is not one).
fn doubled_brackets(doc: &Document<String>, here: &FieldPath, message: &str) -> Option<Hint> {
    // What serde says when it reads a list of tables as one struct: about the first entry
    // (a table where the first field is not one; no variant for an enum field), or about
    // the list (its length against the struct's fields).
    let signs = [
        "type: map",
        "type: table",
        "wanted exactly 1 element",
        "expected struct",
    ];
    if !signs.iter().any(|s| message.contains(s)) {
        return None;
    }
    let path = match here.0.split_last()? {
        (Seg::Index(_), parent) => FieldPath(parent.to_vec()),
        _ => here.clone(),
    };
    let mut table = doc.as_table();
    let (last, keys) = path.0.split_last()?;
    for seg in keys {
        let Seg::Key(k) = seg else { return None };
        table = table.get(k)?.as_table()?;
    }
    let Seg::Key(name) = last else { return None };
    table.get(name)?.as_array_of_tables()?;
    Some(Hint {
        at: path.clone(),
        message: format!(
            "is one table, not a list of tables: write [{path}] with single brackets \
             ([[{path}]] starts a list)"
        ),
    })
}

/// A table (a struct) or a distribution given a value of another kind. A list is the
/// subtle case: serde reads its items as the struct's fields in order and fails inside
/// it (`residency[0]`), so the hint is about the list's own entry, found by a probe.
fn wrong_shape(doc: &Document<String>, here: &FieldPath, message: &str) -> Option<Hint> {
    let shape =
        |m: &str| m.contains("expected struct ") || m.contains("internally tagged enum Dist");
    let (at, what) = if shape(message) {
        (here.clone(), message.to_string())
    } else {
        let at = list_holding(doc, here)?;
        let probed = probe(doc, &at, "0")?;
        (at, probed)
    };
    if !shape(&what) {
        return None;
    }
    let value = value_at(doc, &at)?;
    let got = describe(value);
    let key = last_key(&at).to_string();
    if what.contains("internally tagged enum Dist") {
        // The duration written, alone or as the one item of a list, makes the example.
        let example = value
            .as_str()
            .or_else(|| value.as_array().filter(|a| a.len() == 1)?.get(0)?.as_str())
            .filter(|s| s.parse::<crate::engine::SimDuration>().is_ok())
            .unwrap_or("20ms");
        let fix = dist::how_to_write(&key, example.trim());
        return Some(Hint {
            at,
            message: format!("expected a distribution, got {got}: {fix}"),
        });
    }
    let fields = probe(doc, &at, "{ \"?\" = 0 }")
        .and_then(|m| listed(&m, "unknown field `"))
        .unwrap_or_default();
    // A list given to a table of one field was surely meant as that field.
    let example = match (fields.as_slice(), value.as_array()) {
        ([one], Some(_)) => format!("{one} = {}", value.display()),
        ([one], None) => format!("{one} = …"),
        _ => "some of those fields".to_string(),
    };
    let fix = if at.0.iter().all(|s| matches!(s, Seg::Key(_))) {
        format!("write a table: a [{at}] section with {example}")
    } else {
        format!("write a table: {key} = {{ {example} }}").replace(
            "{ some of those fields }",
            "{ … } with some of those fields",
        )
    };
    let fields = match fields.is_empty() {
        true => String::new(),
        false => format!(" (fields: {})", fields.join(", ")),
    };
    Some(Hint {
        at,
        message: format!("expected a table{fields}, got {got}: {fix}"),
    })
}

/// A list given one value. A list of tables (`[[failures]]`) is told from a list of
/// values by a probe (a table with a key `?` in the list makes serde name its fields); a
/// `[section]` where a list of tables belongs is the single brackets of `[[section]]`.
fn not_a_list(doc: &Document<String>, here: &FieldPath) -> Option<Hint> {
    let key = last_key(here).to_string();
    let top = here.0.iter().all(|s| matches!(s, Seg::Key(_)));
    let Some(value) = value_at(doc, here) else {
        // A `[section]`: is the list one of tables?
        let is_section = matches!(section_at(doc, here), Some(Node::Table(_)));
        return (is_section && top && tables_in(doc, here)).then(|| Hint {
            at: here.clone(),
            message: format!(
                "expected a list of tables, got one [{here}] table: write [[{here}]], with double brackets, once per entry"
            ),
        });
    };
    let got = describe(value);
    let fields = probe(doc, here, "[{ \"?\" = 0 }]").and_then(|m| listed(&m, "unknown field `"));
    let message = match fields {
        Some(f) if top => format!(
            "expected a list of tables (fields: {}), got {got}: write one [[{here}]] table per entry, or none for an empty list",
            f.join(", ")
        ),
        Some(f) => format!(
            "expected a list of tables (fields: {}), got {got}: write {key} = [{{ … }}, …]",
            f.join(", ")
        ),
        None => format!(
            "expected a list, got {got}: write it in brackets, e.g. {key} = [{}]",
            value.display()
        ),
    };
    Some(Hint {
        at: here.clone(),
        message,
    })
}

/// The node at `path`, whatever its kind.
fn section_at<'a>(doc: &'a Document<String>, path: &FieldPath) -> Option<Node<'a>> {
    let mut node = Node::Table(doc.as_table());
    for seg in &path.0 {
        node = node.child(seg)?.1;
    }
    Some(node)
}

/// Whether the `[section]` at `path` (top-level keys only) is accepted as `[[section]]`.
fn tables_in(doc: &Document<String>, path: &FieldPath) -> bool {
    let mut d = doc.clone().into_mut();
    let mut item = d.as_item_mut();
    for seg in &path.0 {
        let Seg::Key(k) = seg else { return false };
        let Some(next) = item.get_mut(k.as_str()) else {
            return false;
        };
        item = next;
    }
    let Item::Table(t) = std::mem::take(item) else {
        return false;
    };
    let mut tables = toml_edit::ArrayOfTables::new();
    tables.push(t);
    *item = Item::ArrayOfTables(tables);
    let Ok(probed) = Document::parse(d.to_string()) else {
        return false;
    };
    let de = toml_edit::de::Deserializer::from(probed);
    match serde_path_to_error::deserialize::<_, Scenario>(de) {
        Ok(_) => true,
        Err(e) => {
            let at = convert_path(e.path());
            !(at == *path && e.inner().message().contains("expected a sequence"))
        }
    }
}

/// The inline list on the way to `here` whose items serde took for something else (a
/// struct's fields, a distribution's tag): the first list followed by an index.
fn list_holding(doc: &Document<String>, here: &FieldPath) -> Option<FieldPath> {
    let mut node = Node::Table(doc.as_table());
    for (i, seg) in here.0.iter().enumerate() {
        node = node.child(seg)?.1;
        if let Node::Array(_) = node {
            return matches!(here.0.get(i + 1), Some(Seg::Index(_)))
                .then(|| FieldPath(here.0[..=i].to_vec()));
        }
    }
    None
}

/// The value written at `path`, if it is a value (not a `[section]`).
fn value_at<'a>(doc: &'a Document<String>, path: &FieldPath) -> Option<&'a Value> {
    let (last, parent) = path.0.split_last()?;
    let mut node = Node::Table(doc.as_table());
    for seg in parent {
        node = node.child(seg)?.1;
    }
    match (node, last) {
        (Node::Table(t), Seg::Key(k)) => t.get(k)?.as_value(),
        (Node::Inline(t), Seg::Key(k)) => t.get(k),
        (Node::Array(a), Seg::Index(i)) => a.get(*i),
        _ => None,
    }
}

/// The last key of a path (`kind` of `failures[0].kind`), for examples.
fn last_key(path: &FieldPath) -> &str {
    path.0
        .iter()
        .rev()
        .find_map(|s| match s {
            Seg::Key(k) => Some(k.as_str()),
            Seg::Index(_) => None,
        })
        .unwrap_or("value")
}

/// What the user wrote, for "got …": `an integer 3`, `a list ["latency"]`.
fn describe(v: &Value) -> String {
    let text = v.display();
    let text = if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<String>())
    } else {
        text
    };
    let kind = match v {
        Value::String(_) => "a string",
        Value::Integer(_) => "an integer",
        Value::Float(_) => "a number",
        Value::Boolean(_) => "a boolean",
        Value::Datetime(_) => "a date",
        Value::Array(_) => "a list",
        Value::InlineTable(_) => "a table",
    };
    format!("{kind} {text}")
}

/// The words in backquotes after `prefix` and the offending word, in serde's messages
/// `unknown variant `?`, expected one of `a`, `b`` and `unknown field `?`, expected …`.
fn listed(message: &str, prefix: &str) -> Option<Vec<String>> {
    let rest = message.strip_prefix(prefix)?;
    let (_, tail) = rest.split_once('`')?;
    let names: Vec<String> = tail
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    (!names.is_empty()).then_some(names)
}

/// serde's message when the value at `path` is replaced by `replacement` (TOML text), if
/// the first error is at that same path or inside the replacement.
fn probe(doc: &Document<String>, path: &FieldPath, replacement: &str) -> Option<String> {
    let span = value_at(doc, path)?.span()?;
    let raw = doc.raw();
    let text = format!(
        "{}{replacement}{}",
        raw.get(..span.start)?,
        raw.get(span.end..)?
    );
    let probed = Document::parse(text).ok()?;
    let de = toml_edit::de::Deserializer::from(probed);
    let err = serde_path_to_error::deserialize::<_, Scenario>(de).err()?;
    let at = convert_path(err.path());
    at.0.starts_with(&path.0)
        .then(|| err.inner().message().to_string())
}

/// The text of a value as written, without the spaces and comments around it.
trait Display {
    fn display(&self) -> String;
}

impl Display for Value {
    fn display(&self) -> String {
        let mut v = self.clone();
        v.decor_mut().clear();
        v.to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

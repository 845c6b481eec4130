//! Lists written where a table belongs.
//!
//! serde's derived `Deserialize` for a struct also accepts a sequence: its elements fill
//! the fields in declaration order. So `service_time = ["exponential", "3ms"]` loads as an
//! exponential of mean 3 ms, and `health_check = ["1s"]` sets the interval and leaves the
//! rest at their defaults — without a word, and a value in the wrong position would pass
//! unnoticed or mean something else. A scenario file is written by hand: a list where a
//! table belongs is always a mistake to point out.
//!
//! The check needs no table of which fields are structs: the scenario just read is
//! written back as TOML, where every struct is a table, and each list of the file is
//! compared with what stands at its place there.

use super::error::{FieldError, FieldPath};
use super::types::Scenario;
use std::ops::Range;
use toml_edit::{Document, Item, Value};

/// Every list of `file` (as parsed, with spans) whose place holds a table once `scenario`
/// (read from it) is written back: the field path, the list's span and the message.
pub fn lists_for_tables(
    file: &Document<String>,
    scenario: &Scenario,
) -> Vec<(Option<Range<usize>>, FieldError)> {
    let Ok(written) = toml_edit::ser::to_document(scenario) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    walk(
        file.as_item(),
        written.as_item(),
        &FieldPath::root(),
        &mut out,
    );
    out
}

/// The keys of `item` if it is a table (of either form).
fn table_keys(item: &Item) -> Option<Vec<String>> {
    match item {
        Item::Table(t) => Some(t.iter().map(|(k, _)| k.to_string()).collect()),
        Item::Value(Value::InlineTable(t)) => Some(t.iter().map(|(k, _)| k.to_string()).collect()),
        _ => None,
    }
}

fn walk(
    file: &Item,
    written: &Item,
    path: &FieldPath,
    out: &mut Vec<(Option<Range<usize>>, FieldError)>,
) {
    match file {
        Item::Table(t) => walk_table(t, written, path, out),
        Item::ArrayOfTables(a) => {
            for (i, t) in a.iter().enumerate() {
                if let Some(w) = index(written, i) {
                    walk_table(t, &w, &path.index(i), out);
                }
            }
        }
        Item::Value(v) => walk_value(v, written, path, out),
        Item::None => {}
    }
}

fn walk_table(
    file: &toml_edit::Table,
    written: &Item,
    path: &FieldPath,
    out: &mut Vec<(Option<Range<usize>>, FieldError)>,
) {
    for (k, v) in file.iter() {
        if let Some(w) = get(written, k) {
            walk(v, &w, &path.key(k), out);
        }
    }
}

fn walk_value(
    file: &Value,
    written: &Item,
    path: &FieldPath,
    out: &mut Vec<(Option<Range<usize>>, FieldError)>,
) {
    match file {
        Value::Array(a) => {
            if let Some(fields) = table_keys(written) {
                let example = fields
                    .iter()
                    .map(|f| format!("{f} = …"))
                    .collect::<Vec<_>>()
                    .join(", ");
                out.push((
                    a.span(),
                    FieldError::new(
                        path.clone(),
                        format!(
                            "is a table, not a list: name its fields, {{ {example} }} (a list \
                             fills them in order, so a value in the wrong place would pass \
                             unnoticed)"
                        ),
                    ),
                ));
                return;
            }
            for (i, v) in a.iter().enumerate() {
                if let Some(w) = index(written, i) {
                    walk_value(v, &w, &path.index(i), out);
                }
            }
        }
        Value::InlineTable(t) => {
            for (k, v) in t.iter() {
                if let Some(w) = get(written, k) {
                    walk_value(v, &w, &path.key(k), out);
                }
            }
        }
        _ => {}
    }
}

/// `written[key]` as an item, if it is a table holding `key`.
fn get(written: &Item, key: &str) -> Option<Item> {
    match written {
        Item::Table(t) => t.get(key).cloned(),
        Item::Value(Value::InlineTable(t)) => t.get(key).cloned().map(Item::Value),
        _ => None,
    }
}

/// `written[i]` as an item, if it is a list holding `i`.
fn index(written: &Item, i: usize) -> Option<Item> {
    match written {
        Item::ArrayOfTables(a) => a.get(i).cloned().map(Item::Table),
        Item::Value(Value::Array(a)) => a.get(i).cloned().map(Item::Value),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> Vec<String> {
        let doc = Document::parse(text.to_string()).unwrap();
        let de = toml_edit::de::Deserializer::from(doc.clone());
        let s: Scenario = serde::Deserialize::deserialize(de).unwrap();
        lists_for_tables(&doc, &s)
            .into_iter()
            .map(|(_, e)| e.to_string())
            .collect()
    }

    #[test]
    fn a_list_where_a_table_belongs_is_named_with_its_fields() {
        let p = problems(
            "[[regions]]\nid = \"aws:us-east-1\"\nservice_time = [\"exponential\", \"3ms\"]\n",
        );
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].starts_with("regions[0].service_time: is a table"),
            "{p:?}"
        );
        assert!(p[0].contains("dist = …, mean = …"), "{p:?}");
        let p = problems("[routing]\nhealth_check = [\"1s\"]\n");
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].starts_with("routing.health_check: is a table"),
            "{p:?}"
        );
    }

    #[test]
    fn lists_that_are_lists_pass() {
        let ok = "[[regions]]\nid = \"aws:us-east-1\"\n[[regions]]\nid = \"aws:eu-west-1\"\n\
                  [network]\nrtt_overrides = [{ a = \"aws:us-east-1\", b = \"aws:eu-west-1\", rtt = \"70ms\" }]\n\
                  [routing]\npriority = [\"aws:us-east-1\", \"aws:eu-west-1\"]\n\
                  [residency]\njurisdictions = [\"EU\"]\n\
                  [[failures]]\nkind = \"partition\"\nregions = [\"aws:us-east-1\", \"aws:eu-west-1\"]\n\
                  start = \"1m\"\nduration = \"1m\"\n";
        assert_eq!(problems(ok), Vec::<String>::new());
        let default = include_str!("../../../datasets/scenarios/default.toml");
        assert_eq!(problems(default), Vec::<String>::new());
    }
}

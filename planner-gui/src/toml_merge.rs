//! Saving into the user's own file: the scenario's new values written into the TOML
//! document it was read from, so that comments, order and layout survive.
//!
//! Serialising a [`Scenario`] afresh writes every field in the type's order and loses every
//! comment: a hand-written file of 62 comments came back with 2. Instead the new values are
//! merged into the original document ([`merge_into`]): a key that kept its value is not
//! touched (a `12000` stays `12000`, not `12000.0`), a changed value is replaced where it
//! stands with its comment, a key that no longer exists is removed, and a new key is added
//! — then dropped again if the scenario reads back the same without it (a default the file
//! never spelled out stays unspelled). Arrays of tables (`[[regions]]`, `[[failures]]`) are
//! merged entry by entry. The caller checks that the result loads back to the same
//! scenario, as for any save.

use toml_edit::{DocumentMut, Item, Table, Value};

/// The `original` document with the values of `fresh` (the scenario serialised anew), and
/// the dotted paths of the keys it had to add.
pub fn merge_into(original: &str, fresh: &str) -> Option<(DocumentMut, Vec<Vec<String>>)> {
    let mut doc: DocumentMut = original.parse().ok()?;
    let new: DocumentMut = fresh.parse().ok()?;
    let mut added = Vec::new();
    merge_table(
        doc.as_table_mut(),
        new.as_table(),
        &mut Vec::new(),
        &mut added,
    );
    Some((doc, added))
}

/// Removes the key at `path` (table keys and `[index]` steps) from `doc`.
pub fn remove_path(doc: &mut DocumentMut, path: &[String]) -> bool {
    let Some((last, parents)) = path.split_last() else {
        return false;
    };
    let mut t: &mut Table = doc.as_table_mut();
    let mut i = 0;
    while i < parents.len() {
        let key = &parents[i];
        let item = match t.get_mut(key) {
            Some(item) => item,
            None => return false,
        };
        match item {
            Item::Table(next) => {
                t = next;
                i += 1;
            }
            Item::ArrayOfTables(a) => {
                let Some(idx) = parents.get(i + 1).and_then(|s| s.parse::<usize>().ok()) else {
                    return false;
                };
                match a.get_mut(idx) {
                    Some(next) => t = next,
                    None => return false,
                }
                i += 2;
            }
            _ => return false,
        }
    }
    t.remove(last).is_some()
}

fn merge_table(
    orig: &mut Table,
    new: &Table,
    path: &mut Vec<String>,
    added: &mut Vec<Vec<String>>,
) {
    let gone: Vec<String> = orig
        .iter()
        .map(|(k, _)| k.to_string())
        .filter(|k| !new.contains_key(k))
        .collect();
    for k in gone {
        orig.remove(&k);
    }
    for (k, nv) in new.iter() {
        path.push(k.to_string());
        match (orig.get_mut(k), nv) {
            (Some(Item::Table(ot)), Item::Table(nt)) => merge_table(ot, nt, path, added),
            (Some(Item::ArrayOfTables(oa)), Item::ArrayOfTables(na)) => {
                let n = na.len();
                while oa.len() > n {
                    oa.remove(oa.len() - 1);
                }
                for (i, nt) in na.iter().enumerate() {
                    path.push(i.to_string());
                    match oa.get_mut(i) {
                        Some(ot) => merge_table(ot, nt, path, added),
                        None => oa.push(nt.clone()),
                    }
                    path.pop();
                }
            }
            (Some(Item::Value(ov)), Item::Value(nv)) => replace_value(ov, nv),
            // The file wrote it inline (`service_time = { … }`): keep it inline.
            (Some(Item::Value(ov)), Item::Table(nt)) => {
                replace_value(ov, &Value::InlineTable(nt.clone().into_inline_table()))
            }
            // The kind changed (an array of tables emptied into `[]`…): replaced, and
            // like an added key dropped again if the file reads the same without it.
            (Some(item), _) => {
                *item = nv.clone();
                added.push(path.clone());
            }
            (None, _) => {
                // A new sub-table goes in inline (`key = { … }`): a `[header]` added under
                // an existing table or array entry could land after a sibling header and
                // make the document invalid.
                let item = match nv {
                    Item::Table(t) if !path.is_empty() && path.len() > 1 => {
                        Item::Value(Value::InlineTable(t.clone().into_inline_table()))
                    }
                    other => other.clone(),
                };
                orig.insert(k, item);
                added.push(path.clone());
            }
        }
        path.pop();
    }
}

/// Replaces `old` by `new` where it stands, with its comment, unless they say the same.
fn replace_value(old: &mut Value, new: &Value) {
    if !same_value(old, new) {
        let decor = old.decor().clone();
        *old = new.clone();
        *old.decor_mut() = decor;
    }
}

/// Whether two values say the same (numbers by value: `12000` is `12000.0`).
fn same_value(a: &Value, b: &Value) -> bool {
    let num = |v: &Value| match v {
        Value::Integer(i) => Some(*i.value() as f64),
        Value::Float(f) => Some(*f.value()),
        _ => None,
    };
    if let (Some(x), Some(y)) = (num(a), num(b)) {
        return x == y;
    }
    // Durations by length: "60s" is "1m".
    if let (Value::String(x), Value::String(y)) = (a, b) {
        let d = |v: &str| v.parse::<sim_core::engine::SimDuration>().ok();
        if let (Some(x), Some(y)) = (d(x.value()), d(y.value())) {
            return x == y;
        }
    }
    let bare = |v: &Value| {
        let mut v = v.clone();
        v.decor_mut().clear();
        v.to_string()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    match (a, b) {
        (Value::InlineTable(x), Value::InlineTable(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, xv)| y.get(k).is_some_and(|yv| same_value(xv, yv)))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(p, q)| same_value(p, q))
        }
        _ => bare(a) == bare(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_values_keep_their_comments_and_unchanged_ones_their_spelling() {
        let original = "# top\nname = \"a\" # the name\n[workload]\n# rate\npeak_rps = 12000 # peak\nkeys = 5\n";
        let fresh = "name = \"b\"\n[workload]\npeak_rps = 12000.0\nkeys = 5\ndiurnal = true\n";
        let (doc, added) = merge_into(original, fresh).unwrap();
        let out = doc.to_string();
        assert!(
            out.contains("# top") && out.contains("# rate") && out.contains("# peak"),
            "{out}"
        );
        assert!(out.contains("name = \"b\" # the name"), "{out}");
        assert!(out.contains("peak_rps = 12000 # peak"), "{out}");
        assert_eq!(
            added,
            vec![vec!["workload".to_string(), "diurnal".to_string()]]
        );
    }

    #[test]
    fn arrays_of_tables_merge_by_entry_and_removed_keys_go() {
        let original =
            "[[regions]]\nid = \"x\" # first\n[[regions]]\nid = \"y\"\n[[regions]]\nid = \"z\"\n";
        let fresh = "[[regions]]\nid = \"x\"\n[[regions]]\nid = \"w\"\n";
        let (mut doc, _) = merge_into(original, fresh).unwrap();
        let out = doc.to_string();
        assert!(
            out.contains("id = \"x\" # first") && out.contains("id = \"w\""),
            "{out}"
        );
        assert!(!out.contains("\"z\""), "{out}");
        assert!(remove_path(
            &mut doc,
            &["regions".into(), "1".into(), "id".into()]
        ));
        assert!(!doc.to_string().contains("\"w\""));
    }
}

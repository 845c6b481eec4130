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
                merge_array(oa, na, path, added)
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

/// What names an entry of an array of tables: its `id` (regions) or `name` (areas,
/// dependencies), when it has one.
fn identity(t: &Table) -> Option<&str> {
    ["id", "name"]
        .iter()
        .find_map(|k| t.get(k).and_then(Item::as_str))
}

/// Merges an array of tables entry by entry. An entry is matched to the original entry of
/// the same `id`/`name` wherever it stood (removing the first region must not pour the
/// second region's values into the first one's table, comments and spelled-out defaults
/// included); entries without a name are matched by position. Unmatched new entries come
/// in as written afresh. The comments above the first entry introduce the whole section,
/// so they stay on whichever entry comes first.
fn merge_array(
    oa: &mut toml_edit::ArrayOfTables,
    na: &toml_edit::ArrayOfTables,
    path: &mut Vec<String>,
    added: &mut Vec<Vec<String>>,
) {
    let old: Vec<Table> = oa.iter().cloned().collect();
    let mut used = vec![false; old.len()];
    let section = old.first().map(|t| t.decor().clone());
    let mut out = toml_edit::ArrayOfTables::new();
    for (i, nt) in na.iter().enumerate() {
        let by_name = identity(nt)
            .and_then(|k| (0..old.len()).find(|&j| !used[j] && identity(&old[j]) == Some(k)));
        let by_position = || {
            (i < old.len() && !used[i] && identity(nt).is_none() && identity(&old[i]).is_none())
                .then_some(i)
        };
        path.push(i.to_string());
        let t = match by_name.or_else(by_position) {
            Some(j) => {
                used[j] = true;
                let mut t = old[j].clone();
                merge_table(&mut t, nt, path, added);
                t
            }
            None => nt.clone(),
        };
        path.pop();
        out.push(t);
    }
    // The section's comments stay on top; the entry that had them, if it moved down,
    // takes the decor of the entry that now leads.
    if let (Some(section), Some(first_new)) = (section, out.get(0).map(|t| t.decor().clone())) {
        if let Some(moved) = out.iter_mut().skip(1).find(|t| *t.decor() == section) {
            *moved.decor_mut() = first_new;
        }
        if let Some(first) = out.get_mut(0) {
            *first.decor_mut() = section;
        }
    }
    // The document prints tables by position: the entries take the slots the old ones
    // held, in their new order, and their own sub-tables follow them (no position of
    // their own); entries beyond the old count follow the last one.
    let mut slots: Vec<isize> = old.iter().filter_map(Table::position).collect();
    slots.sort_unstable();
    for (k, t) in out.iter_mut().enumerate() {
        t.set_position(slots.get(k).copied());
        follow_parent(t);
    }
    *oa = out;
}

/// Clears the positions of `t`'s sub-tables so that they print right after `t`.
fn follow_parent(t: &mut Table) {
    for (_, item) in t.iter_mut() {
        match item {
            Item::Table(sub) => {
                sub.set_position(None);
                follow_parent(sub);
            }
            Item::ArrayOfTables(a) => {
                for sub in a.iter_mut() {
                    sub.set_position(None);
                    follow_parent(sub);
                }
            }
            _ => {}
        }
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

    /// Found by hand under Xvfb: removing the first region gave the second region the
    /// first one's `queue_limit` line (positional merge).
    #[test]
    fn removing_the_first_named_entry_keeps_the_others_and_the_section_comment() {
        let original = "# the regions\n[[regions]]\nid = \"x\"\nqueue = 2000\n\n\
                        # y is the standby\n[[regions]]\nid = \"y\" # west\n\n\
                        [[regions]]\nid = \"z\"\n";
        let fresh = "[[regions]]\nid = \"y\"\nqueue = 1000\n[[regions]]\nid = \"z\"\n";
        let (doc, added) = merge_into(original, fresh).unwrap();
        let out = doc.to_string();
        let y = out.find("id = \"y\" # west").expect(&out);
        assert!(
            out.starts_with("# the regions\n[[regions]]\nid = \"y\""),
            "{out}"
        );
        assert!(!out.contains("\"x\"") && !out.contains("2000"), "{out}");
        // y's new key is added (and reported so a default can be dropped again).
        assert!(out[y..].contains("queue = 1000"), "{out}");
        assert_eq!(
            added,
            vec![vec!["regions".to_string(), "0".into(), "queue".into()]]
        );
        // Reordered: the entries travel with their comments.
        let fresh = "[[regions]]\nid = \"z\"\n[[regions]]\nid = \"y\"\n[[regions]]\nid = \"x\"\nqueue = 2000\n";
        let (doc, _) = merge_into(original, fresh).unwrap();
        let out = doc.to_string();
        assert!(
            out.starts_with("# the regions\n[[regions]]\nid = \"z\""),
            "{out}"
        );
        assert!(
            out.contains("# y is the standby\n[[regions]]\nid = \"y\" # west"),
            "{out}"
        );
        assert!(out.contains("id = \"x\"\nqueue = 2000"), "{out}");
    }

    #[test]
    fn an_added_entry_prints_with_its_array_not_after_the_next_section() {
        let original = "[[regions]]\nid = \"x\"\n[regions.autoscaling]\nmin = 1\n\n[routing]\npolicy = \"latency\"\n";
        let fresh = "[[regions]]\nid = \"x\"\n[regions.autoscaling]\nmin = 1\n[[regions]]\nid = \"w\"\n[routing]\npolicy = \"latency\"\n";
        let (doc, _) = merge_into(original, fresh).unwrap();
        let out = doc.to_string();
        let (x, auto, w, routing) = (
            out.find("\"x\"").expect(&out),
            out.find("min = 1").expect(&out),
            out.find("\"w\"").expect(&out),
            out.find("[routing]").expect(&out),
        );
        assert!(x < auto && auto < w && w < routing, "{out}");
        assert!(out.parse::<DocumentMut>().is_ok(), "{out}");
    }
}

//! Variants of a loaded scenario, to show what one option buys against the same scenario
//! without it — on the same seeds, so `compare --baseline` pairs them on common random
//! numbers.
//!
//! [`fixed_primary`]: follow-the-sun off (active-passive and sharded), i.e. the write
//! primary stays where the scenario puts it. `regionsim compare F --against-fixed-primary`
//! runs it as the baseline A and prints the paired differences of cost and latency.

use super::Loaded;
use crate::scenario::FieldError;

/// `l` with follow-the-sun off, named `<name> (fixed primary)`; `None` when `l` has no
/// follow-the-sun to turn off.
pub fn fixed_primary(l: &Loaded) -> Option<Result<Loaded, Vec<FieldError>>> {
    let s = &l.scenario;
    if s.active_passive.follow_the_sun.is_none() && s.sharded.follow_the_sun.is_none() {
        return None;
    }
    let mut fixed = s.clone();
    fixed.active_passive.follow_the_sun = None;
    fixed.sharded.follow_the_sun = None;
    fixed.name = format!("{} (fixed primary)", s.name);
    Some(
        crate::spec::validate(&fixed, &l.catalog).map(|spec| Loaded {
            scenario: fixed,
            catalog: l.catalog.clone(),
            spec,
            warnings: Vec::new(),
        }),
    )
}

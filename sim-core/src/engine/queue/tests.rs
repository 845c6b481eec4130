//! Every test runs on each store: the heap, the radix store, and the adaptive queue with
//! its real thresholds and with tiny ones (so that it converts back and forth).

use super::*;
use proptest::prelude::*;
use std::collections::BTreeMap;

/// The queues under test, named for failure messages.
fn queues<E>() -> Vec<(&'static str, EventQueue<E>)> {
    vec![
        ("heap", EventQueue::of_kind(QueueKind::Heap)),
        ("radix", EventQueue::of_kind(QueueKind::Radix)),
        // Buckets of 1 ns and of 64 ns: the test times span the ring, its edge and far
        // beyond it, so both parts are exercised (an entry stays in the part it went to).
        (
            "calendar 0",
            EventQueue::of_kind(QueueKind::Calendar {
                width_bits: 0,
                ring_bits: 6,
            }),
        ),
        // Two buckets of 2^63 ns, and a ring below the minimum (clamped to 64 buckets).
        (
            "calendar 63",
            EventQueue::of_kind(QueueKind::Calendar {
                width_bits: 63,
                ring_bits: 0,
            }),
        ),
        (
            "calendar 6",
            EventQueue::of_kind(QueueKind::Calendar {
                width_bits: 6,
                ring_bits: 8,
            }),
        ),
        ("adaptive", EventQueue::new()),
        ("adaptive 8/4", EventQueue::adaptive_at(8, 4)),
    ]
}

#[test]
fn same_time_events_leave_in_insertion_order() {
    for (name, mut q) in queues() {
        let t = SimTime::from_nanos(5);
        for i in 0..100 {
            q.push(t, i);
        }
        q.push(SimTime::from_nanos(1), -1);
        assert_eq!(q.pop(), Some((SimTime::from_nanos(1), -1)), "{name}");
        for i in 0..100 {
            assert_eq!(q.pop(), Some((t, i)), "{name}");
        }
        assert_eq!(q.pop(), None, "{name}");
    }
}

#[test]
fn cancelled_events_never_fire_and_late_cancel_is_harmless() {
    for (name, mut q) in queues() {
        let a = q.push_cancellable(SimTime::from_nanos(10), 'a');
        let b = q.push_cancellable(SimTime::from_nanos(20), 'b');
        q.push(SimTime::from_nanos(15), 'x');
        assert!(q.cancel(a), "{name}");
        assert!(!q.cancel(a), "{name}: second cancel is a no-op");
        assert_eq!(q.len(), 2, "{name}");
        assert_eq!(q.peek_time(), Some(SimTime::from_nanos(15)), "{name}");
        assert_eq!(q.pop().map(|p| p.1), Some('x'), "{name}");
        assert_eq!(q.pop().map(|p| p.1), Some('b'), "{name}");
        assert!(
            !q.cancel(b),
            "{name}: cancelling a fired event reports false"
        );
        // The freed slot is reused without confusing the old handle.
        let c = q.push_cancellable(SimTime::from_nanos(30), 'c');
        assert!(!q.cancel(b), "{name}");
        assert_eq!(q.pop().map(|p| p.1), Some('c'), "{name}");
        assert!(!q.cancel(c), "{name}");
        assert!(q.is_empty(), "{name}");
    }
}

/// A deterministic spread of times with many ties (xorshift, no dependency).
fn times(n: usize, modulo: u64) -> Vec<u64> {
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % modulo
        })
        .collect()
}

#[test]
fn every_size_and_shape_pops_in_key_order() {
    // Sizes 0..=70 cover a last heap node with 1, 2, 3 and 4 children at depths 1 to 3,
    // and take the tiny adaptive queue through both conversions.
    for n in 0..=70 {
        for modulo in [1, 4, 1 << 40, u64::MAX] {
            for (name, mut q) in queues() {
                for (i, t) in times(n, modulo).into_iter().enumerate() {
                    q.push(SimTime::from_nanos(t), i);
                    q.assert_order();
                }
                let mut last: Option<(u64, usize)> = None;
                while let Some((t, i)) = q.pop() {
                    q.assert_order();
                    let key = (t.as_nanos(), i);
                    assert!(last < Some(key), "{name} n={n}: {last:?} then {key:?}");
                    last = Some(key);
                }
                assert!(q.is_empty(), "{name}");
            }
        }
    }
}

#[test]
fn pop_due_stops_at_the_horizon_and_skips_cancelled_entries() {
    for (name, mut q) in queues() {
        let a = q.push_cancellable(SimTime::from_nanos(5), 'a');
        q.push(SimTime::from_nanos(10), 'x');
        q.push(SimTime::from_nanos(20), 'y');
        assert!(q.cancel(a), "{name}");
        assert_eq!(q.pop_due(SimTime::from_nanos(4)), None, "{name}");
        assert_eq!(
            q.len(),
            2,
            "{name}: a pop that is not due removes nothing live"
        );
        assert_eq!(
            q.pop_due(SimTime::from_nanos(10)),
            Some((SimTime::from_nanos(10), 'x')),
            "{name}: the horizon is inclusive and the cancelled entry before it is skipped"
        );
        assert_eq!(q.pop_due(SimTime::from_nanos(19)), None, "{name}");
        assert_eq!(q.peek_time(), Some(SimTime::from_nanos(20)), "{name}");
        assert_eq!(
            q.pop_due(SimTime::MAX),
            Some((SimTime::from_nanos(20), 'y')),
            "{name}"
        );
        assert_eq!(q.pop_due(SimTime::MAX), None, "{name}");
        assert!(q.is_empty(), "{name}");
    }
}

#[test]
fn adaptive_queue_converts_both_ways_and_keeps_the_order() {
    let mut q = EventQueue::new();
    // Grow past the threshold at the current instant and later: ties across the
    // conversion must still leave in scheduling order.
    for i in 0..GROW_AT as u64 + 10 {
        q.push(SimTime::from_nanos(100 + i % 7), i);
    }
    assert!(q.is_radix(), "above GROW_AT the radix store holds the set");
    // A push at the instant of the last pop (before the earliest pending time) is legal.
    assert_eq!(q.pop(), Some((SimTime::from_nanos(100), 0)));
    q.push(SimTime::from_nanos(100), u64::MAX);
    assert_eq!(q.pop(), Some((SimTime::from_nanos(100), 7)));
    let mut popped = 2;
    while q.len() >= SHRINK_AT {
        q.pop().expect("pending");
        popped += 1;
    }
    assert!(
        !q.is_radix(),
        "below SHRINK_AT the heap holds the set again"
    );
    let mut last = (0, 0);
    while let Some((t, e)) = q.pop() {
        assert!(
            (t.as_nanos(), e) > last || e == u64::MAX,
            "{last:?} then {e}"
        );
        last = (t.as_nanos(), e);
        popped += 1;
    }
    assert_eq!(popped, GROW_AT + 11);
}

#[derive(Debug, Clone)]
enum Op {
    /// After the last popped time by this much.
    Push(u64, bool),
    /// Before the last popped time by this much (the queue allows it; the scheduler
    /// never does it).
    PushPast(u64),
    /// Take a sequence number now ([`EventQueue::reserve_seq`]) ...
    Reserve,
    /// ... and push under the oldest one taken, this far after now.
    PushReserved(u64),
    /// Push this far before the end of time (`u64::MAX`), or at now if that is later:
    /// the last buckets, where a bucket number can look like a sentinel.
    PushNearEnd(u64),
    Cancel(usize),
    PopDue(u64),
}

/// Pushes outnumber pops so that the set grows to a few hundred entries; delays mix
/// ties (0), near times, and far-future times that land in the top buckets.
fn op(past: bool) -> impl Strategy<Value = Op> {
    let delay = prop_oneof![
        2 => Just(0u64),
        6 => 0u64..64,
        3 => 0u64..1000,
        1 => (0u32..64).prop_map(|b| 1u64 << b),
        1 => (u64::MAX / 4)..(u64::MAX / 2),
    ];
    prop_oneof![
        6 => (delay, any::<bool>()).prop_map(|(d, c)| Op::Push(d, c)),
        u32::from(past) => (0u64..100).prop_map(Op::PushPast),
        1 => Just(Op::Reserve),
        1 => (0u64..100).prop_map(Op::PushReserved),
        1 => (0u64..130).prop_map(Op::PushNearEnd),
        2 => any::<usize>().prop_map(Op::Cancel),
        4 => prop_oneof![Just(u64::MAX), 0u64..200].prop_map(Op::PopDue),
    ]
}

/// Applies `ops` to `q` and to an ordered map keyed on (time, seq); they must agree on
/// every answer, and the store's invariant must hold after every operation.
fn check_against_shadow(
    name: &str,
    mut q: EventQueue<u64>,
    ops: &[Op],
) -> Result<(), TestCaseError> {
    let mut shadow: BTreeMap<(u64, u64), u64> = BTreeMap::new();
    let mut timers: Vec<(Timer, (u64, u64))> = Vec::new();
    let mut seq = 0u64;
    let mut now = 0u64;
    let mut reserved: std::collections::VecDeque<u64> = Default::default();
    for op in ops {
        let push = match *op {
            Op::Push(dt, cancellable) => Some((now.saturating_add(dt), cancellable)),
            Op::PushPast(dt) => Some((now.saturating_sub(dt), false)),
            Op::PushNearEnd(k) => Some(((u64::MAX - k).max(now), false)),
            _ => None,
        };
        match *op {
            _ if push.is_some() => {
                let (t, cancellable) = push.expect("checked");
                if cancellable {
                    timers.push((q.push_cancellable(SimTime::from_nanos(t), seq), (t, seq)));
                } else {
                    q.push(SimTime::from_nanos(t), seq);
                }
                shadow.insert((t, seq), seq);
                seq += 1;
            }
            Op::Reserve => {
                prop_assert_eq!(q.reserve_seq(), seq, "{}", name);
                reserved.push_back(seq);
                seq += 1;
            }
            Op::PushReserved(dt) if !reserved.is_empty() => {
                let s = reserved.pop_front().expect("checked");
                let t = now.saturating_add(dt);
                q.push_reserved(SimTime::from_nanos(t), s, s);
                shadow.insert((t, s), s);
            }
            Op::Cancel(i) if !timers.is_empty() => {
                let (timer, key) = timers.swap_remove(i % timers.len());
                let was_pending = shadow.remove(&key).is_some();
                prop_assert_eq!(q.cancel(timer), was_pending, "{}", name);
            }
            Op::PopDue(dt) => {
                let until = now.saturating_add(dt);
                let expect = match shadow.first_key_value() {
                    Some((&(t, s), _)) if t <= until => shadow.remove(&(t, s)).map(|e| (t, e)),
                    _ => None,
                };
                let got = q.pop_due(SimTime::from_nanos(until));
                prop_assert_eq!(got.map(|(t, e)| (t.as_nanos(), e)), expect, "{}", name);
                if let Some((t, _)) = expect {
                    now = t;
                }
            }
            _ => {}
        }
        q.assert_order();
        prop_assert_eq!(q.len(), shadow.len(), "{}", name);
        let first = shadow
            .keys()
            .next()
            .map(|&(t, s)| (u128::from(t) << 64) | u128::from(s));
        prop_assert_eq!(q.peek_key(), first, "{}", name);
    }
    if let Some((&(t, _), _)) = shadow.first_key_value() {
        prop_assert_eq!(q.peek_time(), Some(SimTime::from_nanos(t)), "{}", name);
    }
    while let Some((t, e)) = q.pop() {
        prop_assert_eq!(shadow.pop_first(), Some(((t.as_nanos(), e), e)), "{}", name);
    }
    prop_assert!(shadow.is_empty(), "{}", name);
    Ok(())
}

proptest! {
    /// Every store behaves exactly like an ordered map keyed on (time, seq), under the
    /// scheduler's contract (no push before the last popped time).
    #[test]
    fn matches_a_btreemap_shadow(ops in proptest::collection::vec(op(false), 0..1500)) {
        for (name, q) in queues() {
            check_against_shadow(name, q, &ops)?;
        }
    }

    /// The same with pushes into the past mixed in: the radix store cannot bucket them,
    /// and the queue must still answer exactly (by rebuilding, or handing the set back to
    /// the heap).
    #[test]
    fn matches_a_btreemap_shadow_with_pushes_into_the_past(
        ops in proptest::collection::vec(op(true), 0..800),
    ) {
        for (name, q) in queues() {
            check_against_shadow(name, q, &ops)?;
        }
    }
}

#[test]
fn reserved_sequence_numbers_keep_their_place_and_peek_key_names_the_front() {
    for (name, mut q) in queues() {
        assert_eq!(q.peek_key(), None, "{name}");
        let early = q.reserve_seq(); // 0: taken now, used after a later push
        q.push(SimTime::from_nanos(7), 'b'); // seq 1
        q.push_reserved(SimTime::from_nanos(7), early, 'a');
        q.push(SimTime::from_nanos(3), 'c'); // seq 2
        assert_eq!(q.peek_key(), Some((3u128 << 64) | 2), "{name}");
        let order: Vec<char> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, ['c', 'a', 'b'], "{name}");
        assert_eq!(q.peek_key(), None, "{name}");
    }
}

/// Found in review: with 1 ns buckets `u64::MAX` is a real bucket, and the calendar once
/// used it as "no front bucket" too, so the last instants of time could leave out of
/// order.
#[test]
fn the_last_instants_of_time_leave_in_order() {
    let end = u64::MAX;
    for (name, mut q) in queues::<u64>() {
        q.push(SimTime::from_nanos(end - 10), 0);
        assert_eq!(q.pop().map(|(t, _)| t.as_nanos()), Some(end - 10), "{name}");
        q.push(SimTime::from_nanos(end), 1);
        q.push(SimTime::from_nanos(end - 3), 2);
        assert_eq!(q.pop().map(|(t, _)| t.as_nanos()), Some(end - 3), "{name}");
        q.push(SimTime::from_nanos(end - 1), 3);
        let rest: Vec<u64> = std::iter::from_fn(|| q.pop().map(|(_, e)| e)).collect();
        assert_eq!(rest, [3, 1], "{name}");
    }
}

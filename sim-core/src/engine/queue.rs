//! The pending-event set.
//!
//! A 4-ary min-heap keyed on `(time, sequence)`: events at the same instant leave in the
//! order they were scheduled, so the order of a run never depends on floating point or
//! hashing. Events are stored inline in the heap (no allocation per event once the heap
//! has grown to its working size).
//!
//! Why 4-ary and not `std`'s binary heap: with a large pending set every level of the
//! heap is a cache miss, and a 4-ary heap has half the levels; its four children sit
//! side by side, so the extra comparisons are on memory already fetched. Entries are kept
//! compact (two `u64` words and a `u32` rather than an `u128` key, which would force
//! 16-byte alignment and pad each entry to 32 bytes): 24 bytes for payloads up to 4 bytes.
//!
//! Cancellation is lazy and O(1): an event scheduled with [`EventQueue::push_cancellable`]
//! owns a slot in a small dense table that records its sequence number; cancelling frees
//! the slot, and when the stale heap entry reaches the top its sequence no longer matches
//! and it is dropped. A cancelled entry still occupies the heap until its time comes,
//! which is bounded for timeouts (they would have fired anyway).

use super::time::SimTime;

/// No cancellation slot.
const NO_SLOT: u32 = u32::MAX;
/// A slot that holds no live event.
const FREE: u64 = u64::MAX;

/// Handle to a cancellable event; see [`EventQueue::cancel`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timer {
    slot: u32,
    seq: u64,
}

struct Entry<E> {
    time: u64,
    seq: u64,
    slot: u32,
    event: E,
}

impl<E> Entry<E> {
    /// `time << 64 | seq`: one integer comparison gives the total order, and no two
    /// entries share a key.
    #[inline(always)]
    fn key(&self) -> u128 {
        ((self.time as u128) << 64) | self.seq as u128
    }
}

/// A d-ary min-heap on [`Entry::key`] with d = [`Heap::ARITY`]. Node `i` has children
/// `ARITY*i + 1 ..= ARITY*i + ARITY`.
struct Heap<E> {
    v: Vec<Entry<E>>,
}

impl<E> Heap<E> {
    const ARITY: usize = 4;

    fn with_capacity(n: usize) -> Self {
        Heap {
            v: Vec::with_capacity(n),
        }
    }

    #[inline]
    fn len(&self) -> usize {
        self.v.len()
    }

    #[inline]
    fn peek(&self) -> Option<&Entry<E>> {
        self.v.first()
    }

    #[inline]
    fn push(&mut self, e: Entry<E>) {
        let key = e.key();
        let mut i = self.v.len();
        self.v.push(e);
        let v = &mut self.v[..];
        while i > 0 {
            let parent = (i - 1) / Self::ARITY;
            if v[parent].key() < key {
                break;
            }
            v.swap(i, parent);
            i = parent;
        }
    }

    #[inline]
    fn pop(&mut self) -> Option<Entry<E>> {
        let last = self.v.pop()?;
        if self.v.is_empty() {
            return Some(last);
        }
        let top = std::mem::replace(&mut self.v[0], last);
        Self::sift_down(&mut self.v, 0);
        Some(top)
    }

    /// Moves `v[i]` down until no child has a smaller key.
    #[inline]
    fn sift_down(v: &mut [Entry<E>], mut i: usize) {
        let n = v.len();
        let key = v[i].key();
        loop {
            let c = Self::ARITY * i + 1;
            let (child, child_key) = if c + Self::ARITY <= n {
                // All four children exist: a two-round tournament, written with
                // comparisons turned into indices so that it compiles without branches
                // (the winner of random keys is unpredictable).
                let ch = &v[c..c + Self::ARITY];
                let (k0, k1, k2, k3) = (ch[0].key(), ch[1].key(), ch[2].key(), ch[3].key());
                let a = usize::from(k1 < k0);
                let b = 2 + usize::from(k3 < k2);
                let (ka, kb) = (k0.min(k1), k2.min(k3));
                let w = if kb < ka { b } else { a };
                (c + w, ka.min(kb))
            } else if c < n {
                let mut m = c;
                let mut mk = v[c].key();
                for (j, e) in v.iter().enumerate().skip(c + 1) {
                    let k = e.key();
                    if k < mk {
                        m = j;
                        mk = k;
                    }
                }
                (m, mk)
            } else {
                return;
            };
            if key < child_key {
                return;
            }
            v.swap(i, child);
            i = child;
        }
    }
}

#[cfg(test)]
impl<E> Heap<E> {
    /// Every node's key is below its children's.
    fn assert_heap_order(&self) {
        for i in 1..self.v.len() {
            let p = (i - 1) / Self::ARITY;
            assert!(
                self.v[p].key() < self.v[i].key(),
                "node {i} is above its parent {p}"
            );
        }
    }
}

/// Pending events ordered by time, then by scheduling order.
pub struct EventQueue<E> {
    heap: Heap<E>,
    next_seq: u64,
    /// Sequence number of the live event holding each slot, or `FREE`.
    slots: Vec<u64>,
    free_slots: Vec<u32>,
    /// Cancelled entries still in the heap.
    stale: usize,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    pub fn new() -> Self {
        Self::with_capacity(0)
    }

    pub fn with_capacity(n: usize) -> Self {
        EventQueue {
            heap: Heap::with_capacity(n),
            next_seq: 0,
            slots: Vec::new(),
            free_slots: Vec::new(),
            stale: 0,
        }
    }

    #[inline]
    fn next_seq(&mut self) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        seq
    }

    /// Schedules `event` at `time`.
    #[inline]
    pub fn push(&mut self, time: SimTime, event: E) {
        let seq = self.next_seq();
        self.heap.push(Entry {
            time: time.as_nanos(),
            seq,
            slot: NO_SLOT,
            event,
        });
    }

    /// Schedules `event` at `time` and returns a handle that can cancel it.
    pub fn push_cancellable(&mut self, time: SimTime, event: E) -> Timer {
        let seq = self.next_seq();
        let slot = match self.free_slots.pop() {
            Some(s) => {
                self.slots[s as usize] = seq;
                s
            }
            None => {
                self.slots.push(seq);
                u32::try_from(self.slots.len() - 1).expect("more than 2^32 pending timers")
            }
        };
        self.heap.push(Entry {
            time: time.as_nanos(),
            seq,
            slot,
            event,
        });
        Timer { slot, seq }
    }

    /// Cancels a pending event. Returns `false` if it already fired or was cancelled.
    pub fn cancel(&mut self, timer: Timer) -> bool {
        match self.slots.get_mut(timer.slot as usize) {
            Some(s) if *s == timer.seq => {
                *s = FREE;
                self.free_slots.push(timer.slot);
                self.stale += 1;
                true
            }
            _ => false,
        }
    }

    /// Whether `e` was cancelled (its slot no longer records its sequence number).
    #[inline]
    fn is_stale(&self, e: &Entry<E>) -> bool {
        e.slot != NO_SLOT && self.slots[e.slot as usize] != e.seq
    }

    /// Removes and returns the earliest live event.
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.pop_due(SimTime::MAX)
    }

    /// Removes and returns the earliest live event if it is due at or before `until`;
    /// `None` if there is none that early. One pass over the top of the heap, where
    /// [`peek_time`](Self::peek_time) then [`pop`](Self::pop) would take two.
    #[inline]
    pub fn pop_due(&mut self, until: SimTime) -> Option<(SimTime, E)> {
        loop {
            let top = self.heap.peek()?;
            if top.time > until.as_nanos() {
                // A cancelled entry here would be dropped by the next call; the answer
                // is `None` either way.
                return None;
            }
            let e = self.heap.pop().expect("peeked");
            if e.slot != NO_SLOT {
                let s = &mut self.slots[e.slot as usize];
                if *s != e.seq {
                    self.stale -= 1;
                    continue;
                }
                *s = FREE;
                self.free_slots.push(e.slot);
            }
            return Some((SimTime::from_nanos(e.time), e.event));
        }
    }

    /// Time of the earliest live event, dropping cancelled entries on the way.
    pub fn peek_time(&mut self) -> Option<SimTime> {
        loop {
            let e = self.heap.peek()?;
            if self.is_stale(e) {
                self.heap.pop();
                self.stale -= 1;
                continue;
            }
            return Some(SimTime::from_nanos(e.time));
        }
    }

    /// Number of live (not cancelled) pending events.
    pub fn len(&self) -> usize {
        self.heap.len() - self.stale
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Total events ever scheduled.
    pub fn scheduled(&self) -> u64 {
        self.next_seq
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    #[test]
    fn same_time_events_leave_in_insertion_order() {
        let mut q = EventQueue::new();
        let t = SimTime::from_nanos(5);
        for i in 0..100 {
            q.push(t, i);
        }
        q.push(SimTime::from_nanos(1), -1);
        assert_eq!(q.pop(), Some((SimTime::from_nanos(1), -1)));
        for i in 0..100 {
            assert_eq!(q.pop(), Some((t, i)));
        }
        assert_eq!(q.pop(), None);
    }

    #[test]
    fn cancelled_events_never_fire_and_late_cancel_is_harmless() {
        let mut q = EventQueue::new();
        let a = q.push_cancellable(SimTime::from_nanos(10), 'a');
        let b = q.push_cancellable(SimTime::from_nanos(20), 'b');
        q.push(SimTime::from_nanos(15), 'x');
        assert!(q.cancel(a));
        assert!(!q.cancel(a), "second cancel is a no-op");
        assert_eq!(q.len(), 2);
        assert_eq!(q.peek_time(), Some(SimTime::from_nanos(15)));
        assert_eq!(q.pop().map(|p| p.1), Some('x'));
        assert_eq!(q.pop().map(|p| p.1), Some('b'));
        assert!(!q.cancel(b), "cancelling a fired event reports false");
        // The freed slot is reused without confusing the old handle.
        let c = q.push_cancellable(SimTime::from_nanos(30), 'c');
        assert!(!q.cancel(b));
        assert_eq!(q.pop().map(|p| p.1), Some('c'));
        assert!(!q.cancel(c));
        assert!(q.is_empty());
    }

    #[derive(Debug, Clone)]
    enum Op {
        Push(u16, bool),
        Cancel(usize),
        Pop,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (any::<u16>(), any::<bool>()).prop_map(|(t, c)| Op::Push(t % 64, c)),
            any::<usize>().prop_map(Op::Cancel),
            Just(Op::Pop),
        ]
    }

    proptest! {
        /// The queue behaves exactly like an ordered map keyed on (time, seq).
        #[test]
        fn matches_a_btreemap_shadow(ops in proptest::collection::vec(op(), 0..400)) {
            let mut q = EventQueue::new();
            let mut shadow: BTreeMap<(u64, u64), u64> = BTreeMap::new();
            let mut timers: Vec<(Timer, (u64, u64))> = Vec::new();
            let mut seq = 0u64;
            let mut now = 0u64;
            for op in ops {
                match op {
                    Op::Push(dt, cancellable) => {
                        let t = now + dt as u64;
                        if cancellable {
                            timers.push((q.push_cancellable(SimTime::from_nanos(t), seq), (t, seq)));
                        } else {
                            q.push(SimTime::from_nanos(t), seq);
                        }
                        shadow.insert((t, seq), seq);
                        seq += 1;
                    }
                    Op::Cancel(i) if !timers.is_empty() => {
                        let (timer, key) = timers[i % timers.len()];
                        let was_pending = shadow.remove(&key).is_some();
                        prop_assert_eq!(q.cancel(timer), was_pending);
                    }
                    Op::Cancel(_) => {}
                    Op::Pop => {
                        let expect = shadow.pop_first();
                        let got = q.pop();
                        prop_assert_eq!(got.map(|(t, e)| ((t.as_nanos(), e), e)), expect);
                        if let Some(((t, _), _)) = expect { now = t; }
                    }
                }
                prop_assert_eq!(q.len(), shadow.len());
            }
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
    fn every_heap_size_and_shape_pops_in_key_order() {
        // Sizes 0..=70 cover a last node with 1, 2, 3 and 4 children at depths 1 to 3.
        for n in 0..=70 {
            for modulo in [1, 4, 1 << 40] {
                let mut q = EventQueue::new();
                for (i, t) in times(n, modulo).into_iter().enumerate() {
                    q.push(SimTime::from_nanos(t), i);
                    q.heap.assert_heap_order();
                }
                let mut last: Option<(u64, usize)> = None;
                while let Some((t, i)) = q.pop() {
                    q.heap.assert_heap_order();
                    let key = (t.as_nanos(), i);
                    assert!(last < Some(key), "n={n}: {last:?} then {key:?}");
                    last = Some(key);
                }
                assert!(q.is_empty());
            }
        }
    }

    #[test]
    fn pop_due_stops_at_the_horizon_and_skips_cancelled_entries() {
        let mut q = EventQueue::new();
        let a = q.push_cancellable(SimTime::from_nanos(5), 'a');
        q.push(SimTime::from_nanos(10), 'x');
        q.push(SimTime::from_nanos(20), 'y');
        assert!(q.cancel(a));
        assert_eq!(q.pop_due(SimTime::from_nanos(4)), None);
        assert_eq!(q.len(), 2, "a pop that is not due removes nothing live");
        assert_eq!(
            q.pop_due(SimTime::from_nanos(10)),
            Some((SimTime::from_nanos(10), 'x')),
            "the horizon is inclusive and the cancelled entry before it is skipped"
        );
        assert_eq!(q.pop_due(SimTime::from_nanos(19)), None);
        assert_eq!(q.peek_time(), Some(SimTime::from_nanos(20)));
        assert_eq!(
            q.pop_due(SimTime::MAX),
            Some((SimTime::from_nanos(20), 'y'))
        );
        assert_eq!(q.pop_due(SimTime::MAX), None);
        assert!(q.is_empty());
    }

    #[derive(Debug, Clone)]
    enum BigOp {
        Push(u32, bool),
        Cancel(usize),
        PopDue(u32),
    }

    fn big_op() -> impl Strategy<Value = BigOp> {
        prop_oneof![
            // Pushes outnumber pops so that the heap grows to a few hundred entries.
            3 => (any::<u32>(), any::<bool>()).prop_map(|(t, c)| BigOp::Push(t % 1000, c)),
            1 => any::<usize>().prop_map(BigOp::Cancel),
            2 => any::<u32>().prop_map(|d| BigOp::PopDue(d % 200)),
        ]
    }

    proptest! {
        /// Deeper heaps than the shadow test above, with horizons: `pop_due` behaves like
        /// taking the first entry of an ordered map when it is due, and the heap order
        /// holds after every operation.
        #[test]
        fn pop_due_matches_a_btreemap_shadow(ops in proptest::collection::vec(big_op(), 0..2000)) {
            let mut q = EventQueue::new();
            let mut shadow: BTreeMap<(u64, u64), u64> = BTreeMap::new();
            let mut timers: Vec<(Timer, (u64, u64))> = Vec::new();
            let mut seq = 0u64;
            let mut now = 0u64;
            for op in ops {
                match op {
                    BigOp::Push(dt, cancellable) => {
                        let t = now + dt as u64;
                        if cancellable {
                            timers.push((q.push_cancellable(SimTime::from_nanos(t), seq), (t, seq)));
                        } else {
                            q.push(SimTime::from_nanos(t), seq);
                        }
                        shadow.insert((t, seq), seq);
                        seq += 1;
                    }
                    BigOp::Cancel(i) if !timers.is_empty() => {
                        let (timer, key) = timers.swap_remove(i % timers.len());
                        let was_pending = shadow.remove(&key).is_some();
                        prop_assert_eq!(q.cancel(timer), was_pending);
                    }
                    BigOp::Cancel(_) => {}
                    BigOp::PopDue(dt) => {
                        let until = now + dt as u64;
                        let expect = match shadow.first_key_value() {
                            Some((&(t, s), _)) if t <= until => shadow.remove(&(t, s)).map(|e| (t, e)),
                            _ => None,
                        };
                        let got = q.pop_due(SimTime::from_nanos(until));
                        prop_assert_eq!(got.map(|(t, e)| (t.as_nanos(), e)), expect);
                        if let Some((t, _)) = expect { now = t; }
                    }
                }
                q.heap.assert_heap_order();
                prop_assert_eq!(q.len(), shadow.len());
            }
            while let Some((t, e)) = q.pop() {
                prop_assert_eq!(shadow.pop_first(), Some(((t.as_nanos(), e), e)));
            }
            prop_assert!(shadow.is_empty());
        }
    }
}

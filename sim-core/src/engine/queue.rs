//! The pending-event set.
//!
//! A binary min-heap keyed on `(time, sequence)`: events at the same instant leave in the
//! order they were scheduled, so the order of a run never depends on floating point or
//! hashing. Events are stored inline in the heap (no allocation per event once the heap
//! has grown to its working size).
//!
//! Cancellation is lazy and O(1): an event scheduled with [`EventQueue::push_cancellable`]
//! owns a slot in a small dense table that records its sequence number; cancelling frees
//! the slot, and when the stale heap entry reaches the top its sequence no longer matches
//! and it is dropped. A cancelled entry still occupies the heap until its time comes,
//! which is bounded for timeouts (they would have fired anyway).

use super::time::SimTime;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

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
    /// `time << 64 | seq`: one integer comparison gives the total order.
    key: u128,
    slot: u32,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    /// Reversed, so that `BinaryHeap` (a max-heap) pops the earliest key.
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
}

/// Pending events ordered by time, then by scheduling order.
pub struct EventQueue<E> {
    heap: BinaryHeap<Entry<E>>,
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
            heap: BinaryHeap::with_capacity(n),
            next_seq: 0,
            slots: Vec::new(),
            free_slots: Vec::new(),
            stale: 0,
        }
    }

    fn key(&mut self, time: SimTime) -> (u128, u64) {
        let seq = self.next_seq;
        self.next_seq += 1;
        (((time.as_nanos() as u128) << 64) | seq as u128, seq)
    }

    /// Schedules `event` at `time`.
    #[inline]
    pub fn push(&mut self, time: SimTime, event: E) {
        let (key, _) = self.key(time);
        self.heap.push(Entry {
            key,
            slot: NO_SLOT,
            event,
        });
    }

    /// Schedules `event` at `time` and returns a handle that can cancel it.
    pub fn push_cancellable(&mut self, time: SimTime, event: E) -> Timer {
        let (key, seq) = self.key(time);
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
        self.heap.push(Entry { key, slot, event });
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

    /// Removes and returns the earliest live event.
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        loop {
            let e = self.heap.pop()?;
            if e.slot != NO_SLOT {
                let seq = e.key as u64;
                let s = &mut self.slots[e.slot as usize];
                if *s != seq {
                    self.stale -= 1;
                    continue;
                }
                *s = FREE;
                self.free_slots.push(e.slot);
            }
            return Some((SimTime::from_nanos((e.key >> 64) as u64), e.event));
        }
    }

    /// Time of the earliest live event, dropping cancelled entries on the way.
    pub fn peek_time(&mut self) -> Option<SimTime> {
        loop {
            let e = self.heap.peek()?;
            if e.slot != NO_SLOT && self.slots[e.slot as usize] != e.key as u64 {
                self.heap.pop();
                self.stale -= 1;
                continue;
            }
            return Some(SimTime::from_nanos((e.key >> 64) as u64));
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
}

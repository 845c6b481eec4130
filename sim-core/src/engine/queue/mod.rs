//! The pending-event set.
//!
//! Events leave in `(time, sequence)` order: events at the same instant leave in the order
//! they were scheduled, so the order of a run never depends on floating point or hashing.
//! Events are stored inline (no allocation per event once the set has grown to its working
//! size).
//!
//! Two stores, chosen by size (the adaptive default; [`QueueKind`] pins one):
//! - up to a few thousand pending events, a 4-ary heap (`heap.rs`): it lives in the first
//!   cache levels, and there nothing we measured beats it;
//! - beyond, a radix heap on integer time (`radix.rs`): simulated time is a `u64` that
//!   never goes backwards, so an entry moves between at most 64 buckets in sequential
//!   passes, where a heap of 10⁶ entries misses the cache at every level of every pop
//!   (9× slower there, see benches/README.md).
//!
//! The switch happens at [`GROW_AT`] entries one way and [`SHRINK_AT`] the other, so a
//! set hovering near one threshold does not convert back and forth; a conversion costs
//! one sort (heap → radix) or one heapify (radix → heap) of a few thousand entries.
//!
//! A third store is for a model that knows its time scale and asks for it by name
//! ([`QueueKind::Calendar`]): a ring of time buckets for the near future, sorted one
//! bucket at a time, with the heap for the rest (`calendar.rs`). Where most events are
//! due within the ring's reach it skips the heap's logarithmic walk (the request model:
//! benches/README.md).
//!
//! Cancellation is lazy and O(1) in every store: an event scheduled with
//! [`EventQueue::push_cancellable`] owns a slot in a small dense table that records its
//! sequence number; cancelling frees the slot, and when the stale entry reaches the front
//! (or, in the radix store, is moved between buckets) its sequence no longer matches and
//! it is dropped. A cancelled entry occupies memory at most until its time comes, which
//! is bounded for timeouts (they would have fired anyway).

mod calendar;
mod heap;
mod radix;
#[cfg(test)]
mod tests;

use super::time::SimTime;
use calendar::Calendar;
use heap::Heap;
use radix::Radix;

/// No cancellation slot.
const NO_SLOT: u32 = u32::MAX;
/// A slot that holds no live event.
const FREE: u64 = u64::MAX;

/// The adaptive queue moves from the heap to the radix store above this many entries.
pub const GROW_AT: usize = 4096;
/// The adaptive queue moves back to the heap below this many entries.
pub const SHRINK_AT: usize = 1024;

/// Handle to a cancellable event; see [`EventQueue::cancel`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timer {
    slot: u32,
    seq: u64,
}

/// Which store an [`EventQueue`] uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum QueueKind {
    /// The 4-ary heap while small, the radix store while large (the default).
    #[default]
    Adaptive,
    /// Always the 4-ary heap (the engine before the radix store; benches compare to it).
    Heap,
    /// Always the radix store.
    Radix,
    /// A ring of 2^`ring_bits` buckets (6 to 24) of 2^`width_bits` ns for the near
    /// future and the heap beyond (`calendar.rs`): for a model that knows its time scale,
    /// its events mostly within the ring's reach and a few per bucket (the request model:
    /// milliseconds apart, buckets of 65.5 µs over 1.07 s).
    Calendar { width_bits: u8, ring_bits: u8 },
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

enum Store<E> {
    Heap(Heap<E>),
    Radix(Radix<E>),
    Calendar(Calendar<E>),
}

/// Pending events ordered by time, then by scheduling order.
pub struct EventQueue<E> {
    store: Store<E>,
    /// Heap → radix above this many entries (`usize::MAX`: never).
    grow_at: usize,
    /// Radix → heap below this many entries (0: never).
    shrink_at: usize,
    /// Time of the last event popped: no later push should be earlier (the scheduler
    /// clamps to its clock), so it is the radix store's starting bound.
    floor: u64,
    next_seq: u64,
    /// Sequence number of the last event popped (with `floor`, its place in the order).
    last_seq: u64,
    /// Sequence number of the live event holding each slot, or `FREE`.
    slots: Vec<u64>,
    free_slots: Vec<u32>,
    /// Cancelled entries still stored.
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
        let mut q = Self::of_kind(QueueKind::Adaptive);
        if let Store::Heap(h) = &mut q.store {
            h.v.reserve(n.min(GROW_AT));
        }
        q
    }

    /// An empty queue that uses the store `kind`.
    pub fn of_kind(kind: QueueKind) -> Self {
        let (store, grow_at, shrink_at) = match kind {
            QueueKind::Adaptive => (Store::Heap(Heap::with_capacity(0)), GROW_AT, SHRINK_AT),
            QueueKind::Heap => (Store::Heap(Heap::with_capacity(0)), usize::MAX, 0),
            QueueKind::Radix => (Store::Radix(Radix::new(0)), usize::MAX, 0),
            QueueKind::Calendar {
                width_bits,
                ring_bits,
            } => (
                Store::Calendar(Calendar::new(u32::from(width_bits), u32::from(ring_bits))),
                usize::MAX,
                0,
            ),
        };
        EventQueue {
            store,
            grow_at,
            shrink_at,
            floor: 0,
            next_seq: 0,
            last_seq: 0,
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

    /// Takes the sequence number the next push would get, without pushing: a caller that
    /// keeps an event outside the set (see [`Scheduler::reserve_seq`](super::Scheduler::reserve_seq))
    /// still knows its place in the `(time, sequence)` order, and later pushes keep theirs.
    #[inline]
    pub fn reserve_seq(&mut self) -> u64 {
        self.next_seq()
    }

    /// Sequence number of the event [`pop_due`](Self::pop_due) returned last (0 before any).
    #[inline]
    pub fn last_seq(&self) -> u64 {
        self.last_seq
    }

    /// Schedules `event` at `time`.
    #[inline]
    pub fn push(&mut self, time: SimTime, event: E) {
        let seq = self.next_seq();
        self.insert(Entry {
            time: time.as_nanos(),
            seq,
            slot: NO_SLOT,
            event,
        });
    }

    /// Keeps `event` at `time` under a sequence number the caller reserved earlier with
    /// [`reserve_seq`](Self::reserve_seq) (in this queue or another one): a model that
    /// keeps some events in a store of its own orders them exactly as the pending set
    /// would have. Two entries must never share a sequence number.
    ///
    /// The heap and the calendar order any keys; the radix store relies on entries of one
    /// instant arriving in sequence order, so there it rebuilds (O(n log n)): keep
    /// reserved events in a heap or calendar queue.
    #[inline]
    pub fn push_reserved(&mut self, time: SimTime, seq: u64, event: E) {
        let e = Entry {
            time: time.as_nanos(),
            seq,
            slot: NO_SLOT,
            event,
        };
        match self.store {
            Store::Radix(_) => self.insert_before_last(e),
            _ => self.insert(e),
        }
    }

    /// The place of the earliest live event in the order, `(time << 64) | sequence`
    /// (dropping cancelled entries on the way), or `None` when the set is empty.
    pub fn peek_key(&mut self) -> Option<u128> {
        self.peek_time()?;
        let front = match &self.store {
            Store::Heap(h) => h.peek(),
            Store::Radix(r) => r.front(),
            Store::Calendar(c) => c.front(),
        };
        front.map(Entry::key)
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
        self.insert(Entry {
            time: time.as_nanos(),
            seq,
            slot,
            event,
        });
        Timer { slot, seq }
    }

    #[inline]
    fn insert(&mut self, e: Entry<E>) {
        match &mut self.store {
            Store::Heap(h) => {
                h.push(e);
                if h.len() > self.grow_at {
                    self.grow_into_radix();
                }
            }
            Store::Radix(r) if e.time >= r.last() => r.push(e),
            Store::Radix(_) => self.insert_before_last(e),
            Store::Calendar(c) => c.push(e),
        }
    }

    /// A push earlier than the radix store's bound (only a caller that schedules into
    /// its own past does this; the scheduler never does), or one under a reserved
    /// sequence number, which may come before entries of the same instant. The adaptive
    /// queue hands the set back to the heap, which takes any order; a pinned radix store
    /// is rebuilt around the new bound. Either way O(n log n) once, and the order stays exact.
    #[cold]
    fn insert_before_last(&mut self, e: Entry<E>) {
        let Store::Radix(r) = &mut self.store else {
            unreachable!("only the radix store has a bound")
        };
        let mut v = r.drain_all();
        if self.shrink_at == 0 {
            v.push(e);
            v.sort_unstable_by_key(Entry::key);
            let bound = v[0].time;
            self.store = Store::Radix(Radix::from_sorted(v, bound));
        } else {
            let mut h = Heap::from_vec(v);
            h.push(e);
            self.store = Store::Heap(h);
        }
    }

    /// Heap → radix: the entries sorted by key enter the buckets in sequence order per
    /// time, as the radix store requires.
    #[cold]
    fn grow_into_radix(&mut self) {
        let Store::Heap(h) = &mut self.store else {
            unreachable!("called on the heap store")
        };
        let mut v = std::mem::take(&mut h.v);
        v.sort_unstable_by_key(Entry::key);
        let bound = self.floor.min(v.first().map_or(self.floor, |e| e.time));
        self.store = Store::Radix(Radix::from_sorted(v, bound));
    }

    /// Radix → heap.
    #[cold]
    fn shrink_into_heap(&mut self) {
        let Store::Radix(r) = &mut self.store else {
            unreachable!("called on the radix store")
        };
        let mut v = r.drain_all();
        v.reserve(self.grow_at.min(2 * SHRINK_AT));
        self.store = Store::Heap(Heap::from_vec(v));
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
    fn is_stale(slots: &[u64], e: &Entry<E>) -> bool {
        e.slot != NO_SLOT && slots[e.slot as usize] != e.seq
    }

    /// Removes and returns the earliest live event.
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.pop_due(SimTime::MAX)
    }

    /// Removes and returns the earliest live event if it is due at or before `until`;
    /// `None` if there is none that early. One pass over the front of the set, where
    /// [`peek_time`](Self::peek_time) then [`pop`](Self::pop) would take two.
    #[inline]
    pub fn pop_due(&mut self, until: SimTime) -> Option<(SimTime, E)> {
        let until = until.as_nanos();
        loop {
            let e = match &mut self.store {
                Store::Heap(h) => {
                    if h.peek()?.time > until {
                        // A cancelled entry here would be dropped by the next call; the
                        // answer is `None` either way.
                        return None;
                    }
                    h.pop().expect("peeked")
                }
                Store::Calendar(c) => {
                    if c.front()?.time > until {
                        return None;
                    }
                    c.pop().expect("peeked")
                }
                Store::Radix(r) => {
                    let slots = &self.slots;
                    let (due, dropped) = r.front_due(until, |e| Self::is_stale(slots, e));
                    self.stale -= dropped;
                    if !due {
                        return None;
                    }
                    let e = r.pop_front().expect("front_due found one");
                    if r.len() < self.shrink_at {
                        self.shrink_into_heap();
                    }
                    e
                }
            };
            if e.slot != NO_SLOT {
                let s = &mut self.slots[e.slot as usize];
                if *s != e.seq {
                    self.stale -= 1;
                    continue;
                }
                *s = FREE;
                self.free_slots.push(e.slot);
            }
            self.floor = e.time;
            self.last_seq = e.seq;
            return Some((SimTime::from_nanos(e.time), e.event));
        }
    }

    /// Time of the earliest live event, dropping cancelled entries on the way.
    pub fn peek_time(&mut self) -> Option<SimTime> {
        loop {
            let top = match &mut self.store {
                Store::Heap(h) => h.peek()?,
                Store::Calendar(c) => c.front()?,
                Store::Radix(r) => {
                    let slots = &self.slots;
                    let (due, dropped) = r.front_due(u64::MAX, |e| Self::is_stale(slots, e));
                    self.stale -= dropped;
                    if !due {
                        return None;
                    }
                    r.front().expect("front_due found one")
                }
            };
            if !Self::is_stale(&self.slots, top) {
                return Some(SimTime::from_nanos(top.time));
            }
            match &mut self.store {
                Store::Heap(h) => drop(h.pop()),
                Store::Radix(r) => drop(r.pop_front()),
                Store::Calendar(c) => drop(c.pop()),
            }
            self.stale -= 1;
        }
    }

    /// Number of live (not cancelled) pending events.
    pub fn len(&self) -> usize {
        let stored = match &self.store {
            Store::Heap(h) => h.len(),
            Store::Radix(r) => r.len(),
            Store::Calendar(c) => c.len(),
        };
        stored - self.stale
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
impl<E> EventQueue<E> {
    /// An adaptive queue with its own thresholds, to exercise the conversions on small
    /// sets.
    fn adaptive_at(grow_at: usize, shrink_at: usize) -> Self {
        EventQueue {
            grow_at,
            shrink_at,
            ..Self::of_kind(QueueKind::Adaptive)
        }
    }

    /// The store's structural invariant holds.
    fn assert_order(&self) {
        match &self.store {
            Store::Heap(h) => h.assert_order(),
            Store::Radix(r) => r.assert_order(),
            Store::Calendar(c) => c.assert_order(),
        }
    }

    fn is_radix(&self) -> bool {
        matches!(self.store, Store::Radix(_))
    }
}

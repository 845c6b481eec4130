//! The large-set store: a radix heap on integer time with first-in-first-out buckets.
//!
//! Simulated time never goes backwards, so every pending time is at or after `last`, the
//! time of the earliest entry. An entry at time `t > last` lives in bucket `k`, the index
//! of the highest bit in which `t` and `last` differ; entries at exactly `last` live in
//! `due`. A push is one XOR, one leading-zero count and a `Vec` push. When `due` runs dry,
//! the lowest occupied bucket is emptied: its earliest time becomes `last` and its entries
//! move to strictly lower buckets (entries in higher buckets keep their bucket, since the
//! new `last` agrees with the old one above bit `k`). Each entry therefore moves at most
//! 64 times and in practice a handful, in sequential passes over contiguous memory —
//! where a heap of 10⁶ entries takes a cache miss per level on every pop.
//!
//! Exact `(time, seq)` order without storing a comparison on `seq`: at any moment all
//! entries of one time sit in the same bucket (the bucket is a function of the time), and
//! every bucket keeps them in scheduling order — a push appends the newest sequence
//! number, and a redistribution moves a whole bucket, in order, into buckets that were
//! empty. So `due` holds the entries at `last` in sequence order, and leaves front first.
//!
//! A time before `last` would break the bucket rule; the queue never pushes one here (it
//! goes back to the heap store instead, see `mod.rs`).

use super::Entry;
use std::collections::VecDeque;

pub(super) struct Radix<E> {
    /// The earliest pending time (a lower bound while `due` is empty).
    last: u64,
    /// Entries at exactly `last`, in scheduling order.
    due: VecDeque<Entry<E>>,
    /// `buckets[k]`: entries whose time first differs from `last` in bit `k`, each time's
    /// entries in scheduling order.
    buckets: Vec<Vec<Entry<E>>>,
    /// Bit `k` is set when `buckets[k]` is not empty.
    occupied: u64,
    /// Entries held, cancelled ones included.
    len: usize,
}

impl<E> Radix<E> {
    /// An empty store whose times will all be at or after `last`.
    pub(super) fn new(last: u64) -> Self {
        Radix {
            last,
            due: VecDeque::new(),
            buckets: (0..64).map(|_| Vec::new()).collect(),
            occupied: 0,
            len: 0,
        }
    }

    /// A store holding `v`, which must be sorted by `(time, seq)` and start at or after
    /// `last`.
    pub(super) fn from_sorted(v: Vec<Entry<E>>, last: u64) -> Self {
        let mut r = Radix::new(last);
        for e in v {
            r.push(e);
        }
        r
    }

    #[inline]
    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// The lower bound every pushed time must respect.
    #[inline]
    pub(super) fn last(&self) -> u64 {
        self.last
    }

    /// Adds `e`; `e.time` must be at or after [`last`](Self::last).
    #[inline]
    pub(super) fn push(&mut self, e: Entry<E>) {
        debug_assert!(e.time >= self.last, "radix store: time before last");
        let x = e.time ^ self.last;
        if x == 0 {
            self.due.push_back(e);
        } else {
            let k = (63 - x.leading_zeros()) as usize;
            self.buckets[k].push(e);
            self.occupied |= 1 << k;
        }
        self.len += 1;
    }

    /// Whether the earliest entry (then at [`front`](Self::front)) is due at or before
    /// `until`, refilling `due` from the lowest bucket as needed. `stale` says whether an entry was cancelled; such entries
    /// met on the way are dropped and counted in the returned `usize`.
    #[inline]
    pub(super) fn front_due(
        &mut self,
        until: u64,
        stale: impl Fn(&Entry<E>) -> bool,
    ) -> (bool, usize) {
        let mut dropped = 0;
        while self.due.is_empty() {
            if self.occupied == 0 {
                return (false, dropped);
            }
            let k = self.occupied.trailing_zeros() as usize;
            let min = self.buckets[k]
                .iter()
                .map(|e| e.time)
                .min()
                .expect("an occupied bucket has entries");
            if min > until {
                return (false, dropped);
            }
            dropped += self.redistribute(k, min, &stale);
        }
        (self.last <= until, dropped)
    }

    /// The entry [`front_due`](Self::front_due) found.
    #[inline]
    pub(super) fn front(&self) -> Option<&Entry<E>> {
        self.due.front()
    }

    /// Removes the front of `due` (after [`front_due`](Self::front_due) returned it).
    #[inline]
    pub(super) fn pop_front(&mut self) -> Option<Entry<E>> {
        let e = self.due.pop_front()?;
        self.len -= 1;
        Some(e)
    }

    /// Empties bucket `k`, whose earliest time is `min`, into lower buckets around the
    /// new `last = min`, dropping cancelled entries. Returns how many were dropped.
    #[cold]
    #[inline(never)]
    fn redistribute(&mut self, k: usize, min: u64, stale: &impl Fn(&Entry<E>) -> bool) -> usize {
        let mut b = std::mem::take(&mut self.buckets[k]);
        self.occupied &= !(1 << k);
        self.last = min;
        let mut dropped = 0;
        for e in b.drain(..) {
            if stale(&e) {
                dropped += 1;
                continue;
            }
            let x = e.time ^ min;
            if x == 0 {
                self.due.push_back(e);
            } else {
                let j = (63 - x.leading_zeros()) as usize;
                self.buckets[j].push(e);
                self.occupied |= 1 << j;
            }
        }
        // Keep the emptied bucket's capacity for the next time it fills.
        self.buckets[k] = b;
        self.len -= dropped;
        dropped
    }

    /// Every entry, in no particular order; the store is left empty.
    pub(super) fn drain_all(&mut self) -> Vec<Entry<E>> {
        let mut v = Vec::with_capacity(self.len);
        v.extend(self.due.drain(..));
        for b in &mut self.buckets {
            v.append(b);
        }
        self.occupied = 0;
        self.len = 0;
        v
    }
}

#[cfg(test)]
impl<E> Radix<E> {
    /// Every entry sits where the bucket rule puts it, and each bucket keeps equal times
    /// in sequence order.
    pub(super) fn assert_order(&self) {
        assert!(self.due.iter().all(|e| e.time == self.last));
        assert!(self
            .due
            .iter()
            .zip(self.due.iter().skip(1))
            .all(|(a, b)| a.seq < b.seq));
        let mut n = self.due.len();
        for (k, b) in self.buckets.iter().enumerate() {
            assert_eq!(
                self.occupied >> k & 1 == 1,
                !b.is_empty(),
                "bucket {k} flag"
            );
            for e in b {
                assert!(e.time > self.last);
                assert_eq!(63 - (e.time ^ self.last).leading_zeros() as usize, k);
            }
            for (i, a) in b.iter().enumerate() {
                for c in &b[i + 1..] {
                    assert!(a.time != c.time || a.seq < c.seq, "bucket {k} out of order");
                }
            }
            n += b.len();
        }
        assert_eq!(n, self.len);
    }
}

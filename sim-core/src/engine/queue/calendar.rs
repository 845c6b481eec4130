//! The calendar store: a ring of time buckets for the near future, a heap for the rest.
//!
//! Why: a model whose events are mostly a few milliseconds apart (network hops, service
//! times) keeps a few hundred to a few thousand of them pending, and a heap pays a
//! logarithmic walk of data-dependent branches on every pop. Here an event due within
//! the ring's reach (2^`ring_bits` buckets of 2^`width_bits` ns from the last pop's) is
//! linked, unordered, into its bucket's list — O(1) — and a bucket is sorted once, when
//! it becomes the front. Only events beyond the ring (or, from a caller that does so,
//! into the past) go to the 4-ary heap, and a pop takes the smaller of the two fronts,
//! so the order is the same total `(time, seq)` order as every other store's.
//!
//! The list nodes live in one slab whose free nodes are reused first, so the store stays
//! as compact as the set it holds (a `Vec` per bucket would keep every bucket's peak
//! capacity: megabytes over the ring, and the cache misses would eat the saving). A
//! bitmap of non-empty buckets finds the next front without visiting empty ones.
//!
//! The geometry is the caller's choice ([`QueueKind::Calendar`](super::QueueKind)): the
//! ring should reach past most events' delays, and a bucket hold a few events (the
//! sort of the front bucket is the main cost besides the lists). Any geometry gives the
//! same order; a poor one only costs time (everything in the heap, or long sorts).

use super::heap::Heap;
use super::Entry;
use std::cmp::Reverse;

/// No node.
const NONE: u32 = u32::MAX;

struct Node<E> {
    /// `None` while the node is free.
    entry: Option<Entry<E>>,
    next: u32,
}

pub(super) struct Calendar<E> {
    width_bits: u32,
    /// Buckets in the ring (a power of two, at least 64).
    buckets: u64,
    /// The list nodes; free ones are chained from `free`.
    nodes: Vec<Node<E>>,
    free: u32,
    /// Per ring slot, its first node (unordered).
    lists: Vec<u32>,
    /// Bit `b & (self.buckets - 1)` set: the list of bucket `b` is not empty.
    occupied: Vec<u64>,
    /// Entries in the lists.
    listed: usize,
    /// Every listed entry lies in buckets `(head, base + buckets)`; `base` is the bucket
    /// of the last pop, so nothing earlier is pushed into the ring.
    base: u64,
    /// The bucket whose entries are in `front`; meaningless while `front` is empty
    /// (every bucket number is a real one: with 1 ns buckets `u64::MAX` is too).
    head: u64,
    /// The head bucket's entries sorted by key, descending: the earliest is the last.
    /// Empty exactly when the ring is: a pop that empties it gathers the next bucket.
    front: Vec<Entry<E>>,
    /// Entries beyond the ring's reach, or before its base.
    far: Heap<E>,
}

impl<E> Calendar<E> {
    pub(super) fn new(width_bits: u32, ring_bits: u32) -> Self {
        let buckets = 1u64 << ring_bits.clamp(6, 24);
        Calendar {
            width_bits: width_bits.min(63),
            buckets,
            nodes: Vec::new(),
            free: NONE,
            lists: vec![NONE; buckets as usize],
            occupied: vec![0; buckets as usize / 64],
            listed: 0,
            base: 0,
            head: 0,
            front: Vec::new(),
            far: Heap::with_capacity(0),
        }
    }

    #[inline]
    pub(super) fn len(&self) -> usize {
        self.front.len() + self.listed + self.far.len()
    }

    #[inline]
    fn bucket(&self, time: u64) -> u64 {
        time >> self.width_bits
    }

    #[inline]
    pub(super) fn push(&mut self, e: Entry<E>) {
        let b = self.bucket(e.time);
        if b < self.base || b - self.base >= self.buckets {
            self.far.push(e);
        } else if self.front.is_empty() || b < self.head {
            self.new_head(b, e);
        } else if b == self.head {
            let key = e.key();
            let at = self.front.partition_point(|x| x.key() > key);
            self.front.insert(at, e);
        } else {
            self.link(b, e);
        }
    }

    /// An entry into an empty ring, or due before the front bucket (rare: the front
    /// bucket lies ahead of the last pop only while the buckets between are empty): the
    /// front goes back to its list and the entry's bucket becomes the front.
    #[cold]
    fn new_head(&mut self, b: u64, e: Entry<E>) {
        let mut old = std::mem::take(&mut self.front);
        let head = self.head;
        for x in old.drain(..) {
            self.link(head, x);
        }
        self.front = old; // empty, its capacity kept
        self.head = b;
        self.front.push(e);
    }

    #[inline]
    fn link(&mut self, b: u64, e: Entry<E>) {
        let slot = (b & (self.buckets - 1)) as usize;
        let next = self.lists[slot];
        let i = match self.free {
            NONE => {
                self.nodes.push(Node {
                    entry: Some(e),
                    next,
                });
                // `NONE` (2^32 − 1) is no node, so the last usable index is one below it.
                u32::try_from(self.nodes.len() - 1)
                    .ok()
                    .filter(|&i| i != NONE)
                    .expect("fewer than 2^32 − 1 pending events")
            }
            i => {
                let node = &mut self.nodes[i as usize];
                self.free = node.next;
                node.entry = Some(e);
                node.next = next;
                i
            }
        };
        self.lists[slot] = i;
        self.occupied[slot / 64] |= 1 << (slot % 64);
        self.listed += 1;
    }

    /// The earliest entry, whichever part holds it.
    #[inline]
    pub(super) fn front(&self) -> Option<&Entry<E>> {
        match (self.front.last(), self.far.peek()) {
            (Some(a), Some(b)) => Some(if a.key() < b.key() { a } else { b }),
            (a, b) => a.or(b),
        }
    }

    #[inline]
    pub(super) fn pop(&mut self) -> Option<Entry<E>> {
        let from_far = match (self.front.last(), self.far.peek()) {
            (Some(a), Some(b)) => b.key() < a.key(),
            (None, Some(_)) => true,
            (_, None) => false,
        };
        let e = if from_far {
            self.far.pop()?
        } else {
            let e = self.front.pop()?;
            if self.front.is_empty() {
                self.next_head();
            }
            e
        };
        // Nothing earlier than the last pop is pushed by a scheduler; the ring's window
        // moves up with it (entries still listed are later, so in their buckets).
        self.base = self.base.max(self.bucket(e.time));
        Some(e)
    }

    /// Makes the next non-empty bucket after the head the front: gathers and sorts it.
    fn next_head(&mut self) {
        if self.listed == 0 {
            return; // the ring is empty
        }
        // Listed buckets lie after the head, so the head is not the last bucket.
        let b = self.next_occupied(self.head + 1);
        self.head = b;
        let slot = (b & (self.buckets - 1)) as usize;
        self.occupied[slot / 64] &= !(1 << (slot % 64));
        let mut i = std::mem::replace(&mut self.lists[slot], NONE);
        while i != NONE {
            let node = &mut self.nodes[i as usize];
            self.front
                .push(node.entry.take().expect("a listed node holds an entry"));
            let next = node.next;
            node.next = self.free;
            self.free = i;
            self.listed -= 1;
            i = next;
        }
        self.front.sort_unstable_by_key(|x| Reverse(x.key()));
    }

    /// The first bucket at or after `from` whose list is not empty (one exists).
    fn next_occupied(&self, from: u64) -> u64 {
        let mut b = from;
        loop {
            let slot = (b & (self.buckets - 1)) as usize;
            let word = self.occupied[slot / 64] >> (slot % 64);
            if word != 0 {
                return b + u64::from(word.trailing_zeros());
            }
            b += 64 - (slot % 64) as u64;
        }
    }

    #[cfg(test)]
    pub(super) fn assert_order(&self) {
        self.far.assert_order();
        assert!(self.front.windows(2).all(|w| w[0].key() > w[1].key()));
        if let Some(e) = self.front.first() {
            assert_eq!(self.bucket(e.time), self.head);
            assert!(
                self.head >= self.base,
                "the front bucket is not behind the base"
            );
        } else {
            assert_eq!(self.listed, 0, "an empty front means an empty ring");
        }
        let mut listed = 0;
        for slot in 0..self.buckets as usize {
            let bit = self.occupied[slot / 64] >> (slot % 64) & 1 == 1;
            assert_eq!(bit, self.lists[slot] != NONE, "bitmap of slot {slot}");
            let mut i = self.lists[slot];
            while i != NONE {
                let e = self.nodes[i as usize].entry.as_ref().expect("listed");
                let b = self.bucket(e.time);
                assert_eq!((b & (self.buckets - 1)) as usize, slot);
                assert!(b > self.head, "listed entries lie after the front bucket");
                assert!(b >= self.base && b - self.base < self.buckets);
                listed += 1;
                i = self.nodes[i as usize].next;
            }
        }
        assert_eq!(listed, self.listed);
    }
}

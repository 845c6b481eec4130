//! Successful responses on their way back to the client, kept outside the pending-event
//! set.
//!
//! Every served request used to schedule a `Respond` event at its service end (plus the
//! commit's acknowledgement and the trip back): a quarter of the events of a run, each a
//! push and a pop of the pending set (its largest cost, see benches/README.md). A
//! *successful* response schedules nothing and draws nothing when it arrives: it records
//! an outcome and frees the request. So it needs no event, only its exact place in the
//! order of the run. At service end the model reserves the sequence number the event
//! would have had ([`Scheduler::reserve_seq`](crate::engine::Scheduler::reserve_seq)) and
//! keeps `(time, sequence, request)` here; before each event is handled, every response
//! whose `(time, sequence)` comes earlier is delivered, in that order, and the rest at
//! the end of the run. The recorder, the downtime judge, the timeout sweep and an
//! origin failing before it acknowledges see every response exactly where its event
//! would have been handled. Fast failures stay events: a retry they schedule could fall
//! before the event that would deliver them.
//!
//! The store is a ring of ~1 ms buckets over the next second (`BUCKETS` × 2^`WIDTH_BITS`
//! ns; responses further out wait in a small heap). A push links its item into its
//! bucket's list; the items live in one slab whose free slots are reused first, so the
//! whole store stays as compact as the ~1000 responses in flight (a `Vec` per bucket
//! kept each bucket's peak capacity: ~1 MB spread over the ring, and cache misses ate
//! what the pending set saved). The earliest bucket is gathered and sorted once, when it
//! becomes the front, and the earliest key is kept at hand so the check before each
//! event is one comparison.

use super::requests::{ReqRef, RequestModel};
use crate::engine::SimTime;
use crate::metrics::Kind;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Bucket width: 2^20 ns ≈ 1.05 ms.
const WIDTH_BITS: u32 = 20;
/// Buckets in the ring (a power of two): ≈ 1.07 s ahead.
const BUCKETS: u64 = 1024;
/// No node.
const NONE: u32 = u32::MAX;

#[derive(Clone, Copy, Debug)]
struct Item {
    /// `time << 64 | sequence`, as the engine orders events.
    key: u128,
    r: ReqRef,
}

/// An item in a bucket's list.
#[derive(Clone, Copy, Debug)]
struct Node {
    item: Item,
    next: u32,
}

/// Pending successful responses, ordered by `(time, sequence)`; see the module docs.
pub(super) struct Replies {
    /// The slab of list nodes; free ones are chained from `free`.
    nodes: Vec<Node>,
    free: u32,
    /// Per ring bucket, its first node (unordered).
    lists: Vec<u32>,
    /// Items in the lists.
    listed: usize,
    /// Every item in the ring lies in buckets `[base, base + BUCKETS)`.
    base: u64,
    /// The earliest non-empty bucket (`u64::MAX`: the ring is empty); its items are all
    /// in `front`, sorted by key, descending, so its earliest item is the last.
    head: u64,
    front: Vec<Item>,
    /// Items pushed beyond the ring's reach.
    far: BinaryHeap<Reverse<(u128, u32, u32)>>,
    /// The smallest key held (`u128::MAX`: none).
    min: u128,
}

impl Replies {
    pub(super) fn new() -> Self {
        Replies {
            nodes: Vec::new(),
            free: NONE,
            lists: vec![NONE; BUCKETS as usize],
            listed: 0,
            base: 0,
            head: u64::MAX,
            front: Vec::new(),
            far: BinaryHeap::new(),
            min: u128::MAX,
        }
    }

    /// Keeps the response to `r` due at `at` with sequence number `seq`. `at` must not be
    /// earlier than the last key passed to [`Replies::advance`].
    pub(super) fn push(&mut self, at: SimTime, seq: u64, r: ReqRef) {
        let key = (u128::from(at.as_nanos()) << 64) | u128::from(seq);
        self.min = self.min.min(key);
        let b = at.as_nanos() >> WIDTH_BITS;
        debug_assert!(b >= self.base, "a response scheduled into the past");
        if b >= self.base + BUCKETS {
            self.far.push(Reverse((key, r.idx, r.gen)));
            return;
        }
        let item = Item { key, r };
        if b == self.head {
            let at = self.front.partition_point(|x| x.key > key);
            self.front.insert(at, item);
        } else if b < self.head {
            // Rare: a response due before the front bucket, which goes back to its list.
            if self.head != u64::MAX {
                let old = std::mem::take(&mut self.front);
                for x in &old {
                    self.link(self.head, *x);
                }
                self.front = old;
                self.front.clear();
            }
            self.head = b;
            self.front.push(item);
        } else {
            self.link(b, item);
        }
    }

    fn link(&mut self, b: u64, item: Item) {
        let list = &mut self.lists[(b % BUCKETS) as usize];
        let node = Node { item, next: *list };
        let i = match self.free {
            NONE => {
                self.nodes.push(node);
                u32::try_from(self.nodes.len() - 1).expect("fewer than 2^32 responses in flight")
            }
            i => {
                self.free = self.nodes[i as usize].next;
                self.nodes[i as usize] = node;
                i
            }
        };
        *list = i;
        self.listed += 1;
    }

    /// Whether a response comes before the event whose key is `key`.
    #[inline(always)]
    pub(super) fn due(&self, key: u128) -> bool {
        self.min < key
    }

    /// Removes and returns the earliest response if its key is below `limit`.
    pub(super) fn pop_before(&mut self, limit: u128) -> Option<(SimTime, ReqRef)> {
        if self.min >= limit {
            return None;
        }
        let key = self.min;
        let r = match self.far.peek() {
            Some(&Reverse((k, idx, gen))) if k == key => {
                self.far.pop();
                ReqRef { idx, gen }
            }
            _ => {
                let item = self
                    .front
                    .pop()
                    .expect("the minimum is in the front bucket");
                debug_assert_eq!(item.key, key);
                if self.front.is_empty() {
                    self.next_head();
                }
                item.r
            }
        };
        let front_min = self.front.last().map_or(u128::MAX, |x| x.key);
        let far_min = self.far.peek().map_or(u128::MAX, |x| x.0 .0);
        self.min = front_min.min(far_min);
        Some((SimTime::from_nanos((key >> 64) as u64), r))
    }

    /// Called once every response before `key` was taken: the ring's window moves up to
    /// `key`'s bucket (nothing earlier can be pushed any more).
    pub(super) fn advance(&mut self, key: u128) {
        let b = ((key >> 64) as u64) >> WIDTH_BITS;
        debug_assert!(self.head == u64::MAX || self.head >= b);
        self.base = self.base.max(b);
    }

    /// Makes the next non-empty bucket after the head the front: gathers and sorts it.
    fn next_head(&mut self) {
        if self.listed == 0 {
            self.head = u64::MAX;
            return;
        }
        let mut b = self.head + 1;
        while self.lists[(b % BUCKETS) as usize] == NONE {
            b += 1;
        }
        debug_assert!(b < self.base + BUCKETS);
        self.head = b;
        let mut i = std::mem::replace(&mut self.lists[(b % BUCKETS) as usize], NONE);
        while i != NONE {
            let node = &mut self.nodes[i as usize];
            self.front.push(node.item);
            let next = node.next;
            node.next = self.free;
            self.free = i;
            self.listed -= 1;
            i = next;
        }
        self.front.sort_unstable_by_key(|x| Reverse(x.key));
    }

    #[cfg(test)]
    fn is_empty(&self) -> bool {
        self.min == u128::MAX
    }
}

impl RequestModel<'_> {
    /// A successful answer reaches the client at `at`.
    fn on_reply(&mut self, at: SimTime, r: ReqRef) {
        let Some(q) = self.get(r) else { return };
        let region = q.region as usize;
        if q.kind == Kind::Write
            && self.epoch[region] != q.commit_epoch
            && self.down_since[region] <= q.ack_at
        {
            return; // the origin failed before it could acknowledge
        }
        self.finish_at(at, r, Ok(()));
    }

    /// Delivers the successful answers due before the event whose place is `key`, each
    /// counted as the event it replaces.
    #[cold]
    pub(super) fn deliver_replies(&mut self, key: u128) {
        while let Some((at, r)) = self.replies.pop_before(key) {
            self.elided += 1;
            self.on_reply(at, r);
        }
        self.replies.advance(key);
    }

    /// Delivers the answers still on their way: call once, when the run has ended (the
    /// pending set is empty, so every one of them was due).
    pub fn end_run(&mut self) {
        self.deliver_replies(u128::MAX);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Interleaved pushes (never into the past) and flushes give the responses in
        /// exactly the order of a sorted list of their keys.
        #[test]
        fn pops_in_key_order(
            steps in proptest::collection::vec((0u64..4_000_000_000, 0u8..4, 0usize..6), 1..300),
        ) {
            let mut q = Replies::new();
            let mut shadow: Vec<(u128, u32)> = Vec::new();
            let (mut now, mut seq) = (0u64, 0u64);
            let mut popped = Vec::new();
            let mut expected = Vec::new();
            for (i, &(delay, step, n)) in steps.iter().enumerate() {
                // Delays from 0 to 4 s: same bucket, the ring and beyond it.
                let delay = match step { 0 => delay % 1_000_000, 1 => delay % 300_000_000, _ => delay };
                for k in 0..n {
                    seq += 1;
                    let at = now + delay / (k as u64 + 1);
                    q.push(SimTime::from_nanos(at), seq, ReqRef { idx: i as u32, gen: k as u32 });
                    shadow.push(((u128::from(at) << 64) | u128::from(seq), i as u32));
                }
                // The next "event": time moves on, everything before it is delivered.
                seq += 1;
                now += delay / 3;
                let limit = (u128::from(now) << 64) | u128::from(seq);
                while let Some((t, r)) = q.pop_before(limit) {
                    popped.push((t.as_nanos(), r.idx));
                }
                q.advance(limit);
                shadow.sort_unstable();
                let cut = shadow.partition_point(|x| x.0 < limit);
                expected.extend(shadow.drain(..cut).map(|x| ((x.0 >> 64) as u64, x.1)));
                prop_assert_eq!(&popped, &expected);
            }
            while let Some((t, r)) = q.pop_before(u128::MAX) {
                popped.push((t.as_nanos(), r.idx));
            }
            shadow.sort_unstable();
            expected.extend(shadow.drain(..).map(|x| ((x.0 >> 64) as u64, x.1)));
            prop_assert_eq!(popped, expected);
            prop_assert!(q.is_empty());
        }
    }
}

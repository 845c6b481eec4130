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
//! The store is the engine's calendar ([`crate::engine::QueueKind::Calendar`]) with the
//! geometry of the model's pending set (`RequestModel::QUEUE`), filled through
//! [`EventQueue::push_reserved`]; the earliest key is kept at hand so the check before
//! each event is one comparison.

use super::requests::{ReqRef, RequestModel};
use crate::engine::{EventQueue, SimTime};
use crate::metrics::Kind;

/// Pending successful responses, ordered by `(time, sequence)`; see the module docs.
pub(super) struct Replies {
    queue: EventQueue<ReqRef>,
    /// The smallest key held (`u128::MAX`: none).
    min: u128,
}

impl Replies {
    pub(super) fn new() -> Self {
        Replies {
            queue: EventQueue::of_kind(RequestModel::QUEUE),
            min: u128::MAX,
        }
    }

    /// Keeps the response to `r` due at `at` with sequence number `seq`. `at` must not be
    /// earlier than the last response taken.
    pub(super) fn push(&mut self, at: SimTime, seq: u64, r: ReqRef) {
        let key = (u128::from(at.as_nanos()) << 64) | u128::from(seq);
        self.min = self.min.min(key);
        self.queue.push_reserved(at, seq, r);
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
        let taken = self.queue.pop();
        self.min = self.queue.peek_key().unwrap_or(u128::MAX);
        taken
    }

    #[cfg(test)]
    fn is_empty(&self) -> bool {
        self.min == u128::MAX && self.queue.is_empty()
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

//! The last acknowledged write of every key touched, and when each region applied it.
//!
//! This is what stale reads and write conflicts are judged against:
//! - a read at region `r` at time `t` is **stale** if the key's last acknowledged write
//!   was acknowledged at or before `t` but reaches `r` only after `t`;
//! - a write committed at region `o` at time `t` **conflicts** (asynchronous multi-master)
//!   if the key's previous write came from another region and had not yet reached `o` at
//!   `t`: the two were concurrent, and last-writer-wins discards one of them.
//!
//! Layout: one record per key touched — `[acknowledged, applied at region 0, …, n − 1]` —
//! contiguous, so a lookup touches one cache line for typical region counts. Keys index
//! records directly through a dense table when the key space is small enough (≤ 4 M keys),
//! else through a hash map that is only looked up, never iterated (no order can leak).
//! Memory grows with the number of distinct keys written, bounded by the key space.
//!
//! Most reads find a key whose last write reached every region long ago; looking its
//! record up would cost two cache misses for nothing (the index alone is 4 MB at a
//! million keys). With a dense index, a bit per key (128 KB at a million keys, cache
//! resident) says whether the key's last write may still be on its way somewhere; only
//! those keys are looked up. Bits are cleared as reads' clocks pass each write's last
//! arrival, from a min-heap holding at most one entry per set bit. Reads ask in
//! simulated-time order, which is what lets the heap drain.

use crate::engine::SimTime;
use rustc_hash::FxHashMap;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

/// Key spaces up to this size use a dense index (4 bytes per key).
const DENSE_LIMIT: u64 = 1 << 22;
const NONE: u32 = u32::MAX;

enum Index {
    Dense(Vec<u32>),
    Sparse(FxHashMap<u64, u32>),
}

/// Per-key replication state; see the module docs.
pub struct KeyStore {
    stride: usize,
    index: Index,
    /// Per slot: `[acked, applied[0..n]]`.
    records: Vec<SimTime>,
    origins: Vec<u16>,
    /// Dense index only: a bit per key, set while its last write may not have reached
    /// every region (see the module docs); empty with a sparse index.
    in_flight: Vec<u64>,
    /// `(last arrival of the write, key)` for every set bit; re-checked when due.
    due: BinaryHeap<Reverse<(SimTime, u64)>>,
    /// The latest time `is_stale` was asked at (they must not go back).
    asked: SimTime,
}

impl KeyStore {
    /// A store for `regions` regions and keys in `0..key_space`.
    pub fn new(regions: usize, key_space: u64) -> Self {
        KeyStore {
            stride: regions + 1,
            index: if key_space <= DENSE_LIMIT {
                Index::Dense(Vec::new())
            } else {
                Index::Sparse(FxHashMap::default())
            },
            records: Vec::new(),
            origins: Vec::new(),
            in_flight: if key_space <= DENSE_LIMIT {
                vec![0; (key_space as usize).div_ceil(64)]
            } else {
                Vec::new()
            },
            due: BinaryHeap::new(),
            asked: SimTime::ZERO,
        }
    }

    /// When the last write of the key in `slot` reaches its last region.
    fn last_arrival(&self, slot: usize) -> SimTime {
        let rec = &self.records[slot * self.stride..(slot + 1) * self.stride];
        rec[1..].iter().copied().max().unwrap_or(SimTime::ZERO)
    }

    /// Whether the key's bit is set; keys outside the bit set count as set.
    #[inline]
    fn maybe_in_flight(&self, key: u64) -> bool {
        match self.in_flight.get((key / 64) as usize) {
            Some(w) => w & (1 << (key % 64)) != 0,
            None => true,
        }
    }

    /// Clears the bits of keys whose last write has reached every region by `now`.
    fn settle(&mut self, now: SimTime) {
        while let Some(&Reverse((at, key))) = self.due.peek() {
            if at > now {
                break;
            }
            self.due.pop();
            let Some(s) = self.slot(key) else { continue };
            let last = self.last_arrival(s);
            if last <= now {
                if let Some(w) = self.in_flight.get_mut((key / 64) as usize) {
                    *w &= !(1 << (key % 64));
                }
            } else {
                // Written again since: wait for that write instead.
                self.due.push(Reverse((last, key)));
            }
        }
    }

    #[inline]
    fn slot(&self, key: u64) -> Option<usize> {
        match &self.index {
            Index::Dense(v) => v
                .get(key as usize)
                .copied()
                .filter(|&s| s != NONE)
                .map(|s| s as usize),
            Index::Sparse(m) => m.get(&key).map(|&s| s as usize),
        }
    }

    /// Whether a read of `key` at `region` at `now` returns an outdated version. Reads
    /// must ask in order of `now` (simulated time does not go back).
    #[inline]
    pub fn is_stale(&mut self, key: u64, region: usize, now: SimTime) -> bool {
        debug_assert!(now >= self.asked, "is_stale asked back in time");
        self.asked = now;
        if !self.in_flight.is_empty() {
            self.settle(now);
            if !self.maybe_in_flight(key) {
                return false;
            }
        }
        match self.slot(key) {
            Some(s) => {
                let rec = &self.records[s * self.stride..(s + 1) * self.stride];
                rec[0] <= now && now < rec[1 + region]
            }
            None => false,
        }
    }

    /// Whether a write of `key` committed at `origin` at `now` is concurrent with the
    /// previous write from another region.
    pub fn conflicts(&self, key: u64, origin: usize, now: SimTime) -> bool {
        match self.slot(key) {
            Some(s) => {
                self.origins[s] as usize != origin
                    && now < self.records[s * self.stride + 1 + origin]
            }
            None => false,
        }
    }

    /// Records a write acknowledged at `acked` from `origin`, applied at each region at
    /// `applied_at(region)`.
    pub fn write(
        &mut self,
        key: u64,
        origin: usize,
        acked: SimTime,
        mut applied_at: impl FnMut(usize) -> SimTime,
    ) {
        let s = match self.slot(key) {
            Some(s) => s,
            None => {
                let s = self.origins.len();
                self.origins.push(0);
                self.records
                    .resize(self.records.len() + self.stride, SimTime::ZERO);
                match &mut self.index {
                    Index::Dense(v) => {
                        if v.len() <= key as usize {
                            v.resize(key as usize + 1, NONE);
                        }
                        v[key as usize] = s as u32;
                    }
                    Index::Sparse(m) => {
                        m.insert(key, s as u32);
                    }
                }
                s
            }
        };
        self.origins[s] = origin as u16;
        let rec = &mut self.records[s * self.stride..(s + 1) * self.stride];
        rec[0] = acked;
        for (r, slot) in rec[1..].iter_mut().enumerate() {
            *slot = applied_at(r);
        }
        if !self.maybe_in_flight(key) {
            let last = self.last_arrival(s);
            if let Some(w) = self.in_flight.get_mut((key / 64) as usize) {
                *w |= 1 << (key % 64);
            }
            self.due.push(Reverse((last, key)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SimDuration;

    fn t(ms: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_millis(ms)
    }

    /// The in-flight bits only skip lookups: random writes and reads in time order give
    /// the same answers as looking every record up.
    #[test]
    fn in_flight_bits_agree_with_full_lookups() {
        use rand::RngExt;
        let mut rng = crate::engine::Streams::new(7).stream("keys-test", 0);
        let (regions, space) = (3, 500);
        let mut k = KeyStore::new(regions, space);
        let mut naive: Vec<Option<(SimTime, Vec<SimTime>)>> = vec![None; space as usize];
        let mut now = t(0);
        let mut stale = 0;
        for _ in 0..200_000 {
            now += SimDuration::from_micros(rng.random_range(0..2_000));
            let key = rng.random_range(0..space);
            if rng.random::<f64>() < 0.2 {
                let acked = now + SimDuration::from_micros(rng.random_range(0..50_000));
                let applied: Vec<SimTime> = (0..regions)
                    .map(|_| match rng.random_range(0..20) {
                        0 => SimTime::MAX, // an unreachable replica
                        _ => now + SimDuration::from_micros(rng.random_range(0..300_000)),
                    })
                    .collect();
                k.write(key, 0, acked, |r| applied[r]);
                naive[key as usize] = Some((acked, applied));
            } else {
                let r = rng.random_range(0..regions);
                let want = naive[key as usize]
                    .as_ref()
                    .is_some_and(|(a, ap)| *a <= now && now < ap[r]);
                assert_eq!(k.is_stale(key, r, now), want, "key {key} region {r}");
                stale += usize::from(want);
            }
        }
        assert!(stale > 1000, "the test must see stale reads ({stale})");
        assert!(
            k.due.len() <= space as usize,
            "one heap entry per key at most"
        );
    }

    #[test]
    fn stale_and_conflict_windows_hand_computed() {
        for space in [100, DENSE_LIMIT + 1] {
            let mut k = KeyStore::new(2, space);
            // Written at region 0 at 100 ms, reaches region 1 at 180 ms.
            k.write(7, 0, t(100), |r| if r == 0 { t(100) } else { t(180) });
            assert!(!k.is_stale(7, 0, t(120)));
            assert!(k.is_stale(7, 1, t(120)));
            assert!(
                !k.is_stale(8, 1, t(120)),
                "never-written keys are never stale"
            );
            assert!(!k.is_stale(7, 1, t(180)));
            assert!(
                k.conflicts(7, 1, t(150)),
                "region 1 writes before the first write reached it"
            );
            assert!(!k.conflicts(7, 1, t(200)));
            assert!(
                !k.conflicts(7, 0, t(150)),
                "same origin is ordered, not a conflict"
            );
        }
    }
}

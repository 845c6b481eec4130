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

use crate::engine::SimTime;
use rustc_hash::FxHashMap;

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

    /// Whether a read of `key` at `region` at `now` returns an outdated version.
    #[inline]
    pub fn is_stale(&self, key: u64, region: usize, now: SimTime) -> bool {
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
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::SimDuration;

    fn t(ms: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_millis(ms)
    }

    #[test]
    fn stale_and_conflict_windows_hand_computed() {
        for space in [100, DENSE_LIMIT + 1] {
            let mut k = KeyStore::new(2, space);
            // Written at region 0 at 100 ms, reaches region 1 at 180 ms.
            k.write(7, 0, t(100), |r| if r == 0 { t(100) } else { t(180) });
            assert!(!k.is_stale(7, 0, t(120)));
            assert!(k.is_stale(7, 1, t(120)));
            assert!(!k.is_stale(7, 1, t(180)));
            assert!(
                !k.is_stale(8, 1, t(120)),
                "never-written keys are never stale"
            );
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

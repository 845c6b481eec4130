//! Hand-written priority queues of `(time ns, seq)` keys, references for the engine's
//! pending set: no payload, no cancellation, no scheduler — the best a plain loop over
//! each data structure can do.
//!
//! - [`RadixHeap`]: the classic monotone radix heap (Ahuja, Mehlhorn, Orlin and Tarjan,
//!   1990) on the 64-bit time: bucket `k` holds keys whose highest bit differing from the
//!   last minimum is `k - 1`, bucket 0 the keys equal to it. Ties leave in no particular
//!   order, which the hold model (empty payloads) cannot tell apart.
//! - [`QuadHeap`]: a 4-ary min-heap on `time << 64 | seq`, with the branch-free
//!   four-child tournament the engine's heap store uses.

/// A priority queue on `(time, seq)`.
pub trait KeyQueue {
    fn push(&mut self, time: u64, seq: u64);
    fn pop(&mut self) -> Option<(u64, u64)>;
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The classic radix heap; see the module doc.
pub struct RadixHeap {
    last: u64,
    /// Bucket 0: keys equal to `last`; bucket `k ≥ 1`: highest differing bit `k - 1`.
    buckets: Vec<Vec<(u64, u64)>>,
    /// Bit `k - 1` set when bucket `k ≥ 1` is not empty.
    occupied: u64,
    len: usize,
}

impl Default for RadixHeap {
    fn default() -> Self {
        RadixHeap {
            last: 0,
            buckets: (0..65).map(|_| Vec::new()).collect(),
            occupied: 0,
            len: 0,
        }
    }
}

impl RadixHeap {
    #[inline]
    fn place(&mut self, time: u64, seq: u64) {
        let x = time ^ self.last;
        let b = (64 - x.leading_zeros()) as usize;
        self.buckets[b].push((time, seq));
        if b > 0 {
            self.occupied |= 1 << (b - 1);
        }
    }
}

impl KeyQueue for RadixHeap {
    #[inline]
    fn push(&mut self, time: u64, seq: u64) {
        debug_assert!(time >= self.last);
        self.place(time, seq);
        self.len += 1;
    }

    #[inline]
    fn pop(&mut self) -> Option<(u64, u64)> {
        if self.buckets[0].is_empty() {
            if self.occupied == 0 {
                return None;
            }
            let b = self.occupied.trailing_zeros() as usize + 1;
            let mut v = std::mem::take(&mut self.buckets[b]);
            self.occupied &= !(1 << (b - 1));
            self.last = v.iter().map(|e| e.0).min().expect("occupied");
            for (t, s) in v.drain(..) {
                self.place(t, s);
            }
            self.buckets[b] = v;
        }
        self.len -= 1;
        self.buckets[0].pop()
    }

    fn len(&self) -> usize {
        self.len
    }
}

/// A 4-ary min-heap on `time << 64 | seq`; see the module doc.
#[derive(Default)]
pub struct QuadHeap {
    v: Vec<u128>,
}

impl KeyQueue for QuadHeap {
    #[inline]
    fn push(&mut self, time: u64, seq: u64) {
        let key = (time as u128) << 64 | seq as u128;
        let mut i = self.v.len();
        self.v.push(key);
        while i > 0 {
            let p = (i - 1) / 4;
            if self.v[p] < key {
                break;
            }
            self.v.swap(i, p);
            i = p;
        }
    }

    #[inline]
    fn pop(&mut self) -> Option<(u64, u64)> {
        let last = self.v.pop()?;
        let top = if self.v.is_empty() {
            last
        } else {
            let top = std::mem::replace(&mut self.v[0], last);
            let v = &mut self.v[..];
            let n = v.len();
            let mut i = 0;
            loop {
                let c = 4 * i + 1;
                let (child, ck) = if c + 4 <= n {
                    let (k0, k1, k2, k3) = (v[c], v[c + 1], v[c + 2], v[c + 3]);
                    let a = usize::from(k1 < k0);
                    let b = 2 + usize::from(k3 < k2);
                    let (ka, kb) = (k0.min(k1), k2.min(k3));
                    (c + if kb < ka { b } else { a }, ka.min(kb))
                } else if c < n {
                    let (j, k) = (c..n)
                        .map(|j| (j, v[j]))
                        .min_by_key(|e| e.1)
                        .expect("c < n");
                    (j, k)
                } else {
                    break;
                };
                if last < ck {
                    break;
                }
                v.swap(i, child);
                i = child;
            }
            top
        };
        Some(((top >> 64) as u64, top as u64))
    }

    fn len(&self) -> usize {
        self.v.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pushes and pops a deterministic mix; returns the times popped.
    fn drain(mut q: impl KeyQueue) -> Vec<u64> {
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let mut now = 0;
        let mut seq = 0;
        let mut popped = Vec::new();
        for round in 0..5000u64 {
            for _ in 0..(1 + round % 3) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                q.push(now + x % 1000, seq);
                seq += 1;
            }
            now = q.pop().expect("pushed").0;
            popped.push(now);
        }
        assert_eq!(q.len() as u64, seq - 5000);
        while let Some((t, _)) = q.pop() {
            popped.push(t);
        }
        popped
    }

    #[test]
    fn both_references_pop_the_same_times_in_order() {
        let radix = drain(RadixHeap::default());
        let quad = drain(QuadHeap::default());
        assert!(radix.windows(2).all(|w| w[0] <= w[1]), "radix out of order");
        assert_eq!(radix.len(), 9_999, "every key pushed is popped once");
        assert_eq!(radix, quad);
    }
}

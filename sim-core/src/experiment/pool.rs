//! Where a handful of independent runs execute: spread evenly over the cores.
//!
//! A comparison is three sequential runs (one per layout) on, typically, two cores. On a
//! pool of two workers one of them takes two runs and the other core idles through the
//! whole second half: the wall time is the longer pair, about two runs (benches/README.md,
//! "compare"). Splitting a run would change its outputs, so instead each run gets a
//! thread of its own and the operating system shares the cores among them: three runs
//! on two cores then take about the time of one and a half.
//!
//! Only for a few runs: with `jobs` between the pool's thread count and twice it (more
//! jobs than workers, but fewer than two full rounds). Beyond that a pool already keeps
//! every core busy until the last round, and a thread per run would hold every run's
//! memory at once. Results are those of the runs themselves, collected in job order, so
//! they are byte-identical whichever pool ran them.

/// Runs `work` — which spreads `jobs` independent, similar-sized jobs over rayon's
/// current pool with `par_iter` — on a pool of one thread per job when that shares the
/// cores better (see the module docs), else on the current pool. The extra threads go
/// past the pool's size on purpose (at most twice it, less one: `RAYON_NUM_THREADS=2`
/// still runs a comparison on three threads); they time-slice the same cores.
///
/// Called from a worker of a pool (work nested in parallel work) it never builds a pool:
/// a worker waiting in `install` would steal more of the outer jobs meanwhile, each one
/// building a pool of its own, and every run's memory would be held at once.
pub fn spread<R: Send>(jobs: usize, work: impl FnOnce() -> R + Send) -> R {
    let on_worker = rayon::current_thread_index().is_some();
    if let Some(threads) = threads_for(jobs, rayon::current_num_threads(), on_worker) {
        // Should the OS refuse the threads, the current pool runs the jobs as before.
        if let Ok(pool) = rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
            return pool.install(work);
        }
    }
    work()
}

/// The threads of a pool of its own for `jobs` jobs where the current pool has `threads`
/// (`None`: the current pool).
fn threads_for(jobs: usize, threads: usize, on_worker: bool) -> Option<usize> {
    (!on_worker && jobs > threads && jobs < 2 * threads).then_some(jobs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rayon::prelude::*;

    #[test]
    fn a_few_more_runs_than_workers_get_a_thread_each_and_others_keep_the_pool() {
        assert_eq!(
            threads_for(3, 2, false),
            Some(3),
            "a comparison on two cores"
        );
        assert_eq!(threads_for(5, 4, false), Some(5));
        assert_eq!(threads_for(7, 4, false), Some(7));
        assert_eq!(
            threads_for(2, 2, false),
            None,
            "one round: nothing to share"
        );
        assert_eq!(threads_for(1, 2, false), None);
        assert_eq!(threads_for(0, 2, false), None);
        assert_eq!(
            threads_for(4, 2, false),
            None,
            "two full rounds: the pool is enough"
        );
        assert_eq!(threads_for(90, 2, false), None, "a sweep's worth: the pool");
        assert_eq!(threads_for(2, 1, false), None, "one core: nothing to share");
        assert_eq!(
            threads_for(3, 2, true),
            None,
            "nested in parallel work: the pool"
        );
    }

    #[test]
    fn spread_runs_on_the_pool_it_chose_and_never_nests_pools() {
        // From this test's own thread (not a worker): the global pool's size decides.
        let n = rayon::current_num_threads();
        let expect = threads_for(n + 1, n, false).unwrap_or(n);
        assert_eq!(spread(n + 1, rayon::current_num_threads), expect);
        assert_eq!(spread(n, rayon::current_num_threads), n);
        // From inside a pool of two: the same pool, whatever the jobs.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .expect("a pool");
        assert_eq!(pool.install(|| spread(3, rayon::current_num_threads)), 2);
    }

    #[test]
    fn results_come_back_in_job_order() {
        let out: Vec<usize> = spread(3, || {
            (0..3usize)
                .into_par_iter()
                .with_max_len(1)
                .map(|j| j * 10)
                .collect()
        });
        assert_eq!(out, [0, 10, 20]);
    }
}

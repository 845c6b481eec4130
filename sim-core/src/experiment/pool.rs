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
/// cores better (see the module docs), else on the current pool.
pub fn spread<R: Send>(jobs: usize, work: impl FnOnce() -> R + Send) -> R {
    let threads = rayon::current_num_threads();
    if jobs > threads && jobs < 2 * threads {
        if let Ok(pool) = rayon::ThreadPoolBuilder::new().num_threads(jobs).build() {
            return pool.install(work);
        }
    }
    work()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rayon::prelude::*;

    /// The threads of the pool `spread` runs `jobs` jobs on, from inside a pool of
    /// `outer` threads (as the CLI's and the GUI's runs are).
    fn workers(outer: usize, jobs: usize) -> usize {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(outer)
            .build()
            .expect("a pool");
        pool.install(|| spread(jobs, rayon::current_num_threads))
    }

    #[test]
    fn a_few_more_runs_than_workers_get_a_thread_each_and_others_keep_the_pool() {
        assert_eq!(workers(2, 3), 3, "a comparison on two cores");
        assert_eq!(workers(4, 5), 5);
        assert_eq!(workers(4, 7), 7);
        assert_eq!(workers(2, 2), 2, "one round: nothing to share");
        assert_eq!(workers(2, 1), 2);
        assert_eq!(workers(2, 4), 2, "two full rounds: the pool is enough");
        assert_eq!(workers(2, 90), 2, "a sweep's worth: the pool");
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

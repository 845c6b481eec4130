//! What a region's multi-server station did over the measured window, time-weighted: the
//! figures of `regions.csv` (utilisation, queue, wait, P(wait), throughput), measured by
//! the model's stations and written by `export`.

/// Time-weighted figures of a station over a window.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct StationWindow {
    pub seconds: f64,
    /// Busy server-time / server-time (servers time-weighted: capacity changes count).
    pub utilisation: f64,
    /// Time-averaged servers.
    pub mean_servers: f64,
    pub mean_in_system: f64,
    pub mean_queue_len: f64,
    /// Mean wait in queue of the jobs that started service in the window (a job that
    /// found a free server waited 0), s.
    pub mean_wait_s: f64,
    /// Share of the window's arrivals that found every server busy (queued or rejected).
    pub p_wait: f64,
    pub arrivals: u64,
    pub rejected: u64,
    pub completions: u64,
    /// Completions per second.
    pub throughput: f64,
}

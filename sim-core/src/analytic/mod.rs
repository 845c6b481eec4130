//! Closed-form and numerical models that cross-check the simulation and prune searches.
//!
//! - [`erlang`] — Erlang B/C, M/M/c mean wait, waiting- and response-time distributions;
//! - [`sizing`] — the smallest number of servers that meets a latency target (Erlang C);
//! - [`markov`] — steady state and long-run rewards of a continuous-time Markov chain;
//! - [`availability`] — Markov availability models of the layouts, and closed forms;
//! - [`years`] — the region-state simulation over years on the DES engine, the Monte
//!   Carlo twin of [`availability`].

pub mod availability;
pub mod erlang;
pub mod markov;
pub mod sizing;
pub mod years;

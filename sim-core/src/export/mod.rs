//! Output files: CSV rows and atomic writes.

pub mod atomic;
pub mod csv_out;
pub mod replicated;

pub use atomic::write_atomic;

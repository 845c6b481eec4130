//! Every byte the CLI prints goes through here, so that no write can panic.
//!
//! `println!` and `eprintln!` panic when the stream cannot be written (`regionsim compare >
//! /dev/full`, a closed pipe with SIGPIPE ignored), which would end the program with exit
//! status 101 and a backtrace hint. Instead:
//!
//! - standard output: a closed pipe (`regionsim regions | head -3`) ends the program quietly
//!   with status 0 — the reader has what it wanted; any other error (a full disk) is
//!   reported on standard error and ends the program with status 1.
//! - standard error is best effort: when it cannot be written there is nowhere to report
//!   that, so messages are dropped and the program goes on to its own exit status.
//!
//! Use [`outln!`] and [`errln!`] (the `println!` / `eprintln!` of this binary), or
//! [`out`] and [`err`] for text that carries its own newlines.

use std::io::{ErrorKind, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once standard error failed; later messages are dropped.
static STDERR_GONE: AtomicBool = AtomicBool::new(false);

/// Writes `text` to standard output and flushes; see the module docs for failures.
pub fn out(text: &str) {
    let mut o = std::io::stdout().lock();
    if let Err(e) = o.write_all(text.as_bytes()).and_then(|_| o.flush()) {
        stdout_failed(&e);
    }
}

/// Writes `text` to standard error; dropped if standard error cannot be written.
pub fn err(text: &str) {
    if STDERR_GONE.load(Ordering::Relaxed) {
        return;
    }
    let mut o = std::io::stderr().lock();
    if o.write_all(text.as_bytes())
        .and_then(|_| o.flush())
        .is_err()
    {
        STDERR_GONE.store(true, Ordering::Relaxed);
    }
}

/// Ends the program after standard output failed with `e`: status 0 for a closed pipe,
/// else a message on standard error and status 1.
pub fn stdout_failed(e: &std::io::Error) -> ! {
    if e.kind() == ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    err(&format!("error: cannot write to standard output: {e}\n"));
    std::process::exit(1);
}

/// `println!` that never panics (see the module docs).
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::out::out(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// `eprintln!` that never panics (see the module docs).
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::out::err(&format!("{}\n", format_args!($($arg)*)))
    };
}

pub(crate) use {errln, outln};

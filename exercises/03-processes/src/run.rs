//! Task `run`: run a worker to completion and report how it went, as types.
//!
//! A worker can end three ways besides success, and the caller needs to tell them apart:
//! it could not be started at all, it exited with a non-zero code, or a signal ended it
//! (it crashed). [`RunError`] has a variant for each, and one for a deadline (task
//! `deadline`).

use std::io;
use std::time::Duration;

use crate::worker::Worker;

/// What a worker that succeeded (exit code 0) produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// The pid of the worker process.
    pub pid: u32,
    /// Everything it wrote on stdout (invalid UTF-8 replaced by `U+FFFD`).
    pub stdout: String,
}

/// Why running a worker did not produce an [`Output`].
#[derive(Debug)]
pub enum RunError {
    /// The program could not be started (not found, not executable, ...).
    Spawn(io::Error),
    /// It ran and exited with a code other than 0.
    Exited {
        pid: u32,
        code: i32,
        /// What it wrote on stderr, usually the reason.
        stderr: String,
    },
    /// A signal ended it: it crashed (`SIGSEGV`, `SIGABRT`, ...) or something killed it.
    Signaled {
        pid: u32,
        signal: i32,
        stderr: String,
    },
    /// It was still running when its time was up, and was killed (task `deadline`).
    TimedOut { pid: u32, timeout: Duration },
    /// Reading its output or waiting for it failed.
    Io(io::Error),
}

/// Runs `worker` to completion, with its stdout and stderr captured, and returns its
/// stdout if it exited with code 0. The worker may write any amount on either stream:
/// both are read while it runs. Waiting for it blocks, using no CPU. When this returns,
/// the worker has been waited for (reaped), whatever the outcome.
pub fn run(worker: &Worker) -> Result<Output, RunError> {
    // Write `run` here:
    // 1. `worker.command()` gives a `std::process::Command`. Its `output()` method starts
    //    the process with stdout and stderr piped, reads both, and waits for it. But you
    //    also need the pid, and `output()` does not give it: use `.stdout(Stdio::piped())`
    //    and `.stderr(Stdio::piped())`, then `spawn()`, then `child.id()`, then
    //    `child.wait_with_output()` (which reads both pipes and waits).
    // 2. A failed `spawn` is `RunError::Spawn`; a failed `wait_with_output`, `RunError::Io`.
    // 3. `output.status.code()` is `Some(code)` if the process exited: 0 is success, anything
    //    else `RunError::Exited`. It is `None` if a signal ended it: then
    //    `std::os::unix::process::ExitStatusExt::signal(&output.status)` gives the signal,
    //    for `RunError::Signaled`.
    // 4. `String::from_utf8_lossy(&bytes).into_owned()` turns captured bytes into a String.
    // APIs: https://doc.rust-lang.org/std/process/struct.Command.html#method.spawn
    //       https://doc.rust-lang.org/std/process/struct.Child.html#method.wait_with_output
    //       https://doc.rust-lang.org/std/os/unix/process/trait.ExitStatusExt.html
    todo!("spawn the worker with piped stdout and stderr, wait for it, sort out how it ended")
}

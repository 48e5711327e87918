//! Task `run`: run a worker to completion and report how it went, as types.

use std::io;
use std::os::unix::process::ExitStatusExt;
use std::process::{ExitStatus, Stdio};
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
    let child = worker
        .command()
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(RunError::Spawn)?;
    // `output()` would do all of this in one call, but it does not tell the pid.
    let pid = child.id();
    // Reads both pipes to their end, both at once so that neither can fill up while the
    // other is read, then waits for the worker, which reaps it.
    let output = child.wait_with_output().map_err(RunError::Io)?;
    outcome(pid, output.status, &output.stdout, &output.stderr)
}

/// Sorts out how a finished worker went: its stdout if it succeeded, else the error that
/// says how it failed. `run_with_deadline` shares it.
pub(crate) fn outcome(
    pid: u32,
    status: ExitStatus,
    stdout: &[u8],
    stderr: &[u8],
) -> Result<Output, RunError> {
    let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
    // On Unix an ended process has exactly one of the two: an exit code, or the number of
    // the signal that ended it.
    match (status.code(), status.signal()) {
        (Some(0), _) => Ok(Output {
            pid,
            stdout: text(stdout),
        }),
        (Some(code), _) => Err(RunError::Exited {
            pid,
            code,
            stderr: text(stderr),
        }),
        (None, Some(signal)) => Err(RunError::Signaled {
            pid,
            signal,
            stderr: text(stderr),
        }),
        (None, None) => Err(RunError::Io(io::Error::other(format!(
            "worker {pid} ended with neither an exit code nor a signal ({status})"
        )))),
    }
}

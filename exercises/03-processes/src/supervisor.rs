//! Task `supervisor`: restart a worker that crashes, fails or hangs, up to a limit.

use std::time::Duration;

use crate::run::{Output, RunError};
use crate::worker::Worker;

/// A worker that eventually succeeded, and the failed attempts before it.
#[derive(Debug)]
pub struct Supervised {
    /// The output of the attempt that succeeded.
    pub output: Output,
    /// Every failed attempt, in order (`Exited`, `Signaled` or `TimedOut`).
    pub failures: Vec<RunError>,
}

/// Why supervising a worker did not produce an [`Output`].
#[derive(Debug)]
pub enum SuperviseError {
    /// Every attempt failed: the first one and `max_restarts` restarts.
    GaveUp { failures: Vec<RunError> },
    /// The worker could not be run at all ([`RunError::Spawn`] or [`RunError::Io`]):
    /// starting it again would fail again, so it is not restarted.
    CannotRun(RunError),
}

/// Runs `worker` with [`crate::run_with_deadline`] and restarts it each time it fails
/// (a non-zero exit, a signal, or `timeout` passed), at most `max_restarts` times.
/// Returns the output of the first attempt that succeeds, with the failures before it.
pub fn supervise(
    worker: &Worker,
    max_restarts: usize,
    timeout: Duration,
) -> Result<Supervised, SuperviseError> {
    // Write `supervise` here:
    // 1. Loop: run the worker with `crate::run_with_deadline(worker, timeout)`.
    // 2. `Ok(output)`: return it, with the failures collected so far.
    // 3. `Err(RunError::Exited { .. } | RunError::Signaled { .. } | RunError::TimedOut { .. })`:
    //    push the error onto the failures; if that was attempt number `max_restarts + 1`,
    //    give up (`SuperviseError::GaveUp`), else go round again.
    // 4. Any other error (`Spawn`, `Io`): `SuperviseError::CannotRun`, at once.
    todo!("run the worker, restart it after each failure, give up after max_restarts")
}

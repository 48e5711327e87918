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
///
/// A supervisor of a long-running service would also wait between restarts, longer and
/// longer (a *backoff*), so that a worker that fails at once does not restart in a tight
/// loop; here each restart follows the failure directly.
pub fn supervise(
    worker: &Worker,
    max_restarts: usize,
    timeout: Duration,
) -> Result<Supervised, SuperviseError> {
    let mut failures = Vec::new();
    loop {
        // `run_with_deadline` kills and reaps a hung worker: each attempt is over, and its
        // process gone, before the next one starts.
        match crate::run_with_deadline(worker, timeout) {
            Ok(output) => return Ok(Supervised { output, failures }),
            Err(
                failure @ (RunError::Exited { .. }
                | RunError::Signaled { .. }
                | RunError::TimedOut { .. }),
            ) => {
                failures.push(failure);
                if failures.len() > max_restarts {
                    return Err(SuperviseError::GaveUp { failures });
                }
            }
            Err(cannot_run @ (RunError::Spawn(_) | RunError::Io(_))) => {
                return Err(SuperviseError::CannotRun(cannot_run));
            }
        }
    }
}

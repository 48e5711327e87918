//! Task `fault-tolerant`: a pool whose workers may die; each dead worker is replaced and
//! its unanswered jobs sent again, and every job's result is delivered exactly once.

use std::fmt;
use std::io;

use crate::pool::JobResult;
use crate::work::Job;
use crate::worker::Worker;

/// Every job's result, and how many workers were started to replace dead ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Supervised {
    /// One result per job, in the order of the jobs.
    pub results: Vec<JobResult>,
    pub restarts: usize,
}

/// Why a supervised run did not produce every result.
#[derive(Debug)]
pub enum SuperviseError {
    /// A worker could not be started.
    Spawn(io::Error),
    /// Workers kept dying: the run stopped after `restarts` restarts.
    TooManyRestarts { restarts: usize },
    /// Stopping a worker failed.
    Io(io::Error),
}

impl fmt::Display for SuperviseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SuperviseError::Spawn(error) => write!(f, "cannot start a worker: {error}"),
            SuperviseError::TooManyRestarts { restarts } => {
                write!(f, "workers kept dying: gave up after {restarts} restarts")
            }
            SuperviseError::Io(error) => write!(f, "talking to a worker: {error}"),
        }
    }
}

impl std::error::Error for SuperviseError {}

/// Runs every job on `processes` worker processes, like `pool_map`; when a worker dies,
/// reaps it, starts another in its place (at most `max_restarts` times in all), and sends
/// the jobs it had not answered again. Every job's result is in the returned list exactly
/// once, in the order of `jobs`. When it returns, every worker has ended and been reaped.
///
/// # Panics
///
/// If `processes` is 0, or two jobs have the same id.
pub fn supervise(
    worker: &Worker,
    processes: usize,
    jobs: &[Job],
    max_restarts: usize,
) -> Result<Supervised, SuperviseError> {
    // Write `supervise` here, starting from your `pool_map`:
    // 1. Keep the positions of the jobs still to send in a `VecDeque`, and top every worker
    //    up to `JOBS_AHEAD` unanswered jobs from its front.
    // 2. A reply: if its job has no result yet, store it; if it has one, discard it (a job
    //    that ran twice must still be delivered once).
    // 3. A worker gone: reap it; put the jobs it had not answered back at the front of the
    //    queue; start a new worker in its place, unless `max_restarts` restarts are used
    //    up (`SuperviseError::TooManyRestarts`).
    // 4. As in `pool_map`, every worker ends and is reaped on every path.
    todo!("a pool that replaces dead workers and sends their unanswered jobs again")
}

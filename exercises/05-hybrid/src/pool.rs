//! Task `process-pool`, the parent's side: feed jobs to worker processes, a few ahead
//! each, and collect their replies.

use std::fmt;
use std::io;

use crate::work::{Job, JobId};
use crate::worker::Worker;

/// The most jobs a worker is sent that it has not replied to yet: enough to keep a pool
/// of a few threads busy, few enough that the jobs are shared out fairly.
pub const JOBS_AHEAD: usize = 4;

/// A job's result, and the worker process that sent it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobResult {
    pub id: JobId,
    pub value: u64,
    pub pid: u32,
}

/// Why a pool did not produce every result.
#[derive(Debug)]
pub enum PoolError {
    /// A worker could not be started.
    Spawn(io::Error),
    /// Worker `pid` ended while it still had jobs to reply to.
    WorkerDied { pid: u32 },
    /// Stopping a worker failed.
    Io(io::Error),
}

impl fmt::Display for PoolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PoolError::Spawn(error) => write!(f, "cannot start a worker: {error}"),
            PoolError::WorkerDied { pid } => write!(f, "worker {pid} died with jobs to do"),
            PoolError::Io(error) => write!(f, "talking to a worker: {error}"),
        }
    }
}

impl std::error::Error for PoolError {}

/// Runs every job on `processes` worker processes started from `worker` (fewer if there
/// are fewer jobs), at most [`JOBS_AHEAD`] jobs ahead per worker, and returns the results
/// in the order of `jobs`. When it returns, every worker has ended and been reaped.
///
/// # Panics
///
/// If `processes` is 0, or two jobs have the same id.
pub fn pool_map(
    worker: &Worker,
    processes: usize,
    jobs: &[Job],
) -> Result<Vec<JobResult>, PoolError> {
    // Write `pool_map` here:
    // 1. `assert!(processes > 0, "a pool needs at least one worker process")`. Start
    //    `processes.min(jobs.len())` workers from `worker.command()`, stdin and stdout
    //    piped; keep each `Child` and a `BufWriter` around its `ChildStdin`.
    // 2. For each worker, a listener thread reads `Reply` frames from its stdout
    //    (`crate::frame::read_frame`) and forwards `(pid, reply)` into one
    //    `crossbeam::channel::unbounded` channel; at the end of the stream it says the
    //    worker is gone.
    // 3. Send each worker up to `JOBS_AHEAD` jobs (`crate::frame::write_frame`), keeping
    //    which ones it has not answered. Then, on this thread, handle what the listeners
    //    forward: store each reply at its job's position, and send that worker the next
    //    job. A worker gone with jobs unanswered is `PoolError::WorkerDied`.
    // 4. On every path, every worker ends and is reaped: close its stdin and `wait` when
    //    all is done; `kill` then `wait` on an error (a `Drop` guard does it for you).
    todo!("start the workers, feed them a few jobs ahead, collect the replies, reap")
}

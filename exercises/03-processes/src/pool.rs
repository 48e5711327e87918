//! Task `pool`: map jobs over a pool of worker processes that compute in parallel.
//!
//! The worker program serves jobs over its stdin and stdout: for each line `JOB` it reads,
//! it writes one line with the result, `work(JOB)`, until its stdin is closed; then it
//! exits with code 0. (See `worker/main.rs`, task `serve`.)

use std::io;

use crate::worker::Worker;

/// The result of one job, and the worker process that computed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobResult {
    pub job: u64,
    pub value: u64,
    /// The pid of the worker process that computed `value`.
    pub pid: u32,
}

/// Why a pool did not produce every result.
#[derive(Debug)]
pub enum PoolError {
    /// A worker could not be started.
    Spawn(io::Error),
    /// A worker died while it had `job` to do: its reply never came (end of file on its
    /// stdout), or the job could not even be sent (its stdin was closed).
    WorkerDied { pid: u32, job: u64 },
    /// Talking to a worker failed otherwise (or its reply was not a number).
    Io(io::Error),
}

/// Computes every job on a pool of `workers` worker processes (fewer if there are fewer
/// jobs) started from `worker`, at the same time, and returns the results in the order of
/// `jobs`. Waiting for the workers' replies uses no CPU. When this returns, every worker
/// it started has ended and been reaped, also when it returns an error (a worker that
/// died, or one that could not start).
///
/// # Panics
///
/// If `workers` is 0, with a message that says a pool needs at least one worker.
pub fn pool_map(
    worker: &Worker,
    workers: usize,
    jobs: &[u64],
) -> Result<Vec<JobResult>, PoolError> {
    // Write `pool_map` here:
    // 1. `assert!(workers > 0, "a pool needs at least one worker")`. Start
    //    `workers.min(jobs.len())` processes with `worker.command()`, stdin and stdout
    //    piped (`Stdio::piped()`), and keep each `Child` with its `ChildStdin` (to send
    //    jobs) and a `BufReader` around its `ChildStdout` (to read replies line by line).
    //    If one cannot start, stop and reap those already started before returning
    //    `PoolError::Spawn`: dropping a `Child` does not wait for it.
    // 2. In a `std::thread::scope`, give each worker a thread of its own. The threads
    //    share the jobs: an `AtomicUsize` holds the index of the next job, and
    //    `fetch_add(1, ...)` hands each index out exactly once. A thread loops: take an
    //    index, write the job and a newline to its worker's stdin (`writeln!` and
    //    `flush`), read one reply line (`read_line`; 0 bytes read means the worker died,
    //    and so does a write that fails with `ErrorKind::BrokenPipe`), parse it, keep
    //    `(index, JobResult)`. Write one job, then read its reply: writing many jobs
    //    before reading anything fills the pipes and blocks both sides.
    // 3. After the scope, end every worker, whatever happened: drop its stdin (end of
    //    file: it exits) and `wait()` for it. On an error, `kill()` first.
    // 4. Return the first error, or the results sorted back into the order of `jobs`.
    // APIs: https://doc.rust-lang.org/std/thread/fn.scope.html
    //       https://doc.rust-lang.org/std/io/trait.BufRead.html#method.read_line
    todo!("start the workers, feed them jobs from threads, collect the replies, reap them all")
}

//! Task `pool`: map jobs over a pool of worker processes that compute in parallel.
//!
//! Each worker process gets a thread of this process that feeds it: the thread takes the
//! next job (an `AtomicUsize` hands out each index once), writes it to the worker's
//! stdin, reads the reply from its stdout, and takes the next. One job in flight per
//! worker: a worker is never more than one line behind, so neither pipe can fill up, and
//! the job queue stays shared, so a worker that finishes early takes more jobs.

use std::io::{self, BufRead, BufReader, ErrorKind, Write};
use std::process::{Child, ChildStdin, ChildStdout, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;

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
    assert!(workers > 0, "a pool needs at least one worker, got 0");
    // If a start fails, `?` returns and the workers already started are dropped: each
    // one's `Drop` kills and reaps it.
    let mut pool = (0..workers.min(jobs.len()))
        .map(|_| PoolWorker::start(worker).map_err(PoolError::Spawn))
        .collect::<Result<Vec<_>, _>>()?;

    let next_job = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let outcomes: Vec<Result<Vec<(usize, JobResult)>, PoolError>> = thread::scope(|s| {
        let feeders: Vec<_> = pool
            .iter_mut()
            .map(|worker| s.spawn(|| worker.feed(jobs, &next_job, &failed)))
            .collect();
        feeders
            .into_iter()
            .map(|feeder| feeder.join().expect("a feeding thread does not panic"))
            .collect()
    });

    if let Some(position) = outcomes.iter().position(Result::is_err) {
        // Dropping the pool kills and reaps every worker, the dead one included.
        drop(pool);
        let Some(Err(error)) = outcomes.into_iter().nth(position) else {
            unreachable!("`position` found an error there")
        };
        return Err(error);
    }
    // Every job is done: stop the workers politely, and reap each one.
    for worker in &mut pool {
        worker.stop().map_err(PoolError::Io)?;
    }
    let mut results: Vec<(usize, JobResult)> = outcomes.into_iter().flatten().flatten().collect();
    results.sort_unstable_by_key(|(index, _)| *index);
    Ok(results.into_iter().map(|(_, result)| result).collect())
}

/// A running worker process, and the parent's ends of its pipes.
struct PoolWorker {
    child: Child,
    /// `None` once the worker was told to stop.
    jobs: Option<ChildStdin>,
    replies: BufReader<ChildStdout>,
}

impl PoolWorker {
    fn start(worker: &Worker) -> io::Result<PoolWorker> {
        let mut child = worker
            .command()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let jobs = child.stdin.take();
        let replies = BufReader::new(child.stdout.take().expect("stdout is piped"));
        Ok(PoolWorker {
            child,
            jobs,
            replies,
        })
    }

    /// Feeds the worker jobs from the shared queue until the queue is empty, or a worker
    /// (this one or another) has failed. Returns each job's index and result.
    fn feed(
        &mut self,
        jobs: &[u64],
        next_job: &AtomicUsize,
        failed: &AtomicBool,
    ) -> Result<Vec<(usize, JobResult)>, PoolError> {
        let pid = self.child.id();
        let mut done = Vec::new();
        // Relaxed is enough: the counter only has to hand out each index once, and the
        // flag only stops the other feeders early; the results travel back through
        // `join`, which synchronises.
        while !failed.load(Ordering::Relaxed) {
            let index = next_job.fetch_add(1, Ordering::Relaxed);
            let Some(&job) = jobs.get(index) else { break };
            match self.compute(job) {
                Ok(value) => done.push((index, JobResult { job, value, pid })),
                Err(error) => {
                    failed.store(true, Ordering::Relaxed);
                    return Err(error);
                }
            }
        }
        Ok(done)
    }

    /// Sends one job, waits for its reply.
    fn compute(&mut self, job: u64) -> Result<u64, PoolError> {
        let pid = self.child.id();
        let died = PoolError::WorkerDied { pid, job };
        let stdin = self
            .jobs
            .as_mut()
            .expect("a worker gets jobs until it is stopped");
        // One line, one `write`: `ChildStdin` is not buffered.
        if let Err(error) = stdin.write_all(format!("{job}\n").as_bytes()) {
            // The worker's end of the pipe is closed: it is gone.
            return Err(if error.kind() == ErrorKind::BrokenPipe {
                died
            } else {
                PoolError::Io(error)
            });
        }
        let mut reply = String::new();
        match self.replies.read_line(&mut reply) {
            Ok(0) => Err(died), // end of file: the worker ended without replying
            Ok(_) => reply.trim().parse().map_err(|_| {
                PoolError::Io(io::Error::new(
                    ErrorKind::InvalidData,
                    format!("worker {pid} replied {reply:?} to job {job}"),
                ))
            }),
            Err(error) => Err(PoolError::Io(error)),
        }
    }

    /// Tells the worker to stop (end of file on its stdin) and reaps it.
    fn stop(&mut self) -> io::Result<ExitStatus> {
        drop(self.jobs.take());
        self.child.wait()
    }
}

impl Drop for PoolWorker {
    /// A worker that was not stopped (an error, a panic) is killed, and always reaped.
    /// After `stop`, both calls do nothing: `kill` on a reaped child returns at once, and
    /// `wait` returns the status it already has.
    fn drop(&mut self) {
        drop(self.jobs.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

//! Task `pool`: a SEQUENTIAL IMPOSTOR, for `scripts/impostor-stability.sh`.
//!
//! This is the reference solution with the feeding threads taken out: it starts the same
//! worker processes, and every job is computed by the worker its result names, but the
//! jobs go to the workers one at a time, in turn, from the calling thread. It passes
//! every test check of task `pool`; its benchmark check must fail it every time.

use std::io::{self, BufRead, BufReader, ErrorKind, Write};
use std::process::{Child, ChildStdin, ChildStdout, ExitStatus, Stdio};

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
/// `jobs`. When this returns, every worker it started has ended and been reaped, also
/// when it returns an error.
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

    // One job at a time, to each worker in turn: every worker waits while another
    // computes, so the pool is no faster than one worker.
    let mut outcome: Result<Vec<(usize, JobResult)>, PoolError> = Ok(Vec::new());
    for (index, &job) in jobs.iter().enumerate() {
        let count = pool.len();
        let worker = &mut pool[index % count];
        let pid = worker.child.id();
        match worker.compute(job) {
            Ok(value) => {
                if let Ok(done) = &mut outcome {
                    done.push((index, JobResult { job, value, pid }));
                }
            }
            Err(error) => {
                outcome = Err(error);
                break;
            }
        }
    }
    let outcomes = vec![outcome];

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

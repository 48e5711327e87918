//! Task `process-pool`: a SEQUENTIAL IMPOSTOR, for `scripts/impostor-stability.sh`.
//!
//! The reference solution, except that it feeds only its first worker process: it starts
//! every worker, and reaps every worker, but the jobs run in one process. Its worker runs
//! several jobs at once on its pool (on 2 cores the benchmark's workers have one thread
//! each). Of the tests of task `process-pool`, only the one that checks that every worker
//! ran some of the jobs fails it; the benchmark check must fail it too.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::io::{self, BufReader, BufWriter};
use std::process::{Child, ChildStdin, ChildStdout, ExitStatus, Stdio};
use std::thread::{self, JoinHandle};

use crossbeam::channel::{self, Sender};

use crate::frame::{read_frame, write_frame};
use crate::work::{Job, JobId, Reply};
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

/// What a listener thread forwards from its worker.
pub(crate) enum Heard {
    Reply { pid: u32, reply: Reply },
    Gone { pid: u32 },
}

/// A running worker: its process, its stdin, the jobs it has not replied to, and the
/// thread that reads its replies. Dropping it kills and reaps the process and joins the
/// thread.
pub(crate) struct Running {
    pub(crate) pid: u32,
    pub(crate) unanswered: BTreeSet<JobId>,
    jobs: Option<BufWriter<ChildStdin>>,
    child: Child,
    listener: Option<JoinHandle<()>>,
}

impl Running {
    pub(crate) fn start(worker: &Worker, heard: &Sender<Heard>) -> io::Result<Running> {
        let mut child = worker
            .command()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let pid = child.id();
        let jobs = child.stdin.take().map(BufWriter::new);
        let replies = child.stdout.take().expect("stdout is piped");
        let heard = heard.clone();
        let listener = thread::Builder::new()
            .spawn(move || listen(pid, replies, heard))
            .inspect_err(|_| {
                let _ = child.kill();
                let _ = child.wait();
            })?;
        Ok(Running {
            pid,
            unanswered: BTreeSet::new(),
            jobs,
            child,
            listener: Some(listener),
        })
    }

    /// Sends `job`. A failure is not reported: it means the worker is dying, and its
    /// listener will say so; until then the job counts as unanswered.
    pub(crate) fn send(&mut self, job: &Job) {
        self.unanswered.insert(job.id);
        if let Some(jobs) = self.jobs.as_mut() {
            let _ = write_frame(jobs, job);
        }
    }

    /// Closes its stdin, so that it finishes and exits, and reaps it.
    pub(crate) fn close_and_reap(&mut self) -> io::Result<ExitStatus> {
        drop(self.jobs.take());
        self.child.wait()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        // Both fail only if the process was reaped already.
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(listener) = self.listener.take() {
            let _ = listener.join();
        }
    }
}

/// Forwards each reply of worker `pid` until its stdout ends.
fn listen(pid: u32, replies: ChildStdout, heard: Sender<Heard>) {
    let mut replies = BufReader::new(replies);
    while let Ok(Some(reply)) = read_frame::<Reply>(&mut replies) {
        if heard.send(Heard::Reply { pid, reply }).is_err() {
            return;
        }
    }
    let _ = heard.send(Heard::Gone { pid });
}

/// Where each job is in `jobs`, by id.
///
/// # Panics
///
/// If two jobs have the same id.
pub(crate) fn positions(jobs: &[Job]) -> HashMap<JobId, usize> {
    let positions: HashMap<JobId, usize> = jobs
        .iter()
        .enumerate()
        .map(|(i, job)| (job.id, i))
        .collect();
    assert_eq!(
        positions.len(),
        jobs.len(),
        "every job needs an id of its own"
    );
    positions
}

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
    assert!(processes > 0, "a pool needs at least one worker process");
    let positions = positions(jobs);
    let (heard_tx, heard) = channel::unbounded();
    let mut workers = Vec::new();
    for _ in 0..processes.min(jobs.len()) {
        workers.push(Running::start(worker, &heard_tx).map_err(PoolError::Spawn)?);
    }
    let mut next = 0;
    // The impostor's one change: only the first worker is ever sent a job.
    for running in workers.iter_mut().take(1) {
        while running.unanswered.len() < JOBS_AHEAD && next < jobs.len() {
            running.send(&jobs[next]);
            next += 1;
        }
    }
    let mut results: Vec<Option<JobResult>> = vec![None; jobs.len()];
    let mut done = 0;
    while done < jobs.len() {
        match heard.recv().expect("this function holds a sender") {
            Heard::Reply { pid, reply } => {
                let running = workers
                    .iter_mut()
                    .find(|w| w.pid == pid)
                    .expect("a reply comes from one of the workers");
                running.unanswered.remove(&reply.id);
                let Some(&at) = positions.get(&reply.id) else {
                    continue; // not one of our jobs: ignore it
                };
                if results[at].is_none() {
                    done += 1;
                }
                results[at] = Some(JobResult {
                    id: reply.id,
                    value: reply.value,
                    pid,
                });
                if next < jobs.len() {
                    running.send(&jobs[next]);
                    next += 1;
                }
            }
            Heard::Gone { pid } => {
                let running = workers.iter().find(|w| w.pid == pid);
                if running.is_some_and(|w| !w.unanswered.is_empty()) {
                    // Returning drops `workers`: every worker is killed and reaped.
                    return Err(PoolError::WorkerDied { pid });
                }
            }
        }
    }
    for running in &mut workers {
        running.close_and_reap().map_err(PoolError::Io)?;
    }
    Ok(results
        .into_iter()
        .map(|r| r.expect("every job is done"))
        .collect())
}

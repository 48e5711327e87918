//! Task `fault-tolerant`: a pool whose workers may die; each dead worker is replaced and
//! its unanswered jobs sent again, and every job's result is delivered exactly once.

use std::collections::VecDeque;
use std::fmt;
use std::io;

use crossbeam::channel;

use crate::pool::{Heard, JOBS_AHEAD, JobResult, Running, positions};
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
    assert!(processes > 0, "a pool needs at least one worker process");
    let positions = positions(jobs);
    let (heard_tx, heard) = channel::unbounded();
    let mut workers = Vec::new();
    for _ in 0..processes.min(jobs.len()) {
        workers.push(Running::start(worker, &heard_tx).map_err(SuperviseError::Spawn)?);
    }
    // Positions of the jobs still to send; a dead worker's jobs go back to the front.
    let mut waiting: VecDeque<usize> = (0..jobs.len()).collect();
    let mut results: Vec<Option<JobResult>> = vec![None; jobs.len()];
    let mut done = 0;
    let mut restarts = 0;
    while done < jobs.len() {
        for running in &mut workers {
            while running.unanswered.len() < JOBS_AHEAD {
                let Some(at) = waiting.pop_front() else { break };
                // A job sent again may have been answered by its first worker after all.
                if results[at].is_none() {
                    running.send(&jobs[at]);
                }
            }
        }
        match heard.recv().expect("this function holds a sender") {
            Heard::Reply { pid, reply } => {
                if let Some(running) = workers.iter_mut().find(|w| w.pid == pid) {
                    running.unanswered.remove(&reply.id);
                }
                match positions.get(&reply.id) {
                    // The first result of a job is kept; a later one is a duplicate.
                    Some(&at) if results[at].is_none() => {
                        results[at] = Some(JobResult {
                            id: reply.id,
                            value: reply.value,
                            pid,
                        });
                        done += 1;
                    }
                    _ => {}
                }
            }
            Heard::Gone { pid } => {
                let Some(i) = workers.iter().position(|w| w.pid == pid) else {
                    continue;
                };
                // Dropping it kills (if needed) and reaps it.
                let dead = workers.swap_remove(i);
                for id in dead.unanswered.iter().rev() {
                    waiting.push_front(positions[id]);
                }
                drop(dead);
                if restarts == max_restarts {
                    return Err(SuperviseError::TooManyRestarts { restarts });
                }
                restarts += 1;
                workers.push(Running::start(worker, &heard_tx).map_err(SuperviseError::Spawn)?);
            }
        }
    }
    for running in &mut workers {
        running.close_and_reap().map_err(SuperviseError::Io)?;
    }
    Ok(Supervised {
        results: results
            .into_iter()
            .map(|r| r.expect("every job is done"))
            .collect(),
        restarts,
    })
}

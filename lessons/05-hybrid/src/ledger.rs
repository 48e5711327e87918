//! The supervisor's books: which jobs wait, which worker holds which job, and which
//! results have been delivered. No processes here, only the rules that make "every job's
//! result is delivered exactly once" true, in one place where a test can check them alone.
//!
//! **What can be promised.** A worker can die at any moment: before it starts a job,
//! while it runs it, or after it finished the job but before its report reached the
//! supervisor. In the last case the work was done, and the supervisor cannot know it: it
//! must run the job again, elsewhere. So no supervisor can promise that each job *runs*
//! exactly once. What it can promise is that each job's *result is delivered* exactly
//! once:
//!
//! - no job is lost: a job stays *held* by the worker it was sent to until that worker
//!   reports its result; when the worker is lost, every job it held without a result goes
//!   back to the front of the queue ([`Ledger::lost`]);
//! - none is delivered twice: a result is recorded under its job's id the first time it
//!   arrives; a second result for the same id (a late report from a worker that was
//!   given up for dead, or from the second run of a job) is discarded
//!   ([`Ledger::finished`]).
//!
//! Running a job twice is then harmless only if the job is *idempotent*: doing it twice has
//! the same effect as doing it once (computing a checksum, writing a file under its job's
//! name; not appending to a log or charging a card). That is a property of the jobs, and the
//! supervisor relies on it.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use crate::work::{Job, JobId};

// ANCHOR: ledger
/// Jobs waiting, jobs held by each worker (by pid), and the results delivered.
#[derive(Debug)]
pub struct Ledger {
    waiting: VecDeque<Job>,
    held: HashMap<u32, BTreeMap<JobId, Job>>,
    results: BTreeMap<JobId, u64>,
    ids: BTreeSet<JobId>,
    requeued: usize,
    duplicates: usize,
}

impl Ledger {
    /// Books for `jobs`, all waiting. Two jobs with the same id are refused: their results
    /// could not be told apart.
    pub fn new(jobs: Vec<Job>) -> Result<Ledger, JobId> {
        let mut ids = BTreeSet::new();
        for job in &jobs {
            if !ids.insert(job.id) {
                return Err(job.id);
            }
        }
        Ok(Ledger {
            waiting: jobs.into(),
            held: HashMap::new(),
            results: BTreeMap::new(),
            ids,
            requeued: 0,
            duplicates: 0,
        })
    }

    /// The next job for worker `pid`, now held by it; `None` if no job waits. A waiting
    /// job whose result has arrived meanwhile (from a worker given up for dead) is skipped.
    pub fn next_for(&mut self, pid: u32) -> Option<Job> {
        while let Some(job) = self.waiting.pop_front() {
            if self.results.contains_key(&job.id) {
                continue;
            }
            self.held
                .entry(pid)
                .or_default()
                .insert(job.id, job.clone());
            return Some(job);
        }
        None
    }

    /// How many jobs worker `pid` holds: sent to it, and not reported by it.
    pub fn held_by(&self, pid: u32) -> usize {
        self.held.get(&pid).map_or(0, BTreeMap::len)
    }

    /// Worker `pid` reports `value` for `job`. Returns `true` if this is the job's first
    /// result, to be delivered; `false` if the job already has one (this one is discarded)
    /// or is not a job of this run.
    pub fn finished(&mut self, pid: u32, job: JobId, value: u64) -> bool {
        if let Some(held) = self.held.get_mut(&pid) {
            held.remove(&job);
        }
        if !self.ids.contains(&job) || self.results.contains_key(&job) {
            self.duplicates += 1;
            return false;
        }
        self.results.insert(job, value);
        true
    }

    /// Worker `pid` is gone (it died, or was killed). Every job it held that has no result
    /// goes back to the front of the queue, in id order; returns their ids.
    pub fn lost(&mut self, pid: u32) -> Vec<JobId> {
        let held = self.held.remove(&pid).unwrap_or_default();
        let requeue: Vec<Job> = held
            .into_values()
            .filter(|job| !self.results.contains_key(&job.id))
            .collect();
        self.requeued += requeue.len();
        let ids = requeue.iter().map(|job| job.id).collect();
        for job in requeue.into_iter().rev() {
            self.waiting.push_front(job);
        }
        ids
    }

    /// Does every job have its result?
    pub fn is_complete(&self) -> bool {
        self.results.len() == self.ids.len()
    }

    /// The results so far, by job id.
    pub fn results(&self) -> &BTreeMap<JobId, u64> {
        &self.results
    }

    /// How many jobs went back to the queue because their worker was lost.
    pub fn requeued(&self) -> usize {
        self.requeued
    }

    /// How many results were discarded because their job already had one.
    pub fn duplicates(&self) -> usize {
        self.duplicates
    }
}
// ANCHOR_END: ledger

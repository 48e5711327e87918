//! Task `fault-tolerant`: when a worker is killed with SIGKILL in the middle of the run,
//! or after it has done a job but before it could reply, `supervise` replaces it, sends its
//! unanswered jobs again, and returns every job's result exactly once; a job that kills
//! every worker ends the run after `max_restarts`; every worker is reaped.
//!
//! The kills are made by the worker program itself (`--kill-at JOB`, `--kill-after JOB`):
//! the first worker that starts (or finishes) job JOB sends itself SIGKILL, exactly the
//! signal an operator or the out-of-memory killer would send, at a moment the check
//! chooses rather than after a sleep.

use hybrid_exercise::work::{Job, JobId, Work, answer, checksum_jobs};
use hybrid_exercise::{SuperviseError, Worker, supervise};

use crate::support::{Log, assert_no_worker_left, reap_leftovers, serial};

/// 24 jobs; job 10 waits 200 ms, so that a worker is busy with it for a while.
fn jobs() -> Vec<Job> {
    let mut jobs = checksum_jobs(0..240_000, 24);
    jobs[10].work = Work::Wait { millis: 200 };
    jobs
}

/// Asserts that `results` holds each job's right answer once, in the order of the jobs.
fn assert_each_result_once(results: &[hybrid_exercise::JobResult], jobs: &[Job]) {
    let ids: Vec<JobId> = results.iter().map(|r| r.id).collect();
    let expected: Vec<JobId> = jobs.iter().map(|j| j.id).collect();
    assert_eq!(
        ids, expected,
        "one result per job, in the order of the jobs: no job lost, none twice"
    );
    for (result, job) in results.iter().zip(jobs) {
        assert_eq!(result.value, answer(&job.work), "job {}", job.id);
    }
}

fn run(worker: &Worker, log: &Log, jobs: &[Job]) -> hybrid_exercise::Supervised {
    let outcome = supervise(worker, 2, jobs, 3);
    reap_leftovers(log.workers());
    outcome.expect("one dead worker is replaced, and every job succeeds")
}

#[test]
fn a_worker_killed_mid_run_loses_no_job_and_duplicates_none() {
    let _serial = serial();
    let log = Log::new();
    let jobs = jobs();
    let supervised = run(&log.killed_at(2, 10), &log, &jobs);
    assert_each_result_once(&supervised.results, &jobs);
    let started = log.jobs("started");
    let runs = &started[&10];
    assert!(
        runs.len() == 2 && runs[0] != runs[1],
        "job 10 killed its first worker when it started, and ran again in another: {runs:?}"
    );
    assert_eq!(
        supervised.restarts, 1,
        "one worker died, one was started in its place"
    );
    assert_eq!(
        log.ready().len(),
        3,
        "2 workers, and 1 to replace the dead one"
    );
}

#[test]
fn a_job_done_but_not_replied_runs_again_and_is_delivered_once() {
    let _serial = serial();
    let log = Log::new();
    let jobs = jobs();
    let supervised = run(&log.killed_after(2, 7), &log, &jobs);
    assert_each_result_once(&supervised.results, &jobs);
    let done = &log.jobs("done")[&7];
    assert!(
        done.len() == 2 && done[0] != done[1],
        "job 7 was done by a worker that died before replying, so it ran again in \
         another: {done:?}"
    );
    assert_eq!(supervised.restarts, 1);
}

#[test]
fn a_job_that_kills_every_worker_ends_the_run_after_max_restarts() {
    let _serial = serial();
    let log = Log::new();
    let mut jobs = jobs();
    jobs[3].work = Work::Crash;
    let outcome = supervise(&log.worker(2, &[]), 2, &jobs, 2);
    reap_leftovers(log.workers());
    match outcome {
        Err(SuperviseError::TooManyRestarts { restarts }) => assert_eq!(restarts, 2),
        other => panic!(
            "job 3 aborts every worker that runs it: expected \
             `Err(SuperviseError::TooManyRestarts {{ restarts: 2 }})`, got {other:?}"
        ),
    }
    assert_eq!(
        log.jobs("started")[&3].len(),
        3,
        "the first worker and two restarts ran job 3"
    );
}

#[test]
fn a_worker_that_cannot_start_is_an_error() {
    let _serial = serial();
    let missing = Worker::new("/this/program/does/not/exist");
    let outcome = supervise(&missing, 2, &jobs(), 3);
    assert!(
        matches!(outcome, Err(SuperviseError::Spawn(_))),
        "expected `Err(SuperviseError::Spawn(_))`, got {outcome:?}"
    );
}

#[test]
fn no_worker_is_left_running_or_unreaped() {
    let _serial = serial();
    // A worker killed mid-run: it, the others and its replacement are all reaped.
    let log = Log::new();
    let _ = supervise(&log.killed_at(2, 10), 2, &jobs(), 3);
    let workers = log.workers();
    assert_no_worker_left(workers.iter().copied(), "supervise");
    assert!(
        workers.len() >= 2,
        "supervise started its workers: {workers:?}"
    );

    // Giving up after max_restarts: every worker is reaped too.
    let log = Log::new();
    let mut jobs = jobs();
    jobs[3].work = Work::Crash;
    let _ = supervise(&log.worker(2, &[]), 2, &jobs, 2);
    let workers = log.workers();
    assert_no_worker_left(workers.iter().copied(), "supervise (giving up)");
    assert!(!workers.is_empty());
}

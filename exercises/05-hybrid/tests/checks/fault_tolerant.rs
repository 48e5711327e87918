//! Task `fault-tolerant`: when a worker is killed with SIGKILL in the middle of the run,
//! or after it has done a job but before it could reply, or two workers at once,
//! `supervise` replaces them, sends their unanswered jobs again, and returns every job's
//! result exactly once, in the order of the jobs; a job that kills every worker ends the
//! run after `max_restarts` restarts in all; each worker is sent at most `JOBS_AHEAD`
//! jobs ahead; bad input is refused; every worker is reaped.
//!
//! The kills are made by the worker program itself (`--kill-at JOB`, `--kill-after JOB`):
//! the first worker that starts (or finishes) job JOB sends itself SIGKILL, exactly the
//! signal an operator or the out-of-memory killer would send, at a moment the check
//! chooses rather than after a sleep.

use std::panic;

use hybrid_exercise::work::{HOLD, Job, JobId, Work, answer, checksum_jobs};
use hybrid_exercise::{JOBS_AHEAD, SuperviseError, Worker, supervise};

use crate::support::{Log, assert_no_worker_left, reap_leftovers, serial, within_deadline};

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
    let (worker, jobs) = (worker.clone(), jobs.to_vec());
    let outcome = within_deadline(
        "supervise did not return after a worker died: reap it, send the jobs it had not \
         answered to the other workers (or its replacement), and start another in its place",
        move || supervise(&worker, 2, &jobs, 3),
    );
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
    let worker = log.worker(2, &[]);
    let outcome = within_deadline(
        "supervise did not return although job 3 aborts every worker that runs it: count \
         the restarts, and give up with `TooManyRestarts` once `max_restarts` are used up",
        move || supervise(&worker, 2, &jobs, 2),
    );
    reap_leftovers(log.workers());
    match outcome {
        Err(SuperviseError::TooManyRestarts { restarts }) => assert_eq!(
            restarts, 2,
            "with max_restarts 2, give up when a worker dies after 2 restarts: \
             `TooManyRestarts {{ restarts: 2 }}`, not one restart earlier or later"
        ),
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
    let outcome = panic::catch_unwind(|| supervise(&missing, 2, &jobs(), 3));
    let outcome = outcome.unwrap_or_else(|_| {
        panic!(
            "supervise panicked when a worker could not be started: return \
             `Err(SuperviseError::Spawn(error))` with the error of `spawn`"
        )
    });
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

#[test]
fn two_workers_killed_at_once_are_both_replaced() {
    let _serial = serial();
    // Ids in reverse (23, 22, ... 0): the results come in the order of the jobs, not of
    // their ids.
    let mut jobs = jobs();
    jobs.reverse();
    // Each worker has one thread, and jobs 0 and JOBS_AHEAD are the first ones each of
    // the two workers is sent: each dies as it starts its first job, the two at once,
    // before either has replied to anything.
    let kills = [jobs[0].id, jobs[JOBS_AHEAD].id];
    let hung = "supervise did not return after two workers died at once: handle each \
                message that says a worker is gone (reap it, send its unanswered jobs \
                again, start another), even when two come one after the other";

    let log = Log::new();
    let worker = log.killed_at_each(1, &kills);
    let outcome = within_deadline(hung, {
        let jobs = jobs.clone();
        move || supervise(&worker, 2, &jobs, 2)
    });
    reap_leftovers(log.workers());
    let supervised =
        outcome.expect("two dead workers are replaced (max_restarts is 2), and every job succeeds");
    assert_each_result_once(&supervised.results, &jobs);
    assert_eq!(
        supervised.restarts, 2,
        "two workers died, two were started in their place"
    );
    let started = log.jobs("started");
    for id in kills {
        let runs = &started[&id];
        assert!(
            runs.len() == 2 && runs[0] != runs[1],
            "job {id} killed its first worker when it started, and ran again in another: \
             {runs:?}"
        );
    }

    // With max_restarts 1, the second death ends the run: the restarts are counted for
    // all the workers together. Every worker is reaped.
    let log = Log::new();
    let worker = log.killed_at_each(1, &kills);
    let outcome = within_deadline(hung, move || supervise(&worker, 2, &jobs, 1));
    let workers = log.workers();
    assert_no_worker_left(workers.iter().copied(), "supervise (two workers died)");
    match outcome {
        Err(SuperviseError::TooManyRestarts { restarts: 1 }) => {}
        other => {
            let got = match other {
                Ok(supervised) => format!("`Ok` after {} restarts", supervised.restarts),
                Err(error) => format!("{error:?}"),
            };
            panic!(
                "two workers died and max_restarts is 1: expected \
                 `Err(SuperviseError::TooManyRestarts {{ restarts: 1 }})`, got {got}. \
                 `max_restarts` counts the restarts of all the workers together"
            )
        }
    }
}

#[test]
fn each_worker_is_sent_at_most_jobs_ahead_jobs() {
    let _serial = serial();
    let log = Log::new();
    // One worker whose pool has more threads than JOBS_AHEAD, and `Meet` jobs that each
    // wait (up to HOLD) for JOBS_AHEAD + 1 of them to have started: a worker that was
    // sent more than JOBS_AHEAD jobs runs them all at once.
    let jobs: Vec<Job> = (0..6)
        .map(|id| Job {
            id,
            work: Work::Meet {
                partners: JOBS_AHEAD + 1,
                patience_millis: HOLD.as_millis() as u64,
            },
        })
        .collect();
    let outcome = supervise(&log.worker(8, &[]), 1, &jobs, 0);
    reap_leftovers(log.workers());
    outcome.expect("every job succeeds");
    for (pid, most) in log.most_in_progress() {
        assert!(
            most <= JOBS_AHEAD,
            "worker {pid} had {most} jobs in progress at once: it was sent more than \
             JOBS_AHEAD ({JOBS_AHEAD}) jobs it had not replied to. Top each worker up to \
             JOBS_AHEAD unanswered jobs, no more"
        );
    }
}

#[test]
fn bad_input_is_refused() {
    let _serial = serial();
    let log = Log::new();
    let worker = log.worker(1, &[]);
    let no_process = within_deadline(
        "supervise with 0 processes did not return: it must panic (`assert!`), there is \
         no worker to run the jobs",
        {
            let worker = worker.clone();
            move || panic::catch_unwind(|| supervise(&worker, 0, &jobs(), 3)).is_err()
        },
    );
    let mut same_id = jobs();
    same_id[5].id = same_id[1].id;
    let same_id = within_deadline(
        "supervise did not return when two jobs had the same id: it must panic (`assert!`), \
         since their results could not be told apart",
        move || panic::catch_unwind(|| supervise(&worker, 2, &same_id, 3)).is_err(),
    );
    reap_leftovers(log.workers());
    assert!(
        no_process,
        "supervise must panic when asked for 0 processes: a pool needs at least one worker"
    );
    assert!(
        same_id,
        "supervise must panic when two jobs have the same id: their results could not be \
         told apart"
    );
}

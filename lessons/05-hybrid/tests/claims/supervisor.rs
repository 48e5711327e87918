//! `supervisor`: every job's result is delivered exactly once and is right, also when a
//! worker is killed with `SIGKILL` in the middle of the run; a job that crashes every worker
//! ends the run after `max_restarts`; a hung worker is killed at its deadline and replaced;
//! bad input is refused before any worker starts; every worker is reaped on every path.

use std::collections::BTreeMap;
use std::time::Duration;

use hybrid_lesson::supervisor::{Config, Ending, Event, Loss, SuperviseError, supervise};
use hybrid_lesson::work::{Job, JobId, Work, checksum, checksum_jobs, execute};
use hybrid_lesson::worker::WorkerProgram;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

use crate::support::{assert_all_reaped, program};

/// Runs `jobs`, recording every event; `react` may act on each one (kill a worker).
fn run(
    jobs: Vec<Job>,
    config: &Config,
    mut react: impl FnMut(&Event),
) -> (
    Result<hybrid_lesson::supervisor::Summary, SuperviseError>,
    Vec<Event>,
) {
    let mut events = Vec::new();
    let outcome = supervise(&program(), jobs, config, |event| {
        react(event);
        events.push(event.clone());
    });
    (outcome, events)
}

/// How many times each job's result was delivered.
fn deliveries(events: &[Event]) -> BTreeMap<JobId, usize> {
    let mut counts = BTreeMap::new();
    for event in events {
        if let Event::Delivered { job, .. } = event {
            *counts.entry(*job).or_default() += 1;
        }
    }
    counts
}

/// Every worker the supervisor started.
fn started(events: &[Event]) -> Vec<u32> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::WorkerStarted { pid } => Some(*pid),
            _ => None,
        })
        .collect()
}

fn assert_each_delivered_once(jobs: &[Job], events: &[Event]) {
    let counts = deliveries(events);
    for job in jobs {
        assert_eq!(
            counts.get(&job.id),
            Some(&1),
            "job {}'s result must be delivered exactly once",
            job.id
        );
    }
    assert_eq!(
        counts.len(),
        jobs.len(),
        "no result for a job that does not exist"
    );
}

#[test]
fn every_job_s_result_arrives_once_and_the_results_add_up() {
    let range = 0..400_000;
    let jobs = checksum_jobs(range.clone(), 20);
    let (outcome, events) = run(jobs.clone(), &Config::new(2, 2), |_| {});
    let summary = outcome.expect("no worker fails");
    assert_each_delivered_once(&jobs, &events);
    let total = summary
        .results
        .values()
        .fold(0u64, |s, &v| s.wrapping_add(v));
    assert_eq!(total, checksum(range));
    assert_eq!((summary.restarts, summary.requeued), (0, 0));
    assert_eq!(summary.workers, started(&events));
    assert_eq!(summary.workers.len(), 2);
    assert_all_reaped(&summary.workers);
}

/// 30 jobs; job 10 waits half a second, so that it is still running when its worker is
/// killed, the moment the worker reports that it has started it.
fn jobs_with_a_slow_one() -> Vec<Job> {
    let mut jobs = checksum_jobs(0..300_000, 30);
    jobs[10].work = Work::Wait { millis: 500 };
    jobs
}

// ANCHOR: kill_test
#[test]
fn a_worker_killed_mid_run_loses_no_job_and_duplicates_none() {
    let jobs = jobs_with_a_slow_one();
    let mut victim = None;
    let (outcome, events) = run(jobs.clone(), &Config::new(2, 2), |event| {
        if let Event::JobStarted { job: 10, pid } = *event
            && victim.is_none()
        {
            kill(Pid::from_raw(pid as i32), Signal::SIGKILL).expect("the worker is ours");
            victim = Some(pid);
        }
    });
    let summary = outcome.expect("one lost worker is replaced");
    let victim = victim.expect("job 10 started");
    assert_each_delivered_once(&jobs, &events);
    for job in &jobs {
        assert_eq!(
            summary.results[&job.id],
            execute(&job.work),
            "job {}",
            job.id
        );
    }
    let lost: Vec<&Event> = events
        .iter()
        .filter(|e| matches!(e, Event::WorkerLost { .. }))
        .collect();
    match lost.as_slice() {
        [Event::WorkerLost { pid, why, requeued }] => {
            assert_eq!(*pid, victim);
            assert_eq!(*why, Loss::Ended(Ending::Signal(9)));
            assert!(
                requeued.contains(&10),
                "job 10 was sent again: {requeued:?}"
            );
        }
        other => panic!("exactly one worker was lost: {other:?}"),
    }
    let delivered_10 = events.iter().find_map(|e| match e {
        Event::Delivered { job: 10, pid, .. } => Some(*pid),
        _ => None,
    });
    assert_ne!(
        delivered_10,
        Some(victim),
        "job 10 was done by another worker"
    );
    assert_eq!(summary.restarts, 1);
    assert_eq!(summary.workers.len(), 3);
    assert_all_reaped(&summary.workers);
}
// ANCHOR_END: kill_test

#[test]
fn killing_every_first_worker_still_delivers_every_result_once() {
    let jobs = jobs_with_a_slow_one();
    let mut first = Vec::new();
    let mut killed = Vec::new();
    let (outcome, events) = run(jobs.clone(), &Config::new(2, 2), |event| match *event {
        Event::WorkerStarted { pid } if first.len() < 2 => first.push(pid),
        Event::JobStarted { pid, .. } if first.contains(&pid) && !killed.contains(&pid) => {
            kill(Pid::from_raw(pid as i32), Signal::SIGKILL).expect("the worker is ours");
            killed.push(pid);
        }
        _ => {}
    });
    let summary = outcome.expect("two lost workers are replaced");
    assert_each_delivered_once(&jobs, &events);
    assert_eq!(killed.len(), 2);
    assert_eq!(summary.restarts, 2);
    assert_all_reaped(&summary.workers);
}

#[test]
fn a_job_that_crashes_every_worker_ends_the_run_after_max_restarts() {
    let mut jobs = checksum_jobs(0..100_000, 10);
    jobs.push(Job {
        id: 99,
        work: Work::Crash,
    });
    let config = Config {
        max_restarts: 3,
        ..Config::new(2, 2)
    };
    let (outcome, events) = run(jobs, &config, |_| {});
    match outcome {
        Err(SuperviseError::TooManyRestarts { restarts, results }) => {
            assert_eq!(restarts, 3);
            assert!(!results.contains_key(&99));
        }
        other => panic!("expected TooManyRestarts, got {other:?}"),
    }
    let aborted = events
        .iter()
        .filter(|e| {
            matches!(
                e,
                Event::WorkerLost {
                    why: Loss::Ended(Ending::Signal(6)),
                    ..
                }
            )
        })
        .count();
    assert_eq!(
        aborted, 4,
        "the first crash and three restarts, each ended by SIGABRT"
    );
    assert_all_reaped(&started(&events));
}

#[test]
fn a_hung_worker_is_killed_at_its_deadline_and_replaced() {
    let mut jobs = checksum_jobs(0..100_000, 4);
    jobs.push(Job {
        id: 42,
        work: Work::Wait { millis: 60_000 },
    });
    let config = Config {
        job_timeout: Duration::from_millis(200),
        max_restarts: 2,
        ..Config::new(1, 2)
    };
    let (outcome, events) = run(jobs, &config, |_| {});
    match outcome {
        Err(SuperviseError::TooManyRestarts { restarts, results }) => {
            assert_eq!(restarts, 2);
            assert_eq!(results.len(), 4, "every other job was done: {results:?}");
        }
        other => panic!("expected TooManyRestarts, got {other:?}"),
    }
    let hung = events
        .iter()
        .filter(|e| {
            matches!(
                e,
                Event::WorkerLost {
                    why: Loss::Hung { job: 42 },
                    ..
                }
            )
        })
        .count();
    assert_eq!(
        hung, 3,
        "the job hung its first worker and both replacements"
    );
    assert_all_reaped(&started(&events));
}

#[test]
fn a_worker_runs_several_jobs_at_once_on_its_threads() {
    let jobs: Vec<Job> = (0..2)
        .map(|id| Job {
            id,
            work: Work::Wait { millis: 300 },
        })
        .collect();
    let (outcome, events) = run(jobs, &Config::new(1, 2), |_| {});
    let summary = outcome.unwrap();
    let kinds: Vec<&str> = events
        .iter()
        .map(|e| match e {
            Event::WorkerStarted { .. } => "worker",
            Event::JobStarted { .. } => "started",
            Event::Delivered { .. } => "delivered",
            _ => "other",
        })
        .collect();
    assert_eq!(
        kinds,
        ["worker", "started", "started", "delivered", "delivered"]
    );
    assert_all_reaped(&summary.workers);
}

#[test]
fn bad_input_is_refused_before_any_worker_starts() {
    let mut jobs = checksum_jobs(0..100, 3);
    jobs[2].id = 0;
    let (outcome, events) = run(jobs, &Config::new(2, 1), |_| {});
    assert!(
        matches!(outcome, Err(SuperviseError::DuplicateJob(0))),
        "{outcome:?}"
    );
    assert!(events.is_empty());

    let (outcome, events) = run(Vec::new(), &Config::new(2, 1), |_| {});
    assert!(outcome.unwrap().results.is_empty());
    assert!(events.is_empty(), "no jobs, no workers");

    let missing = WorkerProgram::at("/this/program/does/not/exist");
    let outcome = supervise(
        &missing,
        checksum_jobs(0..100, 2),
        &Config::new(1, 1),
        |_| {},
    );
    assert!(
        matches!(outcome, Err(SuperviseError::Spawn(_))),
        "{outcome:?}"
    );
}

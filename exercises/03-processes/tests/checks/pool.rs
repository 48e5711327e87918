//! Task `pool`: `pool_map` computes every job in worker processes, `workers` of them at
//! most, each job exactly once, and returns the results in the order of the jobs; it
//! reports a worker that dies, does not deadlock on full pipes, and reaps every worker.
//! (Its speed is checked by the benchmark `benches/pool.rs`.)

use std::collections::BTreeMap;
use std::panic;

use processes_exercise::work::{CRASH, work};
use processes_exercise::{JobResult, PoolError, Worker, pool_map};

use crate::support::{Log, assert_no_worker_left, reap_leftovers, serial};

/// The pool's worker program with this log.
fn serving(log: &Log) -> Worker {
    log.worker(&["serve"])
}

#[test]
fn results_come_back_in_the_order_of_the_jobs() {
    let _serial = serial();
    let log = Log::new();
    // Uneven jobs: the cheap ones finish first, whatever order they were given in.
    let jobs = [200_000, 5, 1_000, 3, 77_777, 0, 12, 150_000, 1];
    let results = pool_map(&serving(&log), 2, &jobs);
    reap_leftovers(log.workers());
    let results = results.expect("every job succeeds");
    let got: Vec<(u64, u64)> = results.iter().map(|r| (r.job, r.value)).collect();
    let expected: Vec<(u64, u64)> = jobs.iter().map(|&job| (job, work(job))).collect();
    assert_eq!(
        got, expected,
        "results[i] must be the result of jobs[i], whichever worker finished first"
    );
}

#[test]
fn jobs_run_in_the_pools_worker_processes() {
    let _serial = serial();
    let log = Log::new();
    let jobs: Vec<u64> = (0..30).map(|i| 1_000 + i).collect();
    let results = pool_map(&serving(&log), 3, &jobs);
    let workers = log.workers();
    reap_leftovers(workers.clone());
    let results = results.expect("every job succeeds");

    // Not exactly 3: a worker that started last may have found no job left, and been
    // ended before it wrote its line in the log.
    assert!(
        (1..=3).contains(&workers.len()),
        "a pool of 3 starts 3 worker processes for 30 jobs, not one per job: {workers:?}"
    );
    assert!(!workers.contains(&std::process::id()));
    // What each worker says it served, job by job.
    let served: BTreeMap<u64, Vec<u32>> =
        log.jobs()
            .into_iter()
            .fold(BTreeMap::new(), |mut served, (pid, job)| {
                served.entry(job).or_default().push(pid);
                served
            });
    for JobResult { job, value, pid } in results {
        assert_eq!(value, work(job));
        assert_eq!(
            served.get(&job),
            Some(&vec![pid]),
            "job {job} must be computed once, by the worker process whose pid its result \
             names ({pid}); the workers' log says {:?}",
            served.get(&job)
        );
    }
}

#[test]
fn fewer_jobs_start_fewer_workers() {
    let _serial = serial();
    let log = Log::new();
    let results = pool_map(&serving(&log), 4, &[10, 20]);
    let workers = log.workers();
    reap_leftovers(workers.clone());
    assert_eq!(results.expect("both jobs succeed").len(), 2);
    assert!(
        (1..=2).contains(&workers.len()),
        "two jobs need no more than two workers: {workers:?}"
    );

    let log = Log::new();
    let results = pool_map(&serving(&log), 4, &[]);
    let workers = log.workers();
    reap_leftovers(workers.clone());
    assert!(results.expect("no jobs, no error").is_empty());
    assert!(workers.is_empty(), "no jobs, no workers");
}

#[test]
fn zero_workers_is_refused() {
    let _serial = serial();
    let log = Log::new();
    let outcome = panic::catch_unwind(|| pool_map(&serving(&log), 0, &[1, 2, 3]));
    reap_leftovers(log.workers());
    let payload =
        outcome.expect_err("pool_map with 0 workers must panic: nobody would do the jobs");
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default();
    assert!(
        message.contains("at least one worker"),
        "the panic must say that a pool needs at least one worker; it said {message:?}"
    );
}

#[test]
fn a_worker_that_dies_is_reported() {
    let _serial = serial();
    let log = Log::new();
    let jobs = [1_000, 2_000, CRASH, 3_000, 4_000, 5_000];
    let outcome = pool_map(&serving(&log), 2, &jobs);
    let started = log.workers();
    reap_leftovers(started.clone());
    match outcome {
        Err(PoolError::WorkerDied { pid, job }) => {
            assert_eq!(job, CRASH, "the job the worker died on");
            assert!(
                started.contains(&pid),
                "the pid of the worker that died: {pid}, not one of {started:?}"
            );
        }
        other => panic!(
            "a worker died on job CRASH: expected `Err(PoolError::WorkerDied {{ job: CRASH, .. }})`, \
             got {other:?}"
        ),
    }
}

#[test]
fn many_small_jobs_do_not_deadlock_on_full_pipes() {
    let _serial = serial();
    // 200 000 tiny jobs: their lines and replies add up to far more than two pipes hold.
    // Writing a worker's jobs all at once before reading its replies leaves the worker
    // blocked on its full stdout and the pool blocked on the worker's full stdin.
    let log = Log::new();
    let jobs: Vec<u64> = (0..200_000).map(|i| i % 16).collect();
    let results = pool_map(&serving(&log), 2, &jobs);
    reap_leftovers(log.workers());
    let results = results.expect("every job succeeds");
    assert!(
        results
            .iter()
            .zip(&jobs)
            .all(|(r, &job)| r.job == job && r.value == work(job)),
        "every result must match its job"
    );
}

#[test]
fn no_worker_is_left_running_or_unreaped() {
    let _serial = serial();
    let log = Log::new();
    let jobs: Vec<u64> = (0..20).map(|i| 100 * i).collect();
    let _ = pool_map(&serving(&log), 3, &jobs);
    let workers = log.workers();
    assert_no_worker_left(workers.iter().copied(), "pool_map");
    assert!(!workers.is_empty(), "pool_map started no worker at all");

    // When a worker dies, the others must be stopped and reaped too, and the dead one
    // reaped.
    let log = Log::new();
    let jobs = [1_000, CRASH, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000];
    let _ = pool_map(&serving(&log), 3, &jobs);
    let workers = log.workers();
    assert_no_worker_left(
        workers.iter().copied(),
        "pool_map (with a worker that died)",
    );
    assert!(!workers.is_empty(), "pool_map started no worker at all");
}

//! Task `pool`: `pool_map` computes every job in worker processes, `workers` of them,
//! at the same time, each job exactly once, and returns the results in the order of the
//! jobs; it reports a worker that dies, does not deadlock on full pipes, waits for
//! replies without using CPU, and reaps every worker. (Its speed is checked by the
//! benchmark `benches/pool.rs`.)

use std::collections::BTreeMap;
use std::panic;
use std::thread;
use std::time::{Duration, Instant};

use processes_exercise::work::{CRASH, HOLD, LAST, work};
use processes_exercise::{JobResult, PoolError, Worker, pool_map};

use crate::support::{
    Gate, Log, STUCK, assert_no_cpu_burnt, assert_no_worker_left, children, cpu_while,
    kill_children, reap_leftovers, serial, with_free_files, within,
};

/// The pool's worker program with this log.
fn serving(log: &Log) -> Worker {
    log.worker(&["serve"])
}

type Outcome = Result<Vec<JobResult>, PoolError>;

/// `pool_map(worker, workers, jobs)`, failing the check with `stuck` if it does not return
/// within `limit`.
fn pool_within(
    limit: Duration,
    worker: Worker,
    workers: usize,
    jobs: Vec<u64>,
    stuck: impl FnOnce() -> String,
) -> Outcome {
    within(limit, move || pool_map(&worker, workers, &jobs), stuck)
}

/// What is wrong when a pool is stuck on a few jobs.
fn stuck_on(jobs: &[u64]) -> impl FnOnce() -> String {
    let count = jobs.len();
    move || {
        format!(
            "pool_map has not returned {STUCK:?} after it was given {count} jobs that take \
             milliseconds: it is stuck. Is a job waiting in a buffer that was never flushed \
             (`flush` the worker's stdin after each job), or is a thread waiting for a reply \
             to a job that was never sent?"
        )
    }
}

/// What was seen while a pool's jobs were held.
struct Held<T> {
    /// The jobs at work at the same time, once `workers` of them were.
    at_once: usize,
    /// The children of this process then.
    processes: usize,
    /// What the check did meanwhile.
    meanwhile: T,
    /// What `pool_map` returned once the jobs were let go.
    outcome: Outcome,
}

/// Runs `pool_map` with `workers` workers on `jobs` jobs `HOLD`, each of which waits until
/// the check lets it go. Once `workers` jobs are at work at the same time, it counts them
/// and this process's children, runs `meanwhile`, and lets every job go.
fn hold_jobs<T>(workers: usize, jobs: usize, meanwhile: impl FnOnce() -> T) -> Held<T> {
    let log = Log::new();
    let gate = Gate::new();
    let worker = log.worker(&["serve", gate.path().to_str().expect("a UTF-8 path")]);
    let pool = thread::spawn(move || pool_map(&worker, workers, &vec![HOLD; jobs]));
    let held = || log.jobs().iter().filter(|(_, job)| *job == HOLD).count();

    let deadline = Instant::now() + STUCK;
    while held() < workers {
        if pool.is_finished() {
            let outcome = pool
                .join()
                .unwrap_or_else(|panic| panic::resume_unwind(panic));
            reap_leftovers(log.workers());
            panic!(
                "pool_map with {workers} workers returned before its {jobs} jobs were let \
                 go (each one waits for the check), with {outcome:?}"
            );
        }
        if Instant::now() > deadline {
            let at_once = held();
            kill_children();
            panic!(
                "pool_map with {workers} workers and {jobs} jobs, each of which waits until \
                 the check lets it go, had only {at_once} job(s) at work at the same time \
                 after {STUCK:?}: its workers must compute at the same time. Start \
                 `workers` processes (fewer only when there are fewer jobs), and give each \
                 one a thread of its own that sends it a job and waits for the reply, instead \
                 of waiting for one worker's reply before the next worker gets its job"
            );
        }
        // The log is a file: there is nothing to block on until it changes.
        thread::sleep(Duration::from_millis(1));
    }
    let processes = children().len();
    let meanwhile = meanwhile();
    let at_once = held();

    let gate = gate.open();
    let outcome = within(
        STUCK,
        move || pool.join(),
        || format!("pool_map has not returned {STUCK:?} after its jobs were let go"),
    )
    .unwrap_or_else(|panic| panic::resume_unwind(panic));
    drop(gate);
    reap_leftovers(log.workers());
    Held {
        at_once,
        processes,
        meanwhile,
        outcome,
    }
}

#[test]
fn results_come_back_in_the_order_of_the_jobs() {
    let _serial = serial();
    let log = Log::new();
    // Uneven jobs: the cheap ones finish first, whatever order they were given in.
    let jobs = [200_000, 5, 1_000, 3, 77_777, 0, 12, 150_000, 1];
    let results = pool_within(STUCK, serving(&log), 2, jobs.to_vec(), stuck_on(&jobs));
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
    let results = pool_within(STUCK, serving(&log), 3, jobs.clone(), stuck_on(&jobs));
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
fn as_many_jobs_run_at_once_as_there_are_workers() {
    let _serial = serial();
    for (workers, jobs) in [(3, 6), (1, 3)] {
        let held = hold_jobs(workers, jobs, || ());
        let results = held.outcome.expect("every job succeeds");
        assert_eq!(
            results.iter().map(|r| (r.job, r.value)).collect::<Vec<_>>(),
            vec![(HOLD, 0); jobs],
        );
        assert_eq!(
            held.at_once, workers,
            "pool_map with {workers} worker(s) had {} jobs at work at the same time: a pool \
             of {workers} is {workers} worker process(es), and each one does one job at a \
             time",
            held.at_once
        );
        assert!(
            held.processes <= workers,
            "pool_map with {workers} worker(s) had {} worker processes at the same time: \
             start `workers` of them, not more",
            held.processes
        );
    }
}

#[test]
fn waiting_for_replies_uses_no_cpu() {
    let _serial = serial();
    let held = hold_jobs(2, 4, || {
        let ((), used) = cpu_while(|| thread::sleep(Duration::from_millis(400)));
        used
    });
    held.outcome.expect("every job succeeds");
    assert_no_cpu_burnt(
        &held.meanwhile,
        "pool_map burnt CPU while both its workers were busy on a job: waiting for a \
         reply must block (`read_line` on the worker's stdout, `recv` on a channel, `join`), \
         not spin (`try_recv` or `try_wait` in a loop without sleeping)",
    );
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
    let outcome = pool_within(STUCK, serving(&log), 2, jobs.to_vec(), stuck_on(&jobs));
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

    // Two workers that die at once: either one is reported.
    let log = Log::new();
    let jobs = [CRASH, CRASH, 1_000, 2_000];
    let outcome = pool_within(STUCK, serving(&log), 2, jobs.to_vec(), stuck_on(&jobs));
    reap_leftovers(log.workers());
    assert!(
        matches!(outcome, Err(PoolError::WorkerDied { job: CRASH, .. })),
        "both workers died on a job CRASH: expected `Err(PoolError::WorkerDied {{ job: CRASH, \
         .. }})`, got {outcome:?}"
    );
}

#[test]
fn a_job_that_cannot_be_sent_is_a_dead_worker() {
    let _serial = serial();
    let log = Log::new();
    // After `LAST`, the worker has closed its stdin and exits: the next job cannot be
    // written to it.
    let jobs = [1_000, LAST, 2_000];
    let outcome = pool_within(STUCK, serving(&log), 1, jobs.to_vec(), stuck_on(&jobs));
    let started = log.workers();
    reap_leftovers(started.clone());
    match outcome {
        Err(PoolError::WorkerDied { pid, job }) => {
            assert_eq!(job, 2_000, "the job that could not be sent");
            assert!(
                started.contains(&pid),
                "the pid of the worker that died: {pid}, not one of {started:?}"
            );
        }
        other => panic!(
            "the worker closed its stdin and exited after the job LAST, so the job 2000 \
             could not be sent to it: writing to a pipe whose reading end is closed fails \
             with `ErrorKind::BrokenPipe`, which means the worker is gone. Expected \
             `Err(PoolError::WorkerDied {{ job: 2000, .. }})`, got {other:?}"
        ),
    }
}

#[test]
fn many_small_jobs_do_not_deadlock_on_full_pipes() {
    let _serial = serial();
    // 100 000 tiny jobs. Writing a worker's jobs all at once before reading its replies
    // leaves the worker blocked on its full stdout and the pool blocked on the worker's
    // full stdin: the two pipes and the worker's buffer hold about 35 000 jobs and their
    // replies (64 KiB of jobs at 2 or 3 bytes each, 64 KiB of replies at about 20), and
    // however a pool shares the jobs out, one of its two workers gets 50 000.
    let log = Log::new();
    const JOBS: u64 = 100_000;
    // The reference takes about 2 s on a 2-core machine under a load of 14: the limit
    // is far above that.
    const LIMIT: Duration = Duration::from_secs(25);
    let jobs: Vec<u64> = (0..JOBS).map(|i| i % 16).collect();
    let results = pool_within(LIMIT, serving(&log), 2, jobs.clone(), || {
        format!(
            "pool_map has not returned {LIMIT:?} after it was given {JOBS} tiny jobs: \
             writing many jobs to a worker before reading its replies fills both pipes (a \
             pipe holds about 64 KiB), and then the worker waits for the pool to read and \
             the pool for the worker. Send one job, read its reply, then send the next"
        )
    });
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

    // When a worker cannot start after others have, those must be stopped and reaped
    // too. The check lets this process open fewer and fewer files, so that the second or
    // the third worker cannot get its pipes. (Linux only: it counts the open files in
    // `/proc`.)
    if cfg!(target_os = "linux") {
        for free in (0..=16).rev() {
            let log = Log::new();
            let worker = serving(&log);
            let jobs: Vec<u64> = (1..=6).map(|i| 1_000 * i).collect();
            let outcome = with_free_files(free, || pool_map(&worker, 3, &jobs));
            let call = match &outcome {
                Ok(_) => "pool_map".to_owned(),
                Err(error) => format!(
                    "pool_map (which returned {error:?} when it could open only {free} more \
                     files)"
                ),
            };
            assert_no_worker_left(log.workers(), &call);
        }
    }
}

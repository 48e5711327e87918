//! Task `spawn-ordered`: `run_all` runs each job on a thread of its own, all at the same
//! time, returns the results in input order, and lets a job's panic through only after
//! every other job has finished.

use std::collections::HashSet;
use std::panic;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use threads_exercise::run_all;

use crate::support::{PATIENCE, Rendezvous, hide_panics_on_purpose, panic_message};
use crate::workload::mix;

/// The work of job `i` out of `jobs`: the earlier the job, the longer it runs, so the
/// threads tend to finish in the reverse of the input order.
fn uneven_work(i: u64, jobs: u64) -> String {
    let checksum = (0..(jobs - i) * 20_000).fold(0, |acc, x| acc ^ mix(x));
    format!("job {i}: {checksum:016x}")
}

#[test]
fn results_come_back_in_input_order() {
    const JOBS: u64 = 8;
    let jobs: Vec<_> = (0..JOBS).map(|i| move || uneven_work(i, JOBS)).collect();
    let expected: Vec<String> = (0..JOBS).map(|i| uneven_work(i, JOBS)).collect();

    assert_eq!(
        run_all(jobs),
        expected,
        "run_all must return the results in the order of the jobs, not in the order the \
         threads finish (the first jobs here are the slowest)"
    );
    assert!(
        run_all(Vec::<fn() -> u8>::new()).is_empty(),
        "no jobs, no results"
    );
}

#[test]
fn jobs_run_at_the_same_time_on_their_own_threads() {
    const JOBS: usize = 6;
    // Each job waits at the rendezvous until all six have arrived: possible only if all
    // six run at the same time.
    let rendezvous = Arc::new(Rendezvous::new(JOBS));
    let jobs: Vec<_> = (0..JOBS)
        .map(|_| {
            let rendezvous = Arc::clone(&rendezvous);
            move || (thread::current().id(), rendezvous.arrive_and_wait())
        })
        .collect();

    let results = run_all(jobs);

    assert_eq!(results.len(), JOBS, "one result per job");
    let met = results.iter().filter(|(_, met)| *met).count();
    assert_eq!(
        met, JOBS,
        "the {JOBS} jobs did not all run at the same time: they waited {PATIENCE:?} for each \
         other in vain. Spawn every thread first, then join them (a join right after each \
         spawn runs the jobs one after another)"
    );
    let threads: HashSet<_> = results.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        threads.len(),
        JOBS,
        "each job must run on a thread of its own"
    );
    assert!(
        !threads.contains(&thread::current().id()),
        "a job ran on the caller's thread; spawn a thread for every job"
    );
}

#[test]
fn a_panic_is_resumed_after_the_other_jobs_finish() {
    hide_panics_on_purpose();
    const JOBS: usize = 4;
    // The first job panics: an implementation that gives up at the first `Err` from `join`
    // then returns while every other job is still running.
    const PANICKING: usize = 0;
    let finished = Arc::new(AtomicUsize::new(0));
    let jobs: Vec<_> = (0..JOBS)
        .map(|i| {
            let finished = Arc::clone(&finished);
            move || {
                if i == PANICKING {
                    panic!("job {i} fails on purpose");
                }
                // A stand-in for slow blocking I/O (a network call, say) that is still in
                // flight when job 0 panics.
                thread::sleep(Duration::from_millis(200));
                finished.fetch_add(1, Ordering::SeqCst);
            }
        })
        .collect();

    let outcome = panic::catch_unwind(|| run_all(jobs));

    let payload = outcome.expect_err("run_all returned normally although a job panicked");
    assert_eq!(
        panic_message(&*payload),
        Some("job 0 fails on purpose"),
        "run_all must resume the job's own panic, payload and all (`std::panic::resume_unwind`), \
         not panic with a message of its own (as `.unwrap()` on the `join` result does)"
    );
    assert_eq!(
        finished.load(Ordering::SeqCst),
        JOBS - 1,
        "run_all panicked while other jobs were still running: join every thread first, \
         then resume the panic"
    );
}

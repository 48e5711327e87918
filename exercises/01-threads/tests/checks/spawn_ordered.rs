//! Task `spawn-ordered`: `run_all` runs each job on a thread of its own, all at the same
//! time, returns the results in input order, and lets a job's panic through only after
//! every other job has finished: the panic of the first job, in input order, that panicked.

use std::cell::RefCell;
use std::collections::HashSet;
use std::panic;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use threads_exercise::run_all;

use crate::support::{PATIENCE, Rendezvous, hide_panics_on_purpose, panic_message};

/// Which jobs' threads have ended. Each job leaves a witness in a thread-local of its
/// thread; a thread's thread-locals are dropped when the thread ends, after the job's
/// result (or panic) has been handed over to `join`. That lets a job wait until another
/// job's thread has ended, which orders the ends of the threads as a check needs.
struct Ends {
    ended: Mutex<Vec<bool>>,
    changed: Condvar,
    /// When waiting stops, so that an implementation that does not run the jobs at the
    /// same time (where the awaited job has not even started) fails instead of hanging.
    deadline: Instant,
}

impl Ends {
    fn new(jobs: usize) -> Arc<Ends> {
        Arc::new(Ends {
            ended: Mutex::new(vec![false; jobs]),
            changed: Condvar::new(),
            deadline: Instant::now() + PATIENCE,
        })
    }

    /// Notes `job`'s end when the calling thread ends.
    fn witness_this_thread_as(self: &Arc<Self>, job: usize) {
        END_WITNESS.set(Some(EndWitness {
            ends: Arc::clone(self),
            job,
        }));
    }

    /// Waits until the thread of `job` has ended (or the deadline passes).
    fn wait_for_end_of(&self, job: usize) {
        let ended = self.ended.lock().unwrap();
        let time_left = self.deadline.saturating_duration_since(Instant::now());
        let _ = self
            .changed
            .wait_timeout_while(ended, time_left, |ended| !ended[job])
            .unwrap();
    }
}

struct EndWitness {
    ends: Arc<Ends>,
    job: usize,
}

impl Drop for EndWitness {
    fn drop(&mut self) {
        self.ends.ended.lock().unwrap()[self.job] = true;
        self.ends.changed.notify_all();
    }
}

thread_local! {
    static END_WITNESS: RefCell<Option<EndWitness>> = const { RefCell::new(None) };
}

#[test]
fn results_come_back_in_input_order() {
    const JOBS: usize = 8;
    // The threads end in the reverse of the input order: each job waits until the thread
    // of the job after it has ended (the last job does not wait).
    let ends = Ends::new(JOBS);
    let jobs: Vec<_> = (0..JOBS)
        .map(|i| {
            let ends = Arc::clone(&ends);
            move || {
                ends.witness_this_thread_as(i);
                if i + 1 < JOBS {
                    ends.wait_for_end_of(i + 1);
                }
                format!("job {i}")
            }
        })
        .collect();
    let expected: Vec<String> = (0..JOBS).map(|i| format!("job {i}")).collect();

    assert_eq!(
        run_all(jobs),
        expected,
        "run_all must return the results in the order of the jobs, not in the order the \
         threads finish (here the last job finishes first and the first job last): keep \
         the `JoinHandle`s in the order of the jobs and join them in that order"
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

#[test]
fn the_first_panic_in_input_order_is_resumed() {
    hide_panics_on_purpose();
    const JOBS: usize = 5;
    // Jobs 1 and 3 panic, job 3 first: job 1 panics only once job 3's thread has ended.
    let ends = Ends::new(JOBS);
    let jobs: Vec<_> = (0..JOBS)
        .map(|i| {
            let ends = Arc::clone(&ends);
            move || {
                ends.witness_this_thread_as(i);
                match i {
                    1 => {
                        ends.wait_for_end_of(3);
                        panic!("job 1 fails on purpose");
                    }
                    3 => panic!("job 3 fails on purpose"),
                    _ => i,
                }
            }
        })
        .collect();

    let outcome = panic::catch_unwind(|| run_all(jobs));

    let payload = outcome.expect_err("run_all returned normally although two jobs panicked");
    let message = panic_message(&*payload);
    assert_eq!(
        message,
        Some("job 1 fails on purpose"),
        "jobs 1 and 3 panicked (job 3 first): run_all must resume the panic of the first of \
         them in input order, job 1, whenever it happened. Keep the first payload you get \
         from `join` (`first_panic.get_or_insert(payload)`), don't replace it with later ones"
    );
}

//! Task `thread-pool`: every job runs, on a fixed set of reused worker threads that survive
//! panicking jobs, and dropping the pool waits for the jobs already queued.
//!
//! Each check drops the pool before looking at the results: `drop` returns only after every
//! queued job has run and every worker has been joined, so everything the jobs sent is in
//! the channel by then, and `try_iter` reads it without waiting.
//! (`no_thread_outlives_the_pool` is in `tests/thread_pool_cleanup.rs`.)

use std::collections::HashSet;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::Duration;

use threads_exercise::ThreadPool;

use crate::support::{PATIENCE, Rendezvous, hide_panics_on_purpose, panic_message};

#[test]
fn every_job_runs() {
    let pool = ThreadPool::new(4);
    let (sender, receiver) = mpsc::channel();
    for i in 0..100 {
        let sender = sender.clone();
        pool.execute(move || sender.send(i).unwrap());
    }
    drop(pool);

    let mut ran: Vec<i32> = receiver.try_iter().collect();
    assert_eq!(
        ran.len(),
        100,
        "only {} of the 100 jobs had run when the pool's drop returned: drop must let the \
         queued jobs run and join the workers before it returns",
        ran.len()
    );
    ran.sort_unstable();
    assert_eq!(ran, (0..100).collect::<Vec<_>>(), "each job runs once");
}

#[test]
fn zero_size_is_refused() {
    let outcome = panic::catch_unwind(|| ThreadPool::new(0));

    let Err(payload) = outcome else {
        panic!("ThreadPool::new(0) must panic: a pool without threads would never run a job");
    };
    let message = panic_message(&*payload).unwrap_or_default();
    assert!(
        message.contains("at least one thread"),
        "ThreadPool::new(0) must panic with a message that says a pool needs at least one \
         thread; it panicked with {message:?}"
    );
}

#[test]
fn threads_are_reused() {
    const SIZE: usize = 4;
    let pool = ThreadPool::new(SIZE);
    let (sender, receiver) = mpsc::channel();
    for _ in 0..200 {
        let sender = sender.clone();
        pool.execute(move || sender.send(thread::current().id()).unwrap());
    }
    drop(pool);

    let threads: Vec<_> = receiver.try_iter().collect();
    assert_eq!(threads.len(), 200, "every job must run before drop returns");
    let distinct: HashSet<_> = threads.into_iter().collect();
    assert!(
        distinct.len() <= SIZE,
        "200 jobs ran on {} different threads; a pool of {SIZE} must run them all on its \
         {SIZE} workers, not start a thread per job",
        distinct.len()
    );
    assert!(
        !distinct.contains(&thread::current().id()),
        "a job ran on the caller's thread: `execute` must queue the job for a worker, not \
         run it"
    );
}

#[test]
fn workers_run_jobs_at_the_same_time() {
    const SIZE: usize = 3;
    let pool = ThreadPool::new(SIZE);
    // Three jobs that can only finish together: one on each worker, all at the same time.
    let rendezvous = Arc::new(Rendezvous::new(SIZE));
    let (sender, receiver) = mpsc::channel();
    for _ in 0..SIZE {
        let (rendezvous, sender) = (Arc::clone(&rendezvous), sender.clone());
        pool.execute(move || sender.send(rendezvous.arrive_and_wait()).unwrap());
    }
    drop(pool);

    let met: Vec<bool> = receiver.try_iter().collect();
    assert_eq!(
        met, [true; SIZE],
        "a pool of {SIZE} did not run {SIZE} jobs at the same time (they waited {PATIENCE:?} \
         for each other in vain). Does a worker hold the queue's lock while it runs a job? \
         Take the job in one statement, `let next = receiver.lock().unwrap().recv();`, so \
         that the lock is released before the job runs"
    );
}

#[test]
fn a_panicking_job_does_not_kill_its_worker() {
    hide_panics_on_purpose();
    let pool = ThreadPool::new(2);
    pool.execute(|| panic!("this job panics on purpose"));
    // Two jobs that can only finish together: they need both workers, including the one
    // that ran the panicking job.
    let rendezvous = Arc::new(Rendezvous::new(2));
    let (sender, receiver) = mpsc::channel();
    for _ in 0..2 {
        let (rendezvous, sender) = (Arc::clone(&rendezvous), sender.clone());
        pool.execute(move || sender.send(rendezvous.arrive_and_wait()).unwrap());
    }
    // A pool whose worker died of the job's panic may pass that panic on when it joins the
    // worker; catch it here, so that the assertions below can say what went wrong.
    let shutdown = panic::catch_unwind(AssertUnwindSafe(|| drop(pool)));

    let met: Vec<bool> = receiver.try_iter().collect();
    assert_eq!(
        met,
        [true, true],
        "after a job panicked, a pool of 2 could no longer run 2 jobs at the same time (they \
         waited {PATIENCE:?} for each other in vain): the panic ended a worker. Catch it \
         around the job with `std::panic::catch_unwind` (if `workers_run_jobs_at_the_same_time` \
         fails too, fix that first)"
    );
    if let Err(payload) = shutdown {
        panic!(
            "dropping the pool panicked ({:?}): a worker must survive a job's panic, so \
             joining it succeeds",
            panic_message(&*payload).unwrap_or("no message")
        );
    }
}

#[test]
fn drop_waits_for_queued_jobs() {
    let pool = ThreadPool::new(2);
    let done = Arc::new(AtomicUsize::new(0));
    for _ in 0..50 {
        let done = Arc::clone(&done);
        pool.execute(move || {
            // A stand-in for a short blocking call (a disk write, say): with 50 such jobs on
            // 2 workers, most of them are still queued when the pool is dropped below.
            thread::sleep(Duration::from_millis(2));
            done.fetch_add(1, Ordering::SeqCst);
        });
    }
    drop(pool);

    assert_eq!(
        done.load(Ordering::SeqCst),
        50,
        "dropping the pool must let the queued jobs run, then join every worker, before it \
         returns"
    );
}

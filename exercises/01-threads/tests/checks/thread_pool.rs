//! Task `thread-pool`: every job runs, on a fixed set of reused worker threads that survive
//! panicking jobs, and dropping the pool runs the jobs already queued and joins every
//! worker.
//!
//! Each check shuts the pool down (`support::shut_down`, which drops it) before looking at
//! the results: `drop` returns only after every queued job has run and every worker has
//! been joined, so everything the jobs sent is in the channel by then, and `try_iter` reads
//! it without waiting. (The checks that count the process's threads or measure its CPU
//! time are in test binaries of their own: `tests/thread_pool_cleanup.rs` and
//! `tests/thread_pool_idle.rs`.)

use std::cell::RefCell;
use std::collections::HashSet;
use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::Duration;

use threads_exercise::ThreadPool;

use crate::support::{
    Gate, PATIENCE, Rendezvous, hide_panics_on_purpose, other_panics_on, panic_message, shut_down,
};

#[test]
fn every_job_runs() {
    let pool = ThreadPool::new(4);
    let (sender, receiver) = mpsc::channel();
    for i in 0..100 {
        let sender = sender.clone();
        pool.execute(move || sender.send(i).unwrap());
    }

    // While the pool is alive, its workers take the jobs as they come.
    let first = receiver.recv_timeout(PATIENCE);
    assert!(
        first.is_ok(),
        "no job had run {PATIENCE:?} after `execute` while the pool was alive: workers must \
         take the jobs from the queue as they come, not wait for the pool to be dropped"
    );
    shut_down(pool);

    let mut ran: Vec<i32> = first.into_iter().chain(receiver.try_iter()).collect();
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
    const SIZE: usize = 2;
    const MORE: usize = 200;
    let pool = ThreadPool::new(SIZE);
    let (sender, receiver) = mpsc::channel();
    let ran_on_this_thread = move |sender: &mpsc::Sender<_>| {
        sender.send(thread::current().id()).unwrap();
    };
    // First keep every worker busy: SIZE jobs that wait at a gate...
    let gate = Arc::new(Gate::closed());
    for _ in 0..SIZE {
        let (gate, sender) = (Arc::clone(&gate), sender.clone());
        pool.execute(move || {
            ran_on_this_thread(&sender);
            gate.arrive_and_wait();
        });
    }
    gate.wait_for_arrivals(SIZE);
    // ...and queue as many jobs again: they must wait for a worker to be free, not run on
    // new threads. (Only a few: a pool with a bounded queue may make `execute` wait.)
    for _ in 0..SIZE {
        let sender = sender.clone();
        pool.execute(move || ran_on_this_thread(&sender));
    }
    gate.open();
    // Then many short jobs.
    for _ in 0..MORE {
        let sender = sender.clone();
        pool.execute(move || ran_on_this_thread(&sender));
    }
    shut_down(pool);

    let threads: Vec<_> = receiver.try_iter().collect();
    let distinct: HashSet<_> = threads.iter().copied().collect();
    assert!(
        !distinct.contains(&thread::current().id()),
        "a job ran on the caller's thread: `execute` must queue the job for a worker, not \
         run it"
    );
    assert!(
        distinct.len() <= SIZE,
        "{} jobs ran on {} different threads; a pool of {SIZE} must run them all on its \
         {SIZE} workers, started once in `new`: no thread per job, and no extra thread when \
         every worker is busy (the jobs wait in the queue)",
        threads.len(),
        distinct.len()
    );
    assert_eq!(
        threads.len(),
        2 * SIZE + MORE,
        "every job must run before drop returns"
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
    shut_down(pool);

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
    // More panics than workers: whichever worker runs them, a pool whose workers die of
    // their jobs' panics has none left.
    for i in 0..3 {
        pool.execute(move || panic!("job {i} panics on purpose"));
    }
    // Two jobs that can only finish together: they need both workers, including those
    // that ran the panicking jobs.
    let rendezvous = Arc::new(Rendezvous::new(2));
    let (sender, receiver) = mpsc::channel();
    for _ in 0..2 {
        let (rendezvous, sender) = (Arc::clone(&rendezvous), sender.clone());
        pool.execute(move || sender.send(rendezvous.arrive_and_wait()).unwrap());
    }
    // A pool whose worker died of a job's panic may pass that panic on when it joins the
    // worker; catch it here, so that the assertions below can say what went wrong.
    let shutdown = panic::catch_unwind(AssertUnwindSafe(|| shut_down(pool)));

    let met: Vec<bool> = receiver.try_iter().collect();
    assert_eq!(
        met,
        [true, true],
        "after jobs panicked, a pool of 2 could no longer run 2 jobs at the same time (they \
         waited {PATIENCE:?} for each other in vain, or never ran): a panic ended a worker. \
         Catch it around each job with `std::panic::catch_unwind`, inside the worker's loop \
         (if `workers_run_jobs_at_the_same_time` fails too, fix that first)"
    );
    if let Err(payload) = shutdown {
        panic::resume_unwind(payload);
    }
}

/// Counts the jobs dropped without being run: a job that runs defuses it first.
struct DiscardWitness {
    ran: bool,
    discarded: Arc<AtomicUsize>,
}

impl DiscardWitness {
    fn defuse(&mut self) {
        self.ran = true;
    }
}

impl Drop for DiscardWitness {
    fn drop(&mut self) {
        if !self.ran {
            self.discarded.fetch_add(1, Ordering::SeqCst);
        }
    }
}

#[test]
fn drop_waits_for_queued_jobs() {
    const JOBS: usize = 50;
    let pool = ThreadPool::new(2);
    let done = Arc::new(AtomicUsize::new(0));
    let discarded = Arc::new(AtomicUsize::new(0));
    for _ in 0..JOBS {
        let done = Arc::clone(&done);
        let mut witness = DiscardWitness {
            ran: false,
            discarded: Arc::clone(&discarded),
        };
        pool.execute(move || {
            witness.defuse();
            // A stand-in for a short blocking call (a disk write, say): with 50 such jobs on
            // 2 workers, most of them are still queued when the pool is dropped below.
            thread::sleep(Duration::from_millis(2));
            done.fetch_add(1, Ordering::SeqCst);
        });
    }
    shut_down(pool);

    let discarded = discarded.load(Ordering::SeqCst);
    assert_eq!(
        discarded, 0,
        "{discarded} queued jobs were dropped without running: dropping the pool must close \
         the queue and let the workers run the jobs already in it, not empty it"
    );
    assert_eq!(
        done.load(Ordering::SeqCst),
        JOBS,
        "dropping the pool must let the queued jobs run, then join every worker, before it \
         returns"
    );
}

/// Counts the worker threads that have ended: each worker that runs a job keeps one in a
/// thread-local, and a thread's thread-locals are dropped when it ends, before `join`
/// returns for it.
struct ExitWitness(Arc<AtomicUsize>);

impl Drop for ExitWitness {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

thread_local! {
    static EXIT_WITNESS: RefCell<Option<ExitWitness>> = const { RefCell::new(None) };
}

#[test]
fn drop_joins_every_worker() {
    const SIZE: usize = 3;
    let pool = ThreadPool::new(SIZE);
    let ended = Arc::new(AtomicUsize::new(0));
    // One job on each worker (they meet, so they are on three different workers), still
    // running when the pool is dropped.
    let rendezvous = Arc::new(Rendezvous::new(SIZE));
    let (sender, receiver) = mpsc::channel();
    for _ in 0..SIZE {
        let (rendezvous, sender) = (Arc::clone(&rendezvous), sender.clone());
        let ended = Arc::clone(&ended);
        pool.execute(move || {
            EXIT_WITNESS.set(Some(ExitWitness(ended)));
            sender.send(rendezvous.arrive_and_wait()).unwrap();
            // A stand-in for slow work still in flight when the pool is dropped.
            thread::sleep(Duration::from_millis(100));
        });
    }
    let met: Vec<bool> = (0..SIZE)
        .map_while(|_| receiver.recv_timeout(PATIENCE).ok())
        .collect();
    assert_eq!(
        met, [true; SIZE],
        "a pool of {SIZE} did not run {SIZE} jobs at the same time: fix \
         `workers_run_jobs_at_the_same_time` first"
    );
    shut_down(pool);

    let ended = ended.load(Ordering::SeqCst);
    assert_eq!(
        ended,
        SIZE,
        "drop returned while {} of the {SIZE} workers were still running: after closing \
         the queue, `join` every worker (`for worker in self.workers.drain(..)`), so that \
         no thread outlives the pool",
        SIZE - ended
    );
}

#[test]
fn workers_stop_without_panicking() {
    hide_panics_on_purpose();
    const SIZE: usize = 3;
    let pool = ThreadPool::new(SIZE);
    // One job on each worker, to learn which threads the workers are.
    let rendezvous = Arc::new(Rendezvous::new(SIZE));
    let (sender, receiver) = mpsc::channel();
    for _ in 0..SIZE {
        let (rendezvous, sender) = (Arc::clone(&rendezvous), sender.clone());
        pool.execute(move || {
            rendezvous.arrive_and_wait();
            sender.send(thread::current().id()).unwrap();
        });
    }
    shut_down(pool);

    let workers: HashSet<_> = receiver.try_iter().collect();
    let panics = other_panics_on(&workers);
    assert!(
        panics.is_empty(),
        "a worker panicked when the pool was dropped ({:?}). Once the queue is closed and \
         empty, `recv` returns `Err`: that is the signal to leave the worker's loop \
         (`let Ok(job) = next else {{ return }};`), not an error to `unwrap`",
        panics[0]
    );
}

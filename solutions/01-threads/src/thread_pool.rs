//! Task `thread-pool`: a fixed set of worker threads that run queued jobs.
//!
//! Spawning a thread costs tens of microseconds; a pool pays it once. Jobs go through an
//! `mpsc` channel, the queue. Its one `Receiver` is shared by all the workers behind a
//! `Mutex`: a worker takes the lock, waits in `recv` for the next job, lets go of the lock
//! and runs the job, while the next worker waits in `recv` in turn. A waiting worker is
//! blocked in the kernel (no busy loop, no polling), and the channel tells the workers when
//! to stop: once the pool drops its `Sender`, `recv` returns the jobs still queued and then
//! an error.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};

/// A job: any closure that can be sent to a worker thread and run once there.
type Job = Box<dyn FnOnce() + Send + 'static>;

/// A pool of worker threads that run the jobs given to [`ThreadPool::execute`].
///
/// Dropping the pool shuts it down gracefully: the jobs already queued still run, then
/// every worker thread is joined, so no thread outlives the pool. A job that panics does
/// not take its worker down: the panic hook prints the job's message, naming the worker's
/// thread, and the worker goes on with the next job.
///
/// `ThreadPool` is `Send` and `Sync`: producers on several threads may share one pool
/// (for example through an `Arc`, or by reference from scoped threads).
pub struct ThreadPool {
    /// The queue's sending side; `None` only while the pool is being dropped.
    sender: Option<Sender<Job>>,
    workers: Vec<JoinHandle<()>>,
}

impl ThreadPool {
    /// Starts `size` worker threads, named `pool-worker-0`, `pool-worker-1`, ... (a name
    /// shows up in panic messages and debuggers).
    ///
    /// # Panics
    ///
    /// If `size` is 0, or if the operating system refuses to start a thread.
    pub fn new(size: usize) -> ThreadPool {
        assert!(size > 0, "a ThreadPool needs at least one thread, got 0");
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        // The pool exists before its workers: if starting one fails below, the `expect`
        // panics, `pool` is dropped while unwinding, and its `Drop` joins the workers
        // already started.
        let mut pool = ThreadPool {
            sender: Some(sender),
            workers: Vec::with_capacity(size),
        };
        for id in 0..size {
            let receiver = Arc::clone(&receiver);
            let worker = thread::Builder::new()
                .name(format!("pool-worker-{id}"))
                .spawn(move || run_jobs(&receiver))
                .expect("failed to start a pool worker thread");
            pool.workers.push(worker);
        }
        pool
    }

    /// Queues `job`; the next idle worker runs it. Never blocks: the queue is unbounded.
    pub fn execute<F>(&self, job: F)
    where
        F: FnOnce() + Send + 'static,
    {
        self.sender
            .as_ref()
            .expect("the queue is open until the pool is dropped")
            .send(Box::new(job))
            // `send` fails only once every `Receiver` is gone. The workers hold it until the
            // queue is closed, and they never panic (they catch the panics of jobs).
            .expect("the workers outlive the queue");
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        // Close the queue. Each worker still takes the jobs already queued; after the last
        // one its `recv` fails and its loop ends.
        drop(self.sender.take());

        let mut first_panic: Option<Box<dyn Any + Send>> = None;
        for worker in self.workers.drain(..) {
            if let Err(payload) = worker.join() {
                first_panic.get_or_insert(payload);
            }
        }
        // Workers catch the panics of jobs, so a worker ending in a panic is a bug in this
        // file: report it, as `run_all` does, after every worker was joined. Not while this
        // drop runs during another panic's unwinding, though: a second panic would abort.
        if let Some(payload) = first_panic
            && !thread::panicking()
        {
            panic::resume_unwind(payload);
        }
    }
}

/// A worker's loop: take the next job from the queue and run it, until the queue is
/// closed and empty.
fn run_jobs(queue: &Mutex<Receiver<Job>>) {
    loop {
        // The guard returned by `lock` is a temporary, dropped at the end of this statement:
        // the lock is held while waiting for a job, not while running it. Holding it while
        // running the job (as `while let Ok(job) = queue.lock().unwrap().recv()` would)
        // makes the jobs run one at a time.
        //
        // The lock cannot be poisoned (nothing panics while holding it), and a `Receiver`
        // has no invariant that a panic could break anyway, so a poisoned lock is used as is.
        let next = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok(job) = next else {
            return; // the queue is closed and empty: the pool is shutting down
        };
        // A job's panic must not end this worker, or the pool would lose a thread with each
        // panicking job. `catch_unwind` stops the unwinding here; the panic hook has already
        // printed the job's message, so the payload is dropped.
        //
        // `catch_unwind` requires `UnwindSafe`, which a `Box<dyn FnOnce()>` is not: it
        // could capture a `&mut` or a `RefCell` and leave it half-updated. That cannot hurt
        // this worker, which never sees what the job captured: the job is consumed by the
        // call and its captures are dropped during the unwinding. Shared state the job
        // changed through a `Mutex` is poisoned, which warns the job's owner, just as it
        // would if the job had panicked on a thread of its own. So asserting unwind safety
        // with `AssertUnwindSafe` is sound here.
        let _ = panic::catch_unwind(AssertUnwindSafe(job));
    }
}

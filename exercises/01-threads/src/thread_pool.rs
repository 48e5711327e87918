//! Task `thread-pool`: a fixed set of worker threads that run queued jobs.
//!
//! Spawning a thread costs tens of microseconds; a pool pays it once. Jobs wait in a
//! queue, and each worker thread loops: take the next job, run it, and again. A worker with
//! nothing to do must block (no busy loop, no polling with sleeps), and dropping the pool
//! must end every worker's loop once the queued jobs have run.
//!
//! Use std only (`std::sync::mpsc` or a `Mutex` and a `Condvar`); no rayon or crossbeam.

/// A pool of worker threads that run the jobs given to [`ThreadPool::execute`].
///
/// Dropping the pool shuts it down gracefully: the jobs already queued still run, then
/// every worker thread is joined, so no thread outlives the pool. A job that panics does
/// not take its worker down: the worker goes on with the next job.
///
/// `ThreadPool` is `Send` and `Sync`: producers on several threads may share one pool
/// (for example through an `Arc`, or by reference from scoped threads).
pub struct ThreadPool {
    // Add the pool's fields here. With a channel as the queue (the way the hints take):
    // `sender: Option<std::sync::mpsc::Sender<Job>>`, to send jobs and, by dropping it, to
    // close the queue; and `workers: Vec<std::thread::JoinHandle<()>>`, to join the workers.
    // `Job` is a type alias for you to declare, at the top of this file:
    // `type Job = Box<dyn FnOnce() + Send + 'static>;`
}

impl ThreadPool {
    /// Starts `size` worker threads.
    ///
    /// # Panics
    ///
    /// If `size` is 0, with a message that says a pool needs at least one thread.
    pub fn new(size: usize) -> ThreadPool {
        // Write `new` here:
        // 1. Refuse 0: `assert!(size > 0, "a ThreadPool needs at least one thread")`.
        // 2. Create the queue: `let (sender, receiver) = std::sync::mpsc::channel::<Job>();`.
        //    A `Receiver` has one owner: share it with `Arc::new(Mutex::new(receiver))` and
        //    give each worker an `Arc::clone` of it.
        // 3. Start `size` threads with `std::thread::spawn` (or `std::thread::Builder`, to
        //    name them), keeping their `JoinHandle`s. Each one loops:
        //    `let next = receiver.lock().unwrap().recv();` waits for the next job (the lock
        //    is released at the end of that statement, so the job runs without it); an
        //    `Err` means the queue is closed and empty: return. Otherwise run the job as
        //    `std::panic::catch_unwind(std::panic::AssertUnwindSafe(job))`, so that a
        //    panicking job does not end the worker.
        // APIs: https://doc.rust-lang.org/std/sync/mpsc/fn.channel.html
        //       https://doc.rust-lang.org/std/sync/mpsc/struct.Receiver.html#method.recv
        //       https://doc.rust-lang.org/std/panic/fn.catch_unwind.html
        todo!("start `size` worker threads that take jobs from a shared queue")
    }

    /// Queues `job`; the next idle worker runs it.
    ///
    /// Keep this signature as it is: a check compiles a job that is not `Send` and compares
    /// the compiler's error, which quotes these lines.
    pub fn execute<F>(&self, job: F)
    where
        F: FnOnce() + Send + 'static,
    {
        // Write `execute` here: box the job (`Box::new(job)` is a `Job`) and send it into
        // the queue with `Sender::send`.
        // API: https://doc.rust-lang.org/std/sync/mpsc/struct.Sender.html#method.send
        todo!("send the boxed job into the queue")
    }
}

impl Drop for ThreadPool {
    fn drop(&mut self) {
        // Write the shutdown here:
        // 1. Close the queue by dropping the sender: `drop(self.sender.take())`. The workers
        //    still receive the jobs already queued; after the last one, `recv` returns `Err`
        //    and their loops end.
        // 2. Join every worker: `for worker in self.workers.drain(..) { ... worker.join() }`.
        // API: https://doc.rust-lang.org/std/thread/struct.JoinHandle.html#method.join
        todo!("close the queue, then join every worker")
    }
}

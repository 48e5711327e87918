//! Task `thread-pool`: a pool of `size` runs exactly `size` threads, and none of them
//! outlives the pool.
//!
//! This check counts the threads of the whole process, so it lives in a test binary of its
//! own (this file), where no other test starts or ends threads while it counts. On Linux,
//! each thread of a process is a folder in `/proc/self/task`; elsewhere the check passes
//! and says that it could not count.

use std::fs;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use threads_exercise::ThreadPool;

// The checks' helpers; this file uses only `shut_down`.
#[allow(dead_code)]
#[path = "checks/support.rs"]
mod support;

/// How many threads this process has right now.
fn threads_in_this_process() -> usize {
    fs::read_dir("/proc/self/task")
        .expect("/proc/self/task lists the threads of this process")
        .count()
}

/// The number of threads once it has come down to `expected`, or after `patience` if it
/// never does.
///
/// `join` returns as soon as the joined thread has finished with its memory (its stack can
/// be freed), but the kernel removes the thread from `/proc/self/task` a few microseconds
/// later, and nothing in user space can wait for that moment. A thread that really was
/// joined is gone from the list at once, or almost: this loop usually ends at its first
/// count. A thread that keeps running (a worker still waiting for jobs) never leaves it.
fn thread_count_settled_at(expected: usize, patience: Duration) -> usize {
    let deadline = Instant::now() + patience;
    loop {
        let count = threads_in_this_process();
        if count <= expected || Instant::now() >= deadline {
            return count;
        }
        thread::yield_now();
    }
}

#[test]
fn no_thread_outlives_the_pool() {
    if !cfg!(target_os = "linux") {
        println!("not checked: this check counts the threads in Linux's /proc");
        return;
    }
    const SIZE: usize = 4;
    let before = threads_in_this_process();

    let pool = ThreadPool::new(SIZE);
    let (sender, receiver) = mpsc::channel();
    for i in 0..20 {
        let sender = sender.clone();
        pool.execute(move || sender.send(i).unwrap());
    }
    // Every job has run (a worker sends its number as the job's last act): the pool is
    // idle, and its threads are its workers.
    for _ in 0..20 {
        receiver
            .recv_timeout(Duration::from_secs(5))
            .expect("the pool did not run its jobs (see the other thread-pool checks)");
    }
    let started = threads_in_this_process().saturating_sub(before);
    assert_eq!(
        started, SIZE,
        "ThreadPool::new({SIZE}) runs {started} threads: a pool of {SIZE} starts exactly \
         {SIZE} workers, once, in `new` (no extra thread, no thread per job)"
    );
    support::shut_down(pool);

    let after = thread_count_settled_at(before, Duration::from_secs(2));
    assert_eq!(
        after,
        before,
        "{} thread(s) still running after the pool was dropped: `drop` must close the queue \
         so that each worker's loop ends, then join every worker",
        after.saturating_sub(before)
    );
}

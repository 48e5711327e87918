//! Task `thread-pool`: no thread outlives the pool.
//!
//! This check counts the threads of the whole process, so it lives in a test binary of its
//! own (this file), where no other test starts or ends threads while it counts. On Linux,
//! each thread of a process is a folder in `/proc/self/task`; elsewhere this binary has no
//! test.

#![cfg(target_os = "linux")]

use std::fs;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use threads_exercise::ThreadPool;

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
    let before = threads_in_this_process();

    let pool = ThreadPool::new(4);
    let (sender, receiver) = mpsc::channel();
    for i in 0..20 {
        let sender = sender.clone();
        pool.execute(move || sender.send(i).unwrap());
    }
    drop(pool);

    assert_eq!(
        receiver.try_iter().count(),
        20,
        "every job must have run before drop returns"
    );
    let after = thread_count_settled_at(before, Duration::from_secs(2));
    assert_eq!(
        after,
        before,
        "{} thread(s) still running after the pool was dropped: `drop` must close the queue \
         so that each worker's loop ends, then join every worker",
        after.saturating_sub(before)
    );
}

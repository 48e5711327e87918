//! A thread per task, or a pool of threads that take turns at the tasks.
//!
//! Starting a thread is not free. The OS must create a schedulable task, map a stack with a
//! guard page below it, set up thread-local storage; joining it tears all that down again.
//! That is tens of microseconds: nothing next to a task that runs for a second, and far
//! more than the task itself when it runs for a microsecond.
//!
//! A *thread pool* pays that cost once. Its threads are started up front and then wait for
//! tasks; running a task is handing a closure to a waiting thread, which is cheaper than
//! creating one. It also bounds how many threads exist: a thousand tasks on a 2-thread pool
//! run on 2 threads, not a thousand. Python has the same tool in
//! `concurrent.futures.ThreadPoolExecutor` (and `multiprocessing.Pool` for processes).
//!
//! Here both approaches run the same tasks, `task(0)`, `task(1)`, ... `task(n - 1)`, and
//! return their results in order:
//! - [`thread_per_task`] starts one scoped thread per task (the cost of `thread::spawn`);
//! - [`on_pool`] spawns each task on a rayon [`ThreadPool`] built by [`build_pool`].
//!
//! How much a pool saves depends on how busy it is. A single task handed to an idle pool
//! still costs two wake-ups, the sleeping worker's and then yours when the result is ready,
//! so it is cheaper than a new thread by a small factor (`benches/threads.rs` measures it:
//! `spawn/rayon_pool_task` against `spawn/thread_spawn_join`). A pool that is kept busy
//! runs its tasks back to back with no wake-up at all, and saves nearly the whole cost of a
//! thread per task (`examples/pool_vs_spawn.rs` shows it). The tests show that the pool
//! really reuses its threads.
//! How a pool works inside, a queue and a few threads waiting on it, is the subject of this
//! lesson's exercise.

use std::thread;

use rayon::{ThreadPool, ThreadPoolBuildError, ThreadPoolBuilder};

// ANCHOR: thread_per_task
/// Runs `task(i)` for every `i` in `0..tasks`, each on a thread of its own, and returns the
/// results in order of `i`.
pub fn thread_per_task<T, F>(tasks: usize, task: F) -> Vec<T>
where
    F: Fn(usize) -> T + Sync,
    T: Send,
{
    // Scoped threads, so that the threads can borrow `task` instead of needing it to be
    // `'static`; each `s.spawn` still creates (and the join destroys) one OS thread.
    let task = &task;
    thread::scope(|s| {
        let handles: Vec<_> = (0..tasks).map(|i| s.spawn(move || task(i))).collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p))
            })
            .collect()
    })
}
// ANCHOR_END: thread_per_task

// ANCHOR: build_pool
/// A rayon pool of exactly `threads` threads, named `pool-worker-0`, `pool-worker-1`, ...
///
/// Building fails (rather than panics) if the OS refuses to start a thread. `threads == 0`
/// means rayon's default: one thread per available core, or `RAYON_NUM_THREADS`.
pub fn build_pool(threads: usize) -> Result<ThreadPool, ThreadPoolBuildError> {
    ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|index| format!("pool-worker-{index}"))
        .build()
}
// ANCHOR_END: build_pool

// ANCHOR: on_pool
/// Runs `task(i)` for every `i` in `0..tasks` on the threads of `pool`, and returns the
/// results in order of `i`.
///
/// The shape is the same as [`thread_per_task`]: a scope, one `spawn` per task. But
/// `pool.scope`'s `spawn` only queues a closure for the pool's existing threads.
pub fn on_pool<T, F>(pool: &ThreadPool, tasks: usize, task: F) -> Vec<T>
where
    F: Fn(usize) -> T + Sync,
    T: Send,
{
    // One slot per task. `iter_mut` hands each task a `&mut` to its own slot, so the tasks
    // write their results without any lock and without touching each other's slots.
    let mut results: Vec<Option<T>> = (0..tasks).map(|_| None).collect();
    let task = &task;
    // Like `thread::scope`, `pool.scope` returns only when every task spawned in it has
    // finished, and re-raises the panic of a task that panicked. So the tasks may borrow
    // `task` and `results`.
    pool.scope(|s| {
        for (i, slot) in results.iter_mut().enumerate() {
            s.spawn(move |_| *slot = Some(task(i)));
        }
    });
    results
        .into_iter()
        .map(|result| result.expect("pool.scope returned, so every task has run"))
        .collect()
}
// ANCHOR_END: on_pool

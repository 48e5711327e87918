//! Task `spawn-ordered`: one thread per job, the results in input order.

use std::panic;
use std::thread::{self, JoinHandle};

/// Runs every job on a thread of its own, all at the same time, and returns their results
/// in the order of `jobs`, whatever order the threads finish in.
///
/// # Panics
///
/// If a job panics, `run_all` still joins every other thread, so that no job is left
/// running behind the caller's back, and then resumes the panic of the first job (in input
/// order) that panicked, with that job's own payload: the caller sees the job's message.
pub fn run_all<T, F>(jobs: Vec<F>) -> Vec<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    // Start every thread before joining any: joining each one right after spawning it
    // would run the jobs one after another.
    let handles: Vec<JoinHandle<T>> = jobs.into_iter().map(thread::spawn).collect();

    // `handles[i]` belongs to `jobs[i]`, so joining in this order gives the input order.
    // `join` waits for a thread that is still running and returns at once for one that
    // has finished, so the order of joining costs nothing.
    let mut results = Vec::with_capacity(handles.len());
    let mut first_panic = None;
    for handle in handles {
        match handle.join() {
            Ok(result) => results.push(result),
            // Don't stop at the first panic: the threads after it must be joined too.
            Err(payload) => {
                first_panic.get_or_insert(payload);
            }
        }
    }

    if let Some(payload) = first_panic {
        // `resume_unwind` continues the job's panic on this thread with the job's own
        // payload. It does not run the panic hook again: the message was printed once,
        // by the job's thread, when it panicked.
        panic::resume_unwind(payload);
    }
    results
}

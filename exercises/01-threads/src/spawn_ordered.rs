//! Task `spawn-ordered`: one thread per job, the results in input order.

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
    // Write `run_all` here:
    // 1. Start a thread for each job with `std::thread::spawn(job)`, and keep the
    //    `JoinHandle<T>` it returns in a `Vec`, in the order of `jobs`. Start them all before
    //    you join any: a join right after each spawn would run the jobs one by one.
    // 2. Join the handles in that order with `handle.join()` and push each `Ok(result)`.
    // 3. `join` gives `Err(payload)` for a job that panicked. Keep the first payload, go on
    //    joining the other handles, and after the loop call
    //    `std::panic::resume_unwind(payload)` to continue the job's panic here.
    // APIs: https://doc.rust-lang.org/std/thread/fn.spawn.html
    //       https://doc.rust-lang.org/std/thread/struct.JoinHandle.html#method.join
    //       https://doc.rust-lang.org/std/panic/fn.resume_unwind.html
    todo!("spawn a thread per job, then join them in input order")
}

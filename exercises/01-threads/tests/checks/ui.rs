//! The trybuild checks: what the signatures must accept, and what they must refuse. A
//! `pass` case is compiled and then run, and passes if it exits successfully; a
//! `compile_fail` case must fail with the compiler output in its `.stderr` file.
//!
//! The cases live in `exercises/01-threads/tests/ui`; the solution crate reaches the same
//! folder through a symbolic link, `solutions/01-threads/tests/ui`. That way the path of a
//! case is `CARGO_MANIFEST_DIR/tests/ui/...` from both crates, inside the crate being
//! tested, and trybuild normalises the compiler's output the same way for both. (Reached
//! as `../../exercises/...` from the solution, a case would sit outside the solution's
//! folder and be written differently.) This matters for `pool_rejects_rc_job.stderr`: its
//! error quotes `ThreadPool::execute` in `src/thread_pool.rs`, and only in trybuild's
//! newest normalisation are the line numbers of files other than the case hidden, so that
//! the same `.stderr` matches the starter, the solution and your code, wherever
//! `execute` sits in the file.

/// The path of a trybuild case in `tests/ui`.
macro_rules! case {
    ($file:literal) => {
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/ui/", $file)
    };
}

/// Task `chunked-sum`: no `'static` bound, so the threads may borrow the caller's locals.
#[test]
fn parallel_sum_borrows_locals() {
    trybuild::TestCases::new().pass(case!("parallel_sum_borrows_locals.rs"));
}

/// Task `thread-pool`: `execute` refuses a job that cannot be sent to another thread, and
/// the pool itself can be shared by threads (`Sync`) and moved to one (`Send`).
#[test]
fn thread_pool_send_and_sync() {
    let t = trybuild::TestCases::new();
    t.compile_fail(case!("pool_rejects_rc_job.rs"));
    t.pass(case!("pool_is_shared_by_producers.rs"));
}

//! `builder`: a named thread sees its name, a small explicit stack is enough for shallow
//! work, a failed spawn is an `Err`, and `available_parallelism` is at least 1.

use std::thread;

use threads_lesson::builder::{current_thread_name, spawn_named, worker_count};

#[test]
fn a_named_thread_sees_its_name() {
    let handle = spawn_named("lesson-worker", 256 * 1024, current_thread_name)
        .expect("the OS starts a thread");
    // Seen from outside, through the handle...
    assert_eq!(handle.thread().name(), Some("lesson-worker"));
    // ...and from inside, by the thread itself.
    assert_eq!(
        handle.join().expect("the thread does not panic"),
        Some("lesson-worker".to_owned())
    );
}

#[test]
fn a_thread_from_thread_spawn_has_no_name() {
    let name = thread::spawn(current_thread_name)
        .join()
        .expect("the thread does not panic");
    assert_eq!(name, None);
}

/// Sums `1..=n` by recursion: one stack frame per number, so the depth is known.
fn sum_recursively(n: u64) -> u64 {
    if n == 0 {
        0
    } else {
        n + sum_recursively(n - 1)
    }
}

#[test]
fn a_small_stack_is_enough_for_shallow_work() {
    // 64 KiB instead of the default 2 MiB: plenty for a recursion 100 frames deep.
    let handle = spawn_named("small-stack", 64 * 1024, || sum_recursively(100))
        .expect("the OS starts a thread with a small stack");
    assert_eq!(
        handle.join().expect("no stack overflow"),
        (1..=100).sum::<u64>()
    );
}

// On Linux, the request for a 1 EiB stack reaches `pthread_create`, which cannot map it
// and fails; other platforms may reject the size earlier, in ways `std` does not report
// as an error, so the test is Linux-only.
#[cfg(target_os = "linux")]
#[test]
fn a_thread_the_os_cannot_create_is_an_err_not_a_panic() {
    let outcome = spawn_named("impossible", 1 << 60, || ());
    let error = outcome.expect_err("no system maps a 1 EiB stack");
    assert!(!error.to_string().is_empty(), "the error says why");
}

#[test]
fn available_parallelism_is_at_least_one() {
    let workers = worker_count();
    assert!(workers >= 1);
    // When the platform can tell, `worker_count` is exactly its answer.
    if let Ok(available) = thread::available_parallelism() {
        assert_eq!(workers, available.get());
    }
}

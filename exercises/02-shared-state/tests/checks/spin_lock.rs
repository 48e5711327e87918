//! Task `spin-lock` (with the loom model `spin_lock::*` in `tests/loom.rs` and the compile
//! checks in `ui.rs`): the lock excludes, `try_lock` fails while it is held, and dropping
//! the guard releases it.

use std::thread;

use shared_state_exercise::SpinLock;

use crate::support::on_threads;

#[test]
fn many_threads_count_exactly_under_the_lock() {
    const THREADS: usize = 4;
    const INCREMENTS: u64 = 20_000;
    let lock = SpinLock::new(0u64);
    on_threads(THREADS, |_| {
        for _ in 0..INCREMENTS {
            // A read, then a write: only mutual exclusion keeps this from losing updates.
            let mut count = lock.lock();
            let read = *count;
            *count = read + 1;
        }
    });
    assert_eq!(
        lock.into_inner(),
        THREADS as u64 * INCREMENTS,
        "increments were lost: two threads held the lock at once"
    );
}

#[test]
fn try_lock_fails_while_the_lock_is_held_and_succeeds_after() {
    let lock = SpinLock::new(vec![1]);
    let guard = lock.lock();
    let elsewhere = thread::scope(|s| s.spawn(|| lock.try_lock().is_some()).join().unwrap());
    assert!(!elsewhere, "another thread took the lock while it was held");
    assert!(lock.try_lock().is_none(), "the lock is not re-entrant");
    drop(guard);
    let mut guard = lock
        .try_lock()
        .expect("dropping the guard released the lock");
    guard.push(2);
    drop(guard);
    assert_eq!(*lock.lock(), [1, 2]);
}

#[test]
fn a_guard_dropped_in_a_panic_releases_the_lock() {
    let lock = SpinLock::new(0);
    let outcome = thread::scope(|s| {
        s.spawn(|| {
            let _guard = lock.lock();
            panic!("this thread panics on purpose while holding the lock");
        })
        .join()
    });
    assert!(outcome.is_err());
    // Unwinding dropped the guard, so the lock is free. (This spin lock has no poisoning:
    // the value is as the panicking thread left it.)
    assert!(
        lock.try_lock().is_some(),
        "the panicking thread's guard was not released"
    );
}

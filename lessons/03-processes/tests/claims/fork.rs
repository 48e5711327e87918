//! `fork`: the child of a multi-threaded process has one thread, and a lock another thread
//! held at the fork is still held in the child, where no thread will ever release it.

use processes_lesson::fork::fork_while_a_thread_holds_a_lock;

#[test]
fn a_lock_held_by_another_thread_stays_held_in_the_child() {
    let after = fork_while_a_thread_holds_a_lock().expect("fork works");
    assert!(
        !after.lock_free_in_child,
        "the child found the lock held: a `lock()` there would wait forever"
    );
    if cfg!(target_os = "linux") {
        assert!(after.threads_in_parent >= Some(2), "{after:?}");
        assert_eq!(after.threads_in_child, Some(1), "only the forking thread");
    }
}

//! The trybuild checks: what the spin lock's types must accept, and what they must refuse.
//! A `pass` case is compiled and then run, and passes if it exits successfully; a
//! `compile_fail` case must fail with the compiler output in its `.stderr` file.
//!
//! The cases live in `exercises/02-shared-state/tests/ui`; the solution crate reaches the
//! same folder through a symbolic link, `solutions/02-shared-state/tests/ui`, so that the
//! path of a case is `CARGO_MANIFEST_DIR/tests/ui/...` from both crates and trybuild
//! normalises the compiler's output the same way for both.

/// The path of a trybuild case in `tests/ui`.
macro_rules! case {
    ($file:literal) => {
        concat!(env!("CARGO_MANIFEST_DIR"), "/tests/ui/", $file)
    };
}

/// Task `spin-lock`: a `SpinLock` is shared by threads when its value can move between
/// them (`T: Send`), and refused otherwise; its guard is shared only when `T: Sync`.
#[test]
fn spin_lock_send_and_sync() {
    let t = trybuild::TestCases::new();
    t.pass(case!("spin_lock_is_shared_by_threads.rs"));
    t.compile_fail(case!("spin_lock_refuses_rc.rs"));
    t.compile_fail(case!("guard_of_a_cell_is_not_shared.rs"));
}

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

// Task `spin-lock`: a `SpinLock` is shared by threads when its value can move between
// them (`T: Send`), and refused otherwise; its guard is shared only when `T: Sync`. One
// check per case, each saying first what its case is about: when a case that must not
// compile compiles, trybuild says only that.

#[test]
fn spin_lock_is_shared_by_threads() {
    println!(
        "Four threads share a `SpinLock<u64>` and a `SpinLock<Vec<String>>` (the case \
         `tests/ui/spin_lock_is_shared_by_threads.rs`): a lock must be `Sync` when its \
         value is `Send`, and must exclude."
    );
    trybuild::TestCases::new().pass(case!("spin_lock_is_shared_by_threads.rs"));
}

#[test]
fn spin_lock_refuses_rc() {
    println!(
        "A `SpinLock<Rc<u32>>` shared between threads must not compile (the case \
         `tests/ui/spin_lock_refuses_rc.rs`): through the lock, each thread could clone the \
         `Rc` and change its non-atomic count at once. The lock is `Sync` only when its value \
         may move between threads: `unsafe impl<T: Send> Sync for SpinLock<T>`, with the \
         `T: Send` bound."
    );
    trybuild::TestCases::new().compile_fail(case!("spin_lock_refuses_rc.rs"));
}

#[test]
fn guard_of_a_cell_is_not_shared() {
    println!(
        "Two threads sharing the guard of a `SpinLock<Cell<u32>>` must not compile (the \
         case `tests/ui/guard_of_a_cell_is_not_shared.rs`): both would reach the `Cell` at \
         once. The guard hands out `&T`, so it may be shared only when `T: Sync`: that is \
         what its `PhantomData<&'a mut T>` field says."
    );
    trybuild::TestCases::new().compile_fail(case!("guard_of_a_cell_is_not_shared.rs"));
}

//! What Rust refuses to compile: the data races. The expected compiler errors are in
//! `tests/ui/*.stderr` (they depend on the compiler version pinned in
//! `rust-toolchain.toml`; regenerate with `TRYBUILD=overwrite`).
#![cfg(not(loom))]

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    // A `MutexGuard` moved to another thread: E0277, "cannot be sent between threads".
    t.compile_fail("tests/ui/guard_to_thread.rs");
    // A `Cell` used from two threads: E0277, "cannot be shared between threads".
    t.compile_fail("tests/ui/cell_shared.rs");
    // Two threads mutating one variable through `&mut`: E0499, "more than once at a time".
    t.compile_fail("tests/ui/two_mut_borrows.rs");
    // An `Rc` moved to another thread: E0277, "cannot be sent between threads".
    t.compile_fail("tests/ui/rc_to_thread.rs");
    // A `RefCell` shared through an `Arc`: E0277, "cannot be shared between threads".
    t.compile_fail("tests/ui/refcell_in_arc.rs");
    // A `Mutex<Rc<_>>` shared: E0277, a `Mutex` is `Sync` only around a `Send` value.
    t.compile_fail("tests/ui/mutex_of_rc.rs");
    // The same counter as an atomic and behind a `Mutex`: compiles and runs.
    t.pass("tests/ui/shared_counter.rs");
    // Which std types are `Send`, which `Sync`: compiles.
    t.pass("tests/ui/send_sync_quadrants.rs");
}

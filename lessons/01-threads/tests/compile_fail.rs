//! What Rust refuses to compile, and the borrow it accepts once it can prove it safe.
//! The expected compiler errors are in `tests/ui/*.stderr` (they depend on the compiler
//! version pinned in `rust-toolchain.toml`; regenerate with `TRYBUILD=overwrite`).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    // A borrow of a local in `thread::spawn`: E0373, "closure may outlive the current function".
    t.compile_fail("tests/ui/spawn_borrow.rs");
    // An `Rc` moved into `thread::spawn`: E0277, "`Rc<..>` cannot be sent between threads".
    t.compile_fail("tests/ui/rc_to_thread.rs");
    // The same borrow in `thread::scope`: compiles and runs.
    t.pass("tests/ui/scope_borrow.rs");
}

//! What Rust refuses to compile: the two doors to code that runs between `fork` and `exec`
//! are `unsafe`. The expected compiler errors are in `tests/ui/*.stderr` (they depend on the
//! compiler version pinned in `rust-toolchain.toml`; regenerate with `TRYBUILD=overwrite`).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    // `CommandExt::pre_exec` without `unsafe`: E0133, "call to unsafe function".
    t.compile_fail("tests/ui/pre_exec_needs_unsafe.rs");
    // `nix::unistd::fork` without `unsafe`: E0133 as well.
    t.compile_fail("tests/ui/fork_needs_unsafe.rs");
}

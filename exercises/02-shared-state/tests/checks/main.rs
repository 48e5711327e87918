//! The stress tests and compile checks of exercise 02 (shared state), one module per task.
//! A check's name is `<module>::<test>` (for example `stats::many_threads_count_exactly`),
//! as the tasks in `Cargo.toml` name them; `cargo xtask grade` runs each one on its own.
//!
//! A stress test runs your code on real threads, many times, and catches a race when the
//! threads happen to interleave badly: likely, not certain. The loom models in
//! `tests/loom.rs` are the certain half of the grading.
//!
//! The same file is compiled against the starter (`exercises/02-shared-state`) and against
//! the reference solution (`solutions/02-shared-state`): both crates call their library
//! `shared_state_exercise`. Under `--cfg loom` (the grader's loom build) this target is
//! empty: these tests run on std's primitives.
#![cfg(not(loom))]

mod bank;
mod bounded_queue;
mod spin_lock;
mod stats;
mod support;
mod ui;

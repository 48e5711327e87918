//! The checks of exercise 05 (hybrid), one module per task. A check's name is
//! `<module>::<test>` (for example `tuner::the_fastest_median_wins`), as the tasks in
//! `Cargo.toml` name them; `cargo xtask grade` runs each one on its own.
//!
//! The same file is compiled against the starter (`exercises/05-hybrid`) and against the
//! reference solution (`solutions/05-hybrid`): both crates call their library
//! `hybrid_exercise`, and both build the worker program, `worker/main.rs`, as their binary.

mod fault_tolerant;
mod pipeline;
mod process_pool;
mod support;
mod tuner;

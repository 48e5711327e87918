//! The checks of exercise 01 (threads), one module per task. A check's name is
//! `<module>::<test>` (for example `spawn_ordered::results_come_back_in_input_order`), as
//! the tasks in `Cargo.toml` name them; `cargo xtask grade` runs each one on its own.
//!
//! The same file is compiled against the starter (`exercises/01-threads`) and against the
//! reference solution (`solutions/01-threads`): both crates call their library
//! `threads_exercise`.
//!
//! The thread-pool check that counts the process's threads is in a test binary of its own,
//! `tests/thread_pool_cleanup.rs`, so that no other test's threads disturb its count.

mod chunked_sum;
mod letter_frequency;
mod spawn_ordered;
mod support;
mod thread_pool;
mod ui;
mod workload;

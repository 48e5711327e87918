//! Exercise 01, threads: your work goes here.
//!
//! Four tasks, easy to hard, one module each. Each `todo!()` marks code for you to write;
//! the comment above it says what to write and which std or rayon API does the job. The
//! checks (the crate's `tests/` and `benches/`) call the functions re-exported below.
//!
//! | task | module | what it practises |
//! | --- | --- | --- |
//! | `spawn-ordered` | [`spawn_ordered`] | `thread::spawn`, `JoinHandle<T>`, panics through `join` |
//! | `chunked-sum` | [`chunked_sum`] | `thread::scope`: threads that borrow instead of own |
//! | `letter-frequency` | [`letter_frequency`] | rayon's `par_iter`, `fold` and `reduce` |
//! | `thread-pool` | [`thread_pool`] | long-lived workers, a job queue, graceful shutdown |
//!
//! Grade your work with `cargo xtask grade 01-threads` (or `01-threads/TASK` for one task),
//! and ask for a hint with `cargo xtask hint 01-threads/TASK`.

// While a function's body is only `todo!()`, its parameters are unused and the compiler
// says so; that is expected in a starter, so the warning is off. You may delete this line
// once every `todo!()` is gone.
#![allow(unused_variables)]

pub mod chunked_sum;
pub mod letter_frequency;
pub mod spawn_ordered;
pub mod thread_pool;

pub use chunked_sum::{parallel_sum, sequential_sum};
pub use letter_frequency::{frequency, frequency_sequential};
pub use spawn_ordered::run_all;
pub use thread_pool::ThreadPool;

//! Exercise 03, processes: your work goes here.
//!
//! Four tasks, easy to hard, one module each. Each `todo!()` marks code for you to write;
//! the comment above it says what to write and which std API does the job. The checks
//! (the crate's `tests/` and `benches/`) call the functions re-exported below.
//!
//! | task | module | what it practises |
//! | --- | --- | --- |
//! | `run` | [`run`] | `Command`, `Stdio::piped`, exit codes and signals as typed results |
//! | `deadline` | [`deadline`] | `try_wait`, `kill`, reaping; reading pipes while waiting |
//! | `supervisor` | [`supervisor`] | restarting a crashing or hung worker, up to a limit |
//! | `pool` | [`pool`] | worker processes fed jobs through pipes, in parallel, always reaped |
//!
//! Given, and not to change: [`worker::Worker`] (a program and its arguments), [`work`]
//! (the pool's CPU-bound job), and the worker program itself, `worker/main.rs`, which
//! Cargo builds as this crate's binary. The checks start it on the task they need and
//! read its log to see which processes your code started, which of them did the work,
//! and whether each one was reaped.
//!
//! Grade your work with `cargo xtask grade 03-processes` (or `03-processes/TASK` for one
//! task), and ask for a hint with `cargo xtask hint 03-processes/TASK`.

// While a function's body is only `todo!()`, its parameters are unused and the compiler
// says so; that is expected in a starter, so the warning is off. You may delete this line
// once every `todo!()` is gone.
#![allow(unused_variables)]

pub mod deadline;
pub mod pool;
pub mod run;
pub mod supervisor;
pub mod work;
pub mod worker;

pub use deadline::run_with_deadline;
pub use pool::{JobResult, PoolError, pool_map};
pub use run::{Output, RunError, run};
pub use supervisor::{SuperviseError, Supervised, supervise};
pub use worker::Worker;

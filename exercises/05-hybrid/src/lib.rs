//! Exercise 05, hybrid: your work goes here.
//!
//! Four tasks, easy to hard. Each `todo!()` marks code for you to write; the comment above
//! it says what to write and which API does the job. The checks (the crate's `tests/` and
//! `benches/`) call the functions re-exported below.
//!
//! | task | module | what it practises |
//! | --- | --- | --- |
//! | `tuner` | [`tuner`] | choosing a pool size by measurement: interleaved rounds, medians, a tolerance |
//! | `pipeline` | [`pipeline`](mod@pipeline) | a reader thread, bounded crossbeam channels, a rayon stage, an ordered sink, a window |
//! | `process-pool` | [`serve`](mod@serve), [`pool`] | worker processes that each run a rayon pool, fed jobs as frames |
//! | `fault-tolerant` | [`supervisor`] | replacing dead workers, sending their jobs again, every result exactly once |
//!
//! Given, and not to change: [`work`] (the jobs, the replies, and [`work::execute`], what a
//! worker runs for a job), [`frame`] (messages on pipes as length-prefixed JSON frames),
//! [`worker::Worker`] (a program and its arguments), and the worker program itself,
//! `worker/main.rs`, which Cargo builds as this crate's binary and which calls your
//! [`serve()`]. The checks start it with the options they need and read its log to see
//! which processes your code started and which of them ran which job.
//!
//! Grade your work with `cargo xtask grade 05-hybrid` (or `05-hybrid/TASK` for one task),
//! and ask for a hint with `cargo xtask hint 05-hybrid/TASK`.

// While a function's body is only `todo!()`, its parameters are unused (and those marked
// `mut` are never changed) and the compiler says so; that is expected in a starter, so the
// warnings are off. You may delete this line once every `todo!()` is gone.
#![allow(unused_variables, unused_mut)]

pub mod frame;
pub mod pipeline;
pub mod pool;
pub mod serve;
pub mod supervisor;
pub mod tuner;
pub mod work;
pub mod worker;

pub use pipeline::{Limits, PipelineError, pipeline};
pub use pool::{JOBS_AHEAD, JobResult, PoolError, pool_map};
pub use serve::serve;
pub use supervisor::{SuperviseError, Supervised, supervise};
pub use tuner::{TOLERANCE, TuneError, Tuning, time_on_pool, tune, tune_pool};
pub use worker::Worker;

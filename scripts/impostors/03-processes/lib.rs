//! Exercise 03, processes: a sequential IMPOSTOR, for `scripts/impostor-stability.sh`.
//!
//! This is the reference solution with `pool_map` made sequential (`pool.rs`): it starts
//! the workers and has each job computed by a worker process, but one job at a time. It
//! passes the test checks of task `pool`; its benchmark check must fail it every time.
//! The script copies the solution's `src/` over `exercises/03-processes/src`, then these
//! files over it, while it grades; then it puts the learner's files back.

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

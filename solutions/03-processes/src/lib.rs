//! Exercise 03, processes: the reference solution.
//!
//! Four tasks, easy to hard, one module each. The checks (the exercise crate's `tests/` and
//! `benches/`) call the functions re-exported at the crate root.
//!
//! | task | module | what it practises |
//! | --- | --- | --- |
//! | `run` | [`run`] | `Command`, `Stdio::piped`, exit codes and signals as typed results |
//! | `deadline` | [`deadline`] | `try_wait`, `kill`, reaping; reading pipes while waiting |
//! | `supervisor` | [`supervisor`] | restarting a crashing or hung worker, up to a limit |
//! | `pool` | [`pool`] | worker processes fed jobs through pipes, in parallel, always reaped |
//!
//! [`worker`] and [`work`] are given to the learner, as is the worker program
//! (`exercises/03-processes/worker/main.rs`).

pub mod deadline;
pub mod pool;
pub mod run;
pub mod supervisor;
// The modules the exercise gives (and the learner does not change) are the exercise's own
// files, included by path: the solution holds only what the learner writes.
#[path = "../../../exercises/03-processes/src/work.rs"]
pub mod work;
#[path = "../../../exercises/03-processes/src/worker.rs"]
pub mod worker;

pub use deadline::run_with_deadline;
pub use pool::{JobResult, PoolError, pool_map};
pub use run::{Output, RunError, run};
pub use supervisor::{SuperviseError, Supervised, supervise};
pub use worker::Worker;

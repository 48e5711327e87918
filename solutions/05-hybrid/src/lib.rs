//! Exercise 05, hybrid: the reference solution.
//!
//! Four tasks, easy to hard. The checks (the exercise crate's `tests/` and `benches/`)
//! call the functions re-exported at the crate root.
//!
//! | task | module | what it practises |
//! | --- | --- | --- |
//! | `tuner` | [`tuner`] | choosing a pool size by measurement: interleaved rounds, medians, a tolerance |
//! | `pipeline` | [`pipeline`](mod@pipeline) | a reader thread, bounded crossbeam channels, a rayon stage, an ordered sink, a window |
//! | `process-pool` | [`serve`](mod@serve), [`pool`] | worker processes that each run a rayon pool, fed jobs as frames |
//! | `fault-tolerant` | [`supervisor`] | replacing dead workers, sending their jobs again, every result exactly once |
//!
//! [`work`], [`frame`] and [`worker`] are given to the learner, as is the worker program
//! (`exercises/05-hybrid/worker/main.rs`).

// The modules the exercise gives (and the learner does not change) are the exercise's own
// files, included by path: the solution holds only what the learner writes.
#[path = "../../../exercises/05-hybrid/src/frame.rs"]
pub mod frame;
pub mod pipeline;
pub mod pool;
pub mod serve;
pub mod supervisor;
pub mod tuner;
#[path = "../../../exercises/05-hybrid/src/work.rs"]
pub mod work;
#[path = "../../../exercises/05-hybrid/src/worker.rs"]
pub mod worker;

pub use pipeline::{Limits, PipelineError, pipeline};
pub use pool::{JOBS_AHEAD, JobResult, PoolError, pool_map};
pub use serve::serve;
pub use supervisor::{SuperviseError, Supervised, supervise};
pub use tuner::{TOLERANCE, TuneError, Tuning, time_on_pool, tune, tune_pool};
pub use worker::Worker;

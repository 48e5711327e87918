//! Exercise 01, threads: a sequential IMPOSTOR, for `scripts/impostor-stability.sh`.
//!
//! This is the reference solution with `parallel_sum` and `frequency` made sequential: they
//! compute the same results on the calling thread. It passes the correctness checks of
//! `chunked-sum` and `letter-frequency`; their benchmark checks must fail it every time.
//! The script copies the solution's `src/` over `exercises/01-threads/src`, then these
//! files over it, while it grades; then it puts the learner's files back.
//!
//! Four tasks, easy to hard, one module each. The checks (the exercise crate's `tests/` and
//! `benches/`) call the functions re-exported at the crate root.
//!
//! | task | module | what it practises |
//! | --- | --- | --- |
//! | `spawn-ordered` | [`spawn_ordered`] | `thread::spawn`, `JoinHandle<T>`, panics through `join` |
//! | `chunked-sum` | [`chunked_sum`] | `thread::scope`: threads that borrow instead of own |
//! | `letter-frequency` | [`letter_frequency`] | rayon's `par_iter`, `fold` and `reduce` |
//! | `thread-pool` | [`thread_pool`] | long-lived workers, a job queue, graceful shutdown |

pub mod chunked_sum;
pub mod letter_frequency;
pub mod spawn_ordered;
pub mod thread_pool;

pub use chunked_sum::{parallel_sum, sequential_sum};
pub use letter_frequency::{frequency, frequency_sequential};
pub use spawn_ordered::run_all;
pub use thread_pool::ThreadPool;

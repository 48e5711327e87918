//! Exercise 02, shared state and races: the reference solution.
//!
//! Four tasks, easy to hard, one module each. The checks (the exercise crate's `tests/`)
//! call the types re-exported at the crate root.
//!
//! | task | module | what it practises |
//! | --- | --- | --- |
//! | `stats` | [`stats`] | atomic read-modify-write: `fetch_add`, `fetch_max`, no lost updates |
//! | `bank` | [`bank`] | `Mutex`: check and act under one lock, a lock order that cannot deadlock |
//! | `bounded-queue` | [`bounded_queue`] | `Mutex` + `Condvar`: blocking without lost wake-ups, close and drain |
//! | `spin-lock` | [`spin_lock`] | atomics and orderings: `Acquire` and `Release` make a lock |
//!
//! Every lock, atomic and condition variable comes from `crate::sync`: std's normally,
//! loom's when the loom checks are built with `--cfg loom`.

pub mod bank;
pub mod bounded_queue;
pub mod spin_lock;
pub mod stats;
// The modules the exercise gives (and the learner does not change) are the exercise's own
// files, included by path: the solution holds only what the learner writes.
#[path = "../../../exercises/02-shared-state/src/sync.rs"]
mod sync;

pub use bank::{Bank, TransferError};
pub use bounded_queue::{BoundedQueue, Closed};
pub use spin_lock::{SpinLock, SpinLockGuard};
pub use stats::Stats;

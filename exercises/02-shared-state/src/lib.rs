//! Exercise 02, shared state and races: your work goes here.
//!
//! Four tasks, easy to hard, one module each. Each `todo!()` marks code for you to write
//! (and `stats.rs` holds code that is wrong, for you to fix); the comments say what to
//! write and which APIs do the job. The checks (the crate's `tests/`) call the types
//! re-exported below.
//!
//! | task | module | what it practises |
//! | --- | --- | --- |
//! | `stats` | [`stats`] | atomic read-modify-write: `fetch_add`, `fetch_max`, no lost updates |
//! | `bank` | [`bank`] | `Mutex`: check and act under one lock, a lock order that cannot deadlock |
//! | `bounded-queue` | [`bounded_queue`] | `Mutex` + `Condvar`: blocking without lost wake-ups, close and drain |
//! | `spin-lock` | [`spin_lock`] | atomics and orderings: `Acquire` and `Release` make a lock |
//!
//! Most tasks are graded twice: by stress tests, which run your code on real threads and
//! catch a race when the threads happen to hit it, and by loom models, which try every
//! interleaving of a few threads and catch it every time. Take your locks and atomics from
//! `crate::sync` (see `src/sync.rs`), so that loom can see them.
//!
//! Grade your work with `cargo xtask grade 02-shared-state` (or `02-shared-state/TASK`
//! for one task), and ask for a hint with `cargo xtask hint 02-shared-state/TASK`.

// While a function's body is only `todo!()`, its parameters and some imports are unused
// and the compiler says so; that is expected in a starter, so the warnings are off. You
// may delete these lines once every `todo!()` is gone.
#![allow(unused_variables, unused_imports, dead_code)]

pub mod bank;
pub mod bounded_queue;
pub mod spin_lock;
pub mod stats;
mod sync;

pub use bank::{Bank, TransferError};
pub use bounded_queue::{BoundedQueue, Closed};
pub use spin_lock::{SpinLock, SpinLockGuard};
pub use stats::Stats;

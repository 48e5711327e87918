//! The atomics of the ring buffer's index protocol ([`crate::spsc`]): the standard
//! library's in an ordinary build, loom's in a build with `RUSTFLAGS="--cfg loom"`.
//!
//! loom (lesson 02) runs a piece of concurrent code under every interleaving of its threads
//! that could change the outcome, and reports a data race on memory that nothing orders.
//! For that it must see every atomic operation, so [`crate::spsc`] takes its atomics from
//! here; the models in `tests/loom.rs` are built with `--cfg loom` and get loom's. A loom
//! model runs in one process: it checks the protocol between two threads, which is the same
//! protocol two processes follow when the indices live in a shared segment ([`crate::ring`]).
//!
//! `loom` is not a cfg the compiler knows, so the workspace declares it
//! (`check-cfg = ["cfg(loom)"]` in the root `Cargo.toml`).

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicU64, Ordering};

#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{AtomicU64, Ordering};

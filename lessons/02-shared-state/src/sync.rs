//! The locks, atomics and condition variables of the modules loom checks: the standard
//! library's in an ordinary build, loom's in a build with `RUSTFLAGS="--cfg loom"`.
//!
//! loom runs a piece of concurrent code many times over, each time with the threads
//! interleaved differently, until it has tried every interleaving that could change the
//! outcome. For that it must see every lock taken, every atomic read and written and
//! every wait on a condition variable: it replaces std's types with its own, which report
//! each operation to its scheduler. So the modules it checks ([`crate::atomics`],
//! [`crate::check_then_act`], [`crate::condvar`], [`crate::philosophers`]) import these
//! types from here, `use crate::sync::{Mutex, Condvar};`, never from `std::sync`. The loom
//! models in `tests/loom.rs` are built with `--cfg loom` and get loom's; everything else
//! gets std's, at no cost.
//!
//! `loom` is not a cfg the compiler knows, so the workspace declares it
//! (`check-cfg = ["cfg(loom)"]` in the root `Cargo.toml`); otherwise every `#[cfg(loom)]`
//! would be warned about as a likely typo.

// ANCHOR: switch
#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicBool, AtomicU64, Ordering};
#[cfg(loom)]
pub(crate) use loom::sync::{Condvar, Mutex, MutexGuard};

#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
#[cfg(not(loom))]
pub(crate) use std::sync::{Condvar, Mutex, MutexGuard};
// ANCHOR_END: switch

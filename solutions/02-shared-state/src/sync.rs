//! The locks, atomics and condition variables your code uses: the standard library's in
//! an ordinary build, loom's when the grader builds the loom checks with `--cfg loom`.
//!
//! loom (<https://docs.rs/loom>) runs a test many times over, each time with the threads
//! interleaved differently, until it has tried every interleaving that could change the
//! outcome. It can only do that if it sees every lock, atomic and wait: so **take them
//! from here** (`use crate::sync::{Mutex, Condvar};`), never from `std::sync` directly.
//! A `std::sync::Mutex` that loom cannot see would block its scheduler, and the loom check
//! would time out instead of telling you what went wrong.
//!
//! You do not need to change this file.

#[cfg(loom)]
pub(crate) use loom::cell::UnsafeCell;
#[cfg(loom)]
pub(crate) use loom::hint::spin_loop;
#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicBool, AtomicU64, Ordering};
#[cfg(loom)]
pub(crate) use loom::sync::{Condvar, Mutex, MutexGuard};

#[cfg(not(loom))]
pub(crate) use std::hint::spin_loop;
#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
#[cfg(not(loom))]
pub(crate) use std::sync::{Condvar, Mutex, MutexGuard};

/// std's `UnsafeCell` with loom's API: the value is reached through a raw pointer handed
/// to a closure, `cell.with(|ptr| ...)` to read and `cell.with_mut(|ptr| ...)` to write.
/// Under loom, each call is recorded, and loom reports two accesses from different threads
/// that nothing orders (a data race) as a "causality violation".
#[cfg(not(loom))]
#[derive(Debug)]
pub(crate) struct UnsafeCell<T>(std::cell::UnsafeCell<T>);

#[cfg(not(loom))]
impl<T> UnsafeCell<T> {
    pub(crate) fn new(value: T) -> UnsafeCell<T> {
        UnsafeCell(std::cell::UnsafeCell::new(value))
    }

    /// Calls `f` with a pointer through which it may read the value.
    pub(crate) fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
        f(self.0.get())
    }

    /// Calls `f` with a pointer through which it may read and write the value.
    pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
        f(self.0.get())
    }

    pub(crate) fn into_inner(self) -> T {
        self.0.into_inner()
    }
}

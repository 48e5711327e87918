//! Given: the atomics your ring uses, the standard library's in an ordinary build and
//! loom's when the grader builds the loom checks with `--cfg loom`. You do not need to
//! change this file.
//!
//! loom (<https://docs.rs/loom>, lesson 02) runs a test under every interleaving of its
//! threads that could change the outcome, and reports two accesses to the same memory that
//! nothing orders. For that it must see every atomic operation: so **take your atomics
//! from here** (`use crate::sync::{AtomicU64, Ordering};`), never from `std::sync`.

#[cfg(loom)]
pub(crate) use loom::cell::UnsafeCell;
#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicU64, Ordering};

#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{AtomicU64, Ordering};

/// std's `UnsafeCell` with loom's API: the value is reached through a raw pointer handed
/// to a closure, `cell.with(|ptr| ...)` to read and `cell.with_mut(|ptr| ...)` to write.
/// Under loom each call is recorded, and two from different threads that nothing orders
/// are reported as a "causality violation".
#[cfg(not(loom))]
#[derive(Debug)]
pub(crate) struct UnsafeCell<T>(std::cell::UnsafeCell<T>);

#[cfg(not(loom))]
impl<T> UnsafeCell<T> {
    pub(crate) fn new(value: T) -> UnsafeCell<T> {
        UnsafeCell(std::cell::UnsafeCell::new(value))
    }

    pub(crate) fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
        f(self.0.get())
    }

    pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
        f(self.0.get())
    }
}

//! Task `spin-lock`: a lock made of one atomic flag, whose waiters spin instead of sleep.
//!
//! `locked` is `true` while some thread holds the lock. Taking the lock means changing it
//! from `false` to `true` in one step (`compare_exchange`), retrying while another thread
//! holds it; releasing it means storing `false`. That much gives mutual exclusion of the
//! flag. A *lock* needs more: what the previous holder wrote into the value must be visible
//! to the next holder. That is what the memory orderings of those two operations are for,
//! and what this task is about. On an x86 processor, the wrong orderings usually work
//! anyway; the language does not promise it, ARM processors and the compiler's
//! optimiser may break it, and loom checks the language's rules.
//!
//! (A spin lock is a teaching device: a waiting thread burns a core, and a thread that is
//! descheduled while holding the lock makes everyone spin for nothing. Use `Mutex`.)

use std::marker::PhantomData;
use std::ops::{Deref, DerefMut};

use crate::sync::{AtomicBool, Ordering, UnsafeCell, spin_loop};

/// A lock around a `T`, taken by spinning.
#[derive(Debug)]
pub struct SpinLock<T> {
    locked: AtomicBool,
    value: UnsafeCell<T>,
}

/// Proof that this thread holds the lock: it derefs to the value, and dropping it releases
/// the lock.
#[derive(Debug)]
#[must_use = "the lock is released as soon as the guard is dropped"]
pub struct SpinLockGuard<'a, T> {
    lock: &'a SpinLock<T>,
    // The guard hands out `&T` and `&mut T`, so it may be shared with another thread only
    // if `&mut T` may: only if `T` is `Sync`. Without this marker the guard would be `Sync`
    // whenever `T` is `Send`, and two threads could share a `SpinLockGuard<Cell<u32>>`.
    _value: PhantomData<&'a mut T>,
}

// SAFETY: a `&SpinLock<T>` lets any thread that holds the lock reach the `T`, one thread at
// a time, and (with the orderings of `lock` and `Drop`) each holder sees everything the
// previous holder wrote. So sharing the lock moves the `T` from thread to thread: it is
// sound when `T` may be sent between threads, `T: Send`. `T` need not be `Sync`: no two
// threads ever reach it at once. (Do not change this line: a check compiles a
// `SpinLock<Rc<u32>>` shared between threads, and expects this bound to refuse it.)
unsafe impl<T: Send> Sync for SpinLock<T> {}

impl<T> SpinLock<T> {
    /// An unlocked lock around `value`.
    pub fn new(value: T) -> SpinLock<T> {
        SpinLock {
            locked: AtomicBool::new(false),
            value: UnsafeCell::new(value),
        }
    }

    /// Waits until the lock is free, takes it, and returns the guard.
    pub fn lock(&self) -> SpinLockGuard<'_, T> {
        // Write `lock` here: loop until `try_lock` gives you a guard, calling `spin_loop()`
        // (from `crate::sync`) on every turn that fails. `spin_loop` tells the processor
        // that this is a busy wait (and under loom, lets another thread run first).
        todo!("retry try_lock, with spin_loop() between attempts")
    }

    /// Takes the lock if it is free, without waiting; `None` if another thread holds it.
    pub fn try_lock(&self) -> Option<SpinLockGuard<'_, T>> {
        // Write `try_lock` here: change `locked` from `false` to `true` in one step with
        // `self.locked.compare_exchange(false, true, success_ordering, failure_ordering)`.
        // `Ok(_)` means this thread took the lock: return
        // `Some(SpinLockGuard { lock: self, _value: PhantomData })`. `Err(_)` means it was
        // already `true`: return `None`.
        // Which orderings? On success, this thread must see everything the last holder
        // wrote to the value before it released the lock. On failure nothing was taken,
        // and nothing needs to be seen. Choose the weakest orderings that promise that (the
        // chapter's "Atomics and orderings" page explains each); the loom check tells you
        // if they are too weak, and the hints say which they are.
        // API: https://doc.rust-lang.org/std/sync/atomic/struct.AtomicBool.html#method.compare_exchange
        todo!("compare_exchange locked from false to true")
    }

    /// The value, once nobody can hold the lock any more.
    pub fn into_inner(self) -> T {
        self.value.into_inner()
    }
}

impl<T> Deref for SpinLockGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: this guard exists only while this thread holds the lock, so no other
        // thread reaches the value meanwhile; the reference borrows the guard, so it ends
        // before the guard releases the lock.
        self.lock.value.with(|value| unsafe { &*value })
    }
}

impl<T> DerefMut for SpinLockGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`; and the guard is borrowed mutably, so this is the only
        // reference to the value in this thread too.
        self.lock.value.with_mut(|value| unsafe { &mut *value })
    }
}

impl<T> Drop for SpinLockGuard<'_, T> {
    fn drop(&mut self) {
        // Write the release here: store `false` into `self.lock.locked`. Which ordering?
        // Everything this thread wrote to the value while holding the lock must be visible
        // to the next thread that takes the lock, once its `try_lock` has read this `false`.
        todo!("store false into locked")
    }
}

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
//! Under loom, `AtomicBool` (the spin lock's flag) is loom's, wrapped so that any loop
//! that waits on it lets the other threads run, as a real processor eventually does (the
//! `loom_bool` module below says how). Write your waiting loop as you like
//! (`compare_exchange` or `swap`, a load first or not, `spin_loop` or `yield_now` between
//! attempts): loom checks it either way. And `Condvar` is loom's with std's `wait_while`,
//! which loom's lacks.
//!
//! You do not need to change this file.

#[cfg(loom)]
pub(crate) use loom::cell::UnsafeCell;
#[cfg(loom)]
pub(crate) use loom::hint::spin_loop;
#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicU64, Ordering};
#[cfg(loom)]
pub(crate) use loom::sync::{Mutex, MutexGuard};
#[cfg(loom)]
pub(crate) use loom_bool::AtomicBool;
#[cfg(loom)]
pub(crate) use loom_condvar::Condvar;

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

/// loom's `AtomicBool`, with two changes that let loom finish checking a spin lock however
/// its waiting loop is written. Nothing changes what a load may read, and nothing
/// synchronises more than it does on a real machine: a `swap` that changes nothing is a
/// read here, so it releases nothing (no correct lock relies on such a release).
///
/// 1. **A waiting thread lets the others run.** loom runs one thread for as long as it
///    can, so a loop that retries without telling loom (a `compare_exchange` loop without
///    `spin_loop`, or with `std::thread::yield_now`, which loom does not see) would spin
///    until loom gives up ("Model exceeded maximum number of branches"). Here every load,
///    and every read-modify-write that fails or leaves the value as it was, yields to
///    loom's scheduler, as `spin_loop` does.
/// 2. **A `swap` that changes nothing is modelled as a read.** `swap(true)` on a flag that
///    is already `true` writes `true` again, and with loom's own `AtomicBool` the lock of
///    *Rust Atomics and Locks*, chapter 4 (`while swap(true, Acquire) { spin_loop() }`)
///    never gets through a model: loom keeps handing the waiting `swap` a `true` to read
///    until it gives up ("Model exceeded maximum number of branches").
///    Here `swap(value)` is a `compare_exchange(!value, value)`: the same single atomic
///    step, with the same orderings, that writes only when the value changes. So are
///    `fetch_or`, `fetch_and` and `fetch_nand` whenever they could only set the value
///    it has.
#[cfg(loom)]
mod loom_bool {
    use loom::sync::atomic::Ordering;

    /// The ordering of the read half of a read-modify-write ordered `order`: what a
    /// `compare_exchange` that fails, and so only reads, gets.
    fn read_half(order: Ordering) -> Ordering {
        match order {
            Ordering::Release => Ordering::Relaxed,
            Ordering::AcqRel => Ordering::Acquire,
            other => other,
        }
    }

    /// This thread is waiting for another one: let loom run the others first.
    fn let_others_run() {
        loom::thread::yield_now();
    }

    /// loom's `AtomicBool`, explored as a waiting loop needs (see the module's comment).
    #[derive(Debug, Default)]
    pub(crate) struct AtomicBool(loom::sync::atomic::AtomicBool);

    // std's methods, all of them, so that whichever a lock uses compiles under loom too.
    #[allow(dead_code)]
    impl AtomicBool {
        #[track_caller]
        pub(crate) fn new(value: bool) -> AtomicBool {
            AtomicBool(loom::sync::atomic::AtomicBool::new(value))
        }

        #[track_caller]
        pub(crate) fn into_inner(self) -> bool {
            self.0.into_inner()
        }

        #[track_caller]
        pub(crate) fn load(&self, order: Ordering) -> bool {
            let value = self.0.load(order);
            let_others_run();
            value
        }

        #[track_caller]
        pub(crate) fn store(&self, value: bool, order: Ordering) {
            self.0.store(value, order);
        }

        #[track_caller]
        pub(crate) fn swap(&self, value: bool, order: Ordering) -> bool {
            match self
                .0
                .compare_exchange(!value, value, order, read_half(order))
            {
                Ok(previous) => previous,
                Err(unchanged) => {
                    let_others_run();
                    unchanged
                }
            }
        }

        #[track_caller]
        pub(crate) fn compare_exchange(
            &self,
            current: bool,
            new: bool,
            success: Ordering,
            failure: Ordering,
        ) -> Result<bool, bool> {
            let result = self.0.compare_exchange(current, new, success, failure);
            if result.is_err() {
                let_others_run();
            }
            result
        }

        /// loom's never fails spuriously: the same as `compare_exchange`.
        #[track_caller]
        pub(crate) fn compare_exchange_weak(
            &self,
            current: bool,
            new: bool,
            success: Ordering,
            failure: Ordering,
        ) -> Result<bool, bool> {
            self.compare_exchange(current, new, success, failure)
        }

        #[track_caller]
        pub(crate) fn fetch_or(&self, value: bool, order: Ordering) -> bool {
            if value {
                self.swap(true, order)
            } else {
                self.0.fetch_or(false, order)
            }
        }

        #[track_caller]
        pub(crate) fn fetch_and(&self, value: bool, order: Ordering) -> bool {
            if value {
                self.0.fetch_and(true, order)
            } else {
                self.swap(false, order)
            }
        }

        #[track_caller]
        pub(crate) fn fetch_nand(&self, value: bool, order: Ordering) -> bool {
            if value {
                self.0.fetch_nand(true, order)
            } else {
                self.swap(true, order)
            }
        }

        #[track_caller]
        pub(crate) fn fetch_xor(&self, value: bool, order: Ordering) -> bool {
            self.0.fetch_xor(value, order)
        }

        #[track_caller]
        pub(crate) fn fetch_update(
            &self,
            set_order: Ordering,
            fetch_order: Ordering,
            f: impl FnMut(bool) -> Option<bool>,
        ) -> Result<bool, bool> {
            let result = self.0.fetch_update(set_order, fetch_order, f);
            if result.is_err() {
                let_others_run();
            }
            result
        }
    }
}

/// loom's `Condvar`, with the method of std's that it lacks: `wait_while`.
#[cfg(loom)]
mod loom_condvar {
    use std::sync::LockResult;
    use std::time::Duration;

    use loom::sync::{MutexGuard, WaitTimeoutResult};

    #[derive(Debug, Default)]
    pub(crate) struct Condvar(loom::sync::Condvar);

    // std's methods, so that whichever a queue uses compiles under loom too.
    #[allow(dead_code)]
    impl Condvar {
        pub(crate) fn new() -> Condvar {
            Condvar(loom::sync::Condvar::new())
        }

        pub(crate) fn wait<'a, T>(
            &self,
            guard: MutexGuard<'a, T>,
        ) -> LockResult<MutexGuard<'a, T>> {
            self.0.wait(guard)
        }

        /// std's: waits while `condition` holds, checking it with the lock held.
        pub(crate) fn wait_while<'a, T>(
            &self,
            mut guard: MutexGuard<'a, T>,
            mut condition: impl FnMut(&mut T) -> bool,
        ) -> LockResult<MutexGuard<'a, T>> {
            while condition(&mut *guard) {
                guard = self.0.wait(guard)?;
            }
            Ok(guard)
        }

        /// loom's never times out: it waits like `wait`.
        pub(crate) fn wait_timeout<'a, T>(
            &self,
            guard: MutexGuard<'a, T>,
            timeout: Duration,
        ) -> LockResult<(MutexGuard<'a, T>, WaitTimeoutResult)> {
            self.0.wait_timeout(guard, timeout)
        }

        pub(crate) fn notify_one(&self) {
            self.0.notify_one();
        }

        pub(crate) fn notify_all(&self) {
            self.0.notify_all();
        }
    }
}

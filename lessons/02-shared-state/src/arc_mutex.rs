//! Sharing data between threads: `Arc` to share ownership, `Mutex` to take turns changing it.
//!
//! A thread started with `thread::spawn` must own what it uses (lesson 01), so two threads
//! cannot both own one counter. `Arc<T>` ("atomically reference-counted") is shared
//! ownership: each `Arc::clone` is one more owner of the same value, and the value is
//! dropped when the last owner is. Its count is changed with atomic instructions, which is
//! what makes `Arc` safe to clone and drop on several threads at once, unlike `Rc`.
//!
//! An `Arc` only hands out shared references, `&T`, and through a `&u64` nobody may write.
//! `Mutex<T>` is what makes changing shared data possible: `lock()` waits until no other
//! thread holds the lock, then returns a *guard*, a `MutexGuard<T>`, through which the data
//! can be read and written (`*guard += 1`). Dropping the guard releases the lock. The data is
//! *inside* the mutex, so there is no way to reach it without locking: forgetting the lock,
//! the classic bug in Python (`threading.Lock` guards nothing by itself; the code must
//! remember to take it), does not compile.
//!
//! Two things about guards matter in practice:
//!
//! - **Scope.** The lock is held for as long as the guard lives, and a guard that is a
//!   temporary lives until the end of its statement, or, in the condition of a `while let`
//!   or a `match`, until the end of the loop body or the match. [`drain`] and
//!   [`drain_holding_the_lock`] differ only in that, and one of them runs every job with
//!   the queue locked.
//! - **Poisoning.** A thread that panics while holding a guard leaves the data as the panic
//!   found it, possibly half-updated. The mutex remembers: every later `lock()` returns
//!   `Err(PoisonError)`. `lock().unwrap()` passes the panic on to the next thread, the right
//!   default; code that can check and repair the data can take the guard out of the error
//!   instead ([`Ledger`] shows both).

use std::collections::VecDeque;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;

// ANCHOR: arc_mutex_counter
/// Counts to `threads * per_thread`: `threads` threads each add 1 to one shared counter,
/// `per_thread` times.
pub fn count_with_mutex(threads: usize, per_thread: u64) -> u64 {
    let counter = Arc::new(Mutex::new(0u64));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            // One more owner of the same mutex, moved into the thread.
            let counter = Arc::clone(&counter);
            thread::spawn(move || {
                for _ in 0..per_thread {
                    // Lock, add, unlock: the guard is a temporary, dropped at the `;`.
                    *counter.lock().unwrap() += 1;
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().expect("a counting thread panicked");
    }
    // Every other owner has been dropped with its thread: this `Arc` is the last one, and
    // the count can be taken out of it without locking.
    let counter = Arc::into_inner(counter).expect("the threads' clones were dropped");
    counter.into_inner().unwrap()
}
// ANCHOR_END: arc_mutex_counter

// ANCHOR: guard_scope
/// Takes the items of `queue` one at a time and hands each to `run`, holding the queue's
/// lock only while taking an item: while `run` works, other threads may add or take items.
/// Returns how many items it ran.
pub fn drain<T>(queue: &Mutex<VecDeque<T>>, mut run: impl FnMut(T)) -> usize {
    let mut ran = 0;
    loop {
        // `lock()` returns a guard, `pop_front` is called through it, and the guard, a
        // temporary of this statement, is dropped at its end: the lock is released before
        // the next line runs.
        let next = queue.lock().unwrap().pop_front();
        let Some(item) = next else {
            return ran;
        };
        run(item);
        ran += 1;
    }
}

/// The same loop written with `while let`, which **holds the lock while `run` works**: the
/// temporaries of a `while let` condition, the guard included, live until the end of the
/// loop's body. Other threads cannot add or take items until each `run` returns, and a
/// `run` that touches the queue itself would deadlock.
pub fn drain_holding_the_lock<T>(queue: &Mutex<VecDeque<T>>, mut run: impl FnMut(T)) -> usize {
    let mut ran = 0;
    while let Some(item) = queue.lock().unwrap().pop_front() {
        run(item);
        ran += 1;
    }
    ran
}
// ANCHOR_END: guard_scope

// ANCHOR: ledger
/// Balances, in cents, of accounts kept under one lock. A transfer debits one account and
/// credits another; the total must never change.
#[derive(Debug)]
pub struct Ledger {
    balances: Mutex<Vec<u32>>,
}

/// Why a [`Ledger`] operation did not happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerError {
    /// The paying account holds less than the amount.
    InsufficientFunds,
    /// A thread panicked in the middle of a transfer: the balances may not add up.
    Poisoned,
}

impl fmt::Display for LedgerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LedgerError::InsufficientFunds => "insufficient funds",
            LedgerError::Poisoned => "a transfer panicked halfway; the balances may be wrong",
        })
    }
}

impl std::error::Error for LedgerError {}

impl Ledger {
    /// A ledger with these opening balances.
    pub fn new(balances: Vec<u32>) -> Ledger {
        Ledger {
            balances: Mutex::new(balances),
        }
    }

    /// Moves `amount` from account `from` to account `to`.
    ///
    /// # Panics
    ///
    /// If an account does not exist, or if the credit would take `to` past `u32::MAX`.
    /// That second panic happens *after* the debit: it leaves the money taken from `from`
    /// and not given to `to`, and it poisons the lock, so that nobody reads the broken
    /// balances without being told.
    pub fn transfer(&self, from: usize, to: usize, amount: u32) -> Result<(), LedgerError> {
        // A poisoned lock is reported, not unwrapped: callers get an error they can handle.
        let mut balances = self.balances.lock().map_err(|_| LedgerError::Poisoned)?;
        balances[from] = balances[from]
            .checked_sub(amount)
            .ok_or(LedgerError::InsufficientFunds)?;
        // A panic here unwinds through the guard: the guard's `Drop` releases the lock and,
        // seeing the thread panicking, marks the mutex poisoned.
        balances[to] = balances[to]
            .checked_add(amount)
            .expect("a balance overflowed u32");
        Ok(())
    }

    /// The sum of all balances, or [`LedgerError::Poisoned`] after a transfer panicked.
    pub fn total(&self) -> Result<u64, LedgerError> {
        let balances = self.balances.lock().map_err(|_| LedgerError::Poisoned)?;
        Ok(balances.iter().map(|&b| u64::from(b)).sum())
    }

    /// Repairs the balances after a panic: `repair` gets them whether the lock is poisoned
    /// or not, and the poison is cleared afterwards, so the ledger is usable again.
    pub fn repair(&self, repair: impl FnOnce(&mut Vec<u32>)) {
        // `PoisonError::into_inner` hands over the guard the error carries: the data, as
        // the panicking thread left it.
        let mut balances = self.balances.lock().unwrap_or_else(PoisonError::into_inner);
        repair(&mut balances);
        // Stable since Rust 1.77: from now on `lock()` returns `Ok` again.
        self.balances.clear_poison();
    }
}
// ANCHOR_END: ledger

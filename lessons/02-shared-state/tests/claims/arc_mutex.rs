//! `arc_mutex`: an `Arc<Mutex<u64>>` counts exactly; a temporary guard releases the lock
//! at the end of its statement, a `while let` guard only at the end of the body; a panic
//! halfway through a transfer poisons the ledger until it is repaired.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::thread;

use shared_state_lesson::arc_mutex::{
    Ledger, LedgerError, count_with_mutex, drain, drain_holding_the_lock,
};

#[test]
fn threads_sharing_an_arc_mutex_count_exactly() {
    assert_eq!(count_with_mutex(4, 25_000), 100_000);
    assert_eq!(count_with_mutex(1, 10), 10);
    assert_eq!(count_with_mutex(3, 0), 0);
}

#[test]
fn drain_releases_the_lock_before_running_each_item() {
    let queue = Mutex::new(VecDeque::from([1, 2, 3]));
    let mut seen = Vec::new();
    let ran = drain(&queue, |item| {
        // The lock is free: another thread (or this one) could use the queue now.
        let free = queue.try_lock().is_ok();
        seen.push((item, free));
    });
    assert_eq!(ran, 3);
    assert_eq!(seen, [(1, true), (2, true), (3, true)]);
}

#[test]
fn while_let_holds_the_lock_while_running_each_item() {
    let queue = Mutex::new(VecDeque::from([1, 2, 3]));
    let mut seen = Vec::new();
    let ran = drain_holding_the_lock(&queue, |item| {
        // `try_lock` fails instead of deadlocking: the guard of the `while let` condition
        // is still alive, and this very thread holds the lock.
        let free = queue.try_lock().is_ok();
        seen.push((item, free));
    });
    assert_eq!(ran, 3);
    assert_eq!(seen, [(1, false), (2, false), (3, false)]);
}

#[test]
fn a_transfer_moves_money_and_keeps_the_total() {
    let ledger = Ledger::new(vec![100, 50]);
    assert_eq!(ledger.transfer(0, 1, 30), Ok(()));
    assert_eq!(ledger.total(), Ok(150));
    assert_eq!(
        ledger.transfer(1, 0, 500),
        Err(LedgerError::InsufficientFunds),
        "a refused transfer changes nothing"
    );
    assert_eq!(ledger.total(), Ok(150));
}

#[test]
fn a_panic_halfway_through_a_transfer_poisons_the_ledger_until_repaired() {
    let ledger = Ledger::new(vec![100, u32::MAX - 5]);
    // The credit overflows after the debit: the transfer panics with the lock held.
    let outcome = thread::scope(|s| s.spawn(|| ledger.transfer(0, 1, 10)).join());
    assert!(outcome.is_err(), "the overflowing credit panics");

    // The debit happened and the credit did not: 10 cents are gone. The lock says so.
    assert_eq!(ledger.total(), Err(LedgerError::Poisoned));
    assert_eq!(ledger.transfer(0, 1, 1), Err(LedgerError::Poisoned));

    // Repair: give back the debited amount. The ledger is usable again.
    let mut seen = Vec::new();
    ledger.repair(|balances| {
        seen = balances.clone();
        balances[0] += 10;
    });
    assert_eq!(
        seen,
        [90, u32::MAX - 5],
        "the repair sees the half-done transfer"
    );
    assert_eq!(ledger.total(), Ok(100 + u64::from(u32::MAX - 5)));
    assert_eq!(ledger.transfer(0, 1, 5), Ok(()));
}

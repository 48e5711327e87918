//! Task `bank` (with the loom models `bank::*` in `tests/loom.rs`): transfers in every
//! direction at once keep the total, never overdraw, never deadlock; refused transfers
//! change nothing; the total is never read halfway through a transfer.

use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

use shared_state_exercise::{Bank, TransferError};

use crate::support::{Random, on_threads};

const ACCOUNTS: usize = 5;
const OPENING: u64 = 1_000;

fn balances(bank: &Bank) -> Vec<u64> {
    (0..bank.accounts())
        .map(|a| bank.balance(a).unwrap())
        .collect()
}

#[test]
fn transfers_in_every_direction_keep_the_total() {
    const THREADS: usize = 4;
    const TRANSFERS: u64 = 5_000;
    let bank = Bank::new(&[OPENING; ACCOUNTS]);
    // Random transfers between random pairs: many run in opposite directions at the same
    // time, which deadlocks a transfer that locks `from` before `to`. (If this check
    // times out, that is the likely cause; the loom model `bank::opposite_transfers_*`
    // shows the deadlock.)
    let refused: Vec<u64> = on_threads(THREADS, |t| {
        let mut random = Random::new(t as u64 + 1);
        let mut refused = 0;
        for _ in 0..TRANSFERS {
            let from = random.below(ACCOUNTS as u64) as usize;
            let to = (from + 1 + random.below(ACCOUNTS as u64 - 1) as usize) % ACCOUNTS;
            match bank.transfer(from, to, random.below(400)) {
                Ok(()) => {}
                Err(TransferError::InsufficientFunds { available, needed }) => {
                    assert!(
                        available < needed,
                        "refused {needed} with {available} there"
                    );
                    refused += 1;
                }
                Err(other) => panic!("transfer({from}, {to}) failed: {other}"),
            }
        }
        refused
    });
    let total: u64 = balances(&bank).iter().sum();
    assert_eq!(
        total,
        OPENING * ACCOUNTS as u64,
        "money was created or destroyed: check the balance, debit and credit while holding \
         both accounts' locks"
    );
    assert!(
        refused.iter().sum::<u64>() < THREADS as u64 * TRANSFERS,
        "every transfer was refused"
    );
}

#[test]
fn racing_withdrawals_never_overdraw() {
    // Account 0 holds 100; four threads each try, many times, to move 60 out of it and
    // then (if that worked) move it back. With the check and the debit under one lock, at
    // most one of them holds the 60 at any moment, so a transfer of 60 from an account
    // holding 40 can never succeed.
    const THREADS: usize = 4;
    let bank = Bank::new(&[100, 0, 0, 0, 0]);
    on_threads(THREADS, |t| {
        let mine = t + 1;
        for _ in 0..2_000 {
            match bank.transfer(0, mine, 60) {
                Ok(()) => bank
                    .transfer(mine, 0, 60)
                    .expect("the 60 just received can be sent back"),
                Err(TransferError::InsufficientFunds { .. }) => {}
                Err(other) => panic!("{other}"),
            }
        }
    });
    assert_eq!(
        balances(&bank),
        [100, 0, 0, 0, 0],
        "an account was overdrawn, or money was lost"
    );
}

#[test]
fn refused_transfers_change_nothing() {
    let bank = Bank::new(&[50, 20]);
    assert_eq!(bank.transfer(0, 2, 1), Err(TransferError::NoSuchAccount(2)));
    assert_eq!(bank.transfer(7, 0, 1), Err(TransferError::NoSuchAccount(7)));
    assert_eq!(
        bank.transfer(1, 1, 5),
        Err(TransferError::SameAccount(1)),
        "a transfer to the same account must be refused before locking: locking one Mutex \
         twice on one thread deadlocks"
    );
    assert_eq!(
        bank.transfer(1, 0, 21),
        Err(TransferError::InsufficientFunds {
            available: 20,
            needed: 21
        })
    );
    assert_eq!(balances(&bank), [50, 20]);
    assert_eq!(bank.transfer(1, 0, 20), Ok(()));
    assert_eq!(balances(&bank), [70, 0]);
    assert_eq!(bank.total(), 70);
}

#[test]
fn the_total_never_counts_money_in_flight() {
    let bank = Bank::new(&[OPENING; ACCOUNTS]);
    let done = AtomicBool::new(false);
    let mut readings = 0;
    thread::scope(|s| {
        for t in 0..2 {
            let (bank, done) = (&bank, &done);
            s.spawn(move || {
                let mut random = Random::new(100 + t);
                for _ in 0..20_000 {
                    let from = random.below(ACCOUNTS as u64) as usize;
                    let to = (from + 1) % ACCOUNTS;
                    let _ = bank.transfer(from, to, random.below(OPENING));
                }
                done.store(true, Ordering::Relaxed);
            });
        }
        // Read the total again and again while the transfers run.
        while !done.load(Ordering::Relaxed) {
            let total = bank.total();
            readings += 1;
            assert_eq!(
                total,
                OPENING * ACCOUNTS as u64,
                "total() saw money in flight: it read some balances before a transfer and \
                 others after it. Hold every account's lock while adding up"
            );
        }
    });
    assert!(readings > 0, "total() was read while the transfers ran");
}

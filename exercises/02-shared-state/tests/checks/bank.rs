//! Task `bank` (with the loom models `bank::*` in `tests/loom.rs`): transfers in every
//! direction at once keep the total, never overdraw, never deadlock; refused transfers
//! change nothing; the total is never read halfway through a transfer.

use std::panic::{self, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::Duration;

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
    let bank = Arc::new(Bank::new(&[OPENING; ACCOUNTS]));
    // Random transfers between random pairs: many run in opposite directions at the same
    // time, which deadlocks a transfer that locks `from` before `to`. (The loom model
    // `bank::opposite_transfers_do_not_deadlock` shows the deadlock step by step.)
    let stressed = Arc::clone(&bank);
    let refused: Vec<u64> = finishes_or_deadlocked(
        move || {
            on_threads(THREADS, |t| {
                let mut random = Random::new(t as u64 + 1);
                let mut refused = 0;
                for _ in 0..TRANSFERS {
                    let from = random.below(ACCOUNTS as u64) as usize;
                    let to = (from + 1 + random.below(ACCOUNTS as u64 - 1) as usize) % ACCOUNTS;
                    match stressed.transfer(from, to, random.below(400)) {
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
            })
        },
        "two transfers in opposite directions each hold one account's lock and wait for \
         the other's, for ever. Lock the lower account number first in every transfer, \
         then the higher",
    );
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

/// Runs `stress` (threads that transfer, and read the total, at the same time) on a
/// thread of its own, and waits for it at most [`STRESS_DEADLINE`]: threads that deadlock
/// never finish, and the check must still end, saying `why` they would not. A panic in
/// `stress` fails the check with its own message.
fn finishes_or_deadlocked<T: Send + 'static>(
    stress: impl FnOnce() -> T + Send + 'static,
    why: &str,
) -> T {
    let (sender, receiver) = mpsc::channel();
    // Not a scoped thread: if it never returns, the test must still end, with a message.
    thread::spawn(move || {
        let _ = sender.send(panic::catch_unwind(AssertUnwindSafe(stress)));
    });
    match receiver.recv_timeout(STRESS_DEADLINE) {
        Ok(Ok(value)) => value,
        Ok(Err(payload)) => panic::resume_unwind(payload),
        Err(_) => panic!(
            "the threads had not finished after {} s: {why}",
            STRESS_DEADLINE.as_secs()
        ),
    }
}

/// How long the stress tests' threads may take before the check calls them deadlocked:
/// they finish in milliseconds, and in well under a second on a busy machine.
const STRESS_DEADLINE: Duration = Duration::from_secs(20);

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

/// `bank.transfer(from, to, amount)`, on a thread of its own, with a deadline: a transfer
/// that locks one account twice never returns, and a panic (an index out of bounds) is
/// turned into a message that says what to check.
fn transfer_or_explain(
    bank: &Arc<Bank>,
    from: usize,
    to: usize,
    amount: u64,
) -> Result<(), TransferError> {
    let (sender, receiver) = mpsc::channel();
    let accounts = bank.accounts();
    let bank = Arc::clone(bank);
    // Not a scoped thread: if it never returns, the test must still end, with a message.
    thread::spawn(move || {
        let outcome = panic::catch_unwind(AssertUnwindSafe(|| bank.transfer(from, to, amount)));
        let _ = sender.send(outcome);
    });
    match receiver.recv_timeout(DEADLINE) {
        Ok(Ok(result)) => result,
        Ok(Err(_)) => panic!(
            "transfer({from}, {to}, {amount}) panicked (see above) on a bank of {} accounts: \
             check that both account numbers are below `self.accounts.len()`, and refuse \
             with `NoSuchAccount` or `SameAccount` before locking or indexing anything",
            accounts
        ),
        Err(_) => panic!(
            "transfer({from}, {to}, {amount}) did not return within {} s: {}",
            DEADLINE.as_secs(),
            if from == to {
                "a transfer from an account to itself locked the same Mutex twice on one \
                 thread, which waits for ever. Refuse `from == to` with `SameAccount` \
                 before taking any lock"
            } else {
                "it waits for a lock that nobody releases"
            }
        ),
    }
}

/// How long a transfer on an idle bank may take before the check calls it stuck: far
/// longer than it ever takes, so that only a transfer that never returns reaches it.
const DEADLINE: Duration = Duration::from_secs(10);
/// The balances of the bank of `refused_transfers_change_nothing`.
const BALANCES: [u64; 2] = [50, 20];

#[test]
fn refused_transfers_change_nothing() {
    let bank = Arc::new(Bank::new(&BALANCES));
    let unchanged = "a refused transfer changed a balance: refuse before changing anything";
    assert_eq!(
        transfer_or_explain(&bank, 0, 2, 1),
        Err(TransferError::NoSuchAccount(2)),
        "there is no account 2 (the accounts are 0 and 1): `NoSuchAccount(2)`"
    );
    assert_eq!(
        transfer_or_explain(&bank, 7, 0, 1),
        Err(TransferError::NoSuchAccount(7)),
        "there is no account 7 (the accounts are 0 and 1): `NoSuchAccount(7)`"
    );
    assert_eq!(balances(&bank), BALANCES, "{unchanged}");
    assert_eq!(
        transfer_or_explain(&bank, 1, 1, 5),
        Err(TransferError::SameAccount(1)),
        "a transfer from account 1 to account 1 must be refused with `SameAccount(1)`, \
         before locking: locking one Mutex twice on one thread deadlocks"
    );
    assert_eq!(balances(&bank), BALANCES, "{unchanged}");
    assert_eq!(
        transfer_or_explain(&bank, 1, 0, 21),
        Err(TransferError::InsufficientFunds {
            available: 20,
            needed: 21
        }),
        "account 1 holds 20: a transfer of 21 from it is refused with \
         `InsufficientFunds {{ available: 20, needed: 21 }}`"
    );
    assert_eq!(balances(&bank), BALANCES, "{unchanged}");
    assert_eq!(
        transfer_or_explain(&bank, 1, 0, 20),
        Ok(()),
        "account 1 holds 20: a transfer of exactly 20 from it succeeds"
    );
    assert_eq!(
        balances(&bank),
        [70, 0],
        "a transfer of 20 from account 1 (20) to account 0 (50) leaves 70 and 0"
    );
    assert_eq!(bank.total(), 70, "total() adds up every balance");
}

#[test]
fn the_total_never_counts_money_in_flight() {
    // Two threads transfer between neighbouring accounts while this test reads the total.
    // The transfers go on until the reader has read the total READINGS times, and the
    // reader goes on until the transfers have made TRANSFERS transfers: counted, not
    // timed, so every reading is taken while transfers run, however the threads are
    // scheduled. (The loom model `bank::the_total_never_sees_money_in_flight` tries every
    // interleaving of one transfer and one reading; this test tries many, on real threads.)
    const READINGS: u64 = 5_000;
    const TRANSFERS: u64 = 20_000;
    let bank = Bank::new(&[OPENING; ACCOUNTS]);
    let stress = move || {
        let reader_done = AtomicBool::new(false);
        let transfers = AtomicU64::new(0);
        // The transfer threads still running: if both stop early (a transfer panicked),
        // the reader must not wait for ever for transfers that will not come.
        let transferring = AtomicUsize::new(2);
        on_threads(3, |t| {
            if t < 2 {
                let _leaving = Leaving(&transferring);
                let mut random = Random::new(100 + t as u64);
                while !reader_done.load(Ordering::Relaxed) {
                    let from = random.below(ACCOUNTS as u64) as usize;
                    let to = (from + 1) % ACCOUNTS;
                    let _ = bank.transfer(from, to, random.below(OPENING));
                    transfers.fetch_add(1, Ordering::Relaxed);
                }
                None
            } else {
                let mut readings = 0;
                let mut wrong = None;
                let transfers_to_wait_for = || {
                    transfers.load(Ordering::Relaxed) < TRANSFERS
                        && transferring.load(Ordering::Relaxed) > 0
                };
                while readings < READINGS || transfers_to_wait_for() {
                    let total = bank.total();
                    readings += 1;
                    if total != OPENING * ACCOUNTS as u64 {
                        wrong = Some(total);
                        break;
                    }
                }
                // Also after a wrong reading: the transfer threads stop only when told.
                reader_done.store(true, Ordering::Relaxed);
                wrong
            }
        })
    };
    let wrong_totals = finishes_or_deadlocked(
        stress,
        "total() and a transfer each hold an account's lock and wait for the other's, for \
         ever. Take the accounts' locks in account order everywhere: in `total()` as in \
         `transfer`",
    );
    if let Some(total) = wrong_totals[2] {
        panic!(
            "total() returned {total} while the bank held {}: it read some balances before a \
             transfer and others after it, counting the moved money twice or not at all. \
             Hold every account's lock (taken in account order) while adding up",
            OPENING * ACCOUNTS as u64
        );
    }
}

/// Counts a thread out when it ends, by returning or by a panic.
struct Leaving<'a>(&'a AtomicUsize);

impl Drop for Leaving<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

//! Task `bank`: transfers between accounts, each account behind a lock of its own.
//!
//! One lock per account lets transfers between different accounts run at the same time.
//! It also opens two traps. A transfer that checks the balance under one lock and debits
//! under another can overdraw an account (a check-then-act race). And a transfer that
//! locks `from`, then `to`, deadlocks against a transfer the other way, which locks `to`,
//! then `from`: each holds the lock the other waits for.

use std::fmt;

use crate::sync::{Mutex, MutexGuard};

/// Accounts numbered `0..n`, each balance behind its own lock.
#[derive(Debug)]
pub struct Bank {
    accounts: Vec<Mutex<u64>>,
}

/// Why a transfer did not happen. A refused transfer changes no balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransferError {
    /// There is no account with this number.
    NoSuchAccount(usize),
    /// `from` and `to` are the same account.
    SameAccount(usize),
    /// The paying account holds less than the amount.
    InsufficientFunds { available: u64, needed: u64 },
}

impl fmt::Display for TransferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransferError::NoSuchAccount(account) => write!(f, "there is no account {account}"),
            TransferError::SameAccount(account) => {
                write!(f, "cannot transfer from account {account} to itself")
            }
            TransferError::InsufficientFunds { available, needed } => {
                write!(
                    f,
                    "insufficient funds: {available} available, {needed} needed"
                )
            }
        }
    }
}

impl std::error::Error for TransferError {}

impl Bank {
    /// A bank with one account per balance, numbered from 0.
    pub fn new(balances: &[u64]) -> Bank {
        Bank {
            accounts: balances.iter().map(|&b| Mutex::new(b)).collect(),
        }
    }

    /// How many accounts there are.
    pub fn accounts(&self) -> usize {
        self.accounts.len()
    }

    /// The balance of `account`, or `None` if there is no such account.
    pub fn balance(&self, account: usize) -> Option<u64> {
        self.accounts
            .get(account)
            .map(|balance| *balance.lock().unwrap())
    }

    /// Moves `amount` from account `from` to account `to`, all or nothing.
    ///
    /// Called by many threads at once, with any accounts in any direction: it must never
    /// overdraw an account and never deadlock.
    pub fn transfer(&self, from: usize, to: usize, amount: u64) -> Result<(), TransferError> {
        // Write `transfer` here:
        // 1. Refuse what cannot be done, before taking any lock: an account number that is
        //    not below `self.accounts.len()` (`TransferError::NoSuchAccount`), and `from ==
        //    to` (`TransferError::SameAccount`: locking one `Mutex` twice on one thread
        //    would deadlock, or panic).
        // 2. Lock both accounts, **always the lower account number first**, whichever
        //    direction the money goes. Then no two transfers can each hold the lock the
        //    other one waits for.
        // 3. With both guards held, check the balance of `from` and, if it is enough,
        //    debit `from` and credit `to`. Checking under one lock and debiting under
        //    another lets two transfers both see enough money and both take it.
        //    Otherwise return `TransferError::InsufficientFunds { available, needed }`.
        // API: https://doc.rust-lang.org/std/sync/struct.Mutex.html#method.lock
        todo!("lock both accounts in a fixed order, check and move the money")
    }

    /// The sum of all balances, as it was at one instant: never counting money that is
    /// between two accounts in the middle of a transfer.
    pub fn total(&self) -> u64 {
        // Write `total` here. Reading the balances one at a time, each under its own short
        // lock, can count an account before a transfer and the other one after it: the
        // moved money is counted twice, or not at all.
        // Lock *every* account, in account order (the same order `transfer` uses, so that
        // this cannot deadlock with it either), keeping the guards in a
        // `Vec<MutexGuard<'_, u64>>` until you have added them all up.
        todo!("lock every account in order, then add up the balances")
    }
}

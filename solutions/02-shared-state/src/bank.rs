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
    /// Called by many threads at once, with any accounts in any direction: it never
    /// overdraws an account and never deadlocks.
    pub fn transfer(&self, from: usize, to: usize, amount: u64) -> Result<(), TransferError> {
        for account in [from, to] {
            if account >= self.accounts.len() {
                return Err(TransferError::NoSuchAccount(account));
            }
        }
        if from == to {
            // Locking one `Mutex` twice on one thread deadlocks (or panics): refuse first.
            return Err(TransferError::SameAccount(from));
        }
        // Every transfer locks the lower-numbered account first, whichever way the money
        // goes. Two transfers between the same accounts then both wait for the same first
        // lock, and whoever gets it also gets the second: no thread can hold one lock while
        // waiting for a lock held by a thread that waits for it.
        let (low, high) = (from.min(to), from.max(to));
        let mut low_balance = self.accounts[low].lock().unwrap();
        let mut high_balance = self.accounts[high].lock().unwrap();
        let (from_balance, to_balance) = if from == low {
            (&mut *low_balance, &mut *high_balance)
        } else {
            (&mut *high_balance, &mut *low_balance)
        };
        // Check and act under the same two guards: no other transfer can change either
        // balance between the check and the debit.
        if *from_balance < amount {
            return Err(TransferError::InsufficientFunds {
                available: *from_balance,
                needed: amount,
            });
        }
        *from_balance -= amount;
        // Money only moves between accounts: the credit cannot exceed the total, which
        // started as a sum of `u64`s that fit. `checked_add` makes any doubt loud.
        *to_balance = to_balance
            .checked_add(amount)
            .expect("a balance never exceeds the bank's total");
        Ok(())
    }

    /// The sum of all balances, as it was at one instant: never counting money that is
    /// between two accounts in the middle of a transfer.
    pub fn total(&self) -> u64 {
        // Lock every account, in account order (the order `transfer` locks in, so this
        // cannot deadlock with a transfer), and add up only once all are held: while this
        // thread holds them, no transfer can be halfway through.
        let balances: Vec<MutexGuard<'_, u64>> = self
            .accounts
            .iter()
            .map(|balance| balance.lock().unwrap())
            .collect();
        balances.iter().map(|balance| **balance).sum()
    }
}

//! `RwLock`: many readers at once, or one writer.
//!
//! A `Mutex` lets one thread in at a time, even when every thread only reads. An `RwLock`
//! ("readers-writer lock") has two ways in: `read()` returns a read guard, and any number of
//! threads may hold one at the same time; `write()` returns a write guard, which waits until
//! no one else holds any guard and keeps everyone else out while it lives. The borrow rules,
//! at run time: many `&T` or one `&mut T`.
//!
//! It pays off for data that is read far more often than it is changed, and read for
//! long enough that waiting in line would matter: a configuration, a routing table, a
//! price list. For short critical sections a `Mutex` is usually as fast or faster, since an
//! `RwLock` does more bookkeeping per lock. Which side goes first when readers and a writer
//! wait is up to the operating system (std documents no policy): on some systems a steady
//! stream of readers can keep a writer waiting.
//!
//! [`PriceList::read`] runs a closure under a read guard, so that a test can show readers
//! inside at the same time, and [`PriceList::try_set_price`] fails rather than waits when
//! anyone holds a guard.

use std::collections::HashMap;
use std::sync::{RwLock, TryLockError};

// ANCHOR: price_list
/// Prices, in cents, read by many threads and changed now and then.
#[derive(Debug, Default)]
pub struct PriceList {
    prices: RwLock<HashMap<String, u32>>,
}

impl PriceList {
    /// A price list holding `prices`.
    pub fn new(prices: impl IntoIterator<Item = (String, u32)>) -> PriceList {
        PriceList {
            prices: RwLock::new(prices.into_iter().collect()),
        }
    }

    /// The price of `item`. Takes a read guard: any number of threads may be here at once.
    pub fn price(&self, item: &str) -> Option<u32> {
        self.prices.read().unwrap().get(item).copied()
    }

    /// Runs `f` on the whole list under one read guard, so that it sees one consistent
    /// version of it, however many lookups it makes.
    pub fn read<R>(&self, f: impl FnOnce(&HashMap<String, u32>) -> R) -> R {
        f(&self.prices.read().unwrap())
    }

    /// Sets the price of `item` and returns the old one. Takes the write guard: waits until
    /// no reader or writer is inside, and keeps everyone out meanwhile.
    pub fn set_price(&self, item: &str, price: u32) -> Option<u32> {
        self.prices.write().unwrap().insert(item.to_owned(), price)
    }

    /// Like [`PriceList::set_price`], but gives up at once with `None` if any thread holds
    /// a guard; `Some(old price)` when it did set the price.
    pub fn try_set_price(&self, item: &str, price: u32) -> Option<Option<u32>> {
        match self.prices.try_write() {
            Ok(mut prices) => Some(prices.insert(item.to_owned(), price)),
            Err(TryLockError::WouldBlock) => None,
            Err(TryLockError::Poisoned(e)) => panic!("a writer panicked: {e}"),
        }
    }
}
// ANCHOR_END: price_list

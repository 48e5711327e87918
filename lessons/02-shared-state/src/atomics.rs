//! Atomics: shared integers and flags that threads change without a lock, and the
//! memory orderings that say what else a thread sees when it reads one.
//!
//! An atomic (`AtomicU64`, `AtomicBool`, ...) is a value every thread may read and write
//! through a shared reference, each operation indivisible: no thread ever sees half of a
//! write. That makes each *operation* safe, and nothing more:
//!
//! - **Lost update.** [`RacyCounter::increment`] loads the value, then stores it plus one:
//!   two atomic operations, not one. Two threads can both load 5 and both store 6; one
//!   increment is lost. No data race (each access is atomic, and the compiler is happy),
//!   and still a race condition. [`Counter::increment`] uses `fetch_add`, a single
//!   read-modify-write the hardware performs as one step. The rule: a change that depends on
//!   the current value is one `fetch_*`, `swap` or `compare_exchange` call, never a load
//!   followed by a store.
//! - **Orderings.** Each operation also takes an [`Ordering`]. It does not change what that
//!   operation does to the atomic; it says what *other* memory the threads agree on. A
//!   counter needs nothing else: `Relaxed` is right. A flag that announces "the data is
//!   ready" needs more: the reader must see the data the writer wrote before raising the
//!   flag. That is `Release` on the store of the flag and `Acquire` on the load that sees it
//!   ([`Mailbox`]). With `Relaxed` on both, the reader may see the flag and still the old
//!   data: allowed by the language, shown by loom, and seen on ARM processors. x86
//!   processors keep these accesses in order, and the compiler may or may not move
//!   them, which is why the bug can survive testing on a laptop with an Intel or AMD
//!   chip.
//!
//! `SeqCst` adds a single order of all `SeqCst` operations that every thread agrees on. It is
//! the safe default when unsure, and needed only when several flags must be read in one
//! agreed order (Dekker-style "I raise mine, then check yours"); none of the code here needs
//! it.
//!
//! The types here take their atomics from `crate::sync` (`src/sync.rs`), so that the loom
//! models of `tests/loom.rs` can run them under loom.

use crate::sync::{AtomicBool, AtomicU64, Ordering};

// ANCHOR: racy_counter
/// A counter shared by threads, **wrong on purpose**: its increment is a load, then a
/// store, and two threads incrementing at once can lose an update.
#[derive(Debug)]
pub struct RacyCounter {
    value: AtomicU64,
}

impl RacyCounter {
    /// A counter at zero.
    pub fn new() -> RacyCounter {
        RacyCounter {
            value: AtomicU64::new(0),
        }
    }

    /// Adds one, in two steps that another thread can come between.
    pub fn increment(&self) {
        let current = self.value.load(Ordering::Relaxed);
        // Another thread may increment right here. Our store then overwrites its update
        // with the value we computed from the old one: its increment is lost.
        self.value.store(current + 1, Ordering::Relaxed);
    }

    /// The current count.
    pub fn get(&self) -> u64 {
        self.value.load(Ordering::Relaxed)
    }
}
// ANCHOR_END: racy_counter

impl Default for RacyCounter {
    fn default() -> Self {
        RacyCounter::new()
    }
}

// ANCHOR: counter
/// A counter shared by threads, with increments that are never lost.
#[derive(Debug)]
pub struct Counter {
    value: AtomicU64,
}

impl Counter {
    /// A counter at zero.
    pub fn new() -> Counter {
        Counter {
            value: AtomicU64::new(0),
        }
    }

    /// Adds one: a single read-modify-write that no other thread can come between.
    pub fn increment(&self) {
        // `Relaxed` is enough: all threads agree on the order of the changes to one atomic
        // (its *modification order*), so no increment is lost whatever the ordering. The
        // count guards no other data, so there is nothing else to order. Whoever reads the
        // total after joining the counting threads sees every increment: `join` orders
        // everything the thread did before everything after the `join`.
        self.value.fetch_add(1, Ordering::Relaxed);
    }

    /// The current count.
    pub fn get(&self) -> u64 {
        self.value.load(Ordering::Relaxed)
    }
}
// ANCHOR_END: counter

impl Default for Counter {
    fn default() -> Self {
        Counter::new()
    }
}

// ANCHOR: mailbox
/// One message, published by one thread for others: the message is written first, then
/// the `ready` flag is raised, and a reader that sees the flag reads the message.
///
/// Both are atomics, so nothing here is a data race. Whether a reader that sees the flag is
/// guaranteed to see the message depends only on the orderings: [`Mailbox::publish`] and
/// [`Mailbox::read`] use `Release` and `Acquire` and guarantee it;
/// [`Mailbox::publish_relaxed`] and [`Mailbox::read_relaxed`] use `Relaxed` and do not.
#[derive(Debug)]
pub struct Mailbox {
    message: AtomicU64,
    ready: AtomicBool,
}

impl Mailbox {
    /// An empty mailbox.
    pub fn new() -> Mailbox {
        Mailbox {
            message: AtomicU64::new(0),
            ready: AtomicBool::new(false),
        }
    }

    /// Writes `message`, then raises the flag with `Release`: every write this thread made
    /// before this store is visible to a thread that loads `true` with `Acquire`.
    pub fn publish(&self, message: u64) {
        self.message.store(message, Ordering::Relaxed);
        self.ready.store(true, Ordering::Release);
    }

    /// The message, once published. The `Acquire` load pairs with the `Release` store in
    /// [`Mailbox::publish`]: having seen `true`, this thread also sees the message written
    /// before it, so the `Relaxed` load of the message cannot return an older value.
    pub fn read(&self) -> Option<u64> {
        if self.ready.load(Ordering::Acquire) {
            Some(self.message.load(Ordering::Relaxed))
        } else {
            None
        }
    }

    /// **Wrong on purpose**: [`Mailbox::publish`] with a `Relaxed` flag. Nothing orders the
    /// write of the message before the flag for other threads.
    pub fn publish_relaxed(&self, message: u64) {
        self.message.store(message, Ordering::Relaxed);
        self.ready.store(true, Ordering::Relaxed);
    }

    /// **Wrong on purpose**: may see the flag raised and still read the message as it was
    /// before it was published (here, 0).
    pub fn read_relaxed(&self) -> Option<u64> {
        if self.ready.load(Ordering::Relaxed) {
            Some(self.message.load(Ordering::Relaxed))
        } else {
            None
        }
    }
}
// ANCHOR_END: mailbox

impl Default for Mailbox {
    fn default() -> Self {
        Mailbox::new()
    }
}

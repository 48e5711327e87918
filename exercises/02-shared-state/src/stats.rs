//! Task `stats`: request statistics recorded by many threads at once.
//!
//! A server's worker threads each call `record` once per request they answer. The code
//! below is right when one thread records, and **loses updates** when several do: each of
//! its three changes reads a counter, then writes a new value computed from what it read,
//! and another thread can change the counter in between. Fix `record` so that no update
//! is ever lost. You should not need a lock.

use crate::sync::{AtomicU64, Ordering};

/// How many requests were answered, how many bytes they sent in all, and the largest.
#[derive(Debug)]
pub struct Stats {
    requests: AtomicU64,
    bytes: AtomicU64,
    largest: AtomicU64,
}

impl Stats {
    /// Statistics with nothing recorded yet.
    pub fn new() -> Stats {
        Stats {
            requests: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            largest: AtomicU64::new(0),
        }
    }

    /// Records one request that sent `bytes` bytes. Called by many threads at once.
    pub fn record(&self, bytes: u64) {
        // Fix this function. All three changes lose updates when threads record at the
        // same time: each is a `load`, then a `store` of a value computed from what was
        // loaded, and another thread may store in between. The last one is also a
        // check-then-act: "if bigger, then store".
        // Make each change a single atomic read-modify-write:
        // - `AtomicU64::fetch_add(n, ordering)` adds `n` in one step;
        // - `AtomicU64::fetch_max(n, ordering)` keeps the larger of the value and `n`.
        // Which `Ordering`? Nothing else in memory depends on these counters: see the hints.
        // API: https://doc.rust-lang.org/std/sync/atomic/struct.AtomicU64.html#method.fetch_add
        //      https://doc.rust-lang.org/std/sync/atomic/struct.AtomicU64.html#method.fetch_max
        let requests = self.requests.load(Ordering::Relaxed);
        self.requests.store(requests + 1, Ordering::Relaxed);

        let total = self.bytes.load(Ordering::Relaxed);
        self.bytes.store(total + bytes, Ordering::Relaxed);

        if bytes > self.largest.load(Ordering::Relaxed) {
            self.largest.store(bytes, Ordering::Relaxed);
        }
    }

    /// How many requests were recorded.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// The bytes of all recorded requests, added up.
    pub fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }

    /// The most bytes a single recorded request sent (0 before any).
    pub fn largest(&self) -> u64 {
        self.largest.load(Ordering::Relaxed)
    }
}

impl Default for Stats {
    fn default() -> Self {
        Stats::new()
    }
}

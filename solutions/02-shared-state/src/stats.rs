//! Task `stats`: request statistics recorded by many threads at once.
//!
//! A server's worker threads each call `record` once per request they answer. The
//! starter's `record` loaded each counter and stored a new value computed from it, and
//! lost updates when threads recorded at once; here each change is a single atomic
//! read-modify-write.

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
        // Each change is one atomic read-modify-write: no other thread can come between
        // its read and its write, so none is lost. `fetch_max` is the check-then-act
        // "if bigger, store" done as one step.
        //
        // `Relaxed` is enough. Every thread agrees on the order of the changes to any one
        // atomic, so each sum and maximum is exact whatever the ordering. No other data is
        // published through these counters, so there is nothing else to order; and a
        // thread that reads them after joining the recording threads sees every change,
        // since `join` orders all the joined thread did before what follows it.
        self.requests.fetch_add(1, Ordering::Relaxed);
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
        self.largest.fetch_max(bytes, Ordering::Relaxed);
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

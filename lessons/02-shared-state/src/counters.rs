//! Contention: what several threads changing one value at the same time costs, and how
//! to stop doing it.
//!
//! Four counters that count the same way, `threads` threads adding 1 many times each, and
//! the benchmarks (`benches/shared_state.rs`, group `counter`) that time them:
//!
//! - [`MutexCounter`]: one `Mutex<u64>`. Every add takes the lock; with several threads
//!   adding at once they queue for it, and a thread that finds it taken may be put to sleep
//!   and woken again by the operating system.
//! - [`AtomicCounter`]: one `AtomicU64`, `fetch_add`. No lock and no sleeping, but every
//!   add still needs the one cache line that holds the counter, in exclusive ownership:
//!   the line travels from core to core and back on every add (a *contended* cache line).
//! - [`ShardedCounter`]: one atomic per worker thread, each in its own cache line thanks
//!   to crossbeam's [`CachePadded`], summed when read. Each thread adds to a line no other
//!   thread writes, so its adds cost what an uncontended add costs. Reading the total is
//!   slower (it visits every shard) and is exact only once the adding has stopped: the right
//!   trade for a counter written constantly and read rarely, such as statistics.
//! - [`UnpaddedShardedCounter`]: the same shards without the padding, side by side in
//!   memory. Different threads write *different* atomics, which share one cache line: the
//!   line travels as if they were one counter. This is *false sharing*, and the reason
//!   `CachePadded` exists.
//!
//! The benchmarks measure what each costs on this machine; the chapter's measured page has
//! the numbers, and the claims in `Cargo.toml` check the order they come in.

use std::ops::Deref;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

use crossbeam::utils::CachePadded;

/// A counter that threads add to: the common shape of the four counters, so that one
/// function can run them all.
pub trait Count: Sync {
    /// Adds 1. `worker` is the index of the calling thread among those adding, which the
    /// sharded counters use to pick a shard; the others ignore it.
    fn add_one(&self, worker: usize);
    /// The count. Exact once every add has returned.
    fn total(&self) -> u64;
}

// ANCHOR: mutex_and_atomic
/// One count behind one lock.
#[derive(Debug, Default)]
pub struct MutexCounter {
    value: Mutex<u64>,
}

impl Count for MutexCounter {
    fn add_one(&self, _worker: usize) {
        *self.value.lock().unwrap() += 1;
    }

    fn total(&self) -> u64 {
        *self.value.lock().unwrap()
    }
}

/// One atomic count.
#[derive(Debug, Default)]
pub struct AtomicCounter {
    value: AtomicU64,
}

impl Count for AtomicCounter {
    fn add_one(&self, _worker: usize) {
        self.value.fetch_add(1, Ordering::Relaxed);
    }

    fn total(&self) -> u64 {
        self.value.load(Ordering::Relaxed)
    }
}
// ANCHOR_END: mutex_and_atomic

// ANCHOR: sharded
/// One count per shard; the total is their sum. The shards are `S`: either
/// `CachePadded<AtomicU64>`, one cache line each ([`ShardedCounter`]), or a plain atomic
/// ([`UnpaddedShardedCounter`]).
#[derive(Debug)]
pub struct Sharded<S> {
    shards: Box<[S]>,
}

/// Shards padded and aligned to a cache line each: no two threads write the same line.
pub type ShardedCounter = Sharded<CachePadded<AtomicU64>>;

/// The same shards packed together: eight of them fit in one 64-byte cache line, and the
/// threads writing them fight over it as if they shared one counter.
pub type UnpaddedShardedCounter = Sharded<Unpadded>;

impl<S: From<AtomicU64>> Sharded<S> {
    /// A counter with `shards` shards. Give it at least as many shards as threads add to
    /// it, so that each thread has one of its own.
    ///
    /// # Panics
    ///
    /// If `shards` is 0.
    pub fn new(shards: usize) -> Sharded<S> {
        assert!(shards > 0, "a sharded counter needs at least one shard");
        Sharded {
            shards: (0..shards).map(|_| S::from(AtomicU64::new(0))).collect(),
        }
    }
}

impl<S: Deref<Target = AtomicU64> + Sync> Count for Sharded<S> {
    fn add_one(&self, worker: usize) {
        // `Relaxed`, as for any counter; and since worker `i` always picks shard `i`, no
        // other thread writes this shard's cache line.
        self.shards[worker % self.shards.len()].fetch_add(1, Ordering::Relaxed);
    }

    fn total(&self) -> u64 {
        self.shards
            .iter()
            .map(|shard| shard.load(Ordering::Relaxed))
            .sum()
    }
}

/// A plain `AtomicU64`, with no padding: the shard type of [`UnpaddedShardedCounter`].
#[derive(Debug, Default)]
pub struct Unpadded(AtomicU64);

impl From<AtomicU64> for Unpadded {
    fn from(value: AtomicU64) -> Unpadded {
        Unpadded(value)
    }
}

impl Deref for Unpadded {
    type Target = AtomicU64;

    fn deref(&self) -> &AtomicU64 {
        &self.0
    }
}
// ANCHOR_END: sharded

// ANCHOR: count_on_threads
/// Adds 1 to `counter` `per_thread` times on each of `threads` threads, all at once, and
/// returns its total.
pub fn count_on_threads(counter: &impl Count, threads: usize, per_thread: u64) -> u64 {
    thread::scope(|s| {
        for worker in 0..threads {
            s.spawn(move || {
                for _ in 0..per_thread {
                    counter.add_one(worker);
                }
            });
        }
    });
    counter.total()
}
// ANCHOR_END: count_on_threads

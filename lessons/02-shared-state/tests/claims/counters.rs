//! `counters`: the four counters count exactly; padded shards sit a cache line or more
//! apart, unpadded ones eight to a line.

use std::mem::{align_of, size_of};
use std::panic;
use std::sync::atomic::AtomicU64;

use crossbeam::utils::CachePadded;
use shared_state_lesson::counters::{
    AtomicCounter, MutexCounter, ShardedCounter, Unpadded, UnpaddedShardedCounter, count_on_threads,
};

#[test]
fn every_counter_counts_exactly() {
    const THREADS: usize = 4;
    const PER_THREAD: u64 = 20_000;
    let expected = THREADS as u64 * PER_THREAD;
    let counted = [
        count_on_threads(&MutexCounter::default(), THREADS, PER_THREAD),
        count_on_threads(&AtomicCounter::default(), THREADS, PER_THREAD),
        count_on_threads(&ShardedCounter::new(THREADS), THREADS, PER_THREAD),
        count_on_threads(&UnpaddedShardedCounter::new(THREADS), THREADS, PER_THREAD),
        // Fewer shards than threads: still exact, since each shard is atomic.
        count_on_threads(&ShardedCounter::new(1), THREADS, PER_THREAD),
    ];
    assert_eq!(counted, [expected; 5]);
}

#[test]
fn padded_shards_are_a_cache_line_apart_and_unpadded_ones_share_one() {
    // A cache line is 64 bytes on x86-64; crossbeam pads to 128 there, since Intel CPUs
    // fetch lines in pairs.
    assert!(size_of::<CachePadded<AtomicU64>>() >= 64);
    assert!(align_of::<CachePadded<AtomicU64>>() >= 64);
    assert_eq!(size_of::<Unpadded>(), 8, "eight of them fit in 64 bytes");
}

#[test]
fn a_sharded_counter_needs_a_shard() {
    assert!(panic::catch_unwind(|| ShardedCounter::new(0)).is_err());
}

//! Four counters under contention, timed: a `Mutex`, one atomic, shards padded to a cache
//! line each, and the same shards packed together.
//!
//! cargo run --release -p lesson-02-shared-state --example contention

use std::thread;
use std::time::Instant;

use shared_state_lesson::counters::{
    AtomicCounter, Count, MutexCounter, ShardedCounter, UnpaddedShardedCounter, count_on_threads,
};

const PER_THREAD: u64 = 2_000_000;

fn main() {
    let threads = thread::available_parallelism()
        .map_or(2, |n| n.get())
        .max(2);
    println!("{threads} threads each add 1 to one counter, {PER_THREAD} times:");
    timed("Mutex<u64>", &MutexCounter::default(), threads);
    timed("AtomicU64", &AtomicCounter::default(), threads);
    timed(
        "sharded, CachePadded",
        &ShardedCounter::new(threads),
        threads,
    );
    timed(
        "sharded, unpadded",
        &UnpaddedShardedCounter::new(threads),
        threads,
    );
    println!("\n(Wall-clock time divided by all the adds of all the threads.) The Mutex makes the");
    println!("threads queue, and may put them to sleep. The atomic takes no lock, but every add");
    println!("needs the counter's cache line, which travels between the cores. Padded shards give");
    println!("each thread a line of its own. Unpadded shards are different atomics in the *same*");
    println!("line (false sharing): the line travels as if they were one counter. On one core, or");
    println!("when other programs keep the cores busy, the threads rarely run at the same time");
    println!("and the differences shrink.");
}

fn timed(name: &str, counter: &impl Count, threads: usize) {
    let start = Instant::now();
    let total = count_on_threads(counter, threads, PER_THREAD);
    let elapsed = start.elapsed();
    assert_eq!(total, threads as u64 * PER_THREAD);
    println!(
        "  {name:<22} {elapsed:>10.2?}  ({:.1} ns per add)",
        elapsed.as_nanos() as f64 / (threads as u64 * PER_THREAD) as f64
    );
}

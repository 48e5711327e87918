//! The lesson's speed claims, measured. Every group compares versions of the same work,
//! measured in the same run, so that only ratios matter: the course checks each claim in
//! `Cargo.toml` (`[package.metadata.lesson]`) as `median(baseline) / median(candidate)`.
//!
//! ```text
//! cargo bench -p lesson-02-shared-state --bench shared_state -- --warm-up-time 0.5 --measurement-time 2
//! ```
//!
//! - `counter`: one thread per core adding 1 to one counter, 100 000 times each: a `Mutex`,
//!   an atomic, shards padded to a cache line each, the same shards packed together.
//! - `handoff_1`, `handoff_1024`: 2 000 messages from one thread to another through a
//!   channel of capacity 1, then 1024: std's `sync_channel` and crossbeam's `bounded`.

use std::hint::black_box;
use std::thread;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};

use shared_state_lesson::channels::{send_through_crossbeam, send_through_std};
use shared_state_lesson::counters::{
    AtomicCounter, MutexCounter, ShardedCounter, UnpaddedShardedCounter, count_on_threads,
};

/// Adds per thread in one measured call of `counter`: enough that starting the threads is
/// a small part of the call, even for the fastest counter.
const ADDS_PER_THREAD: u64 = 100_000;

/// Messages per measured call of `handoff_*`: the same at both capacities, so that their
/// times compare. Few, because at capacity 1 a message can cost tens of microseconds.
const MESSAGES: u64 = 2_000;

/// One thread per available core: every thread has a core, and they all contend.
fn threads() -> usize {
    thread::available_parallelism().map_or(1, |n| n.get())
}

fn counter(c: &mut Criterion) {
    let threads = threads();
    let mut group = c.benchmark_group("counter");
    group.throughput(Throughput::Elements(threads as u64 * ADDS_PER_THREAD));
    // A fresh counter per call, so that every call does the same work from zero.
    group.bench_function("mutex", |b| {
        b.iter(|| count_on_threads(&MutexCounter::default(), threads, ADDS_PER_THREAD))
    });
    group.bench_function("atomic", |b| {
        b.iter(|| count_on_threads(&AtomicCounter::default(), threads, ADDS_PER_THREAD))
    });
    group.bench_function("sharded_padded", |b| {
        b.iter(|| count_on_threads(&ShardedCounter::new(threads), threads, ADDS_PER_THREAD))
    });
    group.bench_function("sharded_unpadded", |b| {
        b.iter(|| {
            count_on_threads(
                &UnpaddedShardedCounter::new(threads),
                threads,
                ADDS_PER_THREAD,
            )
        })
    });
    group.finish();
}

fn handoff(c: &mut Criterion, capacity: usize) {
    let mut group = c.benchmark_group(format!("handoff_{capacity}"));
    group.throughput(Throughput::Elements(MESSAGES));
    // A call takes milliseconds or more: one call per sample is enough, and keeps the
    // slow side from taking minutes.
    group.sampling_mode(SamplingMode::Flat);
    group.bench_function("std_sync_channel", |b| {
        b.iter(|| send_through_std(capacity, black_box(MESSAGES)))
    });
    group.bench_function("crossbeam_bounded", |b| {
        b.iter(|| send_through_crossbeam(capacity, black_box(MESSAGES)))
    });
    group.finish();
}

fn handoffs(c: &mut Criterion) {
    handoff(c, 1);
    handoff(c, 1024);
}

criterion_group!(benches, counter, handoffs);
criterion_main!(benches);

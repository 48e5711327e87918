//! The lesson's speed claims, measured. Every group compares versions of the same work,
//! measured in the same run, so that only ratios matter: the course checks each claim in
//! `Cargo.toml` (`[package.metadata.lesson]`) as `median(baseline) / median(candidate)`.
//!
//! ```text
//! cargo bench -p lesson-01-threads --bench threads -- --warm-up-time 0.5 --measurement-time 2
//! ```
//!
//! - `spawn`: the fixed cost of running one (empty) task: a new thread, a new scoped
//!   thread, a task on a rayon pool whose threads already exist.
//! - `cpu`: the CPU-bound checksum, sequential, on scoped threads, with rayon.
//! - `gil_cpu`: the same checksum on threads under the simulated GIL and on free threads.
//! - `io`: simulated blocking waits, one after another, on threads, on threads under the GIL.

use std::hint::black_box;
use std::thread;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};

use threads_lesson::builder::worker_count;
use threads_lesson::gil::{self, Gil};
use threads_lesson::{cpu_bound, io_bound, pool};

/// Values in the CPU-bound input: about 10 ms for the sequential checksum in a release
/// build (measured on a 2-core Linux VM; see the lesson's `Cargo.toml`).
const CPU_LEN: usize = 400_000;

/// The simulated I/O: 8 requests of 2 ms each (16 ms one after another).
const IO_REQUESTS: usize = 8;
const IO_LATENCY: Duration = Duration::from_millis(2);

fn spawn(c: &mut Criterion) {
    let mut group = c.benchmark_group("spawn");
    group.bench_function("thread_spawn_join", |b| {
        b.iter(|| thread::spawn(|| black_box(1)).join())
    });
    group.bench_function("scoped_spawn_join", |b| {
        b.iter(|| thread::scope(|s| s.spawn(|| black_box(1)).join()))
    });
    // The pool is built once, outside the measurement: its threads already exist, as they
    // would in a program that uses it for many tasks. `install` runs the closure on one of
    // them and waits for it to finish.
    let pool = pool::build_pool(worker_count()).expect("the OS starts the pool's threads");
    group.bench_function("rayon_pool_task", |b| {
        b.iter(|| pool.install(|| black_box(1)))
    });
    group.finish();
}

fn cpu(c: &mut Criterion) {
    let values = cpu_bound::input(CPU_LEN);
    let threads = worker_count();
    let mut group = c.benchmark_group("cpu");
    group.bench_function("sequential", |b| {
        b.iter(|| cpu_bound::sequential(black_box(&values)))
    });
    group.bench_function("scoped_threads", |b| {
        b.iter(|| cpu_bound::scoped_threads(black_box(&values), threads))
    });
    // rayon's global pool: one thread per available core, like `threads` above.
    group.bench_function("rayon", |b| {
        b.iter(|| cpu_bound::with_rayon(black_box(&values)))
    });
    group.finish();
}

fn gil_cpu(c: &mut Criterion) {
    let values = cpu_bound::input(CPU_LEN);
    // At least two threads, so that the GIL has someone to keep waiting even on one core.
    let threads = worker_count().max(2);
    let gil = Gil::new();
    let mut group = c.benchmark_group("gil_cpu");
    group.bench_function("sequential", |b| {
        b.iter(|| cpu_bound::sequential(black_box(&values)))
    });
    group.bench_function("gil_threads", |b| {
        b.iter(|| gil::cpu_gil_threads(&gil, black_box(&values), threads))
    });
    group.bench_function("free_threads", |b| {
        b.iter(|| gil::cpu_free_threads(black_box(&values), threads))
    });
    group.finish();
}

fn io(c: &mut Criterion) {
    let latencies = vec![IO_LATENCY; IO_REQUESTS];
    let gil = Gil::new();
    let mut group = c.benchmark_group("io");
    group.bench_function("sequential", |b| {
        b.iter(|| io_bound::fetch_sequential(black_box(&latencies)))
    });
    group.bench_function("threads", |b| {
        b.iter(|| io_bound::fetch_threaded(black_box(&latencies)))
    });
    group.bench_function("gil_threads", |b| {
        b.iter(|| gil::io_gil_threads(&gil, black_box(&latencies)))
    });
    group.finish();
}

criterion_group!(benches, spawn, cpu, gil_cpu, io);
criterion_main!(benches);

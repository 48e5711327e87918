//! The benchmark check of task `pool`: `pool_map` on one worker process per core, against
//! the same jobs computed one after another on the calling thread, measured in the same
//! run. The grader compares criterion's medians of `pool/processes` and `pool/sequential`.
//!
//! Run it yourself with `cargo bench -p exercise-03-processes --bench pool`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

use processes_exercise::work::sequential;
use processes_exercise::{Worker, pool_map};

/// 64 jobs of about 1 ms each in a release build: about 60 ms in all on one thread, so
/// that starting a worker process per core (a few milliseconds) is a small part of a
/// parallel run, as it should be for work worth sending to processes.
const JOBS: usize = 64;
const JOB: u64 = 250_000;

fn pool(c: &mut Criterion) {
    // The worker program, as Cargo built it for this benchmark (see tests/checks/support.rs
    // for why it has two possible names).
    let program = option_env!("CARGO_BIN_EXE_exercise-03-worker")
        .or(option_env!("CARGO_BIN_EXE_solution-03-worker"))
        .expect("the crate builds the worker program, worker/main.rs");
    let worker = Worker::new(program).arg("serve");
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let jobs: Vec<u64> = (0..JOBS as u64).map(|i| JOB + i).collect();

    let mut group = c.benchmark_group("pool");
    group.bench_function("sequential", |b| b.iter(|| sequential(black_box(&jobs))));
    group.bench_function("processes", |b| {
        b.iter(|| pool_map(&worker, workers, black_box(&jobs)).expect("the pool works"))
    });
    group.finish();
}

criterion_group!(benches, pool);
criterion_main!(benches);

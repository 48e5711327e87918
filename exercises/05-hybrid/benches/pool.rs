//! The benchmark check of task `process-pool`: `pool_map` on two worker processes whose
//! pools add up to the cores, against the same jobs computed one after another on the
//! calling thread, measured in the same run. The grader compares criterion's medians of
//! `pool/processes_of_pools` and `pool/sequential`.
//!
//! Run it yourself with `cargo bench -p exercise-05-hybrid --bench pool`.

use std::hint::black_box;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};

use hybrid_exercise::work::{answer, checksum_jobs};
use hybrid_exercise::{Worker, pool_map};

fn pool(c: &mut Criterion) {
    // The worker program, as Cargo built it for this benchmark (see tests/checks/support.rs
    // for why it has two possible names).
    let program = option_env!("CARGO_BIN_EXE_exercise-05-worker")
        .or(option_env!("CARGO_BIN_EXE_solution-05-worker"))
        .expect("the crate builds the worker program, worker/main.rs");
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Two processes of `cores / 2` threads (one each on 2 cores, two each on 4).
    let threads = cores.div_ceil(2).to_string();
    let worker = Worker::new(program).args(["--threads", &threads]);
    // 24 jobs of about 3 ms each, 80 ms in all on one thread in a release build: starting
    // two worker processes and the messages for each job (a few milliseconds in all) are
    // a small part of a parallel run.
    let jobs = checksum_jobs(0..2_400_000, 24);

    let mut group = c.benchmark_group("pool");
    group.sampling_mode(SamplingMode::Flat);
    group.bench_function("sequential", |b| {
        b.iter(|| {
            black_box(&jobs)
                .iter()
                .map(|job| answer(&job.work))
                .collect::<Vec<u64>>()
        })
    });
    group.bench_function("processes_of_pools", |b| {
        b.iter(|| pool_map(&worker, 2, black_box(&jobs)).expect("the pool works"))
    });
    group.finish();
}

criterion_group!(benches, pool);
criterion_main!(benches);

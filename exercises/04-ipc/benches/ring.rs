//! The benchmark check of task `ring`: 16 MiB sent to a worker process through your ring in
//! shared memory, against the same payload sent through a pipe, measured in the same run.
//! The grader compares criterion's medians of `ring/shared_memory` and `ring/pipe`.
//!
//! Run it yourself with `cargo bench -p exercise-04-ipc --bench ring`.

use std::hint::black_box;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};

use ipc_exercise::Worker;
use ipc_exercise::links::{PipeLink, RingLink};

const PAYLOAD: usize = 16 << 20;

fn ring(c: &mut Criterion) {
    // The worker program, as Cargo built it for this benchmark (see tests/checks/support.rs
    // for why it has two possible names).
    let program = option_env!("CARGO_BIN_EXE_exercise-04-worker")
        .or(option_env!("CARGO_BIN_EXE_solution-04-worker"))
        .expect("the crate builds the worker program, worker/main.rs");
    let payload: Vec<u8> = (0..PAYLOAD).map(|i| (i % 251) as u8).collect();
    let expected = (PAYLOAD as u64, None);

    let mut group = c.benchmark_group("ring");
    group.throughput(Throughput::Bytes(PAYLOAD as u64));
    // A send through the pipe takes milliseconds: flat sampling (every sample times the
    // same number of sends) stays within the grader's measurement time, where criterion's
    // default for a benchmark this slow, linear sampling, needs at least 210 sends.
    group.sampling_mode(SamplingMode::Flat);

    let mut pipe =
        PipeLink::start(&Worker::new(program).arg("pipe-sink")).expect("the worker starts");
    group.bench_function("pipe", |b| {
        b.iter(|| {
            assert_eq!(
                pipe.send(black_box(&payload)).expect("the worker answers"),
                expected
            )
        })
    });
    pipe.shut_down().expect("the worker stops");

    let mut ring =
        RingLink::start(&Worker::new(program).arg("ring-sink"), false).expect("the worker starts");
    group.bench_function("shared_memory", |b| {
        b.iter(|| {
            assert_eq!(
                ring.send(black_box(&payload)).expect("the worker answers"),
                expected
            )
        })
    });
    ring.shut_down().expect("the worker stops");
    group.finish();
}

criterion_group!(benches, ring);
criterion_main!(benches);

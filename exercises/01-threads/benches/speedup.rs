//! The benchmark checks of tasks `chunked-sum` and `letter-frequency`: each parallel
//! version against its sequential baseline, measured in the same run. The grader compares
//! criterion's medians of `sum/parallel` and `sum/sequential`, and of `frequency/parallel`
//! and `frequency/sequential`.
//!
//! Run them yourself with `cargo bench -p exercise-01-threads --bench speedup`.

use std::hint::black_box;
use std::thread;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};

use threads_exercise::{frequency, frequency_sequential, parallel_sum, sequential_sum};

#[path = "../tests/checks/workload.rs"]
mod workload;

/// Items to sum: sized for about 7 ms per sequential call in release on a 2-core Linux VM,
/// long enough that starting the threads is a small part of a parallel call.
///
/// At that length both groups sample flat (`SamplingMode::Flat`: every sample times the
/// same number of calls). Criterion's default for a benchmark this slow is linear sampling,
/// 1 + 2 + ... + 20 = 210 calls at the least, about 1.7 s for the sequential side: longer
/// than the measurement time the grader asks for, for no better a median.
const ITEMS: u64 = 1_000_000;

/// The corpus: sized for about 7 ms per sequential count, like the sum.
const TEXTS: usize = 2_000;
const WORDS_PER_TEXT: usize = 25;

fn sum(c: &mut Criterion) {
    let data: Vec<u64> = (0..ITEMS).collect();
    let threads = thread::available_parallelism().map_or(1, |n| n.get());
    let mut group = c.benchmark_group("sum");
    group.sampling_mode(SamplingMode::Flat);
    group.bench_function("sequential", |b| {
        b.iter(|| sequential_sum(black_box(&data), workload::mix))
    });
    group.bench_function("parallel", |b| {
        b.iter(|| parallel_sum(black_box(&data), threads, workload::mix))
    });
    group.finish();
}

fn letter_frequency(c: &mut Criterion) {
    let corpus = workload::corpus(TEXTS, WORDS_PER_TEXT);
    let texts: Vec<&str> = corpus.iter().map(String::as_str).collect();
    let mut group = c.benchmark_group("frequency");
    group.sampling_mode(SamplingMode::Flat);
    group.bench_function("sequential", |b| {
        b.iter(|| frequency_sequential(black_box(&texts)))
    });
    group.bench_function("parallel", |b| b.iter(|| frequency(black_box(&texts))));
    group.finish();
}

criterion_group!(benches, sum, letter_frequency);
criterion_main!(benches);

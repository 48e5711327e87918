//! The lesson's speed claims, measured. Every group compares ways of doing the same work,
//! measured in the same run, so that only ratios matter: the course checks each claim in
//! `Cargo.toml` (`[package.metadata.lesson]`) as `median(baseline) / median(candidate)`.
//!
//! ```text
//! cargo bench -p lesson-05-hybrid --bench hybrid -- --warm-up-time 0.5 --measurement-time 2
//! ```
//!
//! - `pipeline`: 32 items, each read with a simulated 1 ms wait and then checksummed, one
//!   after another on one thread, and in the pipeline (8 readers, a rayon pool of one
//!   thread per core, an ordered writer).
//! - `cpu`: a CPU-bound checksum cut into 24 jobs, on one thread, on rayon's pool, and on
//!   a supervisor's 2 worker processes that each run a pool (starting them included).
//! - `restart`: starting a worker process until it reports ready (what a restart costs),
//!   against one small job on a worker that is already running.
//! - `oversub_io`, `oversub_cpu`, `oversub_steps`: 1×, 4× and 64× as many threads as
//!   cores, for jobs that wait, jobs that compute, and computation in steps with a barrier.
//! - `rayon_pool`: the checksum on rayon pools of 1 thread and of one thread per core.
//!
//! The slow groups use criterion's flat sampling: every sample runs the same number of
//! iterations, so 20 samples of a 60 ms benchmark take about 1.2 s, not the 13 s that the
//! default (linearly growing samples) would need.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use rayon::ThreadPoolBuilder;

use hybrid_lesson::concurrency::{cpu_in_steps, cpu_on_pool, cpu_on_threads, io_on_threads};
use hybrid_lesson::pipeline::{self, Limits};
use hybrid_lesson::supervisor::{self, Config};
use hybrid_lesson::work::{Job, Work, checksum, checksum_jobs, wait};
use hybrid_lesson::worker::{Solo, WorkerProgram};

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn program() -> WorkerProgram {
    WorkerProgram::at(env!("CARGO_BIN_EXE_lesson-05-hybrid"))
}

/// The pipeline's items: 32, each a 1 ms wait to read and 10 000 values to checksum.
const ITEMS: usize = 32;
const READ_LATENCY: Duration = Duration::from_millis(1);
const VALUES_PER_ITEM: u64 = 10_000;

fn read_item(index: usize) -> std::io::Result<u64> {
    wait(READ_LATENCY);
    Ok(index as u64 * VALUES_PER_ITEM)
}

fn compute_item(start: u64) -> u64 {
    checksum(start..start + VALUES_PER_ITEM)
}

fn pipeline(c: &mut Criterion) {
    let pool = ThreadPoolBuilder::new()
        .num_threads(cores())
        .build()
        .expect("the OS starts the pool's threads");
    let limits = Limits {
        readers: 8,
        capacity: 8,
        window: 32,
    };
    let mut group = c.benchmark_group("pipeline");
    group.sampling_mode(SamplingMode::Flat);
    group.bench_function("sequential", |b| {
        b.iter(|| {
            let mut sum = 0u64;
            pipeline::sequential(ITEMS, read_item, compute_item, |_, v| {
                sum = sum.wrapping_add(v);
                Ok(())
            })
            .expect("nothing fails");
            black_box(sum)
        })
    });
    group.bench_function("threads", |b| {
        b.iter(|| {
            let mut sum = 0u64;
            pipeline::run(
                ITEMS,
                read_item,
                compute_item,
                |_, v| {
                    sum = sum.wrapping_add(v);
                    Ok(())
                },
                &pool,
                limits,
            )
            .expect("nothing fails");
            black_box(sum)
        })
    });
    group.finish();
}

/// The CPU-bound work of group `cpu`: about 80 ms on one thread, in 24 jobs of about 3 ms.
/// Starting two worker processes and the messages for each job cost a few milliseconds in
/// all: a small part of a run, as they should be for work worth sending to processes.
const CPU_RANGE: std::ops::Range<u64> = 0..2_400_000;

fn cpu(c: &mut Criterion) {
    let program = program();
    let jobs = checksum_jobs(CPU_RANGE, 24);
    // Two worker processes whose pools add up to the cores (two of one thread on 2 cores).
    let config = Config::new(2, cores().div_ceil(2));
    let pool = ThreadPoolBuilder::new()
        .num_threads(cores())
        .build()
        .expect("the OS starts the pool's threads");
    let mut group = c.benchmark_group("cpu");
    group.sampling_mode(SamplingMode::Flat);
    group.bench_function("sequential", |b| b.iter(|| checksum(black_box(CPU_RANGE))));
    group.bench_function("rayon", |b| {
        b.iter(|| cpu_on_pool(&pool, black_box(CPU_RANGE)))
    });
    group.bench_function("processes_of_pools", |b| {
        b.iter(|| {
            supervisor::supervise(&program, jobs.clone(), &config, |_| {})
                .expect("the workers do the jobs")
                .results
                .values()
                .fold(0u64, |sum, &v| sum.wrapping_add(v))
        })
    });
    group.finish();
}

fn restart(c: &mut Criterion) {
    let program = program();
    let mut group = c.benchmark_group("restart");
    group.bench_function("worker_start", |b| {
        b.iter(|| {
            Solo::start(&program, 2)
                .expect("the worker starts")
                .stop()
                .expect("the worker is reaped")
        })
    });
    let mut running = Solo::start(&program, 2).expect("the worker starts");
    let job = Job {
        id: 0,
        work: Work::Checksum { start: 0, end: 1 },
    };
    group.bench_function("job_on_running_worker", |b| {
        b.iter(|| running.run(black_box(&job)).expect("the worker answers"))
    });
    group.finish();
}

/// The levels of concurrency compared: 1, 4 and 64 threads per core.
const LEVELS: [(&str, usize); 3] = [("threads_1x", 1), ("threads_4x", 4), ("threads_64x", 64)];

fn oversubscription(c: &mut Criterion) {
    let cores = cores();
    // 128 waits of 0.5 ms: enough jobs for every thread of 64 per core on 2 cores.
    let mut group = c.benchmark_group("oversub_io");
    group.sampling_mode(SamplingMode::Flat);
    for (name, per_core) in LEVELS {
        group.bench_function(name, |b| {
            b.iter(|| io_on_threads(128, Duration::from_micros(500), per_core * cores))
        });
    }
    group.finish();

    // About 7 ms of checksum on one thread; in steps, 50 of them.
    let range = 0..200_000;
    let mut group = c.benchmark_group("oversub_cpu");
    for (name, per_core) in LEVELS {
        group.bench_function(name, |b| {
            b.iter(|| cpu_on_threads(black_box(range.clone()), per_core * cores))
        });
    }
    group.finish();

    let mut group = c.benchmark_group("oversub_steps");
    group.sampling_mode(SamplingMode::Flat);
    for (name, per_core) in LEVELS {
        group.bench_function(name, |b| {
            b.iter(|| cpu_in_steps(black_box(range.clone()), per_core * cores, 50))
        });
    }
    group.finish();
}

fn rayon_pool(c: &mut Criterion) {
    let range = 0..400_000;
    let mut group = c.benchmark_group("rayon_pool");
    for (name, threads) in [("threads_1", 1), ("cores", cores())] {
        let pool = ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("the OS starts the pool's threads");
        group.bench_function(name, |b| {
            b.iter(|| cpu_on_pool(&pool, black_box(range.clone())))
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    pipeline,
    cpu,
    restart,
    oversubscription,
    rayon_pool
);
criterion_main!(benches);

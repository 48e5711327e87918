//! The lesson's speed claims, measured: every mechanism side by side, in one run, so that
//! only ratios matter. The course checks each claim in `Cargo.toml`
//! (`[package.metadata.lesson]`) as `median(baseline) / median(candidate)`.
//!
//! ```text
//! cargo bench -p lesson-04-ipc --bench ipc -- --warm-up-time 0.5 --measurement-time 2
//! ```
//!
//! - `round_trip`: latency. A small message to the worker and its answer back: to a
//!   thread through crossbeam channels, to a process through two pipes, through
//!   ipc-channel, and through two rings in shared memory.
//! - `send_1MiB`, `send_16MiB`: throughput. A payload from this process to the worker,
//!   which answers with its length once it has all of it; criterion prints the rate, and
//!   the book's table gives the time. `memcpy` copies the payload within this process: the
//!   limit. `pipe` uses Linux's default pipes of 64 KiB, `pipe_1MiB_buffer` pipes
//!   resized to 1 MiB. `crossbeam_move` moves a `Vec` to a thread and back (no byte is copied).
//!   `ipc_serde` sends it in an ipc-channel message as a `Vec<u8>` (serde encodes it byte
//!   by byte), `ipc_shared_memory` copies it into an `IpcSharedMemory` region and sends
//!   the region.
//!
//! The workers are the lesson's program, `src/main.rs`, built by Cargo for the benchmarks
//! and named in `CARGO_BIN_EXE_lesson-04-ipc`. Each is started before its benchmark and
//! shut down (and reaped) after it.

use std::hint::black_box;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, Throughput, criterion_group, criterion_main};

use ipc_channel::ipc::IpcSharedMemory;
use ipc_lesson::inprocess::{self, ThreadWorker};
use ipc_lesson::ipc::{IpcWorker, Reply, Request};
use ipc_lesson::pipe::PipeWorker;
use ipc_lesson::ring::RingWorker;
use ipc_lesson::worker::Worker;

fn worker() -> Worker {
    Worker::at(env!("CARGO_BIN_EXE_lesson-04-ipc"))
}

fn round_trip(c: &mut Criterion) {
    let worker = worker();
    let mut group = c.benchmark_group("round_trip");

    let thread = ThreadWorker::start();
    group.bench_function("crossbeam", |b| b.iter(|| thread.ping(black_box(7))));
    thread.shut_down();

    let mut pipe = PipeWorker::start(&worker).expect("the worker starts");
    group.bench_function("pipe", |b| {
        b.iter(|| pipe.ping(black_box(7)).expect("the worker answers"))
    });
    pipe.shut_down().expect("the worker stops");

    let ipc = IpcWorker::start(&worker).expect("the worker starts");
    group.bench_function("ipc_channel", |b| {
        b.iter(|| {
            ipc.call(Request::Ping(black_box(7)))
                .expect("the worker answers")
        })
    });
    ipc.shut_down().expect("the worker stops");

    let mut ring = RingWorker::start(&worker).expect("the worker starts");
    group.bench_function("shm_ring", |b| {
        b.iter(|| ring.ping(black_box(7)).expect("the worker answers"))
    });
    ring.shut_down().expect("the worker stops");

    group.finish();
}

/// Every throughput benchmark on a payload of `len` bytes.
fn send(group: &mut BenchmarkGroup<'_, WallTime>, len: usize) {
    let worker = worker();
    let payload: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
    group.throughput(Throughput::Bytes(len as u64));
    let received = |reply: (u64, Option<u64>)| assert_eq!(reply.0, len as u64);

    let mut to = vec![0u8; len];
    group.bench_function("memcpy", |b| {
        b.iter(|| inprocess::copy(black_box(&mut to), black_box(&payload)))
    });
    drop(to);

    let thread = ThreadWorker::start();
    let mut buffer = Some(payload.clone());
    group.bench_function("crossbeam_move", |b| {
        b.iter(|| buffer = Some(thread.pass(buffer.take().expect("it came back"))))
    });
    thread.shut_down();

    let mut pipe = PipeWorker::start(&worker).expect("the worker starts");
    group.bench_function("pipe", |b| {
        b.iter(|| {
            received(
                pipe.send_bulk(black_box(&payload), false)
                    .expect("the worker answers"),
            )
        })
    });
    pipe.shut_down().expect("the worker stops");

    let mut pipe = PipeWorker::start_with_capacity(&worker, 1 << 20).expect("the worker starts");
    group.bench_function("pipe_1MiB_buffer", |b| {
        b.iter(|| {
            received(
                pipe.send_bulk(black_box(&payload), false)
                    .expect("the worker answers"),
            )
        })
    });
    pipe.shut_down().expect("the worker stops");

    let ipc = IpcWorker::start(&worker).expect("the worker starts");
    let ipc_received = |reply: Reply| match reply {
        Reply::Received { len: got, .. } => assert_eq!(got, len as u64),
        other => panic!("unexpected reply {other:?}"),
    };
    group.bench_function("ipc_serde", |b| {
        b.iter(|| {
            let bytes = black_box(&payload).clone();
            ipc_received(
                ipc.call(Request::Data {
                    bytes,
                    checksum: false,
                })
                .expect("the worker answers"),
            )
        })
    });
    group.bench_function("ipc_shared_memory", |b| {
        b.iter(|| {
            let memory = IpcSharedMemory::from_bytes(black_box(&payload));
            ipc_received(
                ipc.call(Request::Shared {
                    memory,
                    checksum: false,
                })
                .expect("the worker answers"),
            )
        })
    });
    ipc.shut_down().expect("the worker stops");

    let mut ring = RingWorker::start(&worker).expect("the worker starts");
    group.bench_function("shm_ring", |b| {
        b.iter(|| {
            received(
                ring.send_bulk(black_box(&payload), false)
                    .expect("the worker answers"),
            )
        })
    });
    ring.shut_down().expect("the worker stops");
}

fn send_1mib(c: &mut Criterion) {
    let mut group = c.benchmark_group("send_1MiB");
    send(&mut group, 1 << 20);
    group.finish();
}

fn send_16mib(c: &mut Criterion) {
    let mut group = c.benchmark_group("send_16MiB");
    send(&mut group, 16 << 20);
    group.finish();
}

criterion_group!(benches, round_trip, send_1mib, send_16mib);
criterion_main!(benches);

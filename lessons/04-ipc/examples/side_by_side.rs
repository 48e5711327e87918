//! Every mechanism of the lesson, timed once on a ping and on 16 MiB, against memcpy. An
//! illustration: the benchmarks (`cargo bench -p lesson-04-ipc`) measure properly. This
//! program is its own worker.
//!
//! cargo run --release -p lesson-04-ipc --example side_by_side

use std::io;
use std::time::{Duration, Instant};

use ipc_channel::ipc::IpcSharedMemory;
use ipc_lesson::inprocess::{self, ThreadWorker};
use ipc_lesson::ipc::{IpcWorker, Request};
use ipc_lesson::pipe::PipeWorker;
use ipc_lesson::ring::RingWorker;
use ipc_lesson::worker::{self, Worker};

/// The best of `runs` timings of `f`.
fn best(runs: usize, mut f: impl FnMut() -> io::Result<()>) -> io::Result<Duration> {
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let start = Instant::now();
        f()?;
        best = best.min(start.elapsed());
    }
    Ok(best)
}

fn rate(bytes: usize, time: Duration) -> String {
    format!("{:.2} GB/s", bytes as f64 / time.as_secs_f64() / 1e9)
}

fn main() -> io::Result<()> {
    worker::serve_if_worker();
    let worker = Worker::current_exe()?;
    let len = 16 << 20;
    let payload = vec![7u8; len];

    let thread = ThreadWorker::start();
    let mut pipe = PipeWorker::start(&worker)?;
    let ipc = IpcWorker::start(&worker)?;
    let mut ring = RingWorker::start(&worker)?;

    println!("round trip of a small message (best of 1000):");
    let ping = best(1000, || {
        thread.ping(1);
        Ok(())
    })?;
    println!("  thread, crossbeam channels   {ping:>10.2?}");
    let ping = best(1000, || pipe.ping(1).map(drop))?;
    println!("  process, pipes               {ping:>10.2?}");
    let ping = best(1000, || ipc.call(Request::Ping(1)).map(drop))?;
    println!("  process, ipc-channel         {ping:>10.2?}");
    let ping = best(1000, || ring.ping(1).map(drop))?;
    println!("  process, shared memory rings {ping:>10.2?}");

    println!("\n16 MiB to the other side (best of 10):");
    let mut to = vec![0u8; len];
    let time = best(10, || {
        inprocess::copy(&mut to, &payload);
        Ok(())
    })?;
    println!(
        "  memcpy in this process       {time:>10.2?}  {}",
        rate(len, time)
    );
    let time = best(10, || pipe.send_bulk(&payload, false).map(drop))?;
    println!(
        "  pipe (64 KiB)                {time:>10.2?}  {}",
        rate(len, time)
    );
    let time = best(3, || {
        let bytes = payload.clone();
        ipc.call(Request::Data {
            bytes,
            checksum: false,
        })
        .map(drop)
    })?;
    println!(
        "  ipc-channel, serde           {time:>10.2?}  {}",
        rate(len, time)
    );
    let time = best(10, || {
        let memory = IpcSharedMemory::from_bytes(&payload);
        ipc.call(Request::Shared {
            memory,
            checksum: false,
        })
        .map(drop)
    })?;
    println!(
        "  ipc-channel, shared memory   {time:>10.2?}  {}",
        rate(len, time)
    );
    let time = best(10, || ring.send_bulk(&payload, false).map(drop))?;
    println!(
        "  shared memory rings          {time:>10.2?}  {}",
        rate(len, time)
    );

    thread.shut_down();
    pipe.shut_down()?;
    ipc.shut_down()?;
    ring.shut_down()?;
    Ok(())
}

//! ipc-channel between processes: a worker bootstrapped through a one-shot server, typed
//! requests on the channels it sent back, shared memory, and a receiver set for several
//! workers. This program is its own worker (`--worker ipc SERVER`).
//!
//! cargo run -p lesson-04-ipc --example ipc_channel

use std::io;

use ipc_channel::ipc::IpcSharedMemory;
use ipc_lesson::ipc::{IpcWorker, Request, fan_out};
use ipc_lesson::worker::{self, Worker};

fn main() -> io::Result<()> {
    worker::serve_if_worker();
    let worker = Worker::current_exe()?;

    let ipc = IpcWorker::start(&worker)?;
    println!(
        "worker {} connected to our one-shot server and sent us its channels",
        ipc.pid()
    );
    println!("Ping(7) -> {:?}", ipc.call(Request::Ping(7))?);
    let bytes = vec![1u8; 100_000];
    let data = Request::Data {
        bytes: bytes.clone(),
        checksum: true,
    };
    println!("100 kB by serde -> {:?}", ipc.call(data)?);
    let shared = Request::Shared {
        memory: IpcSharedMemory::from_bytes(&bytes),
        checksum: true,
    };
    println!("100 kB in shared memory -> {:?}", ipc.call(shared)?);
    println!("hung up; the worker ended with {}", ipc.shut_down()?);

    let buffers: Vec<Vec<u8>> = (1..=4u8).map(|n| vec![n; 250_000]).collect();
    let sums = fan_out(&worker, &buffers)?;
    println!("\nfour workers, one buffer each, answers collected with an IpcReceiverSet:");
    for (n, sum) in sums.iter().enumerate() {
        println!("  buffer {n}: checksum {sum:#018x}");
    }
    Ok(())
}

//! The lesson's program: a parent that talks to copies of itself through each mechanism.
//!
//! `cargo run -p lesson-04-ipc` starts it as the parent. It starts a worker (a copy of
//! its own executable with `--worker TASK`) for each mechanism, sends it a ping and a
//! megabyte, checks the answers, and shuts it down. The tests and benchmarks start this
//! same program as their worker, through `CARGO_BIN_EXE_lesson-04-ipc`.

use std::io;
use std::process::ExitCode;

use ipc_lesson::ipc::{IpcWorker, Reply, Request};
use ipc_lesson::pipe::PipeWorker;
use ipc_lesson::protocol::checksum;
use ipc_lesson::ring::RingWorker;
use ipc_lesson::shm;
use ipc_lesson::worker::{self, Worker};

// ANCHOR: main
fn main() -> ExitCode {
    // First: am I a worker? Then this call does the task and exits.
    worker::serve_if_worker();

    match talk_to_workers() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn talk_to_workers() -> io::Result<()> {
    let worker = Worker::current_exe()?;
    let megabyte: Vec<u8> = (0..1 << 20).map(|i| (i % 251) as u8).collect();
    let expected = (megabyte.len() as u64, Some(checksum(&megabyte)));

    let mut pipe = PipeWorker::start(&worker)?;
    println!(
        "pipe: worker {} answered ping 1 with {}",
        pipe.pid(),
        pipe.ping(1)?
    );
    assert_eq!(pipe.send_bulk(&megabyte, true)?, expected);
    println!(
        "pipe: a megabyte arrived intact; shut down: {}",
        pipe.shut_down()?
    );

    let ipc = IpcWorker::start(&worker)?;
    println!(
        "ipc-channel: worker {} answered {:?}",
        ipc.pid(),
        ipc.call(Request::Ping(2))?
    );
    let reply = ipc.call(Request::Data {
        bytes: megabyte.clone(),
        checksum: true,
    })?;
    assert_eq!(
        reply,
        Reply::Received {
            len: expected.0,
            checksum: expected.1
        }
    );
    println!(
        "ipc-channel: a megabyte arrived intact; shut down: {}",
        ipc.shut_down()?
    );

    let mut ring = RingWorker::start(&worker)?;
    println!(
        "shared memory ring: worker {} answered ping 3 with {}",
        ring.pid(),
        ring.ping(3)?
    );
    assert_eq!(ring.send_bulk(&megabyte, true)?, expected);
    println!(
        "shared memory ring: a megabyte arrived intact; shut down: {}",
        ring.shut_down()?
    );

    let os_id = shm::unique_os_id("counter");
    let total = shm::count_in_processes(&worker, &os_id, 4, 100_000, false)?;
    println!("shared counter: 4 processes added 100000 each, total {total}");
    let left = shm::leftovers_of(std::process::id());
    println!("left in /dev/shm by this program: {left:?}");
    Ok(())
}
// ANCHOR_END: main

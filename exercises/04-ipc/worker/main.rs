//! Given: the worker program of exercise 04. Your code starts it; you do not need to change
//! it. Cargo builds it as this crate's binary, and the checks find it through
//! `CARGO_BIN_EXE_...`.
//!
//! ```text
//! WORKER TASK [ARGS...]
//!
//!   echo-frames               read frames (a little-endian u32 length, then the bytes) on
//!                             stdin and write each back on stdout, until end of file
//!   ipc SERVER                connect to the ipc-channel one-shot server SERVER, send a
//!                             `Hello` with a request sender and a reply receiver, answer
//!                             requests until the parent hangs up
//!   hang [ANY...]             wait forever, until killed
//!   exit CODE [ANY...]        exit with CODE at once
//!   count OS_ID TIMES         open the shared memory segment OS_ID, check that its
//!                             `CounterBlock` is set up (MAGIC), add 1 to the count TIMES times
//!   crash-halfway OS_ID TIMES the same, but abort after TIMES / 2
//!   ring-sink OS_ID MODE      receive payloads from the ring in segment OS_ID with your
//!                             `Consumer::pop`, answer each on stdout (`LEN CHECKSUM`, or
//!                             `LEN -` if MODE is `length`), until the ring is closed
//!   pipe-sink                 the same, on stdin (`LEN -`), until end of file
//! ```
//!
//! Its framing (for `echo-frames`) and its opening of the counter's segment are its own,
//! not yours: the checks test your code against this independent implementation.

use std::io::{self, BufWriter, Read, Write};
use std::mem::size_of;
use std::process::{self, ExitCode};
use std::thread;

use ipc_channel::IpcError;
use ipc_channel::ipc::{self, IpcSender};
use ipc_exercise::layout::{CounterBlock, MAGIC};
use ipc_exercise::links::{pipe_sink, ring_sink};
use ipc_exercise::messages::{Hello, Reply, Request, checksum};
use shared_memory::ShmemConf;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let outcome = match words.as_slice() {
        ["echo-frames"] => echo_frames(),
        ["ipc", server] => serve_ipc(server),
        ["hang", ..] => loop {
            thread::park(); // `park` may wake up spuriously: park again
        },
        ["exit", code, ..] => match code.parse::<u8>() {
            Ok(code) => return ExitCode::from(code),
            Err(_) => return refuse(&format!("`{code}` is not an exit code")),
        },
        ["count", os_id, times] => count(os_id, times, false),
        ["crash-halfway", os_id, times] => count(os_id, times, true),
        ["ring-sink", os_id, mode @ ("checksum" | "length")] => {
            let mut acks = io::stdout().lock();
            ring_sink(os_id, *mode == "checksum", &mut acks)
        }
        ["pipe-sink"] => pipe_sink(&mut io::stdin().lock(), &mut io::stdout().lock()),
        _ => return refuse(&format!("unknown task {words:?}")),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("worker {}: {error}", process::id());
            ExitCode::FAILURE
        }
    }
}

/// Exit code 2 and a reason, for arguments the worker does not understand.
fn refuse(why: &str) -> ExitCode {
    eprintln!("worker: {why}");
    ExitCode::from(2)
}

fn echo_frames() -> io::Result<()> {
    let mut input = io::stdin().lock();
    let mut output = BufWriter::new(io::stdout().lock());
    loop {
        let mut len = [0u8; 4];
        match input.read_exact(&mut len) {
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(()),
            other => other?,
        }
        let mut frame = vec![0u8; u32::from_le_bytes(len) as usize];
        input.read_exact(&mut frame)?;
        output.write_all(&len)?;
        output.write_all(&frame)?;
        output.flush()?;
    }
}

fn serve_ipc(server: &str) -> io::Result<()> {
    let other = |e: IpcError| io::Error::other(e.to_string());
    let (requests, incoming) = ipc::channel::<Request>()?;
    let (outgoing, replies) = ipc::channel::<Reply>()?;
    let parent = IpcSender::<Hello>::connect(server.to_owned())?;
    parent
        .send(Hello {
            pid: process::id(),
            requests,
            replies,
        })
        .map_err(other)?;
    loop {
        let reply = match incoming.recv() {
            Ok(Request::Square(n)) => Reply::Square(n.wrapping_mul(n)),
            Ok(Request::Checksum(memory)) => Reply::Checksum(checksum(&memory)),
            Ok(Request::Crash) => process::abort(),
            Err(IpcError::Disconnected) => return Ok(()),
            Err(error) => return Err(other(error)),
        };
        outgoing.send(reply).map_err(other)?;
    }
}

fn count(os_id: &str, times: &str, crash_halfway: bool) -> io::Result<()> {
    let times: u64 = times
        .parse()
        .map_err(|_| io::Error::other(format!("`{times}` is not a number")))?;
    let segment = ShmemConf::new()
        .os_id(os_id)
        .open()
        .map_err(|e| io::Error::other(format!("cannot open {os_id}: {e}")))?;
    let ptr = segment.as_ptr().cast::<CounterBlock>();
    if segment.len() < size_of::<CounterBlock>() || !ptr.is_aligned() {
        return Err(io::Error::other(format!(
            "{os_id} cannot hold a CounterBlock"
        )));
    }
    // SAFETY: large enough and aligned (checked); any bytes are a valid `CounterBlock`
    // (atomics); every process changes it only through atomics; `block` does not outlive
    // `segment`.
    let block = unsafe { &*ptr };
    if block.magic.load(std::sync::atomic::Ordering::Acquire) != MAGIC {
        return Err(io::Error::other(format!(
            "{os_id} is not set up: its creator must store MAGIC in `magic` (Release)"
        )));
    }
    for done in 0..times {
        if crash_halfway && done == times / 2 {
            process::abort();
        }
        block
            .count
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
    Ok(())
}

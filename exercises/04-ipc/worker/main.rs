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
//!   ipc-after MS SERVER       the same, but only after MS milliseconds: a slow starter
//!   note FILE TASK [ARGS...]  write the last argument into FILE, then do TASK [ARGS...]
//!   hang [ANY...]             wait forever, until killed
//!   exit CODE [ANY...]        exit with CODE at once
//!   count OS_ID TIMES         open the shared memory segment OS_ID, check that its
//!                             `CounterBlock` is set up (MAGIC), add 1 to the count TIMES times
//!   crash-halfway OS_ID TIMES the same, but abort after TIMES / 2
//!   count-by STEP OS_ID TIMES the same as `count`, but add STEP each time
//!   together N OS_ID TIMES    add 1 to the count, wait until it reaches N (N workers run at
//!                             once), then count as `count` does: N + N * TIMES in all.
//!                             Exit code 3 if the others do not come within 5 seconds
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
use std::time::{Duration, Instant};

use ipc_channel::IpcError;
use ipc_channel::ipc::{self, IpcSender};
use ipc_exercise::layout::{CounterBlock, MAGIC};
use ipc_exercise::links::{pipe_sink, ring_sink};
use ipc_exercise::messages::{Hello, Reply, Request, checksum};
use shared_memory::ShmemConf;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut words: Vec<&str> = args.iter().map(String::as_str).collect();
    if let ["note", file, _, ..] = words.as_slice() {
        // Tell the check our last argument (the server name `start` gave us), then go on
        // with the task after FILE.
        let last = words.last().copied().unwrap_or_default();
        if let Err(error) = std::fs::write(file, last) {
            return refuse(&format!("cannot write {file}: {error}"));
        }
        words.drain(..2);
    }
    let outcome = match words.as_slice() {
        ["echo-frames"] => echo_frames(),
        ["ipc", server] => serve_ipc(server),
        ["ipc-after", millis, server] => match millis.parse() {
            Ok(millis) => {
                thread::sleep(Duration::from_millis(millis));
                serve_ipc(server)
            }
            Err(_) => return refuse(&format!("`{millis}` is not a number of ms")),
        },
        ["hang", ..] => loop {
            thread::park(); // `park` may wake up spuriously: park again
        },
        ["exit", code, ..] => match code.parse::<u8>() {
            Ok(code) => return ExitCode::from(code),
            Err(_) => return refuse(&format!("`{code}` is not an exit code")),
        },
        ["count", os_id, times] => count(os_id, times, Counting::Plain),
        ["crash-halfway", os_id, times] => count(os_id, times, Counting::CrashHalfway),
        ["count-by", step, os_id, times] => match step.parse() {
            Ok(step) => count(os_id, times, Counting::By(step)),
            Err(_) => return refuse(&format!("`{step}` is not a step")),
        },
        ["together", workers, os_id, times] => match workers.parse() {
            Ok(workers) => count(os_id, times, Counting::Together(workers)),
            Err(_) => return refuse(&format!("`{workers}` is not a number of workers")),
        },
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

/// How a `count` worker adds to the count.
#[derive(Clone, Copy)]
enum Counting {
    /// 1, TIMES times.
    Plain,
    /// 1, TIMES / 2 times, then abort.
    CrashHalfway,
    /// STEP, TIMES times.
    By(u64),
    /// 1 on arrival, then wait for N workers in all, then 1, TIMES times.
    Together(u64),
}

fn count(os_id: &str, times: &str, counting: Counting) -> io::Result<()> {
    use std::sync::atomic::Ordering::{Acquire, Relaxed};
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
    if block.magic.load(Acquire) != MAGIC {
        return Err(io::Error::other(format!(
            "{os_id} is not set up: its creator must store MAGIC in `magic` (Release)"
        )));
    }
    let step = match counting {
        Counting::By(step) => step,
        _ => 1,
    };
    if let Counting::Together(workers) = counting {
        // The workers meet: each adds 1 on arrival, and none goes on before all have
        // arrived. A parent that waits for each worker before starting the next never
        // gets them all at once.
        block.count.fetch_add(1, Relaxed);
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let arrived = block.count.load(Relaxed);
            if arrived >= workers {
                break;
            }
            if Instant::now() > deadline {
                eprintln!(
                    "worker {}: waited 5 s for {workers} workers to run at once, but only \
                     {arrived} did: start every worker before waiting for any",
                    process::id()
                );
                process::exit(3);
            }
            thread::sleep(Duration::from_millis(1));
        }
    }
    for done in 0..times {
        if matches!(counting, Counting::CrashHalfway) && done == times / 2 {
            process::abort();
        }
        block.count.fetch_add(step, Relaxed);
    }
    Ok(())
}

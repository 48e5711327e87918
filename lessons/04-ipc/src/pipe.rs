//! A worker process spoken to through its stdin and stdout: two pipes, framed messages.
//!
//! `Stdio::piped()` gives the parent the write end of the child's stdin and the read end
//! of its stdout (lesson 03). On those two pipes, parent and worker speak
//! [`crate::protocol`]: a request frame, a reply frame. Three things make it work:
//!
//! - **Buffering and flushing.** The parent writes through a `BufWriter`, so that a
//!   frame's 4-byte length and its body go down the pipe in one `write` call, and flushes
//!   once the request is complete: the worker is waiting for it. The worker flushes each
//!   reply for the same reason.
//! - **One request, then its reply.** A pipe holds 64 KiB on Linux. A parent that wrote
//!   many large requests before reading any reply would fill the request pipe while the
//!   worker blocks writing replies that nobody reads: both wait forever. Here every
//!   request waits for its reply.
//! - **End of file as the shutdown.** [`PipeWorker::shut_down`] closes the parent's end of
//!   the worker's stdin. The worker reads end of file between two frames, returns from
//!   [`crate::protocol::serve`] and exits 0; the parent reaps it. A worker that dies is
//!   seen the same way from the other side: end of file where a reply should be, an
//!   error, not a hang.
//!
//! How much a pipe holds matters for large messages: with 64 KiB, a megabyte costs the
//! writer 16 waits for the reader, each a pair of context switches.
//! [`PipeWorker::start_with_capacity`] asks Linux for bigger pipes.
//!
//! Everything that crosses a pipe is copied twice: from the writer into the kernel's pipe
//! buffer, and from there into the reader. `benches/ipc.rs` measures what that costs.

use std::io::{self, BufReader, BufWriter};
use std::process::{ChildStdin, ChildStdout, ExitStatus, Stdio};

use processes_lesson::lifecycle::ChildGuard;

use crate::protocol::{self, Client};
use crate::worker::{Task, Worker};

// ANCHOR: pipe_worker
/// A worker process and the parent's ends of its stdin and stdout.
pub struct PipeWorker {
    client: Client<BufReader<ChildStdout>, BufWriter<ChildStdin>>,
    // Declared last, so dropped last: the pipes are closed first, then the guard kills
    // and reaps the worker (if `shut_down` has not already reaped it).
    child: ChildGuard,
}

impl PipeWorker {
    /// Starts the worker ([`Task::Pipe`]) with its stdin and stdout piped.
    pub fn start(worker: &Worker) -> io::Result<PipeWorker> {
        PipeWorker::start_with(worker, None)
    }

    /// Starts the worker with pipes that hold `capacity` bytes each instead of the
    /// default 64 KiB (Linux: `fcntl(F_SETPIPE_SZ)`; an unprivileged process may ask for
    /// up to `/proc/sys/fs/pipe-max-size`, 1 MiB unless changed). Larger pipes mean fewer
    /// trips through the kernel per megabyte: the writer blocks, and both sides switch,
    /// once per pipe-full.
    #[cfg(target_os = "linux")]
    pub fn start_with_capacity(worker: &Worker, capacity: usize) -> io::Result<PipeWorker> {
        PipeWorker::start_with(worker, Some(capacity))
    }

    fn start_with(worker: &Worker, capacity: Option<usize>) -> io::Result<PipeWorker> {
        let mut child = ChildGuard::spawn(
            worker
                .command(&Task::Pipe)
                .stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit()),
        )?;
        let requests = child.stdin.take().expect("stdin is piped");
        let replies = child.stdout.take().expect("stdout is piped");
        if let Some(capacity) = capacity {
            set_capacity(&requests, capacity)?;
            set_capacity(&replies, capacity)?;
        }
        Ok(PipeWorker {
            client: Client::new(BufReader::new(replies), BufWriter::new(requests)),
            child,
        })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// One round trip through both pipes.
    pub fn ping(&mut self, n: u64) -> io::Result<u64> {
        self.client.ping(n)
    }

    /// Sends `payload` through the worker's stdin; returns what it says it received.
    pub fn send_bulk(&mut self, payload: &[u8], checksum: bool) -> io::Result<(u64, Option<u64>)> {
        self.client.send_bulk(payload, checksum)
    }

    /// Closes the worker's stdin, which tells it to stop, and reaps it.
    pub fn shut_down(self) -> io::Result<ExitStatus> {
        let PipeWorker { client, mut child } = self;
        let (replies, requests) = client.into_parts();
        // `into_inner` flushes what is buffered; dropping the `ChildStdin` closes the pipe.
        drop(requests.into_inner().map_err(|e| e.into_error())?);
        drop(replies);
        child.wait()
    }
}
// ANCHOR_END: pipe_worker

// ANCHOR: capacity
/// Resizes the pipe `end` belongs to (either end: it is one pipe).
#[cfg(target_os = "linux")]
fn set_capacity(end: &impl std::os::fd::AsFd, bytes: usize) -> io::Result<()> {
    use nix::fcntl::{FcntlArg, fcntl};
    let bytes = i32::try_from(bytes).map_err(|_| io::Error::other("pipe capacity too large"))?;
    fcntl(end, FcntlArg::F_SETPIPE_SZ(bytes))?;
    Ok(())
}
// ANCHOR_END: capacity

#[cfg(not(target_os = "linux"))]
fn set_capacity(_end: &impl std::os::fd::AsFd, _bytes: usize) -> io::Result<()> {
    unreachable!("only `start_with_capacity` asks for a capacity, and it is Linux-only")
}

/// The worker's side ([`Task::Pipe`]): serve on this process's stdin and stdout.
pub fn serve_stdio() -> io::Result<()> {
    // Locked once: every read and write then skips std's lock, and the `BufWriter` makes
    // a reply one `write` call.
    let mut input = io::stdin().lock();
    let mut output = BufWriter::new(io::stdout().lock());
    protocol::serve(&mut input, &mut output)
}

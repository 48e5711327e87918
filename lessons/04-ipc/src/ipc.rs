//! Typed channels between processes with ipc-channel: a one-shot server to find each
//! other, channels sent over channels, shared memory for large buffers, and one parent
//! listening to several workers at once.
//!
//! [ipc-channel](https://docs.rs/ipc-channel) gives processes what `std::sync::mpsc` gives
//! threads: `IpcSender<T>` and `IpcReceiver<T>` for any `T` that serde can serialize. On
//! Linux a channel is a pair of Unix sockets, and each message is serialized with postcard,
//! sent, and deserialized on the other side. What makes it more than a pipe with serde:
//!
//! - **Bootstrapping.** A child needs a first channel to its parent. The parent makes an
//!   `IpcOneShotServer`, which has a name (a socket's path), and passes the name to the
//!   child on its command line; the child `connect`s an `IpcSender` to that name and sends
//!   one message; the parent's `accept` returns that message and an `IpcReceiver` for any
//!   more. [`bootstrap`] does this with a deadline, because `accept` alone waits forever
//!   for a child that died before connecting.
//! - **Channels travel over channels.** An `IpcSender` or `IpcReceiver` inside a message
//!   arrives as a working channel in the other process (its socket is passed along). The
//!   worker's first message, [`Hello`], carries the sender for requests and the receiver
//!   for replies: after it, parent and worker have a private pair of channels.
//! - **Shared memory.** `IpcSharedMemory::from_bytes` copies a buffer into a new shared
//!   memory region (a `memfd` on Linux); sending it passes the region, not its bytes, and
//!   the receiver maps the same pages. Large buffers skip serialization.
//! - **Several workers.** `IpcReceiverSet` waits on many receivers at once and says which
//!   one has a message, or which one was closed: [`fan_out`] gives each worker a job and
//!   collects the answers in the order they come.
//!
//! Shutdown is a channel closing: the worker's `recv` returns `Disconnected` once the
//! parent has dropped its sender, and it exits. A worker that dies closes its end too, so
//! the parent's `recv` returns an error instead of waiting forever.

use std::collections::HashMap;
use std::io;
use std::process::{ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crossbeam::channel::{self, RecvTimeoutError};
use ipc_channel::IpcError;
use ipc_channel::ipc::{
    self, IpcOneShotServer, IpcReceiver, IpcReceiverSet, IpcSelectionResult, IpcSender,
    IpcSharedMemory,
};
use processes_lesson::lifecycle::ChildGuard;
use serde::{Deserialize, Serialize};

use crate::protocol::checksum;
use crate::worker::{Task, Worker};

/// How long [`IpcWorker::start`] waits for a worker to connect.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

// ANCHOR: messages
/// The first message of a worker: who it is, and the two channels to talk to it.
#[derive(Debug, Serialize, Deserialize)]
pub struct Hello {
    pub pid: u32,
    /// The parent sends requests here.
    pub requests: IpcSender<Request>,
    /// The parent reads the replies here: a receiver, sent to the parent by the worker.
    pub replies: IpcReceiver<Reply>,
}

/// What the parent asks an ipc worker.
#[derive(Debug, Serialize, Deserialize)]
pub enum Request {
    /// Answer [`Reply::Pong`] with the same number.
    Ping(u64),
    /// Bytes serialized into the message by serde: one `u8` at a time. Answer
    /// [`Reply::Received`], with the bytes' checksum if asked.
    Data { bytes: Vec<u8>, checksum: bool },
    /// Bytes in a shared memory region: only the region travels. Answer
    /// [`Reply::Received`], with the bytes' checksum if asked.
    Shared {
        memory: IpcSharedMemory,
        checksum: bool,
    },
}

/// What an ipc worker answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reply {
    Pong(u64),
    Received { len: u64, checksum: Option<u64> },
}
// ANCHOR_END: messages

// ANCHOR: serve
/// The worker's side ([`Task::Ipc`]): connect to the parent's one-shot server, introduce
/// ourselves with our channels, and answer requests until the parent hangs up.
pub fn serve(server: &str) -> io::Result<()> {
    let (requests, incoming) = ipc::channel::<Request>()?;
    let (outgoing, replies) = ipc::channel::<Reply>()?;
    let parent = IpcSender::<Hello>::connect(server.to_owned())?;
    parent
        .send(Hello {
            pid: std::process::id(),
            requests,
            replies,
        })
        .map_err(io_error)?;
    loop {
        let request = match incoming.recv() {
            Ok(request) => request,
            // Every sender of our requests is gone: the parent hung up (or died).
            Err(IpcError::Disconnected) => return Ok(()),
            Err(error) => return Err(io_error(error)),
        };
        let reply = match request {
            Request::Ping(n) => Reply::Pong(n),
            Request::Data {
                bytes,
                checksum: wanted,
            } => Reply::Received {
                len: bytes.len() as u64,
                checksum: wanted.then(|| checksum(&bytes)),
            },
            // The region derefs to the bytes: they are read where they are.
            Request::Shared {
                memory,
                checksum: wanted,
            } => Reply::Received {
                len: memory.len() as u64,
                checksum: wanted.then(|| checksum(&memory)),
            },
        };
        outgoing.send(reply).map_err(io_error)?;
    }
}
// ANCHOR_END: serve

// ANCHOR: bootstrap
/// Starts the worker and waits for its [`Hello`] through a one-shot server, for at most
/// `timeout`. If the worker exits or the time runs out before it says hello, the worker is
/// killed and reaped and the error says which.
///
/// `IpcOneShotServer::accept` blocks until some process connects, with no timeout, so it
/// runs on a thread of its own while this thread watches the child and the clock. When
/// giving up, we unblock that thread by connecting to the server ourselves and hanging up
/// at once: `accept` then returns an error, and the thread ends.
pub fn bootstrap(worker: &Worker, timeout: Duration) -> io::Result<(ChildGuard, Hello)> {
    let (server, name) = IpcOneShotServer::<Hello>::new()?;
    let mut child = ChildGuard::spawn(
        worker
            .command(&Task::Ipc {
                server: name.clone(),
            })
            .stdin(Stdio::null())
            .stderr(Stdio::inherit()),
    )?;
    let (accepted, hello) = channel::bounded(1);
    let acceptor = thread::spawn(move || {
        // The receiver of further messages on the bootstrap channel is not needed.
        let _ = accepted.send(server.accept().map(|(_, hello)| hello));
    });

    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_millis(1);
    let failure = loop {
        match hello.recv_timeout(pause) {
            Ok(Ok(hello)) => {
                acceptor.join().expect("the acceptor thread does not panic");
                return Ok((child, hello));
            }
            Ok(Err(error)) => break io_error(error),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => unreachable!("the acceptor always sends"),
        }
        if let Some(status) = child.try_wait()? {
            break io::Error::other(format!("the worker ended ({status}) before connecting"));
        }
        if Instant::now() >= deadline {
            break io::Error::new(
                io::ErrorKind::TimedOut,
                format!("the worker did not connect within {timeout:?}"),
            );
        }
        pause = (pause * 2).min(Duration::from_millis(20));
    };
    // Giving up: a worker that connected but never sent its hello is killed, which ends
    // `accept`'s wait for that message; a worker that never connected is replaced by us.
    child.kill_and_reap()?;
    if let Ok(stand_in) = IpcSender::<Hello>::connect(name) {
        drop(stand_in);
    }
    acceptor.join().expect("the acceptor thread does not panic");
    Err(failure)
}
// ANCHOR_END: bootstrap

// ANCHOR: ipc_worker
/// A worker process and the parent's ends of its two channels.
pub struct IpcWorker {
    pid: u32,
    requests: IpcSender<Request>,
    replies: IpcReceiver<Reply>,
    // Last, so dropped last: the channels close first, then the guard kills and reaps.
    child: ChildGuard,
}

impl IpcWorker {
    /// Starts a worker and connects to it ([`bootstrap`], [`CONNECT_TIMEOUT`]).
    pub fn start(worker: &Worker) -> io::Result<IpcWorker> {
        let (child, hello) = bootstrap(worker, CONNECT_TIMEOUT)?;
        Ok(IpcWorker {
            pid: hello.pid,
            requests: hello.requests,
            replies: hello.replies,
            child,
        })
    }

    /// The pid the worker gave in its hello.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Sends `request` and waits for the reply. A worker that died is an error: its end of
    /// the reply channel closed with it.
    pub fn call(&self, request: Request) -> io::Result<Reply> {
        self.requests.send(request).map_err(io_error)?;
        self.replies.recv().map_err(io_error)
    }

    /// Hangs up (drops the sender, so the worker's `recv` says `Disconnected`) and reaps
    /// the worker.
    pub fn shut_down(self) -> io::Result<ExitStatus> {
        let IpcWorker {
            requests,
            replies,
            mut child,
            ..
        } = self;
        drop(requests);
        drop(replies);
        child.wait()
    }
}
// ANCHOR_END: ipc_worker

// ANCHOR: fan_out
/// Checksums each of `buffers` on a worker process of its own, the buffers passed as
/// shared memory, and waits for the answers with one `IpcReceiverSet`: they are taken in
/// the order they arrive, whichever worker is first. Returns the checksums in the order of
/// `buffers`. Every worker is reaped before this returns, on the error paths too.
pub fn fan_out(worker: &Worker, buffers: &[Vec<u8>]) -> io::Result<Vec<u64>> {
    let mut workers = Vec::new();
    let mut set = IpcReceiverSet::new()?;
    // The set numbers its receivers; remember which number is which buffer.
    let mut buffer_of = HashMap::new();
    for (index, bytes) in buffers.iter().enumerate() {
        let (child, hello) = bootstrap(worker, CONNECT_TIMEOUT)?;
        let id = set.add(hello.replies)?;
        buffer_of.insert(id, index);
        let memory = IpcSharedMemory::from_bytes(bytes);
        hello
            .requests
            .send(Request::Shared {
                memory,
                checksum: true,
            })
            .map_err(io_error)?;
        // Keep the sender: dropping it now would tell the worker to stop.
        workers.push((hello.requests, child));
    }

    let mut checksums = vec![None; buffers.len()];
    let mut waiting = buffers.len();
    while waiting > 0 {
        for event in set.select()? {
            match event {
                IpcSelectionResult::MessageReceived(id, message) => {
                    let index = buffer_of[&id];
                    match message.to::<Reply>().map_err(io_error)? {
                        Reply::Received {
                            checksum: Some(sum),
                            ..
                        } => checksums[index] = Some(sum),
                        other => return Err(io_error(format!("unexpected reply {other:?}"))),
                    }
                    waiting -= 1;
                }
                // A worker closed its replies before answering: it died.
                IpcSelectionResult::ChannelClosed(id) if checksums[buffer_of[&id]].is_none() => {
                    let index = buffer_of[&id];
                    return Err(io_error(format!("the worker of buffer {index} died")));
                }
                // A worker that answered, then stopped: nothing more to hear from it.
                IpcSelectionResult::ChannelClosed(_) => {}
            }
        }
    }
    // Hang up on every worker, then reap each: it sees `Disconnected` and exits 0.
    for (requests, mut child) in workers {
        drop(requests);
        child.wait()?;
    }
    Ok(checksums
        .into_iter()
        .map(|sum| sum.expect("every worker answered"))
        .collect())
}
// ANCHOR_END: fan_out

fn io_error(error: impl ToString) -> io::Error {
    io::Error::other(error.to_string())
}

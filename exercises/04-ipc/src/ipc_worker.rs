//! Task `ipc-worker`: start a worker process, find each other through an ipc-channel
//! one-shot server, and call it, with a deadline on every wait that could last forever.

use std::io;
use std::process::{ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use crossbeam::channel::{self, RecvTimeoutError};
use ipc_channel::ipc::{IpcOneShotServer, IpcReceiver, IpcSender};

use crate::child::ChildGuard;
use crate::messages::{Hello, Reply, Request};
use crate::worker::Worker;

/// A worker process and the parent's ends of its two channels.
pub struct IpcWorker {
    pid: u32,
    requests: IpcSender<Request>,
    replies: IpcReceiver<Reply>,
    // Last, so dropped last: the channels close first, then the guard kills and reaps.
    child: ChildGuard,
}

impl IpcWorker {
    /// Starts `worker` with one more argument, the name of a one-shot server, and waits at
    /// most `timeout` for its [`Hello`]. If the worker ends before saying hello, that is
    /// an error at once; if the time runs out, an `ErrorKind::TimedOut` error. Either way
    /// the worker is killed and reaped, and no thread of this call is left, before this
    /// returns. It waits by blocking, not by spinning: the CPU stays free meanwhile.
    pub fn start(worker: &Worker, timeout: Duration) -> io::Result<IpcWorker> {
        // Write `start` here:
        // 1. `let (server, name) = IpcOneShotServer::<Hello>::new()?;` and start the worker
        //    with `name` as one more argument, in a `ChildGuard` (stdin `Stdio::null()`).
        // 2. `server.accept()` returns `(receiver, hello)` once the worker has connected and
        //    sent its `Hello`, but it blocks with no timeout. Run it on a thread of its own
        //    that sends the result through a crossbeam channel (`channel::bounded(1)`).
        // 3. Here, loop: `hello.recv_timeout(Duration::from_millis(2))`; between two looks,
        //    `child.try_wait()?` (`Some`: it ended before connecting, an error at once) and
        //    the deadline (`ErrorKind::TimedOut`).
        // 4. On success, join the thread and keep the `Hello`'s channels and pid. On
        //    failure, `child.kill_and_reap()?`, then unblock `accept` by connecting to the
        //    server yourself and hanging up: `drop(IpcSender::<Hello>::connect(name))`;
        //    join the thread; return the error.
        // APIs: https://docs.rs/ipc-channel/latest/ipc_channel/ipc/struct.IpcOneShotServer.html
        //       https://docs.rs/crossbeam/latest/crossbeam/channel/struct.Receiver.html#method.recv_timeout
        todo!("bootstrap the worker through a one-shot server, with a deadline")
    }

    /// The pid the worker gave in its hello.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Sends `request` and waits for the reply; an error if the worker died.
    pub fn call(&self, request: Request) -> io::Result<Reply> {
        // `self.requests.send(request)`, then `self.replies.recv()`; their errors become
        // `io::Error::other(error.to_string())`. A dead worker's channel is closed: `recv`
        // then returns an error rather than waiting.
        todo!("send the request, receive the reply")
    }

    /// Hangs up, so that the worker's `recv` says `Disconnected` and it exits, and reaps
    /// it; returns how it ended.
    pub fn shut_down(self) -> io::Result<ExitStatus> {
        // Drop both channels (the worker's `recv` then says `Disconnected`, and it exits
        // with code 0), then `wait` for the child and return its status.
        todo!("hang up and reap the worker")
    }
}

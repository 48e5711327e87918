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
        let (server, name) = IpcOneShotServer::<Hello>::new()?;
        let mut child = ChildGuard::spawn(worker.command().arg(&name).stdin(Stdio::null()))?;
        let (accepted, hello) = channel::bounded(1);
        let acceptor = thread::spawn(move || {
            let _ = accepted.send(server.accept().map(|(_, hello)| hello));
        });
        let deadline = Instant::now() + timeout;
        let failure = loop {
            match hello.recv_timeout(Duration::from_millis(2)) {
                Ok(Ok(hello)) => {
                    acceptor.join().expect("the acceptor does not panic");
                    return Ok(IpcWorker {
                        pid: hello.pid,
                        requests: hello.requests,
                        replies: hello.replies,
                        child,
                    });
                }
                Ok(Err(error)) => break io::Error::other(error.to_string()),
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
        };
        // Unblock `accept`: a worker that connected and hangs is killed (its socket
        // closes); one that never connected is stood in for by us, hanging up at once.
        child.kill_and_reap()?;
        drop(IpcSender::<Hello>::connect(name));
        acceptor.join().expect("the acceptor does not panic");
        Err(failure)
    }

    /// The pid the worker gave in its hello.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Sends `request` and waits for the reply; an error if the worker died.
    pub fn call(&self, request: Request) -> io::Result<Reply> {
        self.requests
            .send(request)
            .map_err(|e| io::Error::other(e.to_string()))?;
        self.replies
            .recv()
            .map_err(|e| io::Error::other(e.to_string()))
    }

    /// Hangs up, so that the worker's `recv` says `Disconnected` and it exits, and reaps
    /// it; returns how it ended.
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

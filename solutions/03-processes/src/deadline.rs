//! Task `deadline`: run a worker, but kill it if it runs longer than allowed.
//!
//! `std` has no "wait, but at most this long", so the worker is polled with `try_wait`,
//! with pauses that grow from 1 ms to [`MAX_PAUSE`] and never overshoot the deadline.
//! Only `try_wait` and `wait` reap the worker, so until one of them has, its pid cannot be
//! reused, and `kill` can only reach this worker.

use std::io::{self, Read};
use std::process::{Child, ExitStatus, Stdio};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use crate::run::{Output, RunError, outcome};
use crate::worker::Worker;

/// The longest pause between two looks at the worker.
const MAX_PAUSE: Duration = Duration::from_millis(10);

/// Runs `worker` like [`crate::run`], but for at most `timeout`: a worker still running
/// then is killed and reported as [`RunError::TimedOut`]. A worker that ends sooner is
/// reported as soon as it ends, not at the deadline. Waiting uses no CPU: between two
/// looks at the worker, the thread sleeps. When this returns, the worker is not running
/// and has been reaped, whatever the outcome.
///
/// The worker's output is read until its pipes close, which happens when it ends, unless
/// it passed them on to processes of its own that outlive it: those would keep this
/// function waiting.
pub fn run_with_deadline(worker: &Worker, timeout: Duration) -> Result<Output, RunError> {
    let deadline = Instant::now() + timeout;
    let mut child = worker
        .command()
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(RunError::Spawn)?;
    let pid = child.id();
    // Both pipes are drained while we wait: a worker that filled a pipe nobody reads would
    // block on its next write and never end.
    let stdout = read_on_a_thread(child.stdout.take());
    let stderr = read_on_a_thread(child.stderr.take());

    let ended = wait_until(&mut child, deadline);
    let status = match ended {
        Ok(Some(status)) => Ok(status),
        // Too late, or waiting failed: kill (which only sends SIGKILL), then reap.
        Ok(None) | Err(_) => {
            let _ = child.kill();
            child.wait()
        }
    };
    // The worker has ended now, so its pipes are closed and the readers finish.
    let stdout = collect(stdout);
    let stderr = collect(stderr);

    let status = status.map_err(RunError::Io)?;
    match ended {
        Ok(Some(_)) => outcome(pid, status, &stdout?, &stderr?),
        Ok(None) => Err(RunError::TimedOut { pid, timeout }),
        Err(error) => Err(RunError::Io(error)),
    }
}

/// Waits for `child` to end, but not past `deadline`: its status if it ended in time (it
/// is reaped then), `None` if it was still running at the deadline.
fn wait_until(child: &mut Child, deadline: Instant) -> io::Result<Option<ExitStatus>> {
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        let now = Instant::now();
        if now >= deadline {
            return Ok(None);
        }
        thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(MAX_PAUSE);
    }
}

/// Reads `pipe` to its end on a new thread.
fn read_on_a_thread<R>(pipe: Option<R>) -> JoinHandle<io::Result<Vec<u8>>>
where
    R: Read + Send + 'static,
{
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            pipe.read_to_end(&mut bytes)?;
        }
        Ok(bytes)
    })
}

fn collect(reader: JoinHandle<io::Result<Vec<u8>>>) -> Result<Vec<u8>, RunError> {
    reader
        .join()
        .expect("reading a pipe does not panic")
        .map_err(RunError::Io)
}

//! Task `deadline`: run a worker, but kill it if it runs longer than allowed.

use std::time::Duration;

use crate::run::{Output, RunError};
use crate::worker::Worker;

/// Runs `worker` like [`crate::run`], but for at most `timeout`: a worker still running
/// then is killed and reported as [`RunError::TimedOut`]. A worker that ends sooner is
/// reported as soon as it ends, not at the deadline. Waiting uses no CPU: between two
/// looks at the worker, the thread sleeps. When this returns, the worker is not running
/// and has been reaped, whatever the outcome.
pub fn run_with_deadline(worker: &Worker, timeout: Duration) -> Result<Output, RunError> {
    // Write `run_with_deadline` here:
    // 1. Spawn the worker with stdout and stderr piped, as in `run`, and note the deadline:
    //    `Instant::now() + timeout`.
    // 2. Read both pipes on threads of their own (`child.stdout.take()`, then
    //    `read_to_end` on a spawned thread, and the same for stderr). A pipe holds only
    //    about 64 KiB: a worker that writes more blocks until someone reads, and would
    //    never finish if you only read after it ended.
    // 3. Meanwhile, poll: `child.try_wait()` returns `Ok(Some(status))` once the worker
    //    has ended (and reaps it), `Ok(None)` while it runs. Between two polls, sleep a
    //    little (a millisecond or so, never past the deadline).
    // 4. At the deadline, `child.kill()` and then `child.wait()`: a killed process must
    //    still be reaped. Return `RunError::TimedOut`.
    // 5. Otherwise join the reader threads and sort out the status as in `run`. Make sure
    //    that every early return (`?`) happens after the worker was waited for.
    // APIs: https://doc.rust-lang.org/std/process/struct.Child.html#method.try_wait
    //       https://doc.rust-lang.org/std/process/struct.Child.html#method.kill
    todo!("spawn, read the output on threads, poll until the end or the deadline, kill, reap")
}

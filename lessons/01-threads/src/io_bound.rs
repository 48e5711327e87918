//! I/O-bound work on threads: the waits overlap.
//!
//! A job is *I/O-bound* when it spends its time waiting: for a server to answer, a disk to
//! deliver a block, a user to type. A thread blocked in such a wait is parked by the OS and
//! uses no CPU at all until the answer arrives. So while one thread waits, others can start
//! their own requests and wait too: eight requests of 100 ms each take 800 ms one after
//! another, and about 100 ms on eight threads. That works even on a single core, since
//! nobody needs the core while waiting. It is why Python guides recommend threads for
//! I/O-bound work in Python: CPython releases its global lock around blocking calls
//! ([`crate::gil`] shows this in Rust).
//!
//! **The waits here are simulated.** [`simulated_fetch`] calls `thread::sleep(latency)` as
//! a stand-in for a blocking network request. A sleeping thread and a thread blocked in
//! `read()` on a socket look the same to the scheduler (not runnable, no CPU used), so the
//! overlap shown here is the overlap real blocking I/O gets; the sleep just makes the
//! latency known and repeatable.
//!
//! The functions come in two shapes: [`fetch_sequential`] and [`fetch_threaded`] run
//! [`simulated_fetch`]; the `_with` versions take the blocking call as a closure, so that
//! tests can put their own probe inside the wait.

use std::thread::{self, ThreadId};
use std::time::Duration;

/// What a simulated fetch returns: how long it waited, and which thread did the waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reply {
    /// The latency that was asked for.
    pub latency: Duration,
    /// The thread that made the request and waited for its reply.
    pub thread: ThreadId,
}

// ANCHOR: simulated_fetch
/// A stand-in for a blocking request: the calling thread waits for `latency`, then "gets
/// the reply".
pub fn simulated_fetch(latency: Duration) -> Reply {
    // Simulated network latency: `sleep` blocks this thread exactly as waiting for a reply
    // on a socket would, without using any CPU meanwhile.
    thread::sleep(latency);
    Reply {
        latency,
        thread: thread::current().id(),
    }
}
// ANCHOR_END: simulated_fetch

/// Fetches one request per latency, one after another: the total time is the sum of the
/// latencies.
pub fn fetch_sequential(latencies: &[Duration]) -> Vec<Reply> {
    fetch_sequential_with(latencies, simulated_fetch)
}

/// Fetches one request per latency, each on its own thread: the waits overlap, so the total
/// time is close to the longest latency, not their sum.
pub fn fetch_threaded(latencies: &[Duration]) -> Vec<Reply> {
    fetch_threaded_with(latencies, simulated_fetch)
}

// ANCHOR: sequential
/// Calls `fetch` for each latency in turn, on the calling thread.
pub fn fetch_sequential_with<T, F>(latencies: &[Duration], fetch: F) -> Vec<T>
where
    F: Fn(Duration) -> T,
{
    latencies.iter().map(|&latency| fetch(latency)).collect()
}
// ANCHOR_END: sequential

// ANCHOR: threaded
/// Calls `fetch` for each latency, each call on its own scoped thread, and returns the
/// results in the order of `latencies`.
pub fn fetch_threaded_with<T, F>(latencies: &[Duration], fetch: F) -> Vec<T>
where
    F: Fn(Duration) -> T + Sync,
    T: Send,
{
    let fetch = &fetch;
    thread::scope(|s| {
        // Start every request before waiting for any of them: that is what lets the
        // waits overlap.
        let handles: Vec<_> = latencies
            .iter()
            .map(|&latency| s.spawn(move || fetch(latency)))
            .collect();
        // Then collect the replies in request order. Joining in this order costs nothing:
        // every request is already in flight, so the loop ends when the slowest one does.
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p))
            })
            .collect()
    })
}
// ANCHOR_END: threaded

//! The GIL, in Rust: what a global interpreter lock does to threads, simulated and measured.
//!
//! Python's usual advice, threads for I/O and processes for CPU, comes from CPython's
//! *global interpreter lock*. A CPython thread must hold the GIL to run Python bytecode, and
//! there is one GIL per interpreter. So:
//!
//! - **CPU-bound threads take turns.** The thread holding the GIL runs; the others wait. A
//!   waiting thread does not wait forever: after the *switch interval*
//!   (`sys.getswitchinterval()`, 5 ms by default) it asks the holder to let go, and the
//!   holder drops the GIL at its next bytecode boundary and queues to take it back. The
//!   threads alternate, but at any instant only one of them computes: four threads on four
//!   cores finish no sooner than one thread would.
//! - **I/O-bound threads still overlap.** Before a blocking call (a socket `recv`, a file
//!   `read`, `time.sleep`) CPython's C code releases the GIL (`Py_BEGIN_ALLOW_THREADS`) and
//!   takes it back when the call returns (`Py_END_ALLOW_THREADS`). A thread that waits does
//!   not hold the GIL, so many threads can wait at the same time.
//!
//! Rust has no GIL. This module builds one, [`Gil`], a `Mutex<()>` that guards no data and
//! only decides who may compute, and runs the same jobs through it:
//!
//! - [`cpu_gil_threads`]: CPU-bound work split over N threads that hold the GIL while they
//!   compute, and release it every [`SWITCH_INTERVAL`] elements, as CPython's threads do
//!   every switch interval. No speedup.
//! - [`cpu_free_threads`]: the same threads and the same slices, without the GIL. This is
//!   plain Rust, and it scales with the cores.
//! - [`io_gil_threads`]: I/O-bound threads under the GIL, releasing it while they wait, as
//!   CPython does. The waits overlap anyway.
//!
//! Every function takes the `&Gil` as a parameter instead of using a global, so that a
//! test can watch what runs under it. `benches/threads.rs` measures all three against the
//! same work done sequentially (groups `gil_cpu` and `io`).
//!
//! Two honest differences from CPython. CPython's switch interval is a time; here it is a
//! number of elements, so that the simulation does the same thing on every run. And
//! CPython forces a hand-off (a thread that dropped the GIL on request waits until another
//! thread has taken it), while `std::sync::Mutex` promises no fairness: a thread that
//! releases the lock often takes it right back, so here one thread may run several slices
//! in a row. That changes *who* computes when, not *how many* compute at once, and the
//! latter alone decides the total time.
//!
//! Python 3.13 introduced an optional *free-threaded* build of CPython (PEP 703, the
//! `python3.13t` executable) in which the GIL is gone and threads can run Python code in
//! parallel; it is a separate build, experimental in 3.13, and the standard build keeps the
//! GIL. Until it is what you run, that advice stands for Python. In Rust, the
//! [`cpu_free_threads`] column is the only one there is.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::Duration;

use crate::cpu_bound;
use crate::io_bound::{self, Reply};

// ANCHOR: gil
/// A simulated global interpreter lock: whoever holds it may compute; everyone else waits.
///
/// It is a `Mutex<()>`: a lock that protects no data. In Rust a mutex normally guards a
/// particular value, and only code that needs that value waits for it. A GIL guards the
/// whole interpreter, so every thread that wants to run must wait for it.
#[derive(Debug, Default)]
pub struct Gil {
    lock: Mutex<()>,
}

/// Proof that the current thread holds the [`Gil`]. Dropping it releases the GIL.
#[derive(Debug)]
#[must_use = "the GIL is released as soon as the guard is dropped"]
pub struct GilGuard<'gil> {
    _held: MutexGuard<'gil, ()>,
}

impl Gil {
    /// A GIL that nobody holds.
    pub const fn new() -> Gil {
        Gil {
            lock: Mutex::new(()),
        }
    }

    /// Waits until no other thread holds the GIL, then takes it.
    pub fn acquire(&self) -> GilGuard<'_> {
        // A thread that panics while holding a `Mutex` *poisons* it, to warn the next owner
        // that the guarded data may be half-updated. The GIL guards no data (`()`), so
        // there is nothing to warn about: take the lock anyway. (CPython, too, releases the
        // GIL when a thread dies of an exception, and the other threads carry on.)
        let held = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
        GilGuard { _held: held }
    }
}
// ANCHOR_END: gil

/// How many elements a thread computes per turn before it releases the GIL and takes it
/// again: the simulation's switch interval. About 50 µs of work in an optimised build; a
/// larger value means fewer hand-offs, not more parallelism.
pub const SWITCH_INTERVAL: usize = 1_000;

// ANCHOR: cpu_on_threads
/// Splits `values` into one chunk per thread (at most `threads`), and has each thread add
/// up `compute(slice)` over its chunk, [`SWITCH_INTERVAL`] elements at a time. With
/// `Some(gil)`, a thread holds the GIL while it computes each slice. Returns the wrapping
/// sum of every `compute(slice)`.
///
/// The only difference between the GIL and the free version is the one line that takes
/// the GIL: same threads, same slices, same work.
///
/// # Panics
///
/// If `threads` is 0, or re-raises the panic of a thread in which `compute` panicked.
pub fn cpu_on_threads<F>(values: &[u64], threads: usize, gil: Option<&Gil>, compute: F) -> u64
where
    F: Fn(&[u64]) -> u64 + Sync,
{
    assert!(threads > 0, "cpu_on_threads needs at least one thread");
    let chunk_len = values.len().div_ceil(threads).max(1);
    let compute = &compute;
    thread::scope(|s| {
        let handles: Vec<_> = values
            .chunks(chunk_len)
            .map(|chunk| {
                s.spawn(move || {
                    let mut sum = 0u64;
                    for slice in chunk.chunks(SWITCH_INTERVAL) {
                        // Take the GIL (if there is one) for one switch interval of work.
                        // The guard must be bound to a name: `let _ = ...` would drop it,
                        // and release the GIL, on this very line.
                        let _held = gil.map(Gil::acquire);
                        sum = sum.wrapping_add(compute(slice));
                        // `_held` is dropped here, at the end of each turn of the loop:
                        // the GIL is released, and any waiting thread may take it.
                    }
                    sum
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p))
            })
            .fold(0, u64::wrapping_add)
    })
}
// ANCHOR_END: cpu_on_threads

// ANCHOR: cpu_jobs
/// The CPU-bound checksum of [`crate::cpu_bound`] on `threads` threads that must hold the
/// GIL to compute: like CPython threads, they take turns, and finish no sooner than one
/// thread alone.
pub fn cpu_gil_threads(gil: &Gil, values: &[u64], threads: usize) -> u64 {
    cpu_on_threads(values, threads, Some(gil), cpu_bound::checksum)
}

/// The same checksum on the same threads, without a GIL: they compute at the same time.
pub fn cpu_free_threads(values: &[u64], threads: usize) -> u64 {
    cpu_on_threads(values, threads, None, cpu_bound::checksum)
}
// ANCHOR_END: cpu_jobs

// ANCHOR: io_on_threads
/// Calls `wait(latency)` for each latency, each on its own thread, with the threads
/// behaving like CPython threads doing blocking I/O: each holds the GIL, releases it for
/// the blocking call, and takes it back to handle the reply. Returns the results in the
/// order of `latencies`.
///
/// It is [`io_bound::fetch_threaded_with`], the same threads as without a GIL, with only
/// the taking and releasing of the GIL added around each wait.
pub fn io_on_threads<T, F>(latencies: &[Duration], gil: &Gil, wait: F) -> Vec<T>
where
    F: Fn(Duration) -> T + Sync,
    T: Send,
{
    io_bound::fetch_threaded_with(latencies, |latency| {
        // A CPython thread needs the GIL to run the Python code that builds its request,
        // so it first waits for its turn...
        let held = gil.acquire();
        // ...and the C code of the blocking call releases the GIL before it blocks
        // (`Py_BEGIN_ALLOW_THREADS`).
        drop(held);
        let reply = wait(latency);
        // After the call, the thread needs the GIL back before it may touch a Python
        // object again (`Py_END_ALLOW_THREADS`), to handle the reply.
        let _held = gil.acquire();
        reply
    })
}
// ANCHOR_END: io_on_threads

// ANCHOR: io_job
/// The simulated fetches of [`crate::io_bound`], one thread each, under the GIL: the GIL
/// is released while each thread waits, so the waits overlap as they do without a GIL.
pub fn io_gil_threads(gil: &Gil, latencies: &[Duration]) -> Vec<Reply> {
    io_on_threads(latencies, gil, io_bound::simulated_fetch)
}
// ANCHOR_END: io_job

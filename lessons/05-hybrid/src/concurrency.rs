//! Choosing concurrency levels: what happens with as many threads as cores, four times as
//! many, and sixty-four times as many, for work that computes and for work that waits.
//!
//! The usual Python advice is "avoid overloading the system with too many threads or
//! processes". How many is too many depends on what the threads do, and this module has
//! the three kinds of work the benchmarks run at each level (`benches/hybrid.rs`, groups
//! `oversub_*`):
//!
//! - [`io_on_threads`]: jobs that *wait*. A waiting thread uses no core, so more threads
//!   overlap more waits: the more the faster, until the waits are all overlapped or the
//!   cost of starting the threads catches up.
//! - [`cpu_on_threads`]: jobs that *compute*, each thread on its own chunk. Only `cores`
//!   threads can run at once; the others wait for a core. The kernel shares the cores out
//!   in time slices of a few milliseconds, so extra threads mostly cost their start-up
//!   and a few switches: slower, but not by much.
//! - [`cpu_in_steps`]: the same computation in *steps*, with every thread waiting at a
//!   barrier for all the others after each step (a simulation, an iterative solver, a
//!   game loop). Now every step needs *every* thread to have run: with 64 threads per
//!   core, a step costs 64 context switches per core, and the barrier's wait turns into a
//!   queue. This is where oversubscription hurts: the time goes to switching, not to work.
//!
//! A *context switch* is the kernel saving one thread's registers and restoring
//! another's, plus the caches the new thread finds cold; waking a thread on another core
//! costs more again in a virtual machine. The kernel
//! counts them per thread ([`Switches`], from `getrusage`): *voluntary* when the thread
//! blocked (a lock, a barrier, a read), *involuntary* when its time slice ran out while
//! another thread was waiting for the core. [`cpu_in_steps`] returns the count, so the
//! tests can show where the time goes without timing anything, and a [`Partner`] thread
//! measures what one round trip between two threads costs.
//!
//! Rayon's pool size is the same question: [`cpu_on_pool`] runs the checksum on a pool of
//! a given size. A pool of one thread per core, rayon's default, scales with the cores;
//! more threads have no more cores to run on (`examples/pool_size.rs` times several
//! sizes).

use std::ops::Range;
use std::sync::Barrier;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use crossbeam::channel;
use rayon::ThreadPool;
use rayon::prelude::*;

use crate::work::{checksum, split, wait};

// ANCHOR: io_on_threads
/// `jobs` waits of `latency` each, done by `threads` threads: each thread takes the next
/// job as soon as it has finished one. Returns how many jobs were done.
///
/// # Panics
///
/// If `threads` is 0.
pub fn io_on_threads(jobs: usize, latency: Duration, threads: usize) -> usize {
    assert!(threads > 0, "at least one thread");
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                while next.fetch_add(1, Ordering::Relaxed) < jobs {
                    wait(latency);
                    done.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    done.into_inner()
}
// ANCHOR_END: io_on_threads

// ANCHOR: cpu_on_threads
/// The checksum of `range`, cut into `threads` chunks, each on a scoped thread of its own.
///
/// # Panics
///
/// If `threads` is 0.
pub fn cpu_on_threads(range: Range<u64>, threads: usize) -> u64 {
    let parts = split(range, threads);
    thread::scope(|s| {
        let handles: Vec<_> = parts
            .into_iter()
            .map(|part| s.spawn(move || checksum(part)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .fold(0, u64::wrapping_add)
    })
}
// ANCHOR_END: cpu_on_threads

// ANCHOR: switches
/// Context switches counted by the kernel.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Switches {
    /// The thread blocked (a lock, a barrier, a read) and gave its core away.
    pub voluntary: u64,
    /// The thread's time slice ran out while another thread waited for the core.
    pub involuntary: u64,
}

impl Switches {
    /// The switches of the calling thread since it started (Linux: `getrusage` with
    /// `RUSAGE_THREAD`).
    #[cfg(target_os = "linux")]
    pub fn of_this_thread() -> Switches {
        use nix::sys::resource::{UsageWho, getrusage};
        let usage = getrusage(UsageWho::RUSAGE_THREAD).expect("getrusage of this thread");
        Switches {
            voluntary: usage.voluntary_context_switches() as u64,
            involuntary: usage.involuntary_context_switches() as u64,
        }
    }

    pub fn total(self) -> u64 {
        self.voluntary + self.involuntary
    }

    fn since(self, before: Switches) -> Switches {
        Switches {
            voluntary: self.voluntary - before.voluntary,
            involuntary: self.involuntary - before.involuntary,
        }
    }

    fn plus(self, other: Switches) -> Switches {
        Switches {
            voluntary: self.voluntary + other.voluntary,
            involuntary: self.involuntary + other.involuntary,
        }
    }
}
// ANCHOR_END: switches

/// What [`cpu_in_steps`] computed, and what it cost in context switches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stepped {
    pub checksum: u64,
    /// The context switches of all the threads, added up (zero where the OS does not
    /// count them per thread).
    pub switches: Switches,
}

// ANCHOR: cpu_in_steps
/// The checksum of `range` in `steps` steps on `threads` threads: each step's part of the
/// range is cut into one chunk per thread, and after each step every thread waits at a
/// barrier until all of them have finished it.
///
/// # Panics
///
/// If `threads` or `steps` is 0.
pub fn cpu_in_steps(range: Range<u64>, threads: usize, steps: usize) -> Stepped {
    assert!(threads > 0, "at least one thread");
    // For each step, its chunks: `plan[step][thread]`.
    let plan: Vec<Vec<Range<u64>>> = split(range, steps)
        .into_iter()
        .map(|step| split(step, threads))
        .collect();
    let barrier = Barrier::new(threads);
    thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let (plan, barrier) = (&plan, &barrier);
                s.spawn(move || {
                    let before = this_thread_switches();
                    let mut sum = 0u64;
                    for chunks in plan {
                        sum = sum.wrapping_add(checksum(chunks[t].clone()));
                        barrier.wait();
                    }
                    (sum, this_thread_switches().since(before))
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .fold(
                Stepped {
                    checksum: 0,
                    switches: Switches::default(),
                },
                |total, (sum, switches)| Stepped {
                    checksum: total.checksum.wrapping_add(sum),
                    switches: total.switches.plus(switches),
                },
            )
    })
}
// ANCHOR_END: cpu_in_steps

#[cfg(target_os = "linux")]
fn this_thread_switches() -> Switches {
    Switches::of_this_thread()
}

#[cfg(not(target_os = "linux"))]
fn this_thread_switches() -> Switches {
    Switches::default()
}

// ANCHOR: cpu_on_pool
/// The checksum of `range` on a rayon pool, cut into pieces of at least 1000 values
/// (smaller ones would cost more to hand out than to compute).
pub fn cpu_on_pool(pool: &ThreadPool, range: Range<u64>) -> u64 {
    let len = range.end.saturating_sub(range.start);
    let pieces = split(range, len.div_ceil(1000).max(1) as usize);
    pool.install(|| {
        pieces
            .into_par_iter()
            .map(checksum)
            .reduce(|| 0, u64::wrapping_add)
    })
}
// ANCHOR_END: cpu_on_pool

// ANCHOR: partner
/// A thread that sends back whatever it is sent: [`Partner::round_trip`] measures what it
/// costs to wake another thread and be woken by it.
pub struct Partner {
    to: Option<channel::Sender<u64>>,
    from: channel::Receiver<u64>,
    thread: Option<thread::JoinHandle<()>>,
}

impl Partner {
    pub fn start() -> Partner {
        // Capacity 1, as lesson 04's round trip: a send never waits for the receiver to
        // arrive, only the receiver waits for a message.
        let (to, inbox) = channel::bounded::<u64>(1);
        let (outbox, from) = channel::bounded::<u64>(1);
        let thread = thread::spawn(move || {
            for token in inbox {
                if outbox.send(token).is_err() {
                    break;
                }
            }
        });
        Partner {
            to: Some(to),
            from,
            thread: Some(thread),
        }
    }

    /// Hands `token` to the partner thread and waits for it to come back.
    pub fn round_trip(&self, token: u64) -> u64 {
        let to = self.to.as_ref().expect("open until dropped");
        to.send(token).expect("the partner is waiting");
        self.from.recv().expect("the partner answers")
    }
}

impl Drop for Partner {
    fn drop(&mut self) {
        // Closing the channel ends the partner's loop; then it can be joined.
        drop(self.to.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
// ANCHOR_END: partner

//! CPU-bound work on threads: one job computed three ways, and the answers agree.
//!
//! A job is *CPU-bound* when the processor is the bottleneck: no waiting for disks or
//! networks, only arithmetic. The only way to finish it sooner is to run parts of it on
//! several cores at the same time. In CPython, threads cannot do that (the GIL lets one
//! thread run Python code at a time, see [`crate::gil`]), so Python guides send CPU-bound
//! work to `multiprocessing`. Rust threads have no such lock: the same process, the same
//! memory, and every core busy.
//!
//! The job here is a checksum: every input value goes through [`ROUNDS`] rounds of a 64-bit
//! mixing function and the results are added up. The rounds depend on each other, so the
//! compiler cannot skip them or replace the loop with a formula; each element costs the
//! same, so equal chunks are equal amounts of work.
//!
//! The three versions:
//! - [`sequential`]: one thread, a plain iterator;
//! - [`scoped_threads`]: the input cut into one chunk per thread, each chunk summed on its
//!   own scoped thread, the partial sums added up;
//! - [`with_rayon`]: rayon's `par_iter`, which splits the work for us and balances it
//!   across its pool (one thread per available core by default).
//!
//! All three return exactly the same number: wrapping addition is associative and
//! commutative, so the order in which partial sums are combined cannot change the result.
//! `benches/threads.rs` measures how much faster the parallel versions are.

use std::thread;

use rayon::prelude::*;

/// How many times [`work`] mixes each value. Chosen so that one element costs tens of
/// nanoseconds: enough for the arithmetic, not the memory, to dominate.
pub const ROUNDS: u32 = 16;

// ANCHOR: work
/// One round of a 64-bit mixing function (the finaliser of SplitMix64): every output bit
/// depends on every input bit, and there is no shortcut to compute many rounds at once.
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The work done for one element: [`ROUNDS`] rounds of [`mix`], each feeding the next.
pub fn work(value: u64) -> u64 {
    (0..ROUNDS).fold(value, |z, _| mix(z))
}

/// The checksum of a slice: the wrapping sum of [`work`] over every element. This is the
/// whole job; the functions below only decide which thread computes which part of it.
pub fn checksum(values: &[u64]) -> u64 {
    values
        .iter()
        .fold(0, |sum, &value| sum.wrapping_add(work(value)))
}
// ANCHOR_END: work

/// An input of `len` distinct values for the benchmarks and examples. What the values are
/// does not matter to the cost; only how many there are.
pub fn input(len: usize) -> Vec<u64> {
    (0..len as u64).collect()
}

// ANCHOR: sequential
/// The job on the calling thread: the baseline every parallel version is compared with.
pub fn sequential(values: &[u64]) -> u64 {
    checksum(values)
}
// ANCHOR_END: sequential

// ANCHOR: scoped_threads
/// The job split into at most `threads` chunks, each summed on its own scoped thread.
///
/// Scoped threads may borrow `values` (see [`crate::scoped`]): nothing is copied and no
/// `Arc` is needed, because `thread::scope` does not return before every thread it started
/// has finished.
///
/// # Panics
///
/// If `threads` is 0.
pub fn scoped_threads(values: &[u64], threads: usize) -> u64 {
    assert!(threads > 0, "scoped_threads needs at least one thread");
    // Round the chunk length up, so that there are never more than `threads` chunks; keep
    // it at least 1, because `chunks(0)` panics (an empty input simply has no chunks).
    let chunk_len = values.len().div_ceil(threads).max(1);
    thread::scope(|s| {
        // Start every thread first, and only then wait for them: joining inside the same
        // loop that spawns would run the chunks one after another.
        let handles: Vec<_> = values
            .chunks(chunk_len)
            .map(|chunk| s.spawn(|| checksum(chunk)))
            .collect();
        handles
            .into_iter()
            // A worker that panicked has no partial sum to give. Re-raise its panic, with
            // its own message, on this thread rather than return a wrong checksum.
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|p| std::panic::resume_unwind(p))
            })
            .fold(0, u64::wrapping_add)
    })
}
// ANCHOR_END: scoped_threads

// ANCHOR: with_rayon
/// The job with rayon: `par_iter` instead of `iter`, and rayon's pool does the rest.
///
/// Rayon splits the slice in halves, recursively, and its idle threads *steal* halves that
/// are waiting to be done, so every core stays busy even when some parts turn out slower
/// than others. The pool (rayon's global one, one thread per available core) is started
/// once, on first use, and reused by every later call.
pub fn with_rayon(values: &[u64]) -> u64 {
    values
        .par_iter()
        .map(|&value| work(value))
        // `sum()` would panic on overflow in debug builds; the checksum wraps on purpose.
        // `reduce` needs the identity (0) because each thread starts its own partial sum.
        .reduce(|| 0, u64::wrapping_add)
}
// ANCHOR_END: with_rayon

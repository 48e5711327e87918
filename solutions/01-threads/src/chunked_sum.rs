//! Task `chunked-sum`: scoped threads that borrow the caller's data.
//!
//! `thread::spawn` demands `'static` closures because a spawned thread may outlive the
//! function that started it. `thread::scope` lifts that rule: every thread spawned in the
//! scope is joined before `scope` returns, so the threads may borrow `data` and `f` from
//! the caller. No `Arc`, no copy of the data.

use std::panic;
use std::thread;

/// The sum of `f(x)` over `data`, computed on the calling thread: the baseline that
/// [`parallel_sum`] must agree with and beat.
///
/// The sum wraps around on overflow (it is computed modulo 2⁶⁴, with `wrapping_add`).
/// Wrapping addition is associative and commutative, so the sum does not depend on how the
/// items are grouped or in which order the partial sums are added: a parallel sum gives
/// exactly this result.
pub fn sequential_sum<F>(data: &[u64], f: F) -> u64
where
    F: Fn(u64) -> u64,
{
    data.iter().fold(0, |sum, &x| sum.wrapping_add(f(x)))
}

/// The same sum as [`sequential_sum`] (wrapping on overflow), computed on several threads.
///
/// `data` is split into `threads` contiguous chunks whose lengths differ by at most one.
/// Each non-empty chunk is summed on a scoped thread of its own, all of them at the same
/// time, so `f` is called on exactly `min(threads, data.len())` threads; the calling
/// thread only waits. (The checks also accept an implementation that sums one chunk on
/// the calling thread while the other threads run.)
///
/// `f` is shared by all the threads through `&F`, which is why it must be `Sync`; it needs
/// no `'static` bound, since the threads end before this function returns.
///
/// # Panics
///
/// If `threads` is 0, with a message that says it needs at least one thread. If `f`
/// panics, its panic is resumed on the caller's thread after every thread has ended.
pub fn parallel_sum<F>(data: &[u64], threads: usize, f: F) -> u64
where
    F: Fn(u64) -> u64 + Sync,
{
    assert!(threads > 0, "parallel_sum needs at least one thread, got 0");
    let f = &f;
    thread::scope(|scope| {
        // Spawn them all first, join them after: see `run_all`.
        let handles: Vec<_> = split_evenly(data, threads)
            .filter(|chunk| !chunk.is_empty())
            .map(|chunk| scope.spawn(move || sequential_sum(chunk, f)))
            .collect();
        handles
            .into_iter()
            // A panic in `f` ends its thread with `Err(payload)`: resume it here. Unwinding
            // out of the scope is safe: `scope` joins the threads not joined yet first.
            .map(|handle| handle.join().unwrap_or_else(|e| panic::resume_unwind(e)))
            .fold(0, u64::wrapping_add)
    })
}

/// Splits `data` into `parts` contiguous chunks whose lengths differ by at most one: the
/// first `data.len() % parts` chunks hold one item more. When `data` has fewer items than
/// `parts`, the last chunks are empty.
fn split_evenly(data: &[u64], parts: usize) -> impl Iterator<Item = &[u64]> {
    let (base, longer) = (data.len() / parts, data.len() % parts);
    let mut rest = data;
    (0..parts).map(move |i| {
        let (chunk, tail) = rest.split_at(base + usize::from(i < longer));
        rest = tail;
        chunk
    })
}

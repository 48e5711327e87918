//! Task `chunked-sum`: scoped threads that borrow the caller's data.
//!
//! `thread::spawn` demands `'static` closures because a spawned thread may outlive the
//! function that started it. `thread::scope` lifts that rule: every thread spawned in the
//! scope is joined before `scope` returns, so the threads may borrow `data` and `f` from
//! the caller. No `Arc`, no copy of the data.

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
/// time, so `f` is called on exactly `min(threads, data.len())` threads. (Whether the
/// calling thread sums one of the chunks itself, while the other threads run, or only
/// waits is up to you: the checks accept both.)
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
    // Write `parallel_sum` here:
    // 1. Refuse 0 threads: `assert!(threads > 0, "parallel_sum needs at least one thread")`.
    // 2. Cut `data` into `threads` contiguous chunks: `data.len() / threads` items each, one
    //    more for the first `data.len() % threads` of them. `data.split_at(n)` cuts a slice
    //    in two, without copying.
    // 3. In `std::thread::scope(|scope| { ... })`, start one thread per non-empty chunk with
    //    `scope.spawn(move || sequential_sum(chunk, f))`, after `let f = &f;` so that every
    //    thread borrows the one `f` (a `move` closure would otherwise try to take it).
    //    Collect the handles in a `Vec` first, then `join()` each one and add the partial
    //    sums with `u64::wrapping_add`. A `join()` that gives `Err(payload)` means `f`
    //    panicked on that thread: pass it on with `std::panic::resume_unwind(payload)`.
    // APIs: https://doc.rust-lang.org/std/thread/fn.scope.html
    //       https://doc.rust-lang.org/std/thread/struct.Scope.html#method.spawn
    //       https://doc.rust-lang.org/std/primitive.slice.html#method.split_at
    //       https://doc.rust-lang.org/std/panic/fn.resume_unwind.html
    todo!("sum the chunks of `data` on `threads` scoped threads")
}

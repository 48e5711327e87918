//! Scoped threads: threads that may borrow local data.
//!
//! `thread::spawn` demands a `'static` closure because nothing stops its thread from
//! running after the spawning function has returned and its locals are gone. Sharing data
//! with such a thread then means moving it in, or sharing ownership with `Arc` (lesson 02).
//!
//! `thread::scope(|s| ...)` removes the reason for that rule. Threads started with
//! `s.spawn` can only live inside the scope: when the closure given to `scope` returns,
//! `scope` waits for every thread started in it, joined or not, before it returns itself.
//! The borrow checker knows this, so a scoped thread may borrow anything that outlives the
//! scope: a slice, a local variable, a `&mut` to its own part of an array. No `Arc`, no
//! `'static`, no copies.
//!
//! The usual borrowing rules still hold across threads, and they are what makes this safe:
//! any number of threads may share `&data`, but a `&mut` belongs to one thread at a time.
//! To let several threads write to one array, split it into disjoint `&mut` pieces first,
//! with `chunks_mut` or `split_at_mut`, and give each thread its own piece.
//!
//! Panics: a panicking scoped thread does not stop the others. Its panic reaches you through
//! `join` on its handle, as with `thread::spawn`; if you did not join it, `scope` itself
//! panics once every thread has finished, so a failure is never silently lost.

use std::thread;

// ANCHOR: shared_borrow
/// The smallest and largest of `numbers`, computed by two threads that read the same slice
/// at the same time. `None` for an empty slice.
pub fn min_and_max(numbers: &[i64]) -> Option<(i64, i64)> {
    thread::scope(|s| {
        // Both closures borrow `numbers`: shared (`&`) borrows may be used by several
        // threads at once, because `i64` is `Sync` (safe to read from several threads).
        let min = s.spawn(|| numbers.iter().copied().min());
        let max = s.spawn(|| numbers.iter().copied().max());
        // Reading a slice cannot panic, so a failed join would be a bug: `expect` re-raises.
        let min = min.join().expect("the min thread panicked")?;
        let max = max.join().expect("the max thread panicked")?;
        Some((min, max))
    })
}
// ANCHOR_END: shared_borrow

// ANCHOR: chunks_mut
/// Multiplies every value by `factor`, in place, with up to `threads` threads, each one
/// changing its own chunk of the slice.
///
/// # Panics
///
/// If `threads` is 0.
pub fn scale_in_place(values: &mut [f64], factor: f64, threads: usize) {
    assert!(threads > 0, "scale_in_place needs at least one thread");
    let chunk_len = values.len().div_ceil(threads).max(1);
    thread::scope(|s| {
        // `chunks_mut` hands out non-overlapping `&mut [f64]` pieces. Each is moved into
        // exactly one thread (`move`), so no two threads can ever write the same element,
        // and the compiler can check it.
        for chunk in values.chunks_mut(chunk_len) {
            s.spawn(move || {
                for value in chunk {
                    *value *= factor;
                }
            });
        }
        // No handles kept and no `join` written: the scope joins every thread here.
    });
    // From this line on, every thread has finished and `values` is ours again.
}
// ANCHOR_END: chunks_mut

// ANCHOR: auto_join
/// How many of `numbers` are even and how many are odd, counted by two scoped threads that
/// each write to a local variable of this function.
pub fn count_even_and_odd(numbers: &[u64]) -> (usize, usize) {
    let mut even = 0;
    let mut odd = 0;
    thread::scope(|s| {
        // Each thread holds the only `&mut` to its own counter: two different variables,
        // so the two mutable borrows do not conflict.
        s.spawn(|| even = numbers.iter().filter(|n| *n % 2 == 0).count());
        s.spawn(|| odd = numbers.iter().filter(|n| *n % 2 == 1).count());
    });
    // `scope` returned, so both threads have finished, their borrows have ended, and the
    // counters can be read without any synchronisation.
    (even, odd)
}
// ANCHOR_END: auto_join

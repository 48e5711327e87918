//! Helpers shared by the stress tests: starting threads together, and a small random
//! number generator (the tests must not depend on a crate of their own for that).

use std::sync::Barrier;
use std::thread;

/// Runs `work(i)` for `i` in `0..threads`, each on its own thread, all starting at the same
/// moment (a barrier), so that they overlap as much as possible: races show up more often
/// when threads really run at once. Returns the results in order of `i`.
pub fn on_threads<R: Send>(threads: usize, work: impl Fn(usize) -> R + Sync) -> Vec<R> {
    let start = Barrier::new(threads);
    let (start, work) = (&start, &work);
    thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                s.spawn(move || {
                    start.wait();
                    work(i)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// xorshift64*: a few lines of fast, good-enough pseudo-random numbers, each thread's
/// stream started from a number of its own, so that each run of a test does the same work.
pub struct Random(u64);

impl Random {
    pub fn new(start: u64) -> Random {
        // Any start but 0 works; mixing makes nearby starts give unrelated sequences.
        Random(start.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1)
    }

    /// A number in `0..bound`.
    pub fn below(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % bound
    }
}

//! Task `tuner`: choose a pool size by measuring, not by guessing.

use std::time::Duration;

/// How much slower than the fastest a candidate may be and still be chosen for being
/// smaller: 5%. Within that, the difference is noise more often than not, and fewer
/// threads leave more to the rest of the system.
pub const TOLERANCE: f64 = 0.05;

/// What [`tune`] measured, and what it chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tuning {
    /// The chosen number of threads.
    pub best: usize,
    /// Each candidate with the median of its measurements, in the order of the candidates.
    pub medians: Vec<(usize, Duration)>,
}

/// Why [`tune`] could not choose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TuneError {
    /// There was nothing to choose from.
    NoCandidates,
    /// A candidate of 0 threads.
    ZeroThreads,
    /// 0 rounds: nothing would be measured.
    NoRounds,
}

/// Measures every candidate `rounds` times with `measure(threads)`, interleaved (round 1:
/// every candidate once, in order; then round 2; ...), and chooses the smallest candidate
/// whose median is within [`TOLERANCE`] of the fastest median.
///
/// Bad input is refused before anything is measured, the first fault in this order: no
/// candidates, a candidate of 0 threads, 0 rounds.
pub fn tune(
    candidates: &[usize],
    rounds: usize,
    mut measure: impl FnMut(usize) -> Duration,
) -> Result<Tuning, TuneError> {
    // Write `tune` here:
    // 1. Refuse bad input, in this order: no candidates (`NoCandidates`), a candidate of 0
    //    (`ZeroThreads`), 0 rounds (`NoRounds`).
    // 2. For each round, call `measure(threads)` once for every candidate, in order, and
    //    keep each candidate's samples (one `Vec<Duration>` per candidate).
    // 3. Each candidate's median: sort its samples, take the middle one (`len / 2`).
    // 4. `best`: the smallest candidate whose median is at most the fastest median times
    //    `1.0 + TOLERANCE` (`Duration::mul_f64`).
    todo!("measure every candidate, round after round; choose by the medians")
}

/// Runs `job` once on a new rayon pool of `threads` threads (inside `pool.install`), and
/// returns how long the job took, not counting the pool's start.
///
/// # Panics
///
/// If the pool's threads cannot be started.
pub fn time_on_pool(threads: usize, job: &(impl Fn() + Sync)) -> Duration {
    // Write `time_on_pool` here: build the pool with `rayon::ThreadPoolBuilder`, then time
    // `pool.install(job)` alone with `std::time::Instant`.
    todo!("time the job on a pool of `threads` threads")
}

/// Chooses the pool size for `job` among `candidates`: [`tune`] with [`time_on_pool`].
pub fn tune_pool(
    candidates: &[usize],
    rounds: usize,
    job: impl Fn() + Sync,
) -> Result<Tuning, TuneError> {
    // Write `tune_pool` here: one line, `tune` with a closure that calls `time_on_pool`.
    todo!("tune with time_on_pool as the measurement")
}

//! Task `tuner`: choose a pool size by measuring, not by guessing.

use std::time::{Duration, Instant};

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
    if candidates.is_empty() {
        return Err(TuneError::NoCandidates);
    }
    if candidates.contains(&0) {
        return Err(TuneError::ZeroThreads);
    }
    if rounds == 0 {
        return Err(TuneError::NoRounds);
    }
    // Round after round, every candidate once: a burst of load from another program
    // slows one round of every candidate, not every round of one of them.
    let mut samples = vec![Vec::with_capacity(rounds); candidates.len()];
    for _ in 0..rounds {
        for (&threads, samples) in candidates.iter().zip(&mut samples) {
            samples.push(measure(threads));
        }
    }
    let medians: Vec<(usize, Duration)> = candidates
        .iter()
        .zip(samples)
        .map(|(&threads, mut samples)| {
            samples.sort();
            (threads, samples[samples.len() / 2])
        })
        .collect();
    let fastest = medians
        .iter()
        .map(|&(_, median)| median)
        .min()
        .expect("at least one candidate");
    let good_enough = fastest.mul_f64(1.0 + TOLERANCE);
    let best = medians
        .iter()
        .filter(|&&(_, median)| median <= good_enough)
        .map(|&(threads, _)| threads)
        .min()
        .expect("the fastest is good enough");
    Ok(Tuning { best, medians })
}

/// Runs `job` once on a new rayon pool of `threads` threads (inside `pool.install`), and
/// returns how long the job took, not counting the pool's start.
///
/// # Panics
///
/// If the pool's threads cannot be started.
pub fn time_on_pool(threads: usize, job: &(impl Fn() + Sync)) -> Duration {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("the OS starts the pool's threads");
    let start = Instant::now();
    pool.install(job);
    start.elapsed()
}

/// Chooses the pool size for `job` among `candidates`: [`tune`] with [`time_on_pool`].
pub fn tune_pool(
    candidates: &[usize],
    rounds: usize,
    job: impl Fn() + Sync,
) -> Result<Tuning, TuneError> {
    tune(candidates, rounds, |threads| time_on_pool(threads, &job))
}

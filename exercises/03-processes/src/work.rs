//! Given: the CPU-bound work a pool job does, shared by the worker program
//! (`worker/main.rs`), the checks and the benchmark. You do not need to change it.

/// A job that makes a serving worker abort instead of computing: the checks send it to
/// see how your pool handles a worker that dies in the middle of its work.
pub const CRASH: u64 = u64::MAX;

/// A job that makes a serving worker wait until the check lets it go on (it opens a
/// FIFO that the check opens for writing when it is ready), then reply 0: the checks
/// send it to see how many jobs your pool runs at the same time.
pub const HOLD: u64 = u64::MAX - 1;

/// A job that makes a serving worker close its stdin, reply 0 and exit: the checks send
/// it to see how your pool handles a worker to which the next job cannot even be sent.
pub const LAST: u64 = u64::MAX - 2;

/// One round of a 64-bit mixing function (SplitMix64's finaliser). The rounds of
/// [`work`] depend on each other, so they cannot be skipped or computed in parallel.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The work of job `job`: `job` rounds of mixing, so a job's cost grows with its number
/// (about a millisecond for job 250 000 in a release build).
pub fn work(job: u64) -> u64 {
    (0..job).fold(job, |z, _| mix(z))
}

/// Every job's result, computed one after another on the calling thread: the baseline
/// that the benchmark of task `pool` compares your pool with.
pub fn sequential(jobs: &[u64]) -> Vec<u64> {
    jobs.iter().map(|&job| work(job)).collect()
}

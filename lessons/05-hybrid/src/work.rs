//! The work that the lesson's threads and processes do: a CPU-bound checksum, a stand-in
//! for a blocking I/O wait, and the jobs that the supervisor hands to its worker processes.
//!
//! The CPU-bound work is lesson 01's checksum: every value goes through [`ROUNDS`] rounds of
//! a 64-bit mixing function, and the results are added up. Each value costs the same, so
//! equal ranges are equal work, and the compiler cannot skip the rounds.
//!
//! The I/O-bound work is simulated, as in lesson 01: [`wait`] blocks the calling thread for
//! a given time, exactly as waiting for a reply on a socket would, using no CPU meanwhile.
//!
//! A [`Job`] is what crosses the pipe between the supervisor and a worker process: an id
//! and the [`Work`] to do. It is plain data (`serde`), because a process cannot be handed a
//! closure; [`execute`] is the code every worker runs for it.

use std::ops::Range;
use std::thread;
use std::time::Duration;

use serde::{Deserialize, Serialize};

// ANCHOR: cpu_work
/// How many rounds of [`mix`] each value goes through.
pub const ROUNDS: u32 = 16;

/// One round of a 64-bit mixing function (SplitMix64's finaliser).
pub fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The CPU-bound job: the wrapping sum of [`ROUNDS`] rounds of [`mix`] over `range`.
pub fn checksum(range: Range<u64>) -> u64 {
    range.fold(0, |sum, value| {
        let mixed = (0..ROUNDS).fold(value, |z, _| mix(z));
        sum.wrapping_add(mixed)
    })
}

/// A stand-in for blocking I/O: the calling thread waits for `latency`, as it would for a
/// disk or a server, and uses no CPU meanwhile.
pub fn wait(latency: Duration) {
    thread::sleep(latency);
}
// ANCHOR_END: cpu_work

// ANCHOR: job
/// A job's id: unique within one run of the supervisor.
pub type JobId = u64;

/// A job for a worker process: plain data, so that it can cross a pipe.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    pub id: JobId,
    pub work: Work,
}

/// What a job asks a worker to do. Every kind is *idempotent*: doing it twice gives the
/// same answer and changes nothing else, so the supervisor may run it again on another
/// worker when the first one died before reporting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Work {
    /// CPU-bound: the [`checksum`] of `start..end`.
    Checksum { start: u64, end: u64 },
    /// I/O-bound: [`wait`] this many milliseconds, then answer the same number.
    Wait { millis: u64 },
    /// A job that takes its process down (`abort`): a bug, or an input that trips one.
    Crash,
}

/// Does `work` on the calling thread and returns its answer. `Work::Crash` never returns.
pub fn execute(work: &Work) -> u64 {
    match *work {
        Work::Checksum { start, end } => checksum(start..end),
        Work::Wait { millis } => {
            wait(Duration::from_millis(millis));
            millis
        }
        Work::Crash => std::process::abort(),
    }
}
// ANCHOR_END: job

/// `range` cut into `parts` contiguous ranges whose lengths differ by at most one.
///
/// # Panics
///
/// If `parts` is 0.
pub fn split(range: Range<u64>, parts: usize) -> Vec<Range<u64>> {
    assert!(parts > 0, "a range cannot be split into 0 parts");
    let len = range.end.saturating_sub(range.start);
    let (base, extra) = (len / parts as u64, len % parts as u64);
    let mut start = range.start;
    (0..parts as u64)
        .map(|i| {
            let end = start + base + u64::from(i < extra);
            let part = start..end;
            start = end;
            part
        })
        .collect()
}

/// `range` cut into `count` checksum jobs, with ids `0..count`.
pub fn checksum_jobs(range: Range<u64>, count: usize) -> Vec<Job> {
    split(range, count)
        .into_iter()
        .enumerate()
        .map(|(id, part)| Job {
            id: id as JobId,
            work: Work::Checksum {
                start: part.start,
                end: part.end,
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_cuts_a_range_into_nearly_equal_contiguous_parts() {
        assert_eq!(split(0..10, 3), [0..4, 4..7, 7..10]);
        assert_eq!(split(5..7, 4), [5..6, 6..7, 7..7, 7..7]);
        let parts = split(100..1_000_003, 7);
        assert_eq!(parts.first().unwrap().start, 100);
        assert_eq!(parts.last().unwrap().end, 1_000_003);
        assert!(parts.windows(2).all(|w| w[0].end == w[1].start));
    }

    #[test]
    fn the_jobs_of_a_range_add_up_to_its_checksum() {
        let jobs = checksum_jobs(0..10_000, 7);
        assert_eq!(
            jobs.iter().map(|j| j.id).collect::<Vec<_>>(),
            (0..7).collect::<Vec<_>>()
        );
        let sum = jobs
            .iter()
            .map(|job| execute(&job.work))
            .fold(0, u64::wrapping_add);
        assert_eq!(sum, checksum(0..10_000));
        assert_eq!(execute(&Work::Wait { millis: 1 }), 1);
    }
}

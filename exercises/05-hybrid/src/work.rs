//! Given: the jobs that worker processes run, the replies they send back, and the code
//! every worker runs for a job ([`execute`]). You do not need to change it.
//!
//! A [`Job`] crosses a pipe, so it is plain data (`serde`), not a closure. Every kind of
//! [`Work`] is *idempotent*: running a job twice gives the same answer and changes nothing
//! else, which is what lets a supervisor run it again when its worker died before replying.

use std::sync::{Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// A job's id: unique within one call.
pub type JobId = u64;

/// A job for a worker process.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    pub id: JobId,
    pub work: Work,
}

/// What a job asks a worker to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Work {
    /// CPU-bound: the [`checksum`] of `start..end`.
    Checksum { start: u64, end: u64 },
    /// I/O-bound: wait this many milliseconds, then answer the same number.
    Wait { millis: u64 },
    /// Wait until `partners` `Meet` jobs (this one included) have started in this process,
    /// then answer 1; answer 0 if that has not happened within `patience_millis`. The first
    /// of them answers 1 only if the others start while it still runs: only a worker that
    /// runs several jobs at once, on several threads, gets 1 from every one of them.
    Meet {
        partners: usize,
        patience_millis: u64,
    },
    /// Abort the worker process: a bug, or an input that trips one.
    Crash,
}

/// What a worker sends back for each job it has done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    pub id: JobId,
    pub value: u64,
}

/// How long a `Meet` job waits for partners that a right solution starts at once: long,
/// so that a loaded machine cannot fail a right solution (a wrong one costs this wait).
pub const MEET_PATIENCE: Duration = Duration::from_secs(5);

/// How long a `Meet` job waits for partners that a right solution never starts (more jobs
/// at once than it may run): a wrong solution starts them within milliseconds, and a
/// right one costs this wait.
pub const HOLD: Duration = Duration::from_millis(500);

/// One round of a 64-bit mixing function (SplitMix64's finaliser).
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The CPU-bound work: the wrapping sum of 16 rounds of mixing over every value of `range`.
pub fn checksum(range: std::ops::Range<u64>) -> u64 {
    range.fold(0, |sum, value| {
        sum.wrapping_add((0..16).fold(value, |z, _| mix(z)))
    })
}

/// Checksum jobs over `range`, cut into `count` jobs with ids `0..count`.
pub fn checksum_jobs(range: std::ops::Range<u64>, count: usize) -> Vec<Job> {
    let len = range.end - range.start;
    let count = count.max(1) as u64;
    (0..count)
        .map(|i| Job {
            id: i,
            work: Work::Checksum {
                start: range.start + len * i / count,
                end: range.start + len * (i + 1) / count,
            },
        })
        .collect()
}

/// The answer of `work`, computed on the calling thread, without the worker's hooks: what
/// the checks compare your results with.
pub fn answer(work: &Work) -> u64 {
    match *work {
        Work::Checksum { start, end } => checksum(start..end),
        Work::Wait { millis } => millis,
        Work::Meet { .. } => 1,
        Work::Crash => panic!("a Crash job has no answer"),
    }
}

/// Runs `job` on the calling thread and returns its answer. This is what a worker
/// process calls for each job it is sent. `Work::Crash` never returns.
///
/// In the course's worker program, the checks can also make it log each job and kill the
/// process at a chosen job (see `worker/main.rs`); [`set_hooks`] installs those.
pub fn execute(job: &Job) -> u64 {
    let hooks = HOOKS.get();
    if let Some(hooks) = hooks {
        (hooks.started)(job.id);
    }
    let value = match job.work {
        Work::Checksum { start, end } => checksum(start..end),
        Work::Wait { millis } => {
            std::thread::sleep(Duration::from_millis(millis));
            millis
        }
        Work::Meet {
            partners,
            patience_millis,
        } => meet(partners, Duration::from_millis(patience_millis)),
        Work::Crash => std::process::abort(),
    };
    if let Some(hooks) = hooks {
        (hooks.finished)(job.id);
    }
    value
}

/// What the worker program runs before and after each job.
pub struct Hooks {
    pub started: Box<dyn Fn(JobId) + Send + Sync>,
    pub finished: Box<dyn Fn(JobId) + Send + Sync>,
}

static HOOKS: OnceLock<Hooks> = OnceLock::new();

/// Installs the worker program's hooks, once per process.
pub fn set_hooks(hooks: Hooks) {
    if HOOKS.set(hooks).is_err() {
        panic!("the hooks are set once per process");
    }
}

/// `Meet` jobs in progress in this process.
static MEETING: Mutex<usize> = Mutex::new(0);
static ARRIVED: Condvar = Condvar::new();

fn meet(partners: usize, patience: Duration) -> u64 {
    let deadline = Instant::now() + patience;
    let mut here = MEETING.lock().unwrap_or_else(|p| p.into_inner());
    *here += 1;
    ARRIVED.notify_all();
    let met = loop {
        if *here >= partners {
            break true;
        }
        let now = Instant::now();
        if now >= deadline {
            break false;
        }
        here = ARRIVED
            .wait_timeout(here, deadline - now)
            .unwrap_or_else(|p| p.into_inner())
            .0;
    };
    // The count stays up: partners that arrive later still meet this one's arrival.
    u64::from(met)
}

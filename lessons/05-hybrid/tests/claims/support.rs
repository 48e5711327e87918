//! What the claims share: the worker program, asking the OS about a pid, and a gauge that
//! counts the items inside a pipeline.

use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use hybrid_lesson::worker::WorkerProgram;
use nix::errno::Errno;
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;

/// The lesson's program, which serves as a worker when started with `--worker THREADS`.
pub fn program() -> WorkerProgram {
    WorkerProgram::at(env!("CARGO_BIN_EXE_lesson-05-hybrid"))
}

/// What `waitpid(pid, WNOHANG)` says about `pid`, from this process's point of view.
#[derive(Debug, PartialEq, Eq)]
pub enum Seen {
    /// Not a child of ours (any more): it was reaped, or never was our child.
    NotOurChild,
    /// Our child, still running.
    Running,
    /// Our child, which had ended without being reaped (a zombie): this call reaped it.
    WasAZombie,
}

/// Asks the OS about child `pid` without blocking. Careful: a zombie is reaped by this.
pub fn look_at(pid: u32) -> Seen {
    match waitpid(Pid::from_raw(pid as i32), Some(WaitPidFlag::WNOHANG)) {
        Err(Errno::ECHILD) => Seen::NotOurChild,
        Ok(WaitStatus::StillAlive) => Seen::Running,
        Ok(_) => Seen::WasAZombie,
        Err(other) => panic!("waitpid({pid}) failed: {other}"),
    }
}

/// Asserts that every pid in `pids` has been reaped.
pub fn assert_all_reaped(pids: &[u32]) {
    for &pid in pids {
        assert_eq!(look_at(pid), Seen::NotOurChild, "worker {pid} was reaped");
    }
}

/// How long a test waits for something that should happen at once before it fails: long
/// enough for a loaded machine, short enough that a wrong pipeline fails the test rather
/// than the grader's deadline.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// Counts the items of a pipeline: reads started, items written, and the most that were
/// ever in between (read, and not yet written). Threads can wait for a count to be reached.
#[derive(Default)]
pub struct Gauge {
    counts: Mutex<Counts>,
    changed: Condvar,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub reads: usize,
    pub computing: usize,
    pub written: usize,
    pub most_in_flight: usize,
}

impl Counts {
    pub fn in_flight(&self) -> usize {
        self.reads - self.written
    }
}

impl Gauge {
    pub fn counts(&self) -> Counts {
        *self.counts.lock().unwrap()
    }

    /// Changes the counts, and wakes whoever waits for them.
    pub fn update(&self, change: impl FnOnce(&mut Counts)) {
        let mut counts = self.counts.lock().unwrap();
        change(&mut counts);
        counts.most_in_flight = counts.most_in_flight.max(counts.in_flight());
        self.changed.notify_all();
    }

    /// A read begins.
    pub fn read_starts(&self) {
        self.update(|c| c.reads += 1);
    }

    /// Waits until `ready` holds, at most [`PATIENCE`]; returns whether it did.
    pub fn wait_until(&self, ready: impl Fn(&Counts) -> bool) -> bool {
        let deadline = Instant::now() + PATIENCE;
        let mut counts = self.counts.lock().unwrap();
        while !ready(&counts) {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            counts = self.changed.wait_timeout(counts, deadline - now).unwrap().0;
        }
        true
    }
}

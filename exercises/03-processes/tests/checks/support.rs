//! Helpers shared by the checks: the worker program, the log in which workers write what
//! they did, and the check that no worker is left running or unreaped.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;
use processes_exercise::Worker;

/// The worker program, `worker/main.rs`, as Cargo built it for the crate under test.
///
/// Cargo tells an integration test where its package's binaries are, in
/// `CARGO_BIN_EXE_<name>`. The exercise and the solution each build the worker under a
/// name of their own (two packages of one workspace cannot both make `target/debug/worker`),
/// and this file is compiled for both, so it asks for either name.
pub fn worker_program() -> &'static str {
    option_env!("CARGO_BIN_EXE_exercise-03-worker")
        .or(option_env!("CARGO_BIN_EXE_solution-03-worker"))
        .expect("the crate under test builds the worker program, worker/main.rs")
}

/// One check at a time in this process: a check looks at *all* the children of this
/// process to find its workers, so no other check may start any meanwhile. (The grader
/// runs each check in a process of its own anyway; this is for `cargo test`, which runs
/// the tests of one binary on several threads.)
pub fn serial() -> MutexGuard<'static, ()> {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    // A check that failed while holding the lock poisons it; the next one may still run.
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A program that does not exist.
pub fn missing_program() -> Worker {
    Worker::new("/this/program/does/not/exist").arg("pid")
}

/// A file in which the workers of one check write `started PID` when they start and
/// `job PID JOB` for each job they serve. Removed when dropped.
pub struct Log {
    path: PathBuf,
}

impl Log {
    pub fn new() -> Log {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "course-03-processes-{}-{}.log",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::write(&path, "").expect("the temporary directory is writable");
        Log { path }
    }

    /// The worker program with this log, on `task`.
    pub fn worker(&self, task: &[&str]) -> Worker {
        Worker::new(worker_program())
            .arg("--log")
            .arg(&self.path)
            .args(task)
    }

    fn lines(&self) -> Vec<String> {
        std::fs::read_to_string(&self.path)
            .expect("the log is readable")
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// The pids of the workers that started, in the order they started.
    pub fn started(&self) -> Vec<u32> {
        self.lines()
            .iter()
            .filter_map(|line| line.strip_prefix("started ")?.parse().ok())
            .collect()
    }

    /// The pids of every worker started with this log: those that wrote `started` in it,
    /// and (on Linux) every child of this process that has not been reaped, which
    /// includes a worker that has not got as far as writing it (a function under test may
    /// return before one of its workers has even started running `main`). Only one check
    /// runs at a time ([`serial`]), so this process's children are this check's workers.
    pub fn workers(&self) -> Vec<u32> {
        let mut pids: BTreeSet<u32> = self.started().into_iter().collect();
        pids.extend(children());
        pids.into_iter().collect()
    }

    /// Every job served, as `(pid of the worker, job)`.
    pub fn jobs(&self) -> Vec<(u32, u64)> {
        self.lines()
            .iter()
            .filter_map(|line| {
                let (pid, job) = line.strip_prefix("job ")?.split_once(' ')?;
                Some((pid.parse().ok()?, job.parse().ok()?))
            })
            .collect()
    }
}

/// The children of this process that have not been reaped, running or zombies (Linux:
/// read from `/proc`; elsewhere none are found, and the log alone names the workers).
fn children() -> Vec<u32> {
    if !cfg!(target_os = "linux") {
        return Vec::new();
    }
    let me = std::process::id();
    let Ok(processes) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    processes
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // `PID (COMMAND) STATE PPID ...`: the command may hold spaces and parentheses,
            // so the fields are counted after the last `)`.
            let parent = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok());
            parent == Some(me)
        })
        .collect()
}

impl Drop for Log {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Kills and reaps whatever of `pids` is still a child of this process, without judging:
/// checks that are about something else call it before their assertions, so that a
/// failing implementation does not leave workers behind. (The checks whose point is that
/// nothing is left behind call [`assert_no_worker_left`] instead.)
pub fn reap_leftovers(pids: impl IntoIterator<Item = u32>) {
    for pid in pids.into_iter().collect::<BTreeSet<u32>>() {
        let child = Pid::from_raw(pid as i32);
        if let Ok(WaitStatus::StillAlive) = waitpid(child, Some(WaitPidFlag::WNOHANG)) {
            let _ = kill(child, Signal::SIGKILL);
            let _ = waitpid(child, None);
        }
    }
}

/// How long a worker may take to end by itself after the call under test returned,
/// before the check counts it as left running. A worker whose stdin was just closed needs
/// a moment to read the end of file and exit.
const GRACE: Duration = Duration::from_secs(2);

/// Fails the check if any process in `pids` is still a child of this process after
/// `call` returned: still running [`GRACE`] later (then it is killed and reaped here, so
/// that the check leaves nothing behind), or ended but never waited for, a zombie (then
/// the look itself reaps it).
pub fn assert_no_worker_left(pids: impl IntoIterator<Item = u32>, call: &str) {
    let mut running = Vec::new();
    let mut zombies = Vec::new();
    let deadline = Instant::now() + GRACE;
    for pid in pids.into_iter().collect::<BTreeSet<u32>>() {
        let child = Pid::from_raw(pid as i32);
        loop {
            match waitpid(child, Some(WaitPidFlag::WNOHANG)) {
                // Not our child: reaped already, as it should be.
                Err(Errno::ECHILD) => break,
                // Waiting for another process to exit, with a deadline: there is no event
                // to block on without reaping it, so look again in a millisecond.
                Ok(WaitStatus::StillAlive) if Instant::now() < deadline => {
                    thread::sleep(Duration::from_millis(1));
                }
                Ok(WaitStatus::StillAlive) => {
                    let _ = kill(child, Signal::SIGKILL);
                    let _ = waitpid(child, None);
                    running.push(pid);
                    break;
                }
                Ok(_) => {
                    zombies.push(pid);
                    break;
                }
                Err(error) => panic!("waitpid({pid}) failed: {error}"),
            }
        }
    }
    assert!(
        running.is_empty(),
        "after {call} returned, worker process(es) {running:?} were still running {GRACE:?} \
         later (the check has killed them now). Every worker must have ended before {call} \
         returns: kill it (`Child::kill`) if it has to be stopped, then wait for it \
         (`Child::wait`)"
    );
    assert!(
        zombies.is_empty(),
        "after {call} returned, worker process(es) {zombies:?} had ended but nobody had \
         waited for them: they were zombies. Dropping a `Child` does not wait for it: call \
         `wait()` (or `try_wait()` until it gives `Some`) on every child you start, on the \
         error paths too"
    );
}

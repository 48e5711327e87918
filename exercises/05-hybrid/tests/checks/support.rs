//! Helpers shared by the checks: the worker program, the log in which workers write what
//! they did, and the check that no worker is left running or unreaped.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use hybrid_exercise::Worker;
use hybrid_exercise::work::JobId;
use nix::errno::Errno;
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;

/// The worker program, `worker/main.rs`, as Cargo built it for the crate under test.
///
/// The exercise and the solution each build it under a name of their own (two packages of
/// one workspace cannot both make `target/debug/worker`), and this file is compiled for
/// both, so it asks for either name.
pub fn worker_program() -> &'static str {
    option_env!("CARGO_BIN_EXE_exercise-05-worker")
        .or(option_env!("CARGO_BIN_EXE_solution-05-worker"))
        .expect("the crate under test builds the worker program, worker/main.rs")
}

/// One check at a time in this process: a check looks at *all* the children of this
/// process to find its workers, so no other check may start any meanwhile. (The grader
/// runs each check in a process of its own anyway; this is for `cargo test`.)
pub fn serial() -> MutexGuard<'static, ()> {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A scratch file name, unique in this process: a log or a marker.
fn scratch(what: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    std::env::temp_dir().join(format!(
        "course-05-hybrid-{}-{}.{what}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ))
}

/// A file in which the workers of one check write `ready PID` when they start, and
/// `started PID JOB` and `done PID JOB` around each job. Removed when dropped, with the
/// marker folder of the kill options.
pub struct Log {
    path: PathBuf,
    marker: PathBuf,
}

impl Log {
    pub fn new() -> Log {
        let path = scratch("log");
        std::fs::write(&path, "").expect("the temporary directory is writable");
        Log {
            path,
            marker: scratch("marker"),
        }
    }

    /// The worker program with this log and a pool of `threads` threads, and `options`.
    pub fn worker(&self, threads: usize, options: &[&str]) -> Worker {
        Worker::new(worker_program())
            .args(["--threads", &threads.to_string(), "--log"])
            .arg(&self.path)
            .args(options)
    }

    /// A worker that kills itself with SIGKILL the first time one of them starts `job`.
    pub fn killed_at(&self, threads: usize, job: JobId) -> Worker {
        self.killed_at_each(threads, &[job])
    }

    /// A worker that kills itself with SIGKILL the first time one of them starts any of
    /// `jobs`: one kill for each of them.
    pub fn killed_at_each(&self, threads: usize, jobs: &[JobId]) -> Worker {
        let mut worker = self.worker(threads, &[]);
        for job in jobs {
            worker = worker.args(["--kill-at", &job.to_string()]);
        }
        worker.arg("--marker").arg(&self.marker)
    }

    /// A worker that kills itself the first time one of them has done `job`, before it
    /// can reply.
    pub fn killed_after(&self, threads: usize, job: JobId) -> Worker {
        self.worker(threads, &["--kill-after", &job.to_string(), "--marker"])
            .arg(&self.marker)
    }

    /// For each worker, the most jobs it ever had started and not yet done, as its
    /// `started` and `done` lines tell (each line is written in one `write` call to a
    /// file opened for appending, so their order in the file is the order they happened).
    pub fn most_in_progress(&self) -> BTreeMap<u32, usize> {
        let mut now: BTreeMap<u32, usize> = BTreeMap::new();
        let mut most: BTreeMap<u32, usize> = BTreeMap::new();
        for line in self.lines() {
            let mut words = line.split(' ');
            let (Some(what), Some(Ok(pid))) = (words.next(), words.next().map(str::parse)) else {
                continue;
            };
            let count = now.entry(pid).or_default();
            match what {
                "started" => *count += 1,
                "done" => *count = count.saturating_sub(1),
                _ => continue,
            }
            let count = *count;
            let most = most.entry(pid).or_default();
            *most = (*most).max(count);
        }
        most
    }

    fn lines(&self) -> Vec<String> {
        std::fs::read_to_string(&self.path)
            .expect("the log is readable")
            .lines()
            .map(str::to_owned)
            .collect()
    }

    /// The pids of the workers that started, in the order they started.
    pub fn ready(&self) -> Vec<u32> {
        self.lines()
            .iter()
            .filter_map(|line| line.strip_prefix("ready ")?.parse().ok())
            .collect()
    }

    /// For each job, the pids of the workers that logged `what` (`started` or `done`)
    /// for it, in order.
    pub fn jobs(&self, what: &str) -> BTreeMap<JobId, Vec<u32>> {
        let mut jobs: BTreeMap<JobId, Vec<u32>> = BTreeMap::new();
        for line in self.lines() {
            let mut words = line.split(' ');
            if words.next() != Some(what) {
                continue;
            }
            let (Some(Ok(pid)), Some(Ok(job))) = (
                words.next().map(str::parse::<u32>),
                words.next().map(str::parse::<JobId>),
            ) else {
                continue;
            };
            jobs.entry(job).or_default().push(pid);
        }
        jobs
    }

    /// The pids of every worker started with this log: those that wrote `ready` in it,
    /// and (on Linux) every child of this process that has not been reaped, which
    /// includes a worker that has not got as far as writing it. Only one check runs at a
    /// time ([`serial`]), so this process's children are this check's workers.
    pub fn workers(&self) -> Vec<u32> {
        let mut pids: BTreeSet<u32> = self.ready().into_iter().collect();
        pids.extend(children());
        pids.into_iter().collect()
    }
}

impl Drop for Log {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
        let _ = std::fs::remove_dir_all(&self.marker);
    }
}

/// The children of this process that have not been reaped, running or zombies (Linux:
/// read from `/proc`; elsewhere none are found, the log alone names the workers, and the
/// check says that it could not look, so the grader reports it skipped).
fn children() -> Vec<u32> {
    if !cfg!(target_os = "linux") {
        println!("not checked: leftover and unreaped processes are found in Linux's /proc");
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
/// before the check counts it as left running.
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
         returns: close its stdin so that it exits, or kill it (`Child::kill`), then wait \
         for it (`Child::wait`)"
    );
    assert!(
        zombies.is_empty(),
        "after {call} returned, worker process(es) {zombies:?} had ended but nobody had \
         waited for them: they were zombies. Dropping a `Child` does not wait for it: call \
         `wait()` on every child you start, on the error paths too, and on a worker that \
         died"
    );
}

/// How long a check waits for a call that a right implementation finishes at once, before
/// it calls it hung: generous, so that only a deadlock reaches it, and well within the
/// grader's own deadline, so that the check can say what the deadlock means.
pub const DEADLINE: Duration = Duration::from_secs(15);

/// Runs `call` on a thread of its own and returns what it returns (or re-raises its
/// panic). If it has not returned after [`DEADLINE`], fails the check with `hung`, the
/// message that names the defect: the hung thread is left behind, and ends with the
/// check's process.
pub fn within_deadline<T: Send + 'static>(
    hung: &str,
    call: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (done, outcome) = std::sync::mpsc::channel();
    thread::spawn(move || {
        let _ = done.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(call)));
    });
    match outcome.recv_timeout(DEADLINE) {
        Ok(Ok(value)) => value,
        Ok(Err(payload)) => std::panic::resume_unwind(payload),
        Err(_) => panic!("{hung} (still running after {DEADLINE:?})"),
    }
}

/// The message of a panic payload.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}

//! Helpers shared by the checks: the worker program, the processes and segments a check
//! leaves behind, and streams that split their data as a pipe may.

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Mutex, MutexGuard};
use std::thread;
use std::time::Duration;

use ipc_exercise::Worker;
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::waitpid;
use nix::unistd::Pid;

/// The worker program, `worker/main.rs`, as Cargo built it for the crate under test (the
/// exercise and the solution build it under names of their own).
pub fn worker_program() -> &'static str {
    option_env!("CARGO_BIN_EXE_exercise-04-worker")
        .or(option_env!("CARGO_BIN_EXE_solution-04-worker"))
        .expect("the crate under test builds the worker program, worker/main.rs")
}

/// The worker program on `task`.
pub fn worker(task: &[&str]) -> Worker {
    Worker::new(worker_program()).args(task)
}

/// One check at a time in this process among those that start processes, and those that
/// keep a core busy: a check looks at *all* the children of this process, and one measures
/// the CPU time of the whole process. (The grader runs each check in a process of its own
/// anyway; this is for `cargo test`, which runs a binary's tests on several threads.)
pub fn serial() -> MutexGuard<'static, ()> {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The children of this process that have not been reaped, running or zombies (Linux:
/// read from `/proc`; elsewhere none are found, and the check says that it could not
/// look, so the grader reports it skipped).
pub fn children() -> Vec<u32> {
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
            // `PID (COMMAND) STATE PPID ...`, fields counted after the last `)`.
            let parent = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok());
            parent == Some(me)
        })
        .collect()
}

/// Fails the check if any child process of this one is left after `call` returned,
/// running or a zombie; kills and reaps them first, so that the check leaves nothing
/// behind.
pub fn assert_no_child_left(call: &str) {
    let left = children();
    for &pid in &left {
        let _ = kill(Pid::from_raw(pid as i32), Signal::SIGKILL);
        let _ = waitpid(Pid::from_raw(pid as i32), None);
    }
    assert!(
        left.is_empty(),
        "after {call} returned, worker process(es) {left:?} were still our children, running \
         or zombies (the check has killed and reaped them now). Every worker you start must \
         have ended and been waited for (`Child::wait`) before your function returns, on \
         the error paths too: a `ChildGuard` does it when dropped"
    );
}

/// A shared memory segment name that no other check or process uses.
pub fn unique_os_id(purpose: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!(
        "/course-04-{}-{}-check-{purpose}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// Where Linux shows the segment `os_id`.
pub fn dev_shm(os_id: &str) -> PathBuf {
    PathBuf::from("/dev/shm").join(os_id.trim_start_matches('/'))
}

/// A reader that hands out at most `step` bytes per `read`, as a pipe may; and, if made
/// `interrupted()`, fails every other call with `ErrorKind::Interrupted` (before each
/// real read, the end of the stream included), as a read that a signal interrupts does.
pub struct Trickle<R> {
    inner: R,
    step: usize,
    interrupts: bool,
    interrupted_last: bool,
}

impl<R> Trickle<R> {
    pub fn new(inner: R, step: usize) -> Trickle<R> {
        Trickle {
            inner,
            step,
            interrupts: false,
            interrupted_last: false,
        }
    }

    pub fn interrupted(self) -> Trickle<R> {
        Trickle {
            interrupts: true,
            ..self
        }
    }
}

impl<R: Read> Read for Trickle<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.interrupts && !self.interrupted_last {
            self.interrupted_last = true;
            return Err(io::ErrorKind::Interrupted.into());
        }
        self.interrupted_last = false;
        let len = buf.len().min(self.step);
        self.inner.read(&mut buf[..len])
    }
}

/// A reader that gives `good` bytes, then fails with `ErrorKind::ConnectionReset`, as a
/// socket whose other end went away does.
pub struct Failing {
    pub good: io::Cursor<Vec<u8>>,
}

impl Read for Failing {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.good.read(buf)? {
            0 if !buf.is_empty() => Err(io::ErrorKind::ConnectionReset.into()),
            n => Ok(n),
        }
    }
}

/// A writer that takes at most `step` bytes per `write`, as a nearly full pipe may; if
/// made `interrupted()`, it fails every other call with `ErrorKind::Interrupted` first.
/// It counts the calls to `flush`.
pub struct Stingy<W> {
    pub inner: W,
    step: usize,
    interrupts: bool,
    interrupted_last: bool,
    pub flushes: usize,
}

impl<W> Stingy<W> {
    pub fn new(inner: W, step: usize) -> Stingy<W> {
        Stingy {
            inner,
            step,
            interrupts: false,
            interrupted_last: false,
            flushes: 0,
        }
    }

    pub fn interrupted(self) -> Stingy<W> {
        Stingy {
            interrupts: true,
            ..self
        }
    }
}

impl<W: Write> Write for Stingy<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.interrupts && !self.interrupted_last {
            self.interrupted_last = true;
            return Err(io::ErrorKind::Interrupted.into());
        }
        self.interrupted_last = false;
        let len = buf.len().min(self.step);
        self.inner.write(&buf[..len])
    }
    fn flush(&mut self) -> io::Result<()> {
        self.flushes += 1;
        self.inner.flush()
    }
}

/// Runs `f` on a thread of its own and returns what it returns; if it has not returned
/// within `limit`, kills and reaps this process's children and fails the check with
/// `hung`. It turns a call that hangs into a failure that says why, before the grader's
/// deadline; a call that returns is never hurried (the limit is far above any honest
/// wait). A panic in `f` is the check's panic.
pub fn returns_within<T: Send + 'static>(
    limit: Duration,
    hung: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    let (done, outcome) = mpsc::channel();
    let call = thread::spawn(move || {
        let _ = done.send(f());
    });
    match outcome.recv_timeout(limit) {
        Ok(value) => {
            let _ = call.join();
            value
        }
        // `f` panicked: its sender is gone. Show its panic.
        Err(RecvTimeoutError::Disconnected) => match call.join() {
            Err(panic) => std::panic::resume_unwind(panic),
            Ok(()) => unreachable!("`f` returned without sending"),
        },
        Err(RecvTimeoutError::Timeout) => {
            // The call is still blocked on its thread: leave it, but leave no process.
            for pid in children() {
                let _ = kill(Pid::from_raw(pid as i32), Signal::SIGKILL);
                let _ = waitpid(Pid::from_raw(pid as i32), None);
            }
            panic!("{hung} (it had not returned after {limit:?})");
        }
    }
}

/// Kills this process's children (without reaping them: their owners do) if it has not
/// been stopped within `limit`, so that a check waiting for a child that never answers
/// fails with its own message instead of hanging. Dropping it stops it.
pub struct KillChildrenAfter {
    stop: Option<mpsc::Sender<()>>,
    watching: Option<thread::JoinHandle<bool>>,
}

impl KillChildrenAfter {
    pub fn start(limit: Duration) -> KillChildrenAfter {
        let (stop, stopped) = mpsc::channel::<()>();
        let watching = thread::spawn(move || {
            if let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(limit) {
                for pid in children() {
                    let _ = kill(Pid::from_raw(pid as i32), Signal::SIGKILL);
                }
                return true;
            }
            false
        });
        KillChildrenAfter {
            stop: Some(stop),
            watching: Some(watching),
        }
    }

    /// Stops the watchdog; whether it had killed the children.
    pub fn fired(mut self) -> bool {
        self.finish()
    }

    fn finish(&mut self) -> bool {
        drop(self.stop.take());
        self.watching
            .take()
            .is_some_and(|watching| watching.join().unwrap_or(true))
    }
}

impl Drop for KillChildrenAfter {
    fn drop(&mut self) {
        self.finish();
    }
}

/// The CPU time this process has used so far, all its threads together (children not
/// included), from `/proc/self/stat`; `None` where that file does not exist.
pub fn process_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the last `)`: STATE is the first; utime and stime are the 12th and 13th.
    let mut fields = stat.rsplit_once(')')?.1.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    // Linux reports them in USER_HZ ticks, 100 per second on every architecture.
    Some(Duration::from_millis((user + system) * 10))
}

/// `len` bytes that are not all alike.
pub fn payload(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

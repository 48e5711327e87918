//! Helpers shared by the checks: the worker program, the processes and segments a check
//! leaves behind, and streams that split their data as a pipe may.

use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

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

/// One check at a time in this process among those that start processes: a check looks at
/// *all* the children of this process. (The grader runs each check in a process of its
/// own anyway; this is for `cargo test`, which runs a binary's tests on several threads.)
pub fn serial() -> MutexGuard<'static, ()> {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The children of this process that have not been reaped, running or zombies (Linux:
/// read from `/proc`; elsewhere none are found).
pub fn children() -> Vec<u32> {
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

/// A reader that hands out at most `step` bytes per `read`, as a pipe may.
pub struct Trickle<R> {
    pub inner: R,
    pub step: usize,
}

impl<R: Read> Read for Trickle<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let len = buf.len().min(self.step);
        self.inner.read(&mut buf[..len])
    }
}

/// A writer that takes at most `step` bytes per `write`, as a nearly full pipe may.
pub struct Stingy<W> {
    pub inner: W,
    pub step: usize,
}

impl<W: Write> Write for Stingy<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let len = buf.len().min(self.step);
        self.inner.write(&buf[..len])
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// `len` bytes that are not all alike.
pub fn payload(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

//! What the claims share: the worker program, asking the OS about processes and
//! `/dev/shm`, and streams that split their data as a pipe may.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use ipc_lesson::shm::dev_shm_path;
use ipc_lesson::worker::Worker;
use nix::errno::Errno;
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;

/// The lesson's program, started as a worker (Cargo builds it before the tests).
pub fn worker() -> Worker {
    Worker::at(env!("CARGO_BIN_EXE_lesson-04-ipc"))
}

/// One test at a time among those that start processes: some count this process's
/// children, and `cargo test` runs the tests of a binary on several threads, so another
/// test's workers would be counted. Every test that starts a process takes it.
pub fn serial() -> MutexGuard<'static, ()> {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    ONE_AT_A_TIME
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The children of this process that have not been reaped, running or zombies (from
/// `/proc`: Linux).
pub fn children() -> Vec<u32> {
    let me = std::process::id();
    std::fs::read_dir("/proc")
        .expect("/proc is readable")
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

/// Whether `pid` is still a child of ours (running, or a zombie that this call reaps).
pub fn is_our_child(pid: u32) -> bool {
    match waitpid(Pid::from_raw(pid as i32), Some(WaitPidFlag::WNOHANG)) {
        Err(Errno::ECHILD) => false,
        Ok(WaitStatus::StillAlive) => true,
        Ok(_) => true,
        Err(other) => panic!("waitpid({pid}) failed: {other}"),
    }
}

/// Kills process `pid` (a worker whose guard will reap it).
pub fn kill_worker(pid: u32) {
    kill(Pid::from_raw(pid as i32), Signal::SIGKILL).expect("the worker can be killed");
}

/// Whether the segment `os_id` exists in `/dev/shm`.
pub fn exists(os_id: &str) -> bool {
    dev_shm_path(os_id).exists()
}

/// A path for a file link that no other test uses, in the temporary directory.
pub fn unique_flink() -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    std::env::temp_dir().join(format!(
        "course-04-{}-{}.flink",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ))
}

/// A reader that hands out at most `step` bytes per `read`, as a pipe may, and counts its
/// calls.
pub struct Trickle<R> {
    pub inner: R,
    pub step: usize,
    pub reads: usize,
}

impl<R: Read> Read for Trickle<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reads += 1;
        let len = buf.len().min(self.step);
        self.inner.read(&mut buf[..len])
    }
}

/// A writer that takes at most `step` bytes per `write`, as a nearly full pipe may.
pub struct Stingy<W> {
    pub inner: W,
    pub step: usize,
    pub writes: usize,
}

impl<W: Write> Write for Stingy<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.writes += 1;
        let len = buf.len().min(self.step);
        self.inner.write(&buf[..len])
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// A program that ignores its arguments and sleeps for a minute: a "worker" that never
/// connects (`tests/never_connects.sh`).
pub fn never_connects() -> Worker {
    Worker::at(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/never_connects.sh"
    ))
}

/// Removes a file if it exists; for test cleanup.
pub fn remove(path: &Path) {
    let _ = std::fs::remove_file(path);
}

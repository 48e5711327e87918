//! What the claims share: the worker program, and asking the OS about a pid.

use nix::errno::Errno;
use nix::sys::signal::{Signal, kill};
use nix::sys::wait::{WaitPidFlag, WaitStatus, waitpid};
use nix::unistd::Pid;
use processes_lesson::worker::Worker;

// ANCHOR: bin_exe
/// The lesson's program, started as a worker. Cargo builds it before the tests, and puts its
/// path in `CARGO_BIN_EXE_<name of the binary>` when it compiles them.
pub fn worker() -> Worker {
    Worker::at(env!("CARGO_BIN_EXE_lesson-03-processes"))
}
// ANCHOR_END: bin_exe

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

/// Kills and reaps child `pid`, for a test that holds a pid and no `Child`.
pub fn kill_and_reap(pid: u32) -> WaitStatus {
    let pid = Pid::from_raw(pid as i32);
    let _ = kill(pid, Signal::SIGKILL);
    waitpid(pid, None).expect("the child can be reaped")
}

//! `lifecycle`: `try_wait` does not block, `kill` ends a child but only `wait` reaps it, a
//! dead child nobody waited for is a zombie, dropping a `Child` neither kills nor reaps,
//! and `ChildGuard` does both on every path.

use std::fs::File;
use std::io;
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::Signal;
use nix::sys::wait::WaitStatus;
use processes_lesson::command::Ending;
use processes_lesson::lifecycle::{ChildGuard, Timed, run_with_deadline, wait_until};
use processes_lesson::worker::Task;

use crate::support::{Seen, kill_and_reap, look_at, worker};

/// A worker that never ends by itself, with its streams connected to nothing.
fn hanging() -> Command {
    let mut command = worker().command(&Task::Hang);
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

#[test]
fn try_wait_does_not_block_and_kill_ends_the_child() {
    let mut child = ChildGuard::spawn(&mut hanging()).expect("the worker starts");
    assert!(
        child.try_wait().expect("try_wait works").is_none(),
        "still running"
    );
    let status = child
        .kill_and_reap()
        .expect("the child is killed and reaped");
    assert_eq!(status.signal(), Some(Signal::SIGKILL as i32));
    assert_eq!(look_at(child.id()), Seen::NotOurChild, "reaped");
}

#[test]
fn wait_until_returns_the_status_of_a_child_that_ends_in_time() {
    let mut child = ChildGuard::spawn(worker().command(&Task::Exit(4)).stderr(Stdio::null()))
        .expect("the worker starts");
    // A deadline far away: the call returns when the child ends, not at the deadline.
    let deadline = Instant::now() + Duration::from_secs(3600);
    let status = wait_until(&mut child, deadline).expect("waiting works");
    assert_eq!(status.map(Ending::from), Some(Ending::Code(4)));
    assert_eq!(look_at(child.id()), Seen::NotOurChild, "reaped by try_wait");
}

#[test]
fn wait_until_gives_up_at_the_deadline_and_leaves_the_child_running() {
    let mut child = ChildGuard::spawn(&mut hanging()).expect("the worker starts");
    let start = Instant::now();
    let status = wait_until(&mut child, start + Duration::from_millis(100)).expect("waiting works");
    assert_eq!(status, None, "the child did not end");
    assert!(
        start.elapsed() >= Duration::from_millis(100),
        "not before the deadline"
    );
    assert_eq!(look_at(child.id()), Seen::Running, "and it was not killed");
    // The guard kills and reaps it when this test ends, passed or failed.
}

#[test]
fn run_with_deadline_kills_and_reaps_a_child_that_runs_too_long() {
    // The hanging worker prints its pid first; a file catches it, so that we can look
    // for the process afterwards. (`Stdio::from(File)`: a stream can be a file, too.)
    let path = std::env::temp_dir().join(format!("lesson-03-deadline-{}", std::process::id()));
    let file = File::create(&path).expect("the temporary directory is writable");
    let mut command = hanging();
    command.stdout(Stdio::from(file));

    let timed = run_with_deadline(&mut command, Duration::from_secs(1)).expect("the worker runs");
    let pid = std::fs::read_to_string(&path).expect("the file is readable");
    let _ = std::fs::remove_file(&path);

    assert_eq!(timed, Timed::Killed);
    let pid: u32 = pid.trim().parse().expect("the worker printed its pid");
    assert_eq!(look_at(pid), Seen::NotOurChild, "killed and reaped");
}

#[test]
fn run_with_deadline_reports_a_child_that_ends_in_time() {
    let mut command = worker().command(&Task::Exit(0));
    let timed = run_with_deadline(&mut command, Duration::from_secs(3600)).expect("it runs");
    assert_eq!(timed, Timed::Finished(Ending::Code(0)));
}

#[cfg(target_os = "linux")]
#[test]
fn a_child_that_ended_is_a_zombie_until_it_is_waited_for() {
    use processes_lesson::lifecycle::{process_state, wait_without_reaping};

    let mut child = ChildGuard::spawn(&mut worker().command(&Task::Exit(0))).expect("it starts");
    let pid = child.id();
    wait_without_reaping(&child).expect("waitid works");
    let zombie = process_state(pid);
    let status = child.wait().expect("the child is reaped");
    let after = process_state(pid);

    assert_eq!(zombie, Some('Z'), "ended, not yet reaped: a zombie");
    assert!(status.success());
    assert_eq!(after, None, "reaped: gone from the process table");
}

#[test]
fn dropping_a_child_neither_kills_nor_reaps_it() {
    let child = hanging().spawn().expect("the worker starts");
    let pid = child.id();
    drop(child);
    // Look, then clean up, then judge: the cleanup must happen even if the check fails.
    let seen = look_at(pid);
    let cleanup = kill_and_reap(pid);
    assert_eq!(seen, Seen::Running, "the dropped child goes on running");
    assert!(matches!(
        cleanup,
        WaitStatus::Signaled(_, Signal::SIGKILL, _)
    ));
}

#[test]
fn a_guard_kills_and_reaps_on_an_early_return() {
    /// Starts a guarded child, then fails before waiting for it.
    fn start_then_fail(pid: &mut u32) -> io::Result<()> {
        let child = ChildGuard::spawn(&mut hanging())?;
        *pid = child.id();
        // A step after the spawn fails: the function returns, and `child` is dropped.
        Err(io::Error::other("something went wrong after the spawn"))
    }
    let mut pid = 0;
    assert!(start_then_fail(&mut pid).is_err());
    assert_ne!(pid, 0);
    assert_eq!(
        look_at(pid),
        Seen::NotOurChild,
        "killed and reaped by the guard"
    );
}

#[test]
fn a_guard_leaves_a_child_that_was_waited_for_alone() {
    let mut child = ChildGuard::spawn(&mut worker().command(&Task::Exit(0))).expect("it starts");
    let status = child.wait().expect("the child is reaped");
    assert!(status.success());
    // What the guard's `drop` does: kill (nothing to kill any more) and wait (which returns
    // the status it already has).
    let again = child
        .kill_and_reap()
        .expect("killing a reaped child does nothing");
    assert_eq!(again, status, "still exit code 0, not SIGKILL");
}

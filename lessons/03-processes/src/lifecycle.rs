//! A child's life: waiting for it, polling it, killing it, giving it a deadline, and
//! reaping it, always.
//!
//! `spawn()` returns a [`Child`]: the child's pid and the parent's ends of its piped
//! streams. From there:
//!
//! - `wait()` blocks until the child ends and returns its status. It first closes the
//!   child's stdin, if piped, so that a child reading its input sees end-of-file and can
//!   finish instead of waiting for the parent, which is waiting for it.
//! - `try_wait()` never blocks: `Ok(None)` while the child runs, `Ok(Some(status))` once
//!   it has ended.
//! - `kill()` sends `SIGKILL`, which a process can neither catch nor ignore. It does not
//!   wait: after `kill`, the child is dead but not yet reaped.
//!
//! **Reaping.** When a process ends, the kernel keeps a small record of it, its pid and
//! how it ended, until its parent collects that with a `wait`. Until then the dead process
//! is a *zombie* (state `Z` in `ps`): no memory, no CPU, but its pid and its slot in the
//! process table stay taken. Collecting the status is called *reaping*, and it is the
//! parent's job: `Child` does not do it for you. Dropping a `Child` neither waits nor
//! kills, as its documentation warns. A child dropped while running goes on running, with
//! nobody watching it; a child dropped after it ended stays a zombie until the parent
//! exits (then `init`, or a *subreaper* such as this course's grader, adopts and reaps it).
//! A long-running parent that forgets leaks one pid per child, until starting a process
//! fails for every program of that user.
//!
//! Reaping through the `Child` also keeps `kill` safe. Until a child is reaped its pid
//! cannot be given to another process, so `child.kill()` reaches that child and no other.
//! Once it is reaped, the number is free: a pid kept in a variable and signalled later may
//! hit a stranger. `Child` remembers whether it reaped its child, and `kill` on a reaped
//! child does nothing. [`ChildGuard`] builds on that: it kills and reaps its child when it
//! is dropped, so every way out of a function (a `?`, an early `return`, a panic) cleans
//! up.
//!
//! **Deadlines.** `std` has no "wait, but at most this long". [`wait_until`] polls
//! `try_wait`, with pauses growing from 1 ms to [`MAX_PAUSE`], so a quick child is noticed
//! within a millisecond or two and a long one costs a wake-up every few milliseconds:
//! nothing next to what a process costs. It is portable and needs nothing but `std`, and
//! since only `try_wait` reaps, the `kill` after a missed deadline can never hit a reused
//! pid. The event-driven alternatives are platform-specific: on Linux a *pidfd* (a file
//! descriptor that becomes readable when the process ends, usable with `poll`), on macOS
//! and the BSDs a kqueue `EVFILT_PROC` event, or a `SIGCHLD` handler that writes to a
//! pipe. Crates such as `wait-timeout` wrap them; reach for one when you supervise many
//! children and every millisecond counts.

use std::io;
use std::ops::{Deref, DerefMut};
use std::process::{Child, Command, ExitStatus};
use std::thread;
use std::time::{Duration, Instant};

use crate::command::Ending;

/// The longest pause between two looks at a child in [`wait_until`].
pub const MAX_PAUSE: Duration = Duration::from_millis(20);

// ANCHOR: wait_until
/// Waits for `child` to end, but not past `deadline`. Returns its status if it ended in
/// time (it is then reaped), or `None` if it was still running at the deadline (it is then
/// left running: the caller decides whether to kill it or wait longer).
pub fn wait_until(child: &mut Child, deadline: Instant) -> io::Result<Option<ExitStatus>> {
    let mut pause = Duration::from_millis(1);
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        let now = Instant::now();
        if now >= deadline {
            return Ok(None);
        }
        // Not a sleep that papers over a race: the child's state is checked again after
        // the pause, and the pause never overshoots the deadline.
        thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(MAX_PAUSE);
    }
}
// ANCHOR_END: wait_until

// ANCHOR: child_guard
/// A child process that is killed and reaped when the guard is dropped.
///
/// It dereferences to the [`Child`], so `guard.wait()`, `guard.stdout.take()` and the rest
/// work as on a `Child`. A child that was already waited for is left alone: `kill` on a
/// reaped child does nothing, and `wait` returns the status it already has.
#[derive(Debug)]
pub struct ChildGuard {
    child: Child,
}

impl ChildGuard {
    /// Spawns `command`, guarded.
    pub fn spawn(command: &mut Command) -> io::Result<ChildGuard> {
        Ok(ChildGuard {
            child: command.spawn()?,
        })
    }

    /// Kills the child (if it still runs) and reaps it; returns how it ended.
    pub fn kill_and_reap(&mut self) -> io::Result<ExitStatus> {
        self.child.kill()?;
        self.child.wait()
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        // Errors are ignored: nothing better can be done in a destructor, and both calls
        // only fail if the child is already gone.
        let _ = self.kill_and_reap();
    }
}

impl Deref for ChildGuard {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.child
    }
}

impl DerefMut for ChildGuard {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.child
    }
}
// ANCHOR_END: child_guard

// ANCHOR: run_with_deadline
/// How a child run with a deadline ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timed {
    /// It ended by itself before the deadline.
    Finished(Ending),
    /// It was still running at the deadline, and was killed and reaped.
    Killed,
}

/// Runs `command` until it ends or `timeout` has passed, whichever comes first; a child
/// still running then is killed. Either way it is reaped before this returns.
///
/// The command's streams should not be pipes that nobody reads: a child blocked writing
/// to a full pipe never finishes (inherit them, null them, or read them on other threads
/// as [`crate::command::upper_case_through_child`] does).
pub fn run_with_deadline(command: &mut Command, timeout: Duration) -> io::Result<Timed> {
    let deadline = Instant::now() + timeout;
    let mut child = ChildGuard::spawn(command)?;
    // If `wait_until` fails, the `?` returns and the guard kills and reaps the child.
    match wait_until(&mut child, deadline)? {
        Some(status) => Ok(Timed::Finished(Ending::from(status))),
        None => {
            child.kill_and_reap()?;
            Ok(Timed::Killed)
        }
    }
}
// ANCHOR_END: run_with_deadline

// ANCHOR: zombie
/// The state letter of process `pid` as Linux shows it in `/proc/PID/stat` (`R` running,
/// `S` sleeping, `Z` zombie, ...), or `None` if there is no such process.
#[cfg(target_os = "linux")]
pub fn process_state(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // `PID (COMMAND) STATE ...`; the command may hold spaces or parentheses, so the state
    // is read after the last `)`.
    stat.rsplit_once(')')?.1.trim_start().chars().next()
}

/// Blocks until `child` has ended, *without* reaping it: afterwards it is a zombie until
/// someone waits for it. `waitid` with `WNOWAIT` does that; it exists only to show a
/// zombie (Linux).
#[cfg(target_os = "linux")]
pub fn wait_without_reaping(child: &Child) -> io::Result<()> {
    use nix::sys::wait::{Id, WaitPidFlag, waitid};
    use nix::unistd::Pid;
    let pid = Pid::from_raw(child.id() as i32);
    waitid(Id::Pid(pid), WaitPidFlag::WEXITED | WaitPidFlag::WNOWAIT)?;
    Ok(())
}
// ANCHOR_END: zombie

//! Given: a child process that is killed and reaped when dropped (lesson 03's `ChildGuard`).
//! You do not need to change it.

use std::io;
use std::ops::{Deref, DerefMut};
use std::process::{Child, Command, ExitStatus};

/// A child process that is killed and reaped when the guard is dropped, so that every way
/// out of a function (a `?`, an early return, a panic) cleans up. It dereferences to the
/// [`Child`]: `guard.wait()`, `guard.try_wait()`, `guard.id()` work as on a `Child`. A
/// child already waited for is left alone.
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
        // Both calls only fail if the child is already gone.
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

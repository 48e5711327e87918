//! Why a program with threads must not `fork` and carry on: the child inherits locks held
//! by threads it does not have.
//!
//! `fork()` creates a child that is a copy of the calling process: the same memory, the
//! same open files, and exactly one thread, the one that called `fork`. Every other
//! thread of the parent simply does not exist in the child. Whatever those threads were
//! in the middle of, they never finish in the child: a lock one of them held stays locked
//! forever there, and the data it was changing stays half-changed.
//!
//! The locks in question are not only yours. The memory allocator has locks (`malloc`
//! takes one); so does `stdout`, so do the runtime's internal tables. A child that calls
//! `println!`, allocates a `String`, or takes any lock another thread might have held at
//! the moment of the fork can hang forever, or corrupt the allocator, at random, depending
//! on what the other threads were doing. That is why POSIX allows only
//! *async-signal-safe* functions (`read`, `write`, `_exit`, `execve`, and a short list of
//! others) in the child of a multi-threaded program, until it calls `exec` to become
//! another program. It is also why Python 3.12 warns when `os.fork()` is called in a
//! process with threads, and why Python 3.14 stopped using *fork* as `multiprocessing`'s
//! default start method on Linux.
//!
//! Rust's `Command::spawn` is safe from this: between its fork and its `exec` it runs
//! only async-signal-safe code (and on Linux it usually uses `posix_spawn`, which does
//! the whole thing in the C library). The one door to your own code there is
//! `CommandExt::pre_exec`, and it is an `unsafe fn` for exactly this reason. A Rust
//! program that wants workers re-runs itself ([`crate::worker`]) instead of forking.
//!
//! [`fork_while_a_thread_holds_a_lock`] shows the problem without falling into it: a
//! thread takes a lock, the main thread forks, and the child *tries* the lock (`try_lock`,
//! which returns instead of waiting) and reports what it found through its exit code.

use std::io::{self, Write};
use std::sync::{Mutex, mpsc};
use std::thread;

use nix::sys::wait::{WaitStatus, waitpid};
use nix::unistd::{ForkResult, fork};

/// What the child of [`fork_while_a_thread_holds_a_lock`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AfterFork {
    /// The number of threads of the parent when it forked (Linux only: read from `/proc`).
    pub threads_in_parent: Option<usize>,
    /// The number of threads of the child (Linux only: read from `/proc`).
    pub threads_in_child: Option<usize>,
    /// Whether the lock, held by another thread of the parent, was free in the child.
    pub lock_free_in_child: bool,
}

/// The child's exit code when the lock was free, and when it was held.
const LOCK_FREE: i32 = 0;
const LOCK_HELD: i32 = 1;

// ANCHOR: fork
/// Forks while a second thread holds a lock, and reports what the child finds.
pub fn fork_while_a_thread_holds_a_lock() -> io::Result<AfterFork> {
    let lock = Mutex::new(());
    let (locked_tx, locked) = mpsc::channel();
    let (release, release_rx) = mpsc::channel::<()>();
    // The child waits on this pipe until the parent has counted its threads.
    let (go_rx, mut go_tx) = io::pipe()?;

    thread::scope(|s| {
        // The locking thread holds the lock until this sender is dropped. It is owned by
        // this closure, so it is dropped on every way out of it (`?` included), and the
        // scope, which joins its threads after the closure returns, cannot wait forever.
        let _release_on_return = release;
        let lock = &lock;
        s.spawn(move || {
            let _guard = lock.lock().expect("nothing panics while holding the lock");
            locked_tx.send(()).expect("the main thread waits for this");
            let _ = release_rx.recv(); // returns when the sender is dropped
        });
        locked.recv().expect("the locking thread does not panic");
        let threads_in_parent = thread_count(std::process::id());

        // SAFETY: this process has other threads, so until it exits the child may call
        // only async-signal-safe functions. It calls `close(2)` and `read(2)` on a pipe,
        // makes one atomic compare-and-swap (`Mutex::try_lock`: no allocation, no
        // waiting) and calls `_exit(2)`. It allocates nothing, prints nothing, and never
        // returns into code that could: `_exit` runs no destructors and no `atexit`
        // handlers.
        let child = match unsafe { fork() }? {
            ForkResult::Child => {
                // Close the child's copy of the write end, so that `read` returns (0
                // bytes) even if the parent never writes.
                drop(go_tx);
                let _ = nix::unistd::read(&go_rx, &mut [0u8; 1]);
                let code = match lock.try_lock() {
                    Ok(_) => LOCK_FREE,
                    Err(_) => LOCK_HELD, // held by a thread that does not exist here
                };
                // SAFETY: `_exit` is async-signal-safe; the child ends here.
                unsafe { nix::libc::_exit(code) }
            }
            ForkResult::Parent { child } => child,
        };

        let threads_in_child = thread_count(child.as_raw() as u32);
        // Let the child go on (closing our end wakes it even if the write failed), then
        // reap it.
        let told = go_tx.write_all(b"g");
        drop(go_tx);
        let status = waitpid(child, None)?;
        told?;
        let lock_free_in_child = match status {
            WaitStatus::Exited(_, LOCK_FREE) => true,
            WaitStatus::Exited(_, LOCK_HELD) => false,
            other => return Err(io::Error::other(format!("the child ended as {other:?}"))),
        };
        Ok(AfterFork {
            threads_in_parent,
            threads_in_child,
            lock_free_in_child,
        })
    })
}
// ANCHOR_END: fork

/// How many threads process `pid` has (Linux: one entry per thread in `/proc/PID/task`).
fn thread_count(pid: u32) -> Option<usize> {
    if cfg!(target_os = "linux") {
        Some(std::fs::read_dir(format!("/proc/{pid}/task")).ok()?.count())
    } else {
        None
    }
}

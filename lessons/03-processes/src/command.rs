//! Starting a program with `std::process::Command`, and reading how it ended.
//!
//! A `Command` is a builder: the program, its arguments, its environment, its working
//! directory and what its three standard streams are connected to. Nothing runs until one
//! of three methods is called:
//!
//! - `status()` runs the program to completion with the parent's terminal (its streams are
//!   *inherited*) and returns its [`ExitStatus`];
//! - `output()` runs it to completion with stdout and stderr captured through pipes, and
//!   returns both with the status (stdin is connected to nothing);
//! - `spawn()` starts it and returns at once with a [`Child`](std::process::Child): a
//!   handle to wait for it, kill it, and write to or read from its pipes
//!   ([`crate::lifecycle`]).
//!
//! Each stream is one of three [`Stdio`]s: `inherit()` (the parent's own stream: the
//! terminal, or whatever the parent's stream is), `piped()` (a new pipe, the other end of
//! which the parent gets as `child.stdin` / `child.stdout` / `child.stderr`), or `null()`
//! (`/dev/null`: reading gives end-of-file, writing goes nowhere).
//!
//! Arguments are passed as a list, one string per argument, straight to the OS (`execve`):
//! no shell reads them, so spaces, quotes, `$` and `;` in an argument are just characters.
//! That is the difference between `Command::new("ls").arg(name)` and Python's
//! `subprocess.run(f"ls {name}", shell=True)`, and why there is nothing to escape.
//!
//! How a process ended is one of two things on Unix: it *exited* with a code (`0` for
//! success, by convention), or a *signal* ended it (it crashed, or something killed it), in
//! which case there is no exit code at all. `ExitStatus::code()` is `None` then, and the
//! Unix extension trait `ExitStatusExt` gives the signal. [`Ending`] is that distinction
//! as a type.

use std::fmt;
use std::io::{self, Read, Write};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, ExitStatus, Stdio};
use std::thread;

use crate::worker::{Task, Worker};

// ANCHOR: ending
/// How a process ended: it exited with a code, or a signal ended it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// It called `exit(code)` or returned from `main`; 0 means success.
    Code(i32),
    /// A signal ended it: it crashed (`SIGSEGV`, `SIGABRT`, ...) or was killed (`SIGKILL`).
    Signal(i32),
}

impl From<ExitStatus> for Ending {
    fn from(status: ExitStatus) -> Ending {
        // On Unix a status has exactly one of the two: an exit code, or the number of the
        // signal that ended the process. (A stopped process also has a status, but `wait`
        // only reports processes that have ended.)
        match (status.code(), status.signal()) {
            (Some(code), _) => Ending::Code(code),
            (None, Some(signal)) => Ending::Signal(signal),
            (None, None) => unreachable!("an ended process has a code or a signal: {status:?}"),
        }
    }
}

impl Ending {
    /// Did the process succeed (exit code 0)?
    pub fn success(self) -> bool {
        self == Ending::Code(0)
    }
}
// ANCHOR_END: ending

impl fmt::Display for Ending {
    /// `exit code 3`, or `signal 6 (SIGABRT)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Ending::Code(code) => write!(f, "exit code {code}"),
            Ending::Signal(signal) => match nix::sys::signal::Signal::try_from(signal) {
                Ok(name) => write!(f, "signal {signal} ({})", name.as_str()),
                Err(_) => write!(f, "signal {signal}"),
            },
        }
    }
}

// ANCHOR: status
/// Runs `worker` on `task` with this process's own stdin, stdout and stderr (inherited),
/// waits for it, and says how it ended.
pub fn run_inherited(worker: &Worker, task: &Task) -> io::Result<Ending> {
    // `status()` spawns and waits in one call. `Err` only means the program could not be
    // started (or waited for); a program that ran and failed is an `Ok` with its ending.
    let status = worker.command(task).status()?;
    Ok(Ending::from(status))
}
// ANCHOR_END: status

/// What [`capture`] collected from a finished process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Captured {
    pub ending: Ending,
    pub stdout: String,
    pub stderr: String,
}

// ANCHOR: output
/// Runs `command` to completion with its stdout and stderr captured.
///
/// `output()` connects stdout and stderr to pipes (unless the command says otherwise) and
/// stdin to nothing, then reads both pipes while waiting for the process, so a program
/// that writes a lot cannot get stuck on a full pipe. The bytes are decoded leniently:
/// invalid UTF-8 becomes `U+FFFD` instead of an error.
pub fn capture(command: &mut Command) -> io::Result<Captured> {
    let output = command.output()?;
    Ok(Captured {
        ending: Ending::from(output.status),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}
// ANCHOR_END: output

// ANCHOR: environment
/// Runs a worker that prints the value of each variable in `names`, one per line (`None`
/// for a variable it does not have), in an environment changed three ways:
/// `LESSON_GREETING` is set, `HOME` is removed, and, if `clear` is true, nothing else at
/// all is passed on.
///
/// A child starts with a copy of its parent's environment unless told otherwise; what it
/// does to its copy never reaches the parent.
pub fn environment_seen_by_child(
    worker: &Worker,
    names: &[&str],
    clear: bool,
) -> io::Result<Vec<Option<String>>> {
    let mut command = worker.command(&Task::PrintEnv(
        names.iter().map(|name| name.to_string()).collect(),
    ));
    if clear {
        // Start from an empty environment: only what is set below reaches the child.
        command.env_clear();
    }
    command
        .env("LESSON_GREETING", "hello from the parent")
        .env_remove("HOME");
    let captured = capture(&mut command)?;
    if !captured.ending.success() {
        return Err(io::Error::other(format!(
            "the worker failed ({}): {}",
            captured.ending, captured.stderr
        )));
    }
    Ok(captured
        .stdout
        .lines()
        .map(|line| (line != "-").then(|| line.to_owned()))
        .collect())
}
// ANCHOR_END: environment

// ANCHOR: pipes
/// Sends `input` through a worker that upper-cases what it reads on stdin, and returns
/// what it wrote on stdout.
///
/// Both directions are pipes, and a pipe holds only so much (64 KiB on Linux): a child
/// that cannot write its output because nobody reads it stops reading its input, and a
/// parent that writes all the input before reading any output then waits forever. So the
/// input is written from a second thread while this one reads the output: neither side
/// can block the other, whatever the sizes.
pub fn upper_case_through_child(worker: &Worker, input: &str) -> io::Result<String> {
    let mut child = worker
        .command(&Task::Upper)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    // Take the pipe ends out of the `Child`: each one is owned by whoever uses it.
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let mut stdout = child.stdout.take().expect("stdout is piped");

    let (written, read) = thread::scope(|s| {
        // The closure owns `stdin` and drops it when it returns, which closes the pipe:
        // the child reads end-of-file and knows the input is over. Without that it would
        // wait for more input forever, and we for its output.
        let writer = s.spawn(move || stdin.write_all(input.as_bytes()));
        let mut output = String::new();
        let read = stdout.read_to_string(&mut output).map(|_| output);
        // Close our end before waiting for the writer. If reading stopped early (on an
        // error), the child may be blocked writing output nobody reads, and would never
        // read the rest of its input; now its write fails, it exits, and so does ours.
        drop(stdout);
        let written = writer.join().expect("writing to a pipe does not panic");
        (written, read)
    });
    // Wait even when reading or writing failed, so the child is always reaped.
    let ending = Ending::from(child.wait()?);
    written?;
    let output = read?;
    if !ending.success() {
        return Err(io::Error::other(format!("the worker failed: {ending}")));
    }
    Ok(output)
}
// ANCHOR_END: pipes

//! Fault isolation: the same four faults in a thread and in a child process.
//!
//! Python guides say that processes isolate faults ("crashes in one process do not
//! affect others") and threads do not ("one thread crash affects all"). In Rust the
//! second half needs care, because the most common failure is not a crash:
//!
//! - **A panic** unwinds the thread it happens in, and only that thread. Its destructors
//!   run, its locks are released (and marked poisoned), and whoever joins the thread gets
//!   `Err` with the panic's payload. The process lives on (lesson 01). The exceptions:
//!   a program built with `panic = "abort"`, a panic while already panicking, or a panic
//!   that reaches a function that cannot unwind (`extern "C"`) all abort instead.
//! - **An abort** (`std::process::abort`, or a failed allocation) ends the whole process
//!   with `SIGABRT`, whichever thread called it.
//! - **A stack overflow** is caught by Rust with a guard page below each thread's stack:
//!   Rust prints `thread '...' has overflowed its stack` and aborts. The whole process.
//! - **A segmentation fault**, a read or write where nothing is mapped, is what a bug in
//!   `unsafe` code or in C code called through FFI typically does. The OS sends `SIGSEGV`
//!   to the process, and its default action ends all of it.
//!
//! Threads share one address space, so the last three are fatal to every thread. A child
//! process has its own: whatever it does to itself, its parent only sees how it ended
//! (an exit code, or the signal that killed it), and carries on.
//!
//! | fault | in a thread | in a child process |
//! | --- | --- | --- |
//! | panic | the thread ends, `join` returns `Err`; the process survives | the child exits with code 101; the parent survives |
//! | abort | the whole process dies (`SIGABRT`) | the child dies (`SIGABRT`); the parent survives |
//! | stack overflow | the whole process dies (`SIGABRT`) | the child dies (`SIGABRT`); the parent survives |
//! | null write (`unsafe`) | the whole process dies (`SIGSEGV`) | the child dies (`SIGSEGV`); the parent survives |
//!
//! To show the "in a thread" column without killing the program that shows it, the fault
//! runs in a thread of a *child* worker ([`in_thread_of_child`]): the process that lives
//! or dies is the worker, and this process reads how it went. [`in_child`] runs the fault
//! on the worker's main thread. Only [`in_thread`] with [`Fault::Panic`] is safe to call
//! in a process you want to keep.

use std::any::Any;
use std::hint::black_box;
use std::io;
use std::thread;

use crate::command::{self, Ending};
use crate::worker::{Task, Worker};

// ANCHOR: fault
/// Ways for a thread to fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// `panic!`: unwinds the thread.
    Panic,
    /// `std::process::abort()`: ends the process with `SIGABRT`.
    Abort,
    /// Unbounded recursion: overflows the thread's stack.
    StackOverflow,
    /// A write through a null pointer, in `unsafe` code: a segmentation fault.
    NullWrite,
}
// ANCHOR_END: fault

impl Fault {
    pub const ALL: [Fault; 4] = [
        Fault::Panic,
        Fault::Abort,
        Fault::StackOverflow,
        Fault::NullWrite,
    ];

    /// The fault's name on a worker's command line.
    pub fn name(self) -> &'static str {
        match self {
            Fault::Panic => "panic",
            Fault::Abort => "abort",
            Fault::StackOverflow => "stack-overflow",
            Fault::NullWrite => "null-write",
        }
    }

    pub fn from_name(name: &str) -> Option<Fault> {
        Fault::ALL.into_iter().find(|fault| fault.name() == name)
    }
}

// ANCHOR: trigger
/// Causes `fault` on the calling thread. It never returns: the thread unwinds (a panic)
/// or the whole process ends (the other three).
pub fn trigger(fault: Fault) -> ! {
    match fault {
        Fault::Panic => panic!("a panic, on purpose"),
        Fault::Abort => std::process::abort(),
        Fault::StackOverflow => {
            overflow_the_stack(0);
            unreachable!("the recursion only ends when the stack does")
        }
        Fault::NullWrite => write_through_a_null_pointer(),
    }
}

/// Recurses until the stack runs out. Each call keeps a 256-byte array alive across the
/// recursive call, so the compiler can neither shrink the frames nor turn the recursion
/// into a loop.
fn overflow_the_stack(depth: u64) -> u64 {
    let frame = black_box([depth; 32]);
    if depth == u64::MAX {
        return frame[0]; // never true: it only keeps the recursion from looking endless
    }
    overflow_the_stack(depth + 1).wrapping_add(black_box(frame)[1])
}

// DANGER: a deliberate memory error. This function exists to be run in a process that is
// meant to die of it (a child worker started for this demonstration), never elsewhere.
fn write_through_a_null_pointer() -> ! {
    // Writing field `.2` of a `*mut [u64; 4]` that is null means writing to address 16.
    // (Address 0 itself would not do: Rust's debug builds check `write_volatile` for a null
    // pointer and abort before the write, which would show an abort, not a segfault.) The
    // first page of memory is never mapped, so the write faults.
    let null_struct_field = std::ptr::without_provenance_mut::<u64>(16);
    // SAFETY: none: this is undefined behaviour, on purpose. It is the kind of bug `unsafe`
    // code can have, shown in a process that exists to crash from it. `write_volatile`
    // keeps the compiler from removing or reordering the write.
    unsafe { null_struct_field.write_volatile(0xdead) };
    unreachable!("the OS stops the process with SIGSEGV before this line")
}
// ANCHOR_END: trigger

// ANCHOR: in_thread
/// Causes `fault` on a new thread of this process and joins that thread. Returns the panic
/// message for [`Fault::Panic`]; for every other fault it does not return at all, because
/// the process that called it is gone. Use it in a process that is meant to die.
pub fn in_thread(fault: Fault) -> Result<(), String> {
    let joined = thread::spawn(move || trigger(fault)).join();
    joined.map_err(|payload| panic_message(&payload))
}
// ANCHOR_END: in_thread

/// The text a panic carried (`panic!("literal")` carries a `&str`, `panic!("{x}")` a
/// `String`).
pub fn panic_message(payload: &Box<dyn Any + Send>) -> String {
    if let Some(text) = payload.downcast_ref::<&'static str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic payload that is not a string".to_owned()
    }
}

// ANCHOR: observe
/// What became of the process in which a fault happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// It lived on, and said so (its stdout).
    Survived(String),
    /// It died, and this is how.
    Died(Ending),
}

/// An [`Outcome`] and what the process wrote on stderr (panic messages, Rust's stack
/// overflow report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    pub outcome: Outcome,
    pub stderr: String,
}

/// Runs `fault` on the main thread of a child worker. This process survives whatever
/// the fault is: only the child dies.
pub fn in_child(worker: &Worker, fault: Fault) -> io::Result<Observed> {
    observe(worker, &Task::Fault(fault))
}

/// Runs `fault` on a second thread of a child worker, which joins that thread and prints
/// `survived: ...` if it can. The child stands in for "this process": whether it survives
/// shows whether a process survives the fault in one of its threads.
pub fn in_thread_of_child(worker: &Worker, fault: Fault) -> io::Result<Observed> {
    observe(worker, &Task::FaultInThread(fault))
}

fn observe(worker: &Worker, task: &Task) -> io::Result<Observed> {
    let captured = command::capture(&mut worker.command(task))?;
    let outcome = if captured.ending.success() {
        Outcome::Survived(captured.stdout.trim().to_owned())
    } else {
        Outcome::Died(captured.ending)
    };
    Ok(Observed {
        outcome,
        stderr: captured.stderr,
    })
}
// ANCHOR_END: observe

//! `faults`: a panic in a thread leaves its process running; an abort, a stack overflow
//! and a null-pointer write in a thread end the whole process; in a child process, every
//! one of them ends only the child. Every fault that ends a process runs in a child
//! worker: the process under test is the worker, never this test binary.

use nix::libc::{SIGABRT, SIGSEGV};
use processes_lesson::command::Ending;
use processes_lesson::faults::{Fault, Outcome, in_child, in_thread, in_thread_of_child};

use crate::support::worker;

#[test]
fn a_panic_in_a_thread_leaves_this_process_running() {
    // The one fault that is safe to cause here: it unwinds the thread, and `join` tells.
    assert_eq!(
        in_thread(Fault::Panic),
        Err("a panic, on purpose".to_owned())
    );
}

#[test]
fn in_a_thread_only_a_panic_leaves_the_process_alive() {
    let expected = [
        (
            Fault::Panic,
            Outcome::Survived("survived: the thread panicked: a panic, on purpose".into()),
        ),
        (Fault::Abort, Outcome::Died(Ending::Signal(SIGABRT))),
        (Fault::StackOverflow, Outcome::Died(Ending::Signal(SIGABRT))),
        (Fault::NullWrite, Outcome::Died(Ending::Signal(SIGSEGV))),
    ];
    for (fault, outcome) in expected {
        let observed = in_thread_of_child(&worker(), fault).expect("the worker starts");
        assert_eq!(
            observed.outcome, outcome,
            "{fault:?} in a thread; stderr:\n{}",
            observed.stderr
        );
    }
}

#[test]
fn in_a_child_process_every_fault_ends_only_the_child() {
    let expected = [
        // A panic on the main thread ends the program with exit code 101.
        (Fault::Panic, Ending::Code(101)),
        (Fault::Abort, Ending::Signal(SIGABRT)),
        (Fault::StackOverflow, Ending::Signal(SIGABRT)),
        (Fault::NullWrite, Ending::Signal(SIGSEGV)),
    ];
    for (fault, ending) in expected {
        let observed = in_child(&worker(), fault).expect("the worker starts");
        assert_eq!(
            observed.outcome,
            Outcome::Died(ending),
            "{fault:?} in a child; stderr:\n{}",
            observed.stderr
        );
    }
    // And this process is still here to check it: that is the isolation.
}

#[test]
fn rust_reports_a_stack_overflow_before_aborting() {
    let observed = in_child(&worker(), Fault::StackOverflow).expect("the worker starts");
    assert!(
        observed.stderr.contains("has overflowed its stack"),
        "{}",
        observed.stderr
    );
}

//! `command`: exit codes and signals are told apart, output is captured stream by stream,
//! arguments arrive unchanged, the environment is the parent's copy with changes, and
//! pipes in both directions do not block each other.

use std::io::ErrorKind;
use std::process::Stdio;

use processes_lesson::command::{
    Ending, capture, environment_seen_by_child, run_inherited, upper_case_through_child,
};
use processes_lesson::faults::Fault;
use processes_lesson::worker::{Task, Worker};

use crate::support::worker;

#[test]
fn status_reports_the_exit_code() {
    let mut failing = worker().command(&Task::Exit(3));
    failing.stderr(Stdio::null()); // it says why on stderr; not needed here
    let ending = Ending::from(failing.status().expect("the worker starts"));
    assert_eq!(ending, Ending::Code(3));
    assert!(!ending.success());
    assert_eq!(ending.to_string(), "exit code 3");

    let ending = run_inherited(&worker(), &Task::Exit(0)).expect("the worker starts");
    assert_eq!(ending, Ending::Code(0));
    assert!(ending.success());
}

#[test]
fn a_process_ended_by_a_signal_has_no_exit_code() {
    let status = worker()
        .command(&Task::Fault(Fault::Abort))
        .stderr(Stdio::null())
        .status()
        .expect("the worker starts");
    assert_eq!(status.code(), None, "a signal is not an exit code");
    let ending = Ending::from(status);
    assert_eq!(ending, Ending::Signal(nix::libc::SIGABRT));
    assert_eq!(ending.to_string(), "signal 6 (SIGABRT)");
}

#[test]
fn output_captures_stdout_and_stderr_separately() {
    let failed = capture(&mut worker().command(&Task::Exit(7))).expect("the worker starts");
    assert_eq!(failed.ending, Ending::Code(7));
    assert_eq!(failed.stdout, "");
    assert_eq!(
        failed.stderr,
        "worker: failing with exit code 7, as asked\n"
    );

    let whoami = capture(&mut worker().command(&Task::Whoami)).expect("the worker starts");
    assert_eq!(whoami.ending, Ending::Code(0));
    let (pid, parent) = whoami
        .stdout
        .trim()
        .split_once(' ')
        .expect("the worker prints `PID PPID`");
    assert_ne!(pid, std::process::id().to_string(), "another process");
    assert_eq!(parent, std::process::id().to_string(), "whose parent is us");
}

#[test]
fn a_program_that_cannot_start_is_an_error_not_an_ending() {
    let missing = Worker::at("/this/program/does/not/exist");
    let error = missing
        .command(&Task::Whoami)
        .status()
        .expect_err("there is nothing to run");
    assert_eq!(error.kind(), ErrorKind::NotFound);
}

#[test]
fn arguments_arrive_as_given_without_a_shell() {
    let tricky = [
        "two words",
        "$HOME",
        "; echo injected",
        "'quoted'",
        "*",
        "",
        "--worker",
    ];
    let task = Task::Echo(tricky.iter().map(|s| s.to_string()).collect());
    let echoed = capture(&mut worker().command(&task)).expect("the worker starts");
    assert_eq!(echoed.ending, Ending::Code(0));
    let lines: Vec<&str> = echoed.stdout.lines().collect();
    assert_eq!(lines, tricky, "one argument per line, unchanged");
}

#[test]
fn the_child_gets_a_copy_of_the_environment_with_our_changes() {
    let names = ["LESSON_GREETING", "PATH", "HOME"];
    let inherited = environment_seen_by_child(&worker(), &names, false).expect("the worker runs");
    assert_eq!(
        inherited,
        [
            Some("hello from the parent".to_owned()),
            std::env::var("PATH").ok(),
            None, // removed for the child
        ]
    );
    let cleared = environment_seen_by_child(&worker(), &names, true).expect("the worker runs");
    assert_eq!(
        cleared,
        [Some("hello from the parent".to_owned()), None, None],
        "after env_clear, only what was set explicitly"
    );
    // Nothing the child was given changed our own environment.
    assert!(std::env::var("LESSON_GREETING").is_err());
}

#[test]
fn a_null_stdin_reads_as_end_of_file() {
    // `output()` connects stdin to nothing: the upper-casing worker reads end-of-file at
    // once and exits, instead of waiting for input that never comes.
    let done = capture(&mut worker().command(&Task::Upper)).expect("the worker starts");
    assert_eq!(done.ending, Ending::Code(0));
    assert_eq!(done.stdout, "");
}

#[test]
fn pipes_in_both_directions_do_not_block_each_other() {
    // 1 MiB each way: far more than a pipe holds, so writing all of it before reading
    // any output would leave parent and child waiting for each other forever.
    let input = "the quick brown fox jumps over the lazy dog\n".repeat(24_000);
    assert!(input.len() > 1 << 20);
    let output = upper_case_through_child(&worker(), &input).expect("the worker runs");
    assert_eq!(output, input.to_uppercase());
}

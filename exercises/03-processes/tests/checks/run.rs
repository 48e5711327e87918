//! Task `run`: `run` returns a worker's stdout and pid when it succeeds, tells a non-zero
//! exit, a signal and a failed start apart, and reaps the worker before it returns.

use std::io::ErrorKind;

use nix::libc::SIGABRT;
use processes_exercise::{Output, RunError, run};

use crate::support::{Log, assert_no_worker_left, missing_program, serial};

#[test]
fn returns_the_workers_stdout() {
    let _serial = serial();
    let log = Log::new();
    let output = run(&log.worker(&["echo", "hello,", "worker"])).expect("the worker succeeds");
    assert_eq!(
        output.stdout, "hello, worker\n",
        "run must return everything the worker wrote on stdout"
    );
}

#[test]
fn the_pid_is_the_worker_process() {
    let _serial = serial();
    let log = Log::new();
    let Output { pid, stdout } = run(&log.worker(&["pid"])).expect("the worker succeeds");
    assert_eq!(
        log.started(),
        [pid],
        "`Output::pid` must be the pid of the worker process that ran (`Child::id()`)"
    );
    assert_eq!(
        stdout.trim(),
        pid.to_string(),
        "the worker printed its own pid"
    );
    assert_ne!(
        pid,
        std::process::id(),
        "the work must run in another process"
    );
}

#[test]
fn a_non_zero_exit_is_exited_with_its_code_and_stderr() {
    let _serial = serial();
    let log = Log::new();
    let outcome = run(&log.worker(&["fail", "3", "disk", "full"]));
    match outcome {
        Err(RunError::Exited { pid, code, stderr }) => {
            assert_eq!(code, 3, "the exit code");
            assert_eq!(stderr, "disk full\n", "what the worker wrote on stderr");
            assert_eq!(log.started(), [pid], "the pid of the worker that failed");
        }
        other => panic!(
            "a worker that exits with code 3 must give `Err(RunError::Exited {{ code: 3, .. }})`, \
             not {other:?}"
        ),
    }
}

#[test]
fn a_crash_is_signaled_with_its_signal() {
    let _serial = serial();
    let log = Log::new();
    match run(&log.worker(&["abort"])) {
        Err(RunError::Signaled { pid, signal, .. }) => {
            assert_eq!(signal, SIGABRT, "abort() ends a process with SIGABRT");
            assert_eq!(log.started(), [pid], "the pid of the worker that crashed");
        }
        other => panic!(
            "a worker that aborts has no exit code, only the signal that ended it: expected \
             `Err(RunError::Signaled {{ signal: {SIGABRT}, .. }})` (`ExitStatusExt::signal`), \
             got {other:?}"
        ),
    }
}

#[test]
fn a_program_that_cannot_start_is_a_spawn_error() {
    let _serial = serial();
    match run(&missing_program()) {
        Err(RunError::Spawn(error)) => assert_eq!(error.kind(), ErrorKind::NotFound),
        other => panic!(
            "a program that does not exist cannot be started: expected \
             `Err(RunError::Spawn(_))` with the error `spawn` returned, got {other:?}"
        ),
    }
}

#[test]
fn no_worker_is_left_running_or_unreaped() {
    let _serial = serial();
    let log = Log::new();
    for task in [&["echo", "done"][..], &["fail", "1", "no"], &["abort"]] {
        let _ = run(&log.worker(task));
        assert_no_worker_left(log.workers(), &format!("run (worker task {task:?})"));
    }
    assert_eq!(
        log.started().len(),
        3,
        "each call to run starts its worker once"
    );
}

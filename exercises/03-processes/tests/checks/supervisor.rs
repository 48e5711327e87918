//! Task `supervisor`: `supervise` restarts a worker that crashes, fails or hangs, returns
//! the first success with the failures before it, gives up after `max_restarts` restarts,
//! does not restart a program that cannot start, and leaves no worker behind.
//!
//! The worker task `flaky STEP...` makes attempt N do step N (`abort`, `fail`, `hang` or
//! `ok`), counting attempts in the check's log.

use std::io::ErrorKind;
use std::time::Duration;

use nix::libc::SIGABRT;
use processes_exercise::{RunError, SuperviseError, supervise};

use crate::support::{
    Log, STUCK, assert_no_worker_left, missing_program, reap_leftovers, serial, within,
};

/// Long enough for any worker that does not hang, on a busy machine.
const TIMEOUT: Duration = Duration::from_secs(20);
/// For the checks where an attempt hangs on purpose: long enough for an attempt that
/// does not hang to finish, even on a busy machine.
const SHORT: Duration = Duration::from_secs(1);

#[test]
fn a_worker_that_succeeds_runs_once() {
    let _serial = serial();
    let log = Log::new();
    let supervised = supervise(&log.worker(&["flaky", "ok"]), 3, TIMEOUT);
    reap_leftovers(log.workers());
    let supervised = supervised.expect("the first attempt succeeds");
    assert_eq!(supervised.output.stdout, "ok on attempt 1\n");
    assert!(supervised.failures.is_empty(), "{:?}", supervised.failures);
    assert_eq!(
        log.started().len(),
        1,
        "a worker that succeeded is not restarted"
    );
}

#[test]
fn failed_workers_are_restarted_until_one_succeeds() {
    let _serial = serial();
    let log = Log::new();
    let supervised = supervise(&log.worker(&["flaky", "abort", "fail", "ok"]), 3, TIMEOUT);
    reap_leftovers(log.workers());
    let supervised = supervised.expect("the third attempt succeeds");
    let started = log.started();
    assert_eq!(started.len(), 3, "two restarts: {started:?}");
    assert_eq!(supervised.output.stdout, "ok on attempt 3\n");
    assert_eq!(
        supervised.output.pid, started[2],
        "the output of the third worker"
    );
    match supervised.failures.as_slice() {
        [
            RunError::Signaled {
                pid: first, signal, ..
            },
            RunError::Exited {
                pid: second,
                code: 3,
                ..
            },
        ] => {
            assert_eq!(*signal, SIGABRT);
            assert_eq!([*first, *second], [started[0], started[1]]);
        }
        other => panic!(
            "expected the failures [Signaled (abort), Exited (code 3)], in order, got {other:?}"
        ),
    }
}

#[test]
fn a_hung_worker_is_killed_and_restarted() {
    let _serial = serial();
    let log = Log::new();
    let worker = log.worker(&["flaky", "hang", "ok"]);
    let supervised = within(
        STUCK,
        move || supervise(&worker, 3, SHORT),
        || {
            format!(
                "supervise has not returned {STUCK:?} after starting a worker that hangs on \
                 its first attempt, with a timeout of {SHORT:?}: run each attempt with \
                 `crate::run_with_deadline(worker, timeout)`, which kills a hung worker at \
                 its deadline, so that the next attempt can start"
            )
        },
    );
    reap_leftovers(log.workers());
    let restarted = match &supervised {
        Ok(supervised) => {
            supervised.output.stdout == "ok on attempt 2\n"
                && matches!(
                    supervised.failures.as_slice(),
                    [RunError::TimedOut { timeout, .. }] if *timeout == SHORT
                )
        }
        Err(_) => false,
    };
    assert!(
        restarted,
        "the worker hangs on its first attempt and succeeds on its second: a worker that \
         times out is a failure like any other, so supervise must restart it, with the \
         same timeout ({SHORT:?}: each attempt has its own), and return the output of the \
         second attempt, with one failure, `TimedOut {{ timeout: {SHORT:?}, .. }}`. Got \
         {supervised:?}"
    );
}

#[test]
fn it_gives_up_after_max_restarts() {
    let _serial = serial();
    let log = Log::new();
    let steps = ["flaky", "abort", "fail", "abort", "fail", "abort", "ok"];
    let outcome = supervise(&log.worker(&steps), 2, TIMEOUT);
    reap_leftovers(log.workers());
    match outcome {
        Err(SuperviseError::GaveUp { failures }) => assert_eq!(
            failures.len(),
            3,
            "the first attempt and 2 restarts failed: {failures:?}"
        ),
        other => panic!(
            "with max_restarts = 2 and a worker that fails 5 times, supervise must give up \
             after 3 attempts, with `Err(SuperviseError::GaveUp {{ .. }})`; got {other:?}"
        ),
    }
    assert_eq!(
        log.started().len(),
        3,
        "exactly 3 attempts: the first one and max_restarts = 2 restarts"
    );

    // The smallest limit: no restart at all, one attempt.
    let log = Log::new();
    let outcome = supervise(&log.worker(&["flaky", "fail", "ok"]), 0, TIMEOUT);
    reap_leftovers(log.workers());
    match outcome {
        Err(SuperviseError::GaveUp { failures }) => assert!(
            matches!(failures.as_slice(), [RunError::Exited { code: 3, .. }]),
            "max_restarts = 0: one attempt, whose failure is the only one: {failures:?}"
        ),
        other => panic!(
            "with max_restarts = 0 and a worker that fails once, supervise must give up \
             after its one attempt, with `Err(SuperviseError::GaveUp {{ .. }})`; got {other:?}"
        ),
    }
    assert_eq!(
        log.started().len(),
        1,
        "max_restarts = 0: exactly one attempt, and no restart"
    );
}

#[test]
fn a_program_that_cannot_start_is_not_restarted() {
    let _serial = serial();
    match supervise(&missing_program(), 3, TIMEOUT) {
        Err(SuperviseError::CannotRun(RunError::Spawn(error))) => {
            assert_eq!(error.kind(), ErrorKind::NotFound);
        }
        other => panic!(
            "a program that cannot be started will not start on a second try: expected \
             `Err(SuperviseError::CannotRun(RunError::Spawn(_)))` at once, got {other:?}"
        ),
    }
}

#[test]
fn no_worker_is_left_running_or_unreaped() {
    let _serial = serial();
    let log = Log::new();
    let _ = supervise(
        &log.worker(&["flaky", "abort", "hang", "fail", "ok"]),
        3,
        SHORT,
    );
    assert_no_worker_left(log.workers(), "supervise");
    assert_eq!(
        log.started().len(),
        4,
        "abort, hang, fail, then ok: 4 attempts"
    );
    let log = Log::new();
    let _ = supervise(&log.worker(&["flaky", "hang"]), 0, SHORT);
    assert_no_worker_left(log.workers(), "supervise (giving up)");
    assert_eq!(log.started().len(), 1, "max_restarts = 0: one attempt");
}

//! Task `deadline`: `run_with_deadline` returns a quick worker's output as soon as it is
//! done, kills a hung one at the deadline and reaps it, reads output while it waits, and
//! reports failures as `run` does.
//!
//! Some checks give a deadline far longer than the grader's own (60 s against 30 s): an
//! implementation that always waits until the deadline, instead of noticing that the
//! worker has ended, is then stopped by the grader and reported as a timeout.

use std::io::ErrorKind;
use std::time::{Duration, Instant};

use nix::libc::SIGABRT;
use processes_exercise::{RunError, run_with_deadline};

use crate::support::{Log, assert_no_worker_left, missing_program, reap_leftovers, serial};

const LONG: Duration = Duration::from_secs(60);
const SHORT: Duration = Duration::from_millis(500);

#[test]
fn a_quick_worker_returns_its_output_before_the_deadline() {
    let _serial = serial();
    let log = Log::new();
    let output = run_with_deadline(&log.worker(&["echo", "quick"]), LONG)
        .expect("a worker that succeeds before the deadline gives Ok");
    assert_eq!(output.stdout, "quick\n");
    assert_eq!(log.started(), [output.pid]);
}

#[test]
fn failures_are_reported_as_by_run() {
    let _serial = serial();
    let log = Log::new();
    match run_with_deadline(&log.worker(&["fail", "4", "bad", "input"]), LONG) {
        Err(RunError::Exited {
            code: 4, stderr, ..
        }) => assert_eq!(stderr, "bad input\n"),
        other => panic!("expected `Err(RunError::Exited {{ code: 4, .. }})`, got {other:?}"),
    }
    match run_with_deadline(&log.worker(&["abort"]), LONG) {
        Err(RunError::Signaled { signal, .. }) => assert_eq!(signal, SIGABRT),
        other => panic!("expected `Err(RunError::Signaled {{ .. }})`, got {other:?}"),
    }
    match run_with_deadline(&missing_program(), LONG) {
        Err(RunError::Spawn(error)) => assert_eq!(error.kind(), ErrorKind::NotFound),
        other => panic!("expected `Err(RunError::Spawn(_))`, got {other:?}"),
    }
}

#[test]
fn a_hung_worker_times_out_at_the_deadline() {
    let _serial = serial();
    let log = Log::new();
    let start = Instant::now();
    let outcome = run_with_deadline(&log.worker(&["hang"]), SHORT);
    let elapsed = start.elapsed();
    // Whether the worker was killed and reaped is `a_hung_worker_is_killed_and_reaped`'s
    // business; here, only make sure nothing is left behind.
    reap_leftovers(log.workers());
    let pid = match outcome {
        Err(RunError::TimedOut { pid, timeout }) => {
            assert_eq!(timeout, SHORT, "`timeout` is the time the worker was given");
            pid
        }
        other => panic!(
            "a worker that never ends must give `Err(RunError::TimedOut {{ .. }})` once \
             the time is up, not {other:?}"
        ),
    };
    reap_leftovers([pid]);
    assert!(
        elapsed >= SHORT,
        "run_with_deadline gave up after {elapsed:?}, before the {SHORT:?} it was given"
    );
    assert_ne!(pid, std::process::id());
    assert!(
        log.started().iter().all(|&started| started == pid),
        "`TimedOut::pid` must be the pid of the hung worker: {pid}, but the log says {:?}",
        log.started()
    );
}

#[test]
fn no_worker_is_left_running_or_unreaped() {
    let _serial = serial();
    let log = Log::new();
    for task in [
        &["echo", "done"][..],
        &["fail", "1", "no"],
        &["chatty", "1000"],
    ] {
        let _ = run_with_deadline(&log.worker(task), LONG);
        assert_no_worker_left(
            log.workers(),
            &format!("run_with_deadline (worker {task:?})"),
        );
    }
    // A worker that never ends: at the deadline it must be killed, and then reaped.
    let outcome = run_with_deadline(&log.worker(&["hang"]), SHORT);
    let returned = match &outcome {
        Err(RunError::TimedOut { pid, .. }) => Some(*pid),
        _ => None,
    };
    assert_no_worker_left(
        log.workers().into_iter().chain(returned),
        "run_with_deadline (worker [\"hang\"])",
    );
    assert!(returned.is_some(), "expected a timeout, got {outcome:?}");
    assert_eq!(log.started().len(), 4, "each call starts its worker once");
}

#[test]
fn a_worker_with_much_output_is_not_blocked_by_a_full_pipe() {
    let _serial = serial();
    // 1 MiB: a pipe holds about 64 KiB. If nobody reads while the worker writes, it blocks
    // once the pipe is full and never ends, and the call waits until the deadline.
    const BYTES: usize = 1 << 20;
    let log = Log::new();
    let output = run_with_deadline(&log.worker(&["chatty", &BYTES.to_string()]), LONG)
        .expect("the chatty worker succeeds");
    assert_eq!(
        output.stdout.len(),
        BYTES,
        "all of the worker's output must be returned"
    );
}

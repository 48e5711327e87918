//! Task `deadline`: `run_with_deadline` returns a quick worker's output as soon as it is
//! done, kills a hung one at the deadline and reaps it, reads output while it waits,
//! waits without using CPU, and reports failures as `run` does.
//!
//! Most checks give a deadline of an hour: an implementation that waits until the
//! deadline, instead of noticing that the worker has ended, is then stuck, and the check
//! says so after [`STUCK`].

use std::io::ErrorKind;
use std::time::{Duration, Instant};

use nix::libc::SIGABRT;
use processes_exercise::{Output, RunError, Worker, run_with_deadline};

use crate::support::{
    Log, STUCK, assert_all_of_stderr, assert_no_cpu_burnt, assert_no_worker_left, cpu_while,
    missing_program, reap_leftovers, serial, within,
};

const LONG: Duration = Duration::from_secs(3600);
const SHORT: Duration = Duration::from_millis(500);

/// `run_with_deadline(worker, timeout)`, failing the check with `stuck` if it does not
/// return.
fn run_within(
    worker: Worker,
    timeout: Duration,
    stuck: impl FnOnce() -> String,
) -> Result<Output, RunError> {
    within(STUCK, move || run_with_deadline(&worker, timeout), stuck)
}

/// What is wrong when a worker that ends at once, given an hour, is not reported.
fn waits_for_the_deadline(worker: &str) -> impl FnOnce() -> String {
    let worker = worker.to_owned();
    move || {
        format!(
            "run_with_deadline has not returned {STUCK:?} after starting a worker that \
             ends at once ({worker}), with a deadline of an hour: it must report a worker \
             as soon as it ends, not at the deadline. Look at it again and again \
             (`try_wait`, a short sleep between two looks) until it has ended or the time \
             is up"
        )
    }
}

/// What is wrong when a hung worker is not reported at its deadline.
fn not_killed_at(deadline: Duration) -> impl FnOnce() -> String {
    move || {
        format!(
            "run_with_deadline has not returned {STUCK:?} after starting a worker that \
             never ends, with a deadline of {deadline:?}: at the deadline, kill the worker \
             (`Child::kill`), reap it (`Child::wait`), and only then join the threads \
             that read its pipes (they end when the worker does)"
        )
    }
}

#[test]
fn a_quick_worker_returns_its_output_before_the_deadline() {
    let _serial = serial();
    let log = Log::new();
    let output = run_within(
        log.worker(&["echo", "quick"]),
        LONG,
        waits_for_the_deadline("echo"),
    )
    .expect("a worker that succeeds before the deadline gives Ok");
    assert_eq!(output.stdout, "quick\n");
    assert_eq!(log.started(), [output.pid]);
}

#[test]
fn failures_are_reported_as_by_run() {
    let _serial = serial();
    let log = Log::new();
    let worker = log.worker(&["fail", "4", "bad", "input"]);
    match run_within(worker, LONG, waits_for_the_deadline("fail")) {
        Err(RunError::Exited {
            code: 4, stderr, ..
        }) => assert_eq!(
            stderr, "bad input\n",
            "`Exited::stderr` is what the worker wrote on stderr"
        ),
        other => panic!("expected `Err(RunError::Exited {{ code: 4, .. }})`, got {other:?}"),
    }
    match run_within(
        log.worker(&["abort"]),
        LONG,
        waits_for_the_deadline("abort"),
    ) {
        Err(RunError::Signaled { signal, stderr, .. }) => {
            assert_eq!(signal, SIGABRT);
            assert_eq!(
                stderr, "aborting\n",
                "`Signaled::stderr` is what the worker wrote on stderr before it crashed"
            );
        }
        other => panic!("expected `Err(RunError::Signaled {{ .. }})`, got {other:?}"),
    }
    match run_within(missing_program(), LONG, waits_for_the_deadline("missing")) {
        Err(RunError::Spawn(error)) => assert_eq!(error.kind(), ErrorKind::NotFound),
        other => panic!("expected `Err(RunError::Spawn(_))`, got {other:?}"),
    }
}

#[test]
fn a_hung_worker_times_out_at_the_deadline() {
    let _serial = serial();
    let log = Log::new();
    let start = Instant::now();
    let outcome = run_within(log.worker(&["hang"]), SHORT, not_killed_at(SHORT));
    let elapsed = start.elapsed();
    // Whether the worker was killed and reaped is `no_worker_is_left_running_or_unreaped`'s
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
        let _ = run_within(log.worker(task), LONG, waits_for_the_deadline(task[0]));
        assert_no_worker_left(
            log.workers(),
            &format!("run_with_deadline (worker {task:?})"),
        );
    }
    // A worker that never ends: at the deadline it must be killed, and then reaped.
    let outcome = run_within(log.worker(&["hang"]), SHORT, not_killed_at(SHORT));
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
    let outcome = run_within(log.worker(&["chatty", &BYTES.to_string()]), LONG, || {
        format!(
            "run_with_deadline has not returned {STUCK:?} after starting a worker that \
             writes {BYTES} bytes on stdout and exits: a pipe holds about 64 KiB, and a \
             worker that filled it waits for someone to read. Read both pipes on threads \
             of their own while you wait for the worker"
        )
    });
    reap_leftovers(log.workers());
    let output = outcome.expect("the chatty worker succeeds");
    assert_eq!(
        output.stdout.len(),
        BYTES,
        "all of the worker's output must be returned"
    );

    // The same on stderr.
    let outcome = run_within(log.worker(&["grumble", &BYTES.to_string()]), LONG, || {
        format!(
            "run_with_deadline has not returned {STUCK:?} after starting a worker that \
             writes {BYTES} bytes on stderr and exits with code 1: read stderr while you \
             wait for the worker too, not only stdout"
        )
    });
    reap_leftovers(log.workers());
    assert_all_of_stderr(outcome, BYTES);
}

#[test]
fn waiting_uses_no_cpu() {
    let _serial = serial();
    let burns = "run_with_deadline polls `try_wait` without sleeping: it burns a core \
                 while it waits. Sleep a millisecond or so between two looks (never past \
                 the deadline), or wait on a thread of its own";

    // A worker that ends by itself, long before its deadline.
    let log = Log::new();
    let worker = log.worker(&["sleep", "400"]);
    let (outcome, used) = cpu_while(|| {
        run_within(worker, LONG, || {
            crate::run::stuck_sleeper("run_with_deadline (with a deadline of an hour)")
        })
    });
    reap_leftovers(log.workers());
    assert_eq!(
        outcome.expect("the sleeping worker succeeds").stdout,
        "slept\n"
    );
    assert_no_cpu_burnt(&used, &format!("{burns} (a worker that slept 400 ms)"));

    // A worker that hangs until its deadline.
    let log = Log::new();
    let deadline = Duration::from_millis(400);
    let worker = log.worker(&["hang"]);
    let (outcome, used) = cpu_while(|| run_within(worker, deadline, not_killed_at(deadline)));
    reap_leftovers(log.workers());
    assert!(
        matches!(outcome, Err(RunError::TimedOut { .. })),
        "expected a timeout, got {outcome:?}"
    );
    assert_no_cpu_burnt(
        &used,
        &format!("{burns} (a worker that hung until its 400 ms deadline)"),
    );
}

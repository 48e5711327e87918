//! Task `run`: `run` returns a worker's stdout and pid when it succeeds, tells a non-zero
//! exit, a signal and a failed start apart, reads output of any size from both pipes,
//! waits without using CPU, and reaps the worker before it returns.

use std::io::ErrorKind;

use nix::libc::SIGABRT;
use processes_exercise::{Output, RunError, Worker, run};

use crate::support::{
    Log, STUCK, assert_all_of_stderr, assert_no_cpu_burnt, assert_no_worker_left, cpu_while,
    missing_program, reap_leftovers, serial, within,
};

/// `run(worker)`, failing the check with `stuck` if it does not return.
fn run_within(worker: Worker, stuck: impl FnOnce() -> String) -> Result<Output, RunError> {
    within(STUCK, move || run(&worker), stuck)
}

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
fn output_that_is_not_utf8_is_replaced_not_refused() {
    let _serial = serial();
    let log = Log::new();
    match run(&log.worker(&["latin1"])) {
        Ok(output) => assert_eq!(
            output.stdout, "caf\u{FFFD}\n",
            "the worker wrote `caf`, the byte 0xE9 (not UTF-8) and a newline: `stdout` keeps \
             the valid text and replaces the invalid byte by U+FFFD"
        ),
        Err(error) => panic!(
            "a worker that succeeds with output that is not UTF-8 still succeeds: `Output::stdout` \
             replaces the invalid bytes by U+FFFD (`String::from_utf8_lossy`) instead of \
             refusing them; got Err({error:?})"
        ),
    }
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
        Err(RunError::Signaled {
            pid,
            signal,
            stderr,
        }) => {
            assert_eq!(signal, SIGABRT, "abort() ends a process with SIGABRT");
            assert_eq!(log.started(), [pid], "the pid of the worker that crashed");
            assert_eq!(
                stderr, "aborting\n",
                "`Signaled::stderr` is what the worker wrote on stderr before it crashed"
            );
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
fn a_worker_with_much_output_is_not_blocked_by_a_full_pipe() {
    let _serial = serial();
    // 1 MiB: a pipe holds about 64 KiB. A worker that writes more blocks until someone
    // reads, so waiting for it to end before reading never ends.
    const BYTES: usize = 1 << 20;
    let log = Log::new();
    let outcome = run_within(log.worker(&["chatty", &BYTES.to_string()]), || {
        format!(
            "run has not returned {STUCK:?} after starting a worker that writes {BYTES} \
             bytes on stdout and exits: a pipe holds about 64 KiB, and a worker that filled \
             it waits for someone to read. Read its output while it runs \
             (`wait_with_output` does), not after `wait`"
        )
    });
    reap_leftovers(log.workers());
    let output = outcome.expect("the chatty worker succeeds");
    assert_eq!(
        output.stdout.len(),
        BYTES,
        "all of the worker's output must be returned: read the pipe to its end \
         (`read_to_end`, `wait_with_output`), one `read` returns only part of it"
    );

    // The same on stderr: reading all of stdout first waits for the end of stdout, which
    // comes when the worker ends, while the worker waits for someone to read stderr.
    let outcome = run_within(log.worker(&["grumble", &BYTES.to_string()]), || {
        format!(
            "run has not returned {STUCK:?} after starting a worker that writes {BYTES} \
             bytes on stderr and exits with code 1: read stdout and stderr at the same \
             time (`wait_with_output` does, or read one of them on a thread), not one \
             after the other"
        )
    });
    reap_leftovers(log.workers());
    assert_all_of_stderr(outcome, BYTES);
}

#[test]
fn waiting_uses_no_cpu() {
    let _serial = serial();
    let log = Log::new();
    let worker = log.worker(&["sleep", "400"]);
    let (outcome, used) = cpu_while(|| run_within(worker, || stuck_sleeper("run")));
    reap_leftovers(log.workers());
    assert_eq!(
        outcome.expect("the sleeping worker succeeds").stdout,
        "slept\n"
    );
    assert_no_cpu_burnt(
        &used,
        "run burnt CPU while its worker slept for 400 ms: waiting must block (`wait`, \
         `wait_with_output`), not poll `try_wait` in a loop without sleeping",
    );
}

/// The message for a call that is stuck on a worker that sleeps 400 ms.
pub fn stuck_sleeper(call: &str) -> String {
    format!("{call} has not returned {STUCK:?} after starting a worker that sleeps for 400 ms")
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

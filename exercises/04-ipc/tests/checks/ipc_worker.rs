//! Task `ipc-worker`: a worker bootstrapped through a one-shot server, called through the
//! channels it sent; hanging up, dropping, a crash, a worker that never connects and one
//! that exits first.

use std::io;
use std::time::{Duration, Instant};

use ipc_channel::ipc::IpcSharedMemory;
use ipc_exercise::IpcWorker;
use ipc_exercise::messages::{Reply, Request, checksum};

use crate::support::{assert_no_child_left, children, payload, serial, worker};

/// Generous: a worker connects within milliseconds.
const TIMEOUT: Duration = Duration::from_secs(10);

#[test]
fn the_worker_answers_requests() {
    let _one = serial();
    let ipc = IpcWorker::start(&worker(&["ipc"]), TIMEOUT).expect("the worker starts");
    for n in [0, 7, u64::MAX] {
        assert_eq!(
            ipc.call(Request::Square(n)).unwrap(),
            Reply::Square(n.wrapping_mul(n))
        );
    }
    ipc.shut_down().unwrap();
}

#[test]
fn the_worker_is_a_child_process_of_ours() {
    let _one = serial();
    let ipc = IpcWorker::start(&worker(&["ipc"]), TIMEOUT).expect("the worker starts");
    let pid = ipc.pid();
    assert_ne!(pid, std::process::id(), "another process");
    assert_eq!(
        children(),
        vec![pid],
        "the one child we started, which said hello"
    );
    ipc.shut_down().unwrap();
}

#[test]
fn a_large_buffer_travels_as_shared_memory() {
    let _one = serial();
    let ipc = IpcWorker::start(&worker(&["ipc"]), TIMEOUT).expect("the worker starts");
    let bytes = payload(8 << 20);
    let reply = ipc.call(Request::Checksum(IpcSharedMemory::from_bytes(&bytes)));
    assert_eq!(reply.unwrap(), Reply::Checksum(checksum(&bytes)));
    ipc.shut_down().unwrap();
}

#[test]
fn shut_down_stops_the_worker_and_reaps_it() {
    let _one = serial();
    let ipc = IpcWorker::start(&worker(&["ipc"]), TIMEOUT).expect("the worker starts");
    let status = ipc.shut_down().unwrap();
    assert_eq!(
        status.code(),
        Some(0),
        "hanging up (dropping the request sender) is how the worker learns to stop; it \
         ended with {status}"
    );
    assert_no_child_left("shut_down");
}

#[test]
fn dropping_the_worker_kills_and_reaps_it() {
    let _one = serial();
    let ipc = IpcWorker::start(&worker(&["ipc"]), TIMEOUT).expect("the worker starts");
    drop(ipc);
    assert_no_child_left("dropping the IpcWorker");
}

#[test]
fn a_worker_that_crashes_is_an_error_not_a_hang() {
    let _one = serial();
    let ipc = IpcWorker::start(&worker(&["ipc"]), TIMEOUT).expect("the worker starts");
    let result = ipc.call(Request::Crash);
    assert!(
        result.is_err(),
        "the worker aborted without answering: {result:?}"
    );
    drop(ipc);
    assert_no_child_left("a call to a worker that crashed");
}

#[test]
fn a_worker_that_never_connects_times_out() {
    let _one = serial();
    let started = Instant::now();
    let result = IpcWorker::start(&worker(&["hang"]), Duration::from_millis(300));
    let error = result
        .err()
        .expect("a worker that never connects is an error");
    assert_eq!(error.kind(), io::ErrorKind::TimedOut, "{error}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?} for a timeout of 300 ms",
        started.elapsed()
    );
    assert_no_child_left("`start` with a worker that never connects");
}

#[test]
fn a_worker_that_exits_before_connecting_is_an_error_at_once() {
    let _one = serial();
    let started = Instant::now();
    let result = IpcWorker::start(&worker(&["exit", "3"]), Duration::from_secs(20));
    assert!(result.is_err(), "a worker that exited cannot be called");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}: a worker that has exited will never connect, so do not wait for the \
         deadline (look at `try_wait` while waiting)",
        started.elapsed()
    );
    assert_no_child_left("`start` with a worker that exits at once");
}

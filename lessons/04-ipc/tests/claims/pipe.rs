//! `pipe`: a worker process answers framed requests on its stdin and stdout; payloads larger
//! than the pipe arrive intact; closing its stdin stops it; a worker that dies is an error,
//! not a hang; every worker is reaped.

use std::io;

use ipc_lesson::pipe::PipeWorker;
use ipc_lesson::protocol::checksum;

use crate::support::{is_our_child, kill_worker, serial, worker};

fn payload(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

#[test]
fn a_worker_process_answers_requests() {
    let _one = serial();
    let mut pipe = PipeWorker::start(&worker()).unwrap();
    assert_ne!(pipe.pid(), std::process::id(), "another process");
    assert_eq!(pipe.ping(7).unwrap(), 7);
    assert_eq!(pipe.ping(u64::MAX).unwrap(), u64::MAX);
    pipe.shut_down().unwrap();
}

#[test]
fn payloads_larger_than_the_pipe_arrive_intact() {
    let _one = serial();
    let mut pipe = PipeWorker::start(&worker()).unwrap();
    for len in [0, 1, 65_536, 3 << 20] {
        let bytes = payload(len);
        assert_eq!(
            pipe.send_bulk(&bytes, true).unwrap(),
            (len as u64, Some(checksum(&bytes))),
            "{len} bytes"
        );
    }
    pipe.shut_down().unwrap();
}

#[cfg(target_os = "linux")]
#[test]
fn larger_pipes_carry_the_same_bytes() {
    let _one = serial();
    let mut pipe = PipeWorker::start_with_capacity(&worker(), 1 << 20).unwrap();
    let bytes = payload(5 << 20);
    assert_eq!(
        pipe.send_bulk(&bytes, true).unwrap(),
        (bytes.len() as u64, Some(checksum(&bytes)))
    );
    pipe.shut_down().unwrap();
}

#[test]
fn closing_its_stdin_stops_the_worker_and_it_is_reaped() {
    let _one = serial();
    let mut pipe = PipeWorker::start(&worker()).unwrap();
    let pid = pipe.pid();
    pipe.ping(1).unwrap();
    let status = pipe.shut_down().unwrap();
    assert_eq!(
        status.code(),
        Some(0),
        "end of file is a clean stop: {status}"
    );
    assert!(!is_our_child(pid), "reaped");
}

#[test]
fn a_worker_that_died_is_an_error_not_a_hang() {
    let _one = serial();
    let mut pipe = PipeWorker::start(&worker()).unwrap();
    let pid = pipe.pid();
    kill_worker(pid);
    // Writing to a pipe nobody reads fails (BrokenPipe), or the reply never comes (end of
    // file where a reply should be): an error either way.
    let error = pipe.ping(1).unwrap_err();
    assert!(
        matches!(
            error.kind(),
            io::ErrorKind::BrokenPipe | io::ErrorKind::UnexpectedEof
        ),
        "{error}"
    );
    drop(pipe);
    assert!(!is_our_child(pid), "the guard reaped it");
}

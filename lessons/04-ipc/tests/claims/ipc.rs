//! `ipc`: a worker bootstrapped through a one-shot server answers typed requests on the
//! channels it sent over the first one; bytes arrive intact by serde and by shared memory;
//! a receiver set hears several workers; hanging up stops a worker; a worker that dies, or
//! never connects, is an error within the deadline, and is reaped.

use std::io;
use std::time::{Duration, Instant};

use ipc_channel::ipc::IpcSharedMemory;
use ipc_lesson::ipc::{IpcWorker, Reply, Request, bootstrap, fan_out};
use ipc_lesson::protocol::checksum;
use ipc_lesson::worker::Worker;

use crate::support::{children, is_our_child, kill_worker, never_connects, serial, worker};

#[test]
fn a_bootstrapped_worker_answers_on_the_channels_it_sent() {
    let _one = serial();
    let ipc = IpcWorker::start(&worker()).unwrap();
    assert_ne!(ipc.pid(), std::process::id());
    assert_eq!(ipc.call(Request::Ping(5)).unwrap(), Reply::Pong(5));
    ipc.shut_down().unwrap();
}

#[test]
fn bytes_arrive_intact_by_serde_and_by_shared_memory() {
    let _one = serial();
    let ipc = IpcWorker::start(&worker()).unwrap();
    let bytes: Vec<u8> = (0..3 << 20).map(|i| (i % 249) as u8).collect();
    let expected = Reply::Received {
        len: bytes.len() as u64,
        checksum: Some(checksum(&bytes)),
    };
    let by_serde = Request::Data {
        bytes: bytes.clone(),
        checksum: true,
    };
    assert_eq!(ipc.call(by_serde).unwrap(), expected);
    let by_shared_memory = Request::Shared {
        memory: IpcSharedMemory::from_bytes(&bytes),
        checksum: true,
    };
    assert_eq!(ipc.call(by_shared_memory).unwrap(), expected);
    ipc.shut_down().unwrap();
}

#[test]
fn a_receiver_set_hears_every_worker() {
    let _one = serial();
    let buffers: Vec<Vec<u8>> = (1..=3u8).map(|n| vec![n; 1000 * n as usize]).collect();
    let expected: Vec<u64> = buffers.iter().map(|b| checksum(b)).collect();
    assert_eq!(fan_out(&worker(), &buffers).unwrap(), expected);
}

#[test]
fn hanging_up_stops_the_worker_and_it_is_reaped() {
    let _one = serial();
    let ipc = IpcWorker::start(&worker()).unwrap();
    let pid = ipc.pid();
    let status = ipc.shut_down().unwrap();
    assert_eq!(status.code(), Some(0), "{status}");
    assert!(!is_our_child(pid));
}

#[test]
fn a_worker_that_died_is_an_error_not_a_hang() {
    let _one = serial();
    let ipc = IpcWorker::start(&worker()).unwrap();
    let pid = ipc.pid();
    kill_worker(pid);
    assert!(ipc.call(Request::Ping(1)).is_err());
    drop(ipc);
    assert!(!is_our_child(pid), "the guard reaped it");
}

#[test]
fn a_worker_that_never_connects_times_out_and_is_reaped() {
    let _one = serial();
    let started = Instant::now();
    let error = bootstrap(&never_connects(), Duration::from_millis(300)).unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::TimedOut, "{error}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(children(), Vec::<u32>::new(), "killed and reaped");
}

#[test]
fn a_worker_that_exits_before_connecting_is_an_error_at_once() {
    let _one = serial();
    let started = Instant::now();
    let error = bootstrap(&Worker::at("true"), Duration::from_secs(20)).unwrap_err();
    assert!(error.to_string().contains("before connecting"), "{error}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "not at the deadline"
    );
    assert_eq!(children(), Vec::<u32>::new(), "reaped");
}

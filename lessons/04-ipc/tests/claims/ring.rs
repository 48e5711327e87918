//! `ring`: a worker answers over two rings in shared memory; payloads many times the ring's
//! size arrive intact; closing the ring stops the worker and the segment is removed; a
//! worker that dies is an error, not an endless wait, and the segment is still removed; an
//! opener refuses a segment that is not a ring.

use std::io;

use ipc_lesson::protocol::checksum;
use ipc_lesson::ring::{self, RING_CAPACITY, RingWorker};
use ipc_lesson::shm::unique_os_id;
use shared_memory::ShmemConf;

use crate::support::{exists, is_our_child, kill_worker, serial, worker};

#[test]
fn a_worker_answers_over_rings_in_shared_memory() {
    let _one = serial();
    let mut ring = RingWorker::start(&worker()).unwrap();
    assert!(
        exists(ring.os_id()),
        "the segment is in /dev/shm while in use"
    );
    for n in [0, 1, u64::MAX] {
        assert_eq!(ring.ping(n).unwrap(), n);
    }
    let os_id = ring.os_id().to_owned();
    let status = ring.shut_down().unwrap();
    assert_eq!(status.code(), Some(0), "{status}");
    assert!(!exists(&os_id), "and removed after");
}

#[test]
fn payloads_many_times_the_ring_arrive_intact() {
    let _one = serial();
    let mut ring = RingWorker::start(&worker()).unwrap();
    for len in [
        0,
        1,
        RING_CAPACITY - 1,
        RING_CAPACITY + 1,
        20 * RING_CAPACITY + 7,
    ] {
        let bytes: Vec<u8> = (0..len).map(|i| (i % 247) as u8).collect();
        assert_eq!(
            ring.send_bulk(&bytes, true).unwrap(),
            (len as u64, Some(checksum(&bytes))),
            "{len} bytes"
        );
    }
    ring.shut_down().unwrap();
}

#[test]
fn a_worker_that_died_is_an_error_not_an_endless_wait() {
    let _one = serial();
    let mut ring = RingWorker::start(&worker()).unwrap();
    ring.ping(1).unwrap();
    let (pid, os_id) = (ring.pid(), ring.os_id().to_owned());
    kill_worker(pid);
    // More than the ring holds: the writer waits for room that never comes, looks at its
    // peer, and gives up.
    let error = ring
        .send_bulk(&vec![1; 3 * RING_CAPACITY], false)
        .unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::BrokenPipe, "{error}");
    drop(ring);
    assert!(!is_our_child(pid), "reaped");
    assert!(
        !exists(&os_id),
        "the segment is removed with the parent's ends"
    );
}

#[test]
fn an_opener_refuses_a_segment_that_is_not_a_ring() {
    let os_id = unique_os_id("not-a-ring");
    let raw = ShmemConf::new().size(4096).os_id(&os_id).create().unwrap();
    let error = ring::serve(&os_id).unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::InvalidData);
    assert_eq!(
        error.to_string(),
        format!("{os_id} is not set up as a ring")
    );
    drop(raw);
    assert!(!exists(&os_id));
}

//! `inprocess`: a buffer passed to a worker thread through channels comes back without a
//! byte copied; `copy` copies.

use ipc_lesson::inprocess::{ThreadWorker, copy};

#[test]
fn a_buffer_passed_to_a_thread_is_moved_not_copied() {
    let worker = ThreadWorker::start();
    assert_eq!(worker.ping(3), 3);
    let buffer = vec![9u8; 1 << 20];
    let address = buffer.as_ptr();
    let back = worker.pass(buffer);
    assert_eq!(back.as_ptr(), address, "the same bytes, where they were");
    worker.shut_down();
}

#[test]
fn copy_copies() {
    let from: Vec<u8> = (0..=255).collect();
    let mut to = vec![0; 256];
    copy(&mut to, &from);
    assert_eq!(to, from);
}

//! Task `ring`: the index protocol in one thread, between two threads, and between this
//! process and a worker process through shared memory.

use std::sync::Arc;
use std::thread;

use ipc_exercise::layout::RingHeader;
use ipc_exercise::links::{RING_CAPACITY, RingLink};
use ipc_exercise::messages::checksum;
use ipc_exercise::slots::Slots;
use ipc_exercise::{Consumer, Popped, Producer};

use crate::support::{assert_no_child_left, dev_shm, payload, serial, worker};

struct Ring {
    header: RingHeader,
    slots: Slots,
}

fn ring(capacity: usize) -> Ring {
    Ring {
        header: RingHeader::new(),
        slots: Slots::on_heap(capacity),
    }
}

#[test]
fn bytes_wrap_around_and_come_out_in_order() {
    let ring = ring(4);
    // SAFETY: one producer and one consumer of this ring.
    let (mut producer, mut consumer) = unsafe {
        (
            Producer::new(&ring.header, &ring.slots),
            Consumer::new(&ring.header, &ring.slots),
        )
    };
    let mut out = [0u8; 8];
    assert_eq!(producer.push(b"abc"), 3);
    assert_eq!(consumer.pop(&mut out[..2]), Popped::Bytes(2));
    assert_eq!(&out[..2], b"ab");
    // Three slots are free; the last two of them are at the front of the ring.
    assert_eq!(producer.push(b"defgh"), 3, "room for 3 of the 5");
    assert_eq!(consumer.pop(&mut out), Popped::Bytes(4));
    assert_eq!(&out[..4], b"cdef", "in order across the wrap");
    for round in 0..10u8 {
        assert_eq!(producer.push(&[round; 3]), 3);
        assert_eq!(consumer.pop(&mut out), Popped::Bytes(3));
        assert_eq!(&out[..3], [round; 3], "round {round}");
    }
    producer.close();
    assert_eq!(consumer.pop(&mut out), Popped::Closed);
}

#[test]
fn a_full_ring_takes_nothing_and_an_empty_one_gives_nothing() {
    let ring = ring(3);
    // SAFETY: one producer and one consumer of this ring.
    let (mut producer, mut consumer) = unsafe {
        (
            Producer::new(&ring.header, &ring.slots),
            Consumer::new(&ring.header, &ring.slots),
        )
    };
    let mut out = [0u8; 3];
    assert_eq!(consumer.pop(&mut out), Popped::Empty, "nothing written yet");
    assert_eq!(producer.push(b"xyz"), 3);
    assert_eq!(producer.push(b"!"), 0, "full");
    assert_eq!(
        consumer.pop(&mut out[..1]),
        Popped::Bytes(1),
        "only as much as fits in `out`"
    );
    assert_eq!(producer.push(b"!?"), 1, "one slot free");
    producer.close();
    assert_eq!(
        consumer.pop(&mut out),
        Popped::Bytes(3),
        "closed, but bytes are still waiting"
    );
    assert_eq!(&out, b"yz!");
    assert_eq!(consumer.pop(&mut out), Popped::Closed);
}

#[test]
fn two_threads_stream_a_megabyte_intact() {
    let ring = Arc::new(ring(1000));
    let data = payload(1 << 20);
    let producing = {
        let (ring, data) = (Arc::clone(&ring), data.clone());
        thread::spawn(move || {
            // SAFETY: the only producer of this ring.
            let mut producer = unsafe { Producer::new(&ring.header, &ring.slots) };
            let mut sent = 0;
            while sent < data.len() {
                // Uneven pieces, so that pushes and pops start anywhere in the ring.
                let end = data.len().min(sent + 1 + sent % 777);
                sent += producer.push(&data[sent..end]);
                thread::yield_now();
            }
            producer.close();
        })
    };
    // SAFETY: the only consumer of this ring.
    let mut consumer = unsafe { Consumer::new(&ring.header, &ring.slots) };
    let mut received = Vec::new();
    let mut buffer = [0u8; 613];
    loop {
        match consumer.pop(&mut buffer) {
            Popped::Bytes(n) => received.extend_from_slice(&buffer[..n]),
            Popped::Empty => thread::yield_now(),
            Popped::Closed => break,
        }
    }
    producing.join().expect("the producer does not panic");
    assert_eq!(received.len(), data.len());
    assert!(
        received == data,
        "the bytes arrived changed or out of order"
    );
}

#[test]
fn a_worker_process_receives_every_byte() {
    let _one = serial();
    let mut link = RingLink::start(&worker(&["ring-sink"]), true).expect("the worker starts");
    let os_id = link.os_id().to_owned();
    for len in [1, 0, RING_CAPACITY - 1, RING_CAPACITY + 1, 5 << 20] {
        let bytes = payload(len);
        let received = link.send(&bytes).expect("the worker answers");
        assert_eq!(
            received,
            (len as u64, Some(checksum(&bytes))),
            "{len} bytes"
        );
    }
    let status = link.shut_down().expect("the worker is reaped");
    assert!(
        status.success(),
        "closing the ring stops the worker: {status}"
    );
    assert!(!dev_shm(&os_id).exists(), "the segment is removed");
    assert_no_child_left("the ring link");
}

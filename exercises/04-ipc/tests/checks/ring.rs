//! Task `ring`: the index protocol in one thread, between two threads, and between this
//! process and a worker process through shared memory.

use std::sync::Arc;
use std::thread;
use std::time::Duration;

use ipc_exercise::layout::RingHeader;
use ipc_exercise::links::{RING_CAPACITY, RingLink};
use ipc_exercise::messages::checksum;
use ipc_exercise::slots::Slots;
use ipc_exercise::{Consumer, Popped, Producer};

use crate::support::{
    KillChildrenAfter, assert_no_child_left, dev_shm, payload, returns_within, serial, worker,
};

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

/// Runs a one-thread test of the ring under a deadline: `push` and `pop` never wait, so
/// a full ring or an empty one must not hang them.
fn never_waits(test: impl FnOnce() + Send + 'static) {
    returns_within(
        Duration::from_secs(10),
        "`push` or `pop` hung on one thread: they never wait. A full ring takes 0 bytes \
         and an empty one gives `Popped::Empty` at once; the caller decides how to wait",
        test,
    );
}

#[test]
fn bytes_wrap_around_and_come_out_in_order() {
    never_waits(|| {
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
        assert_eq!(
            producer.push(b"defgh"),
            3,
            "1 byte waits in a ring of 4: room for 3 of the 5, the last 2 of them in slots \
             0 and 1 (a copy that runs past the end goes on at slot 0)"
        );
        assert_eq!(
            consumer.pop(&mut out),
            Popped::Bytes(4),
            "4 bytes wait, across the end of the slots"
        );
        assert_eq!(&out[..4], b"cdef", "in order across the wrap");
        for round in 0..10u8 {
            assert_eq!(producer.push(&[round; 3]), 3);
            assert_eq!(consumer.pop(&mut out), Popped::Bytes(3));
            assert_eq!(&out[..3], [round; 3], "round {round}");
        }
        producer.close();
        assert_eq!(consumer.pop(&mut out), Popped::Closed);
    });
}

#[test]
fn a_full_ring_takes_nothing_and_an_empty_one_gives_nothing() {
    never_waits(|| {
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
        assert_eq!(producer.push(b""), 0, "nothing to push: 0");
        assert_eq!(
            producer.push(b"xyz"),
            3,
            "a ring of 3 slots holds 3 bytes: `head` and `tail` count bytes, so every \
             slot can be used (no slot is kept empty to tell full from empty)"
        );
        assert_eq!(
            producer.push(b"!"),
            0,
            "full: the 3 bytes waiting have not been read, their slots are not free"
        );
        let nothing = consumer.pop(&mut []);
        assert!(
            matches!(nothing, Popped::Empty),
            "`pop` into an empty `out` copies nothing: `Popped::Empty` (`Bytes` is at least \
             1, and bytes still wait), got {nothing:?}"
        );
        assert_eq!(
            consumer.pop(&mut out[..1]),
            Popped::Bytes(1),
            "only as much as fits in `out`"
        );
        assert_eq!(&out[..1], b"x");
        assert_eq!(producer.push(b"!?"), 1, "one slot free");
        producer.close();
        assert_eq!(
            consumer.pop(&mut out),
            Popped::Bytes(3),
            "closed, but bytes are still waiting: they come first"
        );
        assert_eq!(&out, b"yz!");
        assert_eq!(consumer.pop(&mut out), Popped::Closed);
    });
}

#[test]
fn each_contiguous_run_is_one_copy() {
    never_waits(|| {
        let ring = ring(1000);
        // SAFETY: one producer and one consumer of this ring.
        let (mut producer, mut consumer) = unsafe {
            (
                Producer::new(&ring.header, &ring.slots),
                Consumer::new(&ring.header, &ring.slots),
            )
        };
        let data = payload(600);
        let mut out = [0u8; 600];
        // The second round wraps: 400 slots are left at the end, 200 bytes go to the front.
        for round in 0..2 {
            let before = ring.slots.copies();
            assert_eq!(producer.push(&data), 600, "round {round}");
            let writes = ring.slots.copies() - before;
            assert!(
                writes <= 2,
                "one `push` of 600 bytes made {writes} calls to `Slots::write`: copy each \
                 contiguous run of slots with one call (two when the copy wraps past the \
                 end), not a byte at a time; the benchmark compares your ring with a pipe"
            );
            let before = ring.slots.copies();
            assert_eq!(consumer.pop(&mut out), Popped::Bytes(600), "round {round}");
            let reads = ring.slots.copies() - before;
            assert!(
                reads <= 2,
                "one `pop` of 600 bytes made {reads} calls to `Slots::read`: copy each \
                 contiguous run of slots with one call (two when the copy wraps past the \
                 end), not a byte at a time; the benchmark compares your ring with a pipe"
            );
            assert!(out == data[..], "round {round}: the bytes came out changed");
        }
    });
}

#[test]
fn two_threads_stream_a_megabyte_intact() {
    let _one = serial(); // it keeps two threads busy
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
    let mut producing = Some(producing);
    loop {
        match consumer.pop(&mut buffer) {
            Popped::Bytes(n) => received.extend_from_slice(&buffer[..n]),
            Popped::Closed => break,
            // An empty ring: wait for the producer, unless it has ended. `join` makes
            // all it did visible here: a panic is this check's, and after a clean end
            // the ring holds the rest of the bytes and the close.
            Popped::Empty => match producing.take_if(|p| p.is_finished()) {
                Some(ended) => {
                    if let Err(panic) = ended.join() {
                        std::panic::resume_unwind(panic);
                    }
                }
                None if producing.is_none() => panic!(
                    "the producer pushed every byte and closed the ring, then ended, but \
                     `pop` still says `Popped::Empty` after {} bytes: once the ring is \
                     closed and every byte read, it says `Popped::Closed`",
                    received.len()
                ),
                None => thread::yield_now(),
            },
        }
    }
    if let Some(producing) = producing {
        producing.join().expect("the producer does not panic");
    }
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
    // The worker pops with your `Consumer::pop`. If it never gets the bytes, or never
    // the close, this check would wait for its answer for ever: the watchdog kills it.
    let watchdog = KillChildrenAfter::start(Duration::from_secs(20));
    let stopped = "(if the check stopped the worker after 20 s, it never got the bytes, or \
                   never `Popped::Closed`: run `two_threads_stream_a_megabyte_intact`)";
    for len in [1, 0, RING_CAPACITY - 1, RING_CAPACITY + 1, 5 << 20] {
        let bytes = payload(len);
        let received = link
            .send(&bytes)
            .unwrap_or_else(|e| panic!("the worker did not answer for {len} bytes: {e} {stopped}"));
        assert_eq!(
            received,
            (len as u64, Some(checksum(&bytes))),
            "{len} bytes"
        );
    }
    let status = link.shut_down().expect("the worker is reaped");
    assert!(
        !watchdog.fired(),
        "the worker did not stop when the ring was closed {stopped}"
    );
    assert!(
        status.success(),
        "closing the ring stops the worker: {status}"
    );
    assert!(!dev_shm(&os_id).exists(), "the segment is removed");
    assert_no_child_left("the ring link");
}

//! The loom models of exercise 04: your ring's `push` and `pop` under every interleaving
//! of a producer thread and a consumer thread.
//!
//! loom runs each model many times, each time with the threads interleaved differently and
//! with every value the memory model lets an atomic load return. A model fails if an
//! assertion fails in any of those runs, or if the consumer could read a slot that nothing
//! orders after the producer's write to it (or the producer write a slot the consumer may
//! still be reading): loom reports that as a "causality violation".
//!
//! Built only with `--cfg loom`, in release mode, by the grader. To run them yourself:
//!
//! ```text
//! RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom \
//!     cargo test -p exercise-04-ipc --release --test loom
//! ```
#![cfg(loom)]

use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;

use ipc_exercise::layout::RingHeader;
use ipc_exercise::slots::Slots;
use ipc_exercise::{Consumer, Popped, Producer};
use loom::thread;

/// Runs `f` under loom. A causality violation that loom reports (a slot accessed by
/// both threads with nothing ordering the two accesses) gets a word on its cause.
fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    builder.location = true;
    builder.preemption_bound = Some(3);
    let Err(panic) = panic::catch_unwind(AssertUnwindSafe(|| builder.check(f))) else {
        return;
    };
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or_default();
    if message.contains("Causality violation") {
        panic!(
            "{message}\n\nOne thread read or wrote a slot while nothing ordered that after \
             the other thread's access to it. `head`: a Release store after the producer \
             writes the slots, an Acquire load before the consumer reads them. `tail`: a \
             Release store after the consumer reads them, an Acquire load before the \
             producer writes over them."
        );
    }
    panic::resume_unwind(panic);
}

/// Fails the model with what the consumer got and what that says.
fn assert_received(received: &[u8], sent: &[u8]) {
    if received == sent {
        return;
    }
    let why = if sent.starts_with(received) {
        "the last bytes were lost: `pop` said `Closed` while bytes still waited. `close` \
         stores `closed` with Release (after the last `head` store), and `pop` loads \
         `closed` with Acquire *before* it loads `head` (with Acquire): then a `head` \
         loaded after seeing `closed` is the last one"
    } else {
        "bytes changed, repeated or out of order: a slot was read before it was written, \
         or written over before it was read; count the free and waiting slots from \
         `head` and `tail`"
    };
    panic!(
        "the consumer got {:?} for {:?}: {why}",
        String::from_utf8_lossy(received),
        String::from_utf8_lossy(sent),
    );
}

struct Ring {
    header: RingHeader,
    slots: Slots,
}

/// The producer pushes `message` (yielding while the ring is full) and closes; the
/// consumer pops until closed. Returns what the consumer got.
fn stream_through_ring(capacity: usize, message: &'static [u8]) -> Vec<u8> {
    let ring = Arc::new(Ring {
        header: RingHeader::new(),
        slots: Slots::on_heap(capacity),
    });
    let producing = {
        let ring = Arc::clone(&ring);
        thread::spawn(move || {
            // SAFETY: the only producer of this ring.
            let mut producer = unsafe { Producer::new(&ring.header, &ring.slots) };
            let mut sent = 0;
            while sent < message.len() {
                match producer.push(&message[sent..]) {
                    0 => thread::yield_now(),
                    n => sent += n,
                }
            }
            producer.close();
        })
    };
    // SAFETY: the only consumer of this ring.
    let mut consumer = unsafe { Consumer::new(&ring.header, &ring.slots) };
    let mut received = Vec::new();
    let mut buffer = [0u8; 4];
    loop {
        match consumer.pop(&mut buffer) {
            Popped::Bytes(n) => received.extend_from_slice(&buffer[..n]),
            Popped::Empty => thread::yield_now(),
            Popped::Closed => break,
        }
    }
    producing.join().unwrap();
    received
}

mod ring {
    use super::*;

    #[test]
    fn every_byte_arrives_once_in_order_through_a_full_ring() {
        // Three bytes through two slots: the producer waits for room, and its second
        // writes reuse slots the consumer has just freed.
        model(|| assert_received(&stream_through_ring(2, b"abc"), b"abc"));
    }

    #[test]
    fn closing_after_the_last_byte_loses_nothing() {
        // Room for everything: the producer may write and close before the consumer
        // looks; the consumer must still get every byte before it sees `Closed`.
        model(|| assert_received(&stream_through_ring(4, b"xy"), b"xy"));
    }
}

//! The loom models of the ring buffer's index protocol ([`ipc_lesson::spsc`]): a producer
//! thread and a consumer thread, a ring of a few slots on the heap, every interleaving.
//!
//! Between processes the protocol is the same: the counters and slots are in a shared
//! segment instead of on the heap, and the threads are in two processes. loom checks what
//! the language's memory model promises (it runs the code of one program), which is what
//! the lesson's `SAFETY` arguments rely on for both.
//!
//! A model fails if an assertion fails in any interleaving, or if the consumer could read
//! a slot that nothing orders after the producer's write to it (loom tracks every access
//! to a `loom::cell::UnsafeCell` and reports such a pair as a "causality violation"). With
//! `Relaxed` in place of the producer's `Release` store of `head`, both models fail with
//! that report; with `Relaxed` in place of the consumer's `Release` store of `tail`, the
//! full ring's model does (the producer could write over a slot still being read).
//!
//! Built only with `--cfg loom`, in release; `tests/loom_models.rs` runs them in an
//! ordinary `cargo test`:
//!
//! ```text
//! RUSTFLAGS="--cfg loom" CARGO_TARGET_DIR=target/loom \
//!     cargo test -p lesson-04-ipc --release --test loom
//! ```
#![cfg(loom)]

use std::sync::Arc;

use ipc_lesson::spsc::{Consumer, Indices, Popped, Producer, Slots};
use loom::cell::UnsafeCell;
use loom::thread;

// ANCHOR: loom_slots
/// Slots that loom watches: every write and read of a slot is recorded, and two that
/// nothing orders are a data race.
struct LoomSlots(Vec<UnsafeCell<u8>>);

impl LoomSlots {
    fn new(capacity: usize) -> LoomSlots {
        LoomSlots((0..capacity).map(|_| UnsafeCell::new(0)).collect())
    }
}

// SAFETY: the two threads of a model reach the cells only through `Slots::write` and
// `Slots::read`, whose callers (the ring's protocol) give each slot to one side at a time.
// That is the claim under test: loom records every access to the cells and fails the model
// if two of them are not ordered. (loom's threads need no `Sync`; this says why sharing the
// cells is sound, as the real ring's slots in shared memory must.)
unsafe impl Sync for LoomSlots {}

impl Slots for LoomSlots {
    fn capacity(&self) -> usize {
        self.0.len()
    }

    unsafe fn write(&self, at: usize, bytes: &[u8]) {
        for (i, &byte) in bytes.iter().enumerate() {
            // SAFETY: the protocol gives the producer these slots alone; loom checks it.
            self.0[at + i].with_mut(|slot| unsafe { *slot = byte });
        }
    }

    unsafe fn read(&self, at: usize, out: &mut [u8]) {
        for (i, byte) in out.iter_mut().enumerate() {
            // SAFETY: the protocol gives the consumer these slots alone; loom checks it.
            *byte = self.0[at + i].with(|slot| unsafe { *slot });
        }
    }
}
// ANCHOR_END: loom_slots

/// A ring shared by the model's two threads.
struct Ring {
    indices: Indices,
    slots: LoomSlots,
}

/// `loom::model` with location tracking, so that a report says where each thread stood,
/// and a bound on preemptions that keeps the models to seconds.
fn model(f: impl Fn() + Sync + Send + 'static) {
    let mut builder = loom::model::Builder::new();
    builder.location = true;
    builder.preemption_bound = Some(3);
    builder.check(f);
}

// ANCHOR: model
/// The producer pushes `message` (waiting while the ring is full) and closes; the consumer
/// pops until closed. Returns what the consumer got.
fn stream_through_ring(capacity: usize, message: &'static [u8]) -> Vec<u8> {
    let ring = Arc::new(Ring {
        indices: Indices::new(),
        slots: LoomSlots::new(capacity),
    });
    let producing = {
        let ring = Arc::clone(&ring);
        thread::spawn(move || {
            // SAFETY: the only producer of this ring.
            let mut producer = unsafe { Producer::new(&ring.indices, &ring.slots) };
            let mut sent = 0;
            while sent < message.len() {
                match producer.push(&message[sent..]).unwrap() {
                    0 => thread::yield_now(), // full: let the consumer run
                    n => sent += n,
                }
            }
            producer.close();
        })
    };
    // SAFETY: the only consumer of this ring.
    let mut consumer = unsafe { Consumer::new(&ring.indices, &ring.slots) };
    let mut received = Vec::new();
    let mut buffer = [0u8; 4];
    loop {
        match consumer.pop(&mut buffer).unwrap() {
            Popped::Bytes(n) => received.extend_from_slice(&buffer[..n]),
            Popped::Empty => thread::yield_now(), // nothing yet: let the producer run
            Popped::Closed => break,
        }
    }
    producing.join().unwrap();
    received
}

#[test]
fn every_byte_arrives_once_in_order_through_a_full_ring() {
    // Three bytes through two slots: the producer must wait for room, and the second
    // round of writes wraps around and reuses slots the consumer has just freed.
    model(|| assert_eq!(stream_through_ring(2, b"abc"), b"abc"));
}

#[test]
fn closing_after_the_last_byte_loses_nothing() {
    // Room for everything: the producer may write and close before the consumer looks;
    // the consumer must still get every byte before it sees `Closed`.
    model(|| assert_eq!(stream_through_ring(4, b"xy"), b"xy"));
}
// ANCHOR_END: model

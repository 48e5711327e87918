//! The index protocol of a single-producer single-consumer ring buffer: two counters, and
//! the orderings that make them hand bytes over safely.
//!
//! A ring of `capacity` bytes has one producer, which writes, and one consumer, which reads.
//! They share two counters and nothing else:
//!
//! - `head`, the number of bytes written so far, stored only by the producer;
//! - `tail`, the number of bytes read so far, stored only by the consumer.
//!
//! Both only grow (a `u64` of bytes does not wrap in the lifetime of a machine), so
//! `head - tail` is the number of bytes waiting, and byte number `i` lives in slot
//! `i % capacity`. The producer writes into the free slots, `capacity - (head - tail)` of
//! them, then publishes them by storing a larger `head`; the consumer copies out the bytes
//! between `tail` and `head`, then frees their slots by storing a larger `tail`.
//!
//! No lock is needed, because no counter has two writers. What is needed is ordering:
//!
//! - the producer stores `head` with `Release` and the consumer loads it with `Acquire`, so
//!   the bytes written into the slots before the store are there for the consumer that
//!   sees the new `head` (with `Relaxed`, it could read a slot before the bytes landed);
//! - the consumer stores `tail` with `Release` and the producer loads it with `Acquire`, so
//!   the consumer's reads of the slots it frees are finished before the producer writes
//!   over them.
//!
//! Each counter sits in a cache line of its own (`CachePadded`): the producer's core keeps
//! writing `head` and the consumer's keeps writing `tail`, and two counters in one line
//! would send that line back and forth between the cores on every store (false sharing,
//! lesson 02).
//!
//! This module knows nothing of processes: the slots are behind the [`Slots`] trait, and
//! the counters are plain atomics. [`crate::ring`] places both in a shared memory segment,
//! and the loom models (`tests/loom.rs`) place them on the heap of one process and check
//! the protocol under every interleaving of a producer and a consumer thread.

use crossbeam::utils::CachePadded;

use crate::sync::{AtomicU64, Ordering};

// ANCHOR: indices
/// The counters of one ring. `#[repr(C)]`, so that its layout is the same in every process
/// that maps it (a Rust struct's field order is otherwise the compiler's choice).
#[repr(C)]
#[derive(Debug, Default)]
pub struct Indices {
    /// Bytes written so far. Stored by the producer only.
    head: CachePadded<AtomicU64>,
    /// Bytes read so far. Stored by the consumer only.
    tail: CachePadded<AtomicU64>,
    /// 1 once the producer has written its last byte. Stored by the producer only.
    closed: CachePadded<AtomicU64>,
}
// ANCHOR_END: indices

impl Indices {
    /// The counters of an empty ring.
    pub fn new() -> Indices {
        Indices::default()
    }
}

/// Where a ring's bytes are kept: `capacity()` slots of one byte.
///
/// The protocol guarantees that the producer writes only free slots and the consumer reads
/// only slots holding bytes it has not read yet, so the two never touch the same slot at
/// the same time. An implementation only has to copy.
pub trait Slots {
    /// The number of slots; more than 0.
    fn capacity(&self) -> usize;

    /// Copies `bytes` into the slots `at..at + bytes.len()`.
    ///
    /// # Safety
    ///
    /// `at + bytes.len() <= self.capacity()`, and nobody reads or writes those slots
    /// during the call.
    unsafe fn write(&self, at: usize, bytes: &[u8]);

    /// Copies the slots `at..at + out.len()` into `out`.
    ///
    /// # Safety
    ///
    /// `at + out.len() <= self.capacity()`, and nobody writes those slots during the call.
    unsafe fn read(&self, at: usize, out: &mut [u8]);
}

/// The counters say something the protocol never does: more bytes waiting than the ring
/// holds, or a consumer ahead of the producer. Another program, or a bug, wrote the
/// segment; the ring cannot be trusted any more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Corrupted {
    pub head: u64,
    pub tail: u64,
    pub capacity: u64,
}

impl std::fmt::Display for Corrupted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the ring's counters are corrupted: head {}, tail {}, capacity {}",
            self.head, self.tail, self.capacity
        )
    }
}

impl std::error::Error for Corrupted {}

/// Checks what the other side stored before trusting it: `tail <= head <= tail + capacity`.
/// Returns the number of bytes waiting.
fn waiting(head: u64, tail: u64, capacity: u64) -> Result<u64, Corrupted> {
    match head.checked_sub(tail) {
        Some(waiting) if waiting <= capacity => Ok(waiting),
        _ => Err(Corrupted {
            head,
            tail,
            capacity,
        }),
    }
}

// ANCHOR: producer
/// The writing end of a ring.
pub struct Producer<'r, S: Slots> {
    indices: &'r Indices,
    slots: &'r S,
    /// Our own copy of `head`: we are its only writer, so it never changes behind our back.
    head: u64,
}

impl<'r, S: Slots> Producer<'r, S> {
    /// The producer of the ring made of `indices` and `slots`.
    ///
    /// # Safety
    ///
    /// While it exists, no other producer of this ring exists, in this process or another:
    /// two writers of `head` would write the same slots.
    pub unsafe fn new(indices: &'r Indices, slots: &'r S) -> Producer<'r, S> {
        // Relaxed: only a producer stores `head`, and there is no other one.
        let head = indices.head.load(Ordering::Relaxed);
        Producer {
            indices,
            slots,
            head,
        }
    }

    /// Writes as much of `bytes` as the free slots hold, and returns how much that was: 0
    /// when the ring is full. It never waits.
    pub fn push(&mut self, bytes: &[u8]) -> Result<usize, Corrupted> {
        let capacity = self.slots.capacity() as u64;
        // Acquire: the consumer's reads of the slots it freed happened before it stored
        // this `tail`, so they are finished before we write over those slots below.
        let tail = self.indices.tail.load(Ordering::Acquire);
        let free = capacity - waiting(self.head, tail, capacity)?;
        let n = free.min(bytes.len() as u64) as usize;
        if n == 0 {
            return Ok(0);
        }
        // The free slots start at `head % capacity` and may wrap around the end.
        let start = (self.head % capacity) as usize;
        let first = n.min(self.slots.capacity() - start);
        // SAFETY: both ranges are within the capacity (`first <= capacity - start`, and
        // `n - first < n <= free <= capacity`), and they are free slots: bytes
        // `head..head + n` of the stream, which the consumer, having read only up to
        // `tail`, does not touch until we publish them by storing `head` below. We are the
        // only producer (`Producer::new`'s contract), so nobody else writes them.
        unsafe {
            self.slots.write(start, &bytes[..first]);
            self.slots.write(0, &bytes[first..n]);
        }
        self.head += n as u64;
        // Release: the bytes written above are visible to a consumer that loads this
        // `head` with Acquire.
        self.indices.head.store(self.head, Ordering::Release);
        Ok(n)
    }

    /// Tells the consumer that no more bytes will come: once it has read everything
    /// written so far, its `pop` says [`Popped::Closed`].
    pub fn close(self) {
        // Release: our last `head` store is visible to a consumer that sees `closed`.
        self.indices.closed.store(1, Ordering::Release);
    }
}
// ANCHOR_END: producer

// ANCHOR: consumer
/// What [`Consumer::pop`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Popped {
    /// This many bytes were copied out (at least 1).
    Bytes(usize),
    /// Nothing to read yet.
    Empty,
    /// Nothing to read, ever again: the producer closed the ring and every byte was read.
    Closed,
}

/// The reading end of a ring.
pub struct Consumer<'r, S: Slots> {
    indices: &'r Indices,
    slots: &'r S,
    /// Our own copy of `tail`: we are its only writer.
    tail: u64,
}

impl<'r, S: Slots> Consumer<'r, S> {
    /// The consumer of the ring made of `indices` and `slots`.
    ///
    /// # Safety
    ///
    /// While it exists, no other consumer of this ring exists, in this process or another.
    pub unsafe fn new(indices: &'r Indices, slots: &'r S) -> Consumer<'r, S> {
        // Relaxed: only a consumer stores `tail`, and there is no other one.
        let tail = indices.tail.load(Ordering::Relaxed);
        Consumer {
            indices,
            slots,
            tail,
        }
    }

    /// Copies as many waiting bytes as fit into `out`. It never waits.
    pub fn pop(&mut self, out: &mut [u8]) -> Result<Popped, Corrupted> {
        let capacity = self.slots.capacity() as u64;
        // `closed` first: if it says the producer has finished, its last `head` store
        // happened before (Release, then Acquire here), so the `head` loaded next is the
        // final one, and an empty ring then stays empty.
        let closed = self.indices.closed.load(Ordering::Acquire) == 1;
        // Acquire: the bytes the producer wrote before storing this `head` are visible.
        let head = self.indices.head.load(Ordering::Acquire);
        let waiting = waiting(head, self.tail, capacity)?;
        let n = waiting.min(out.len() as u64) as usize;
        if n == 0 {
            return Ok(match closed {
                true if waiting == 0 => Popped::Closed,
                _ => Popped::Empty,
            });
        }
        let start = (self.tail % capacity) as usize;
        let first = n.min(self.slots.capacity() - start);
        // SAFETY: both ranges are within the capacity (as in `push`), and they hold bytes
        // `tail..tail + n`, which the producer published with its `head` store and does
        // not write again until we free them by storing `tail` below.
        unsafe {
            self.slots.read(start, &mut out[..first]);
            self.slots.read(0, &mut out[first..n]);
        }
        self.tail += n as u64;
        // Release: our reads above are finished before the producer, loading this `tail`
        // with Acquire, writes over these slots.
        self.indices.tail.store(self.tail, Ordering::Release);
        Ok(Popped::Bytes(n))
    }
}
// ANCHOR_END: consumer

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::cell::UnsafeCell;

    /// Slots on the heap, for tests on one thread.
    struct HeapSlots(Vec<UnsafeCell<u8>>);

    impl Slots for HeapSlots {
        fn capacity(&self) -> usize {
            self.0.len()
        }
        unsafe fn write(&self, at: usize, bytes: &[u8]) {
            for (i, byte) in bytes.iter().enumerate() {
                // SAFETY: one thread; the caller keeps `at + i` in bounds.
                unsafe { *self.0[at + i].get() = *byte };
            }
        }
        unsafe fn read(&self, at: usize, out: &mut [u8]) {
            for (i, byte) in out.iter_mut().enumerate() {
                // SAFETY: as in `write`.
                *byte = unsafe { *self.0[at + i].get() };
            }
        }
    }

    fn slots(capacity: usize) -> HeapSlots {
        HeapSlots((0..capacity).map(|_| UnsafeCell::new(0)).collect())
    }

    #[test]
    fn bytes_wrap_around_the_end_and_come_out_in_order() {
        let (indices, slots) = (Indices::new(), slots(4));
        // SAFETY: one producer and one consumer.
        let (mut producer, mut consumer) = unsafe {
            (
                Producer::new(&indices, &slots),
                Consumer::new(&indices, &slots),
            )
        };
        let mut out = [0u8; 8];
        assert_eq!(producer.push(b"abc"), Ok(3));
        assert_eq!(consumer.pop(&mut out[..2]), Ok(Popped::Bytes(2)));
        assert_eq!(&out[..2], b"ab");
        // Three slots free, the last two of them wrap to the front.
        assert_eq!(producer.push(b"defgh"), Ok(3));
        assert_eq!(producer.push(b"gh"), Ok(0), "full");
        assert_eq!(consumer.pop(&mut out), Ok(Popped::Bytes(4)));
        assert_eq!(&out[..4], b"cdef");
        assert_eq!(consumer.pop(&mut out), Ok(Popped::Empty));
        producer.close();
        assert_eq!(consumer.pop(&mut out), Ok(Popped::Closed));
    }

    #[test]
    fn a_closed_ring_still_gives_its_last_bytes() {
        let (indices, slots) = (Indices::new(), slots(8));
        // SAFETY: one producer and one consumer.
        let (mut producer, mut consumer) = unsafe {
            (
                Producer::new(&indices, &slots),
                Consumer::new(&indices, &slots),
            )
        };
        assert_eq!(producer.push(b"last"), Ok(4));
        producer.close();
        let mut out = [0u8; 8];
        assert_eq!(consumer.pop(&mut out), Ok(Popped::Bytes(4)));
        assert_eq!(consumer.pop(&mut out), Ok(Popped::Closed));
    }

    #[test]
    fn corrupted_counters_are_refused() {
        let (indices, slots) = (Indices::new(), slots(4));
        // Another program wrote a head that is more than a ring's worth ahead.
        indices.head.store(9, Ordering::Relaxed);
        // SAFETY: one consumer.
        let mut consumer = unsafe { Consumer::new(&indices, &slots) };
        let error = consumer.pop(&mut [0; 4]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the ring's counters are corrupted: head 9, tail 0, capacity 4"
        );
    }
}

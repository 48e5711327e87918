//! An impostor for the benchmark check of task `ring` (`scripts/impostor-stability.sh`):
//! the reference solution's protocol, with the same orderings, so that every test and loom
//! check passes, but copying one byte per call to `Slots::write` and `Slots::read`, as a
//! learner who writes a loop over the bytes might. The check must fail it every time.
//!
//! Task `ring`: the index protocol of a single-producer single-consumer ring buffer.
//!
//! A ring of `capacity` byte slots has one producer and one consumer, which share a
//! [`RingHeader`] and nothing else: `head`, the bytes written so far (only the producer
//! stores it), `tail`, the bytes read so far (only the consumer stores it), and `closed`.
//! Both counters only grow, so `head - tail` bytes are waiting, `capacity - (head - tail)`
//! slots are free, and byte number `i` lives in slot `i % capacity`.
//!
//! The same code runs between two threads (the checks' in-process tests, and loom) and
//! between two processes: the given `links` module puts the header and the slots in a
//! shared memory segment, and the worker program consumes what this process produces.

use crate::layout::RingHeader;
use crate::slots::Slots;
use crate::sync::Ordering;

/// The writing end of a ring.
pub struct Producer<'r> {
    header: &'r RingHeader,
    slots: &'r Slots,
    /// Our copy of `head`: we are its only writer.
    head: u64,
}

impl<'r> Producer<'r> {
    /// Given: the producer of the ring made of `header` and `slots`.
    ///
    /// # Safety
    ///
    /// While it exists, no other producer of this ring exists, in this process or another.
    pub unsafe fn new(header: &'r RingHeader, slots: &'r Slots) -> Producer<'r> {
        // Relaxed: only a producer stores `head`, and there is no other one.
        let head = header.head.load(Ordering::Relaxed);
        Producer {
            header,
            slots,
            head,
        }
    }

    /// Copies as much of `bytes` as there are free slots for, publishes it, and returns how
    /// many bytes that was: 0 if the ring is full (or `bytes` is empty). Never waits.
    pub fn push(&mut self, bytes: &[u8]) -> usize {
        let capacity = self.slots.capacity();
        // Acquire: the consumer's reads of the slots it freed are finished.
        let tail = self.header.tail.load(Ordering::Acquire);
        let waiting = (self.head - tail) as usize;
        let n = (capacity - waiting).min(bytes.len());
        if n == 0 {
            return 0;
        }
        let start = (self.head % capacity as u64) as usize;
        // SAFETY: each slot is in range (`% capacity`), and they are free slots: bytes
        // `head..head + n` of the stream, which the consumer does not read before we
        // publish them below, and we are the only producer.
        unsafe {
            for (i, byte) in bytes[..n].iter().enumerate() {
                self.slots.write((start + i) % capacity, std::slice::from_ref(byte));
            }
        }
        self.head += n as u64;
        // Release: the bytes written above are visible to whoever loads this with Acquire.
        self.header.head.store(self.head, Ordering::Release);
        n
    }

    /// Tells the consumer that nothing more will come.
    pub fn close(&self) {
        // Release: our last `head` store is visible to a consumer that sees `closed`.
        self.header.closed.store(1, Ordering::Release);
    }
}

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
pub struct Consumer<'r> {
    header: &'r RingHeader,
    slots: &'r Slots,
    /// Our copy of `tail`: we are its only writer.
    tail: u64,
}

impl<'r> Consumer<'r> {
    /// Given: the consumer of the ring made of `header` and `slots`.
    ///
    /// # Safety
    ///
    /// While it exists, no other consumer of this ring exists, in this process or another.
    pub unsafe fn new(header: &'r RingHeader, slots: &'r Slots) -> Consumer<'r> {
        // Relaxed: only a consumer stores `tail`, and there is no other one.
        let tail = header.tail.load(Ordering::Relaxed);
        Consumer {
            header,
            slots,
            tail,
        }
    }

    /// Copies as many waiting bytes as fit into `out`, and frees their slots. Never waits.
    pub fn pop(&mut self, out: &mut [u8]) -> Popped {
        let capacity = self.slots.capacity();
        // `closed` before `head`: if the producer had closed, its last `head` store is
        // visible to the load below, so an empty ring then stays empty.
        let closed = self.header.closed.load(Ordering::Acquire) == 1;
        // Acquire: the bytes written before this `head` was stored are visible.
        let head = self.header.head.load(Ordering::Acquire);
        let waiting = (head - self.tail) as usize;
        if waiting == 0 {
            return if closed {
                Popped::Closed
            } else {
                Popped::Empty
            };
        }
        let n = waiting.min(out.len());
        if n == 0 {
            return Popped::Empty;
        }
        let start = (self.tail % capacity as u64) as usize;
                // SAFETY: in range (`% capacity`); the slots hold bytes `tail..tail + n`, published
        // by the producer, which does not write them again before we free them below.
        unsafe {
            for (i, byte) in out[..n].iter_mut().enumerate() {
                self.slots.read((start + i) % capacity, std::slice::from_mut(byte));
            }
        }
        self.tail += n as u64;
        // Release: our reads above are finished before the producer writes over these slots.
        self.header.tail.store(self.tail, Ordering::Release);
        Popped::Bytes(n)
    }
}

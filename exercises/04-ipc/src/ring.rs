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
        // Write `push` here:
        // 1. Load `tail` with `Ordering::Acquire`. `self.head - tail` bytes are waiting, so
        //    `capacity - (self.head - tail)` slots are free; copy `n = min(free,
        //    bytes.len())` bytes (return 0 if `n` is 0).
        // 2. They go to slots `head % capacity` on, wrapping to slot 0 past the end: at
        //    most two `unsafe { self.slots.write(at, part) }` calls, with a `// SAFETY:`
        //    comment (in range; free slots the consumer does not read; the only producer).
        // 3. `self.head += n`, then publish it: `self.header.head.store(self.head,
        //    Ordering::Release)`, *after* the slots are written.
        todo!("copy into the free slots, then publish the new head")
    }

    /// Tells the consumer that nothing more will come.
    pub fn close(&self) {
        // Store 1 in `self.header.closed` with `Ordering::Release`.
        todo!("tell the consumer that nothing more will come")
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
        // Write `pop` here:
        // 1. Load `closed` (Acquire) first, then `head` (Acquire): if `closed` says 1, the
        //    `head` you load after it is the last one the producer will ever store.
        // 2. `head - self.tail` bytes are waiting. None: `Popped::Closed` if closed, else
        //    `Popped::Empty`. Otherwise copy `n = min(waiting, out.len())` of them from
        //    slots `tail % capacity` on (two `self.slots.read` calls at most, in `unsafe`
        //    with a `// SAFETY:` comment).
        // 3. `self.tail += n`, then free the slots: `self.header.tail.store(self.tail,
        //    Ordering::Release)`, *after* reading them. Return `Popped::Bytes(n)`.
        todo!("copy the waiting bytes out, then free their slots")
    }
}

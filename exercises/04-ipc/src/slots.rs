//! Given: where a ring's bytes are kept, and the copies in and out of them. You do not need
//! to change it: your `push` and `pop` call [`Slots::write`] and [`Slots::read`].
//!
//! Two kinds of slots: on the heap of one process (the in-process tests and the loom
//! models, where loom watches every byte), and inside a shared memory mapping (the ring
//! between two processes).

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::sync::UnsafeCell;

/// A ring's `capacity()` slots of one byte.
pub struct Slots {
    kind: Kind,
    /// How many `write` and `read` calls these slots have served (see [`Slots::copies`]).
    /// A std atomic even under loom: a tally for the checks, not part of the protocol.
    copies: AtomicUsize,
}

enum Kind {
    Heap(Box<[UnsafeCell<u8>]>),
    Mapped { start: *mut u8, len: usize },
}

// SAFETY: a `Slots` is only a place; its bytes are reached through `write` and `read`
// alone, whose callers promise that no two threads touch the same slot at once unless
// both only read. Sharing or sending the place between threads is then sound.
unsafe impl Send for Slots {}
// SAFETY: as for `Send`.
unsafe impl Sync for Slots {}

impl Slots {
    /// `capacity` slots on the heap, holding zeros.
    ///
    /// # Panics
    ///
    /// If `capacity` is 0.
    pub fn on_heap(capacity: usize) -> Slots {
        assert!(capacity > 0, "a ring needs at least one slot");
        Slots {
            kind: Kind::Heap((0..capacity).map(|_| UnsafeCell::new(0)).collect()),
            copies: AtomicUsize::new(0),
        }
    }

    /// The `len` bytes at `start`, inside a shared memory mapping.
    ///
    /// # Safety
    ///
    /// `start..start + len` stays mapped, readable and writable, as long as the `Slots`
    /// is used; `len > 0`.
    pub(crate) unsafe fn mapped(start: *mut u8, len: usize) -> Slots {
        Slots {
            kind: Kind::Mapped { start, len },
            copies: AtomicUsize::new(0),
        }
    }

    /// The number of slots.
    pub fn capacity(&self) -> usize {
        match &self.kind {
            Kind::Heap(cells) => cells.len(),
            Kind::Mapped { len, .. } => *len,
        }
    }

    /// How many calls to [`Slots::write`] and [`Slots::read`] these slots have served. The
    /// checks count them: a ring copies each contiguous run of bytes with one call, not a
    /// byte at a time.
    pub fn copies(&self) -> usize {
        self.copies.load(Ordering::Relaxed)
    }

    /// Copies `bytes` into the slots `at..at + bytes.len()`.
    ///
    /// # Safety
    ///
    /// `at + bytes.len() <= self.capacity()`, and no one else reads or writes those slots
    /// during the call (the ring's protocol gives them to the producer).
    pub unsafe fn write(&self, at: usize, bytes: &[u8]) {
        assert!(
            at + bytes.len() <= self.capacity(),
            "slots out of range: {} bytes at slot {at} of {}; a copy that runs past the \
             last slot goes on at slot 0, with a second call",
            bytes.len(),
            self.capacity()
        );
        self.copies.fetch_add(1, Ordering::Relaxed);
        match &self.kind {
            Kind::Heap(cells) => {
                for (cell, &byte) in cells[at..].iter().zip(bytes) {
                    // SAFETY: the caller gives us these slots alone.
                    cell.with_mut(|slot| unsafe { *slot = byte });
                }
            }
            // SAFETY: in range (asserted), mapped (`mapped`'s contract), ours alone (this
            // function's contract); `bytes` is not the mapping, so they do not overlap.
            Kind::Mapped { start, .. } => unsafe {
                std::ptr::copy_nonoverlapping(bytes.as_ptr(), start.add(at), bytes.len())
            },
        }
    }

    /// Copies the slots `at..at + out.len()` into `out`.
    ///
    /// # Safety
    ///
    /// `at + out.len() <= self.capacity()`, and no one writes those slots during the call
    /// (the ring's protocol gives them to the consumer).
    pub unsafe fn read(&self, at: usize, out: &mut [u8]) {
        assert!(
            at + out.len() <= self.capacity(),
            "slots out of range: {} bytes at slot {at} of {}; a copy that runs past the \
             last slot goes on at slot 0, with a second call",
            out.len(),
            self.capacity()
        );
        self.copies.fetch_add(1, Ordering::Relaxed);
        match &self.kind {
            Kind::Heap(cells) => {
                for (cell, byte) in cells[at..].iter().zip(out.iter_mut()) {
                    // SAFETY: the caller gives us these slots alone.
                    *byte = cell.with(|slot| unsafe { *slot });
                }
            }
            // SAFETY: as in `write`, the other way round.
            Kind::Mapped { start, .. } => unsafe {
                std::ptr::copy_nonoverlapping(start.add(at), out.as_mut_ptr(), out.len())
            },
        }
    }
}

//! Check-then-act: a decision made on a value that another thread changes before the act.
//!
//! "If there is a seat left, take it" is two steps: look, then change. When another
//! thread can run between them, both threads can see the last seat free and both take
//! it. Locking each step separately does not help: [`Seats::book_racy`] takes the lock to
//! look, releases it, and takes it again to change, and the gap between the two is where
//! the other thread gets in. The fix is to hold one guard across both steps
//! ([`Seats::book`]), so that nobody can change the count between the look and the act.
//!
//! The same bug hides in any "check, then act" on shared state: a file that exists when
//! checked and is gone when opened, a map entry tested with `contains_key` then inserted, a
//! balance checked then debited (the bank task of this lesson's exercise). With atomics the
//! fix is a single `compare_exchange` or `fetch_update` instead of a lock.
//!
//! `Seats` takes its `Mutex` from `crate::sync` (`src/sync.rs`), so that the loom models of
//! `tests/loom.rs` can run it under loom, which finds the gap in `book_racy` every time.

use crate::sync::Mutex;

// ANCHOR: seats
/// Seats for sale, booked by several threads at once.
#[derive(Debug)]
pub struct Seats {
    free: Mutex<u32>,
}

impl Seats {
    /// `count` free seats.
    pub fn new(count: u32) -> Seats {
        Seats {
            free: Mutex::new(count),
        }
    }

    /// How many seats are free.
    pub fn free(&self) -> u32 {
        *self.free.lock().unwrap()
    }

    /// Books a seat if one is free, and says whether it did. The check and the change
    /// happen under one guard: no other thread can book in between.
    pub fn book(&self) -> bool {
        let mut free = self.free.lock().unwrap();
        if *free == 0 {
            return false;
        }
        *free -= 1;
        true
    }

    /// **Wrong on purpose**: checks under one lock, books under another. Two threads can
    /// both see the last seat free, and both book it.
    pub fn book_racy(&self) -> bool {
        // Check: `free()` takes the lock and releases it before returning.
        if self.free() == 0 {
            return false;
        }
        // Another thread may book the last seat right here.
        // Act: the lock is taken again, and the count may already be 0. In a debug build
        // the subtraction then panics; in a release build it wraps around to u32::MAX.
        *self.free.lock().unwrap() -= 1;
        true
    }
}
// ANCHOR_END: seats

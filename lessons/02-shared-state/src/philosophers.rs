//! The dining philosophers: a deadlock, and the lock order that prevents it.
//!
//! `n` philosophers sit at a round table with one fork between each two neighbours:
//! philosopher `i` has fork `i` on the left and fork `(i + 1) % n` on the right, and needs
//! both to eat. If each takes the left fork, then waits for the right one, and they all
//! sit down at once, every philosopher holds one fork and waits for the one the neighbour
//! holds. Nobody ever lets go: a *deadlock*. Replace philosophers with threads and forks
//! with mutexes and it is the classic deadlock of two threads that lock `a` then `b`, and
//! `b` then `a`.
//!
//! A deadlock needs a cycle of threads, each waiting for a lock the next one holds. The
//! standard cure removes the cycle: give the locks a global order and always take them in
//! that order. [`Table::dine`] takes the lower-numbered of its two forks first. The last
//! philosopher, whose right fork is fork 0, then reaches for fork 0 first, like the first
//! one, so the two of them compete for the same first fork instead of each holding one.
//! No cycle can form. [`Table::dine_left_first`] keeps the naive order; loom finds its
//! deadlock every time (`tests/loom.rs`), and [`Table::all_hold_their_left_fork`] shows the
//! circular wait with real threads without hanging.
//!
//! `Table` takes its `Mutex` from `crate::sync` (`src/sync.rs`), so that the loom models
//! can run it.

use std::sync::Barrier;
use std::thread;

use crate::sync::{Mutex, MutexGuard};

// ANCHOR: table
/// Forks on a round table; each fork counts the meals eaten with it.
#[derive(Debug)]
pub struct Table {
    forks: Vec<Mutex<u32>>,
}

impl Table {
    /// A table for `seats` philosophers, with as many forks.
    ///
    /// # Panics
    ///
    /// With fewer than 2 seats: a philosopher needs two distinct forks.
    pub fn new(seats: usize) -> Table {
        assert!(seats >= 2, "a table needs at least two seats, got {seats}");
        Table {
            forks: (0..seats).map(|_| Mutex::new(0)).collect(),
        }
    }

    /// How many philosophers the table seats.
    pub fn seats(&self) -> usize {
        self.forks.len()
    }

    /// The forks of philosopher `seat`: (left, right).
    pub fn forks_of(&self, seat: usize) -> (usize, usize) {
        (seat, (seat + 1) % self.seats())
    }

    /// Philosopher `seat` eats one meal, taking the lower-numbered fork first. With every
    /// philosopher doing so, no deadlock is possible.
    pub fn dine(&self, seat: usize) {
        let (left, right) = self.forks_of(seat);
        let (first, second) = (left.min(right), left.max(right));
        let first = self.take(first);
        let second = self.take(second);
        Self::eat(first, second);
    }

    /// **Wrong on purpose**: philosopher `seat` eats one meal, taking the left fork first.
    /// If every philosopher takes the left fork before any takes a right one, they
    /// deadlock.
    pub fn dine_left_first(&self, seat: usize) {
        let (left, right) = self.forks_of(seat);
        let left = self.take(left);
        // If every neighbour has taken *their* left fork by now, our right fork is held,
        // and so is everyone's: each waits here for a fork that is never released.
        let right = self.take(right);
        Self::eat(left, right);
    }

    /// Every philosopher, each on a thread of their own, eats `meals` meals with [`Table::dine`]:
    /// all at the same table at once, and none waiting forever.
    pub fn dinner(&self, meals: u32) {
        thread::scope(|s| {
            for seat in 0..self.seats() {
                s.spawn(move || {
                    for _ in 0..meals {
                        self.dine(seat);
                    }
                });
            }
        });
    }

    /// How many meals were eaten with fork `fork`.
    pub fn uses_of(&self, fork: usize) -> u32 {
        *self.forks[fork].lock().unwrap()
    }

    // `#[track_caller]` so that loom, when it reports a deadlock, names the line of `dine`
    // or `dine_left_first` that waits for a fork, not this one.
    #[track_caller]
    fn take(&self, fork: usize) -> MutexGuard<'_, u32> {
        self.forks[fork].lock().unwrap()
    }

    fn eat(mut first: MutexGuard<'_, u32>, mut second: MutexGuard<'_, u32>) {
        *first += 1;
        *second += 1;
        // Both guards are dropped here: the forks go back on the table.
    }
}
// ANCHOR_END: table

// ANCHOR: circular_wait
impl Table {
    /// The circular wait, shown with real threads and without hanging: every philosopher
    /// takes the left fork, all wait until each holds one (a barrier), and then each
    /// *tries* to take the right fork with `try_lock`, which fails instead of waiting.
    /// Returns how many philosophers got both forks: none, since each right fork is some
    /// neighbour's left fork. With `lock` instead of `try_lock`, they would wait forever.
    pub fn all_hold_their_left_fork(&self) -> usize {
        let everyone_holds_one = Barrier::new(self.seats());
        thread::scope(|s| {
            let philosophers: Vec<_> = (0..self.seats())
                .map(|seat| {
                    let everyone_holds_one = &everyone_holds_one;
                    s.spawn(move || {
                        let (left, right) = self.forks_of(seat);
                        let _left = self.take(left);
                        everyone_holds_one.wait();
                        let got_right = self.forks[right].try_lock().is_ok();
                        // Keep the left fork until everyone has tried: otherwise a fast
                        // philosopher could put it back before a slow one tries for it.
                        everyone_holds_one.wait();
                        got_right
                    })
                })
                .collect();
            philosophers
                .into_iter()
                .map(|p| p.join().expect("a philosopher panicked"))
                .filter(|&got_both| got_both)
                .count()
        })
    }
}
// ANCHOR_END: circular_wait

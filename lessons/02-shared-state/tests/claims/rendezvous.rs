//! A meeting point for threads, with a deadline, to prove that code runs concurrently.
//!
//! If `n` threads all reach `arrive` before any of them leaves, then at that moment all `n`
//! were inside the same section at once: no timing involved. `std::sync::Barrier` does the
//! same, but waits forever, so a version that lets only one thread in would hang the test.
//! Here every thread gives up at one shared deadline, and the test fails instead.

use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

/// How long the threads wait for each other before the test declares that they were not
/// inside at the same time. Generous, so that a loaded machine never fails a correct
/// version.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// A one-shot meeting point for `expected` threads.
pub struct Rendezvous {
    expected: usize,
    arrived: Mutex<usize>,
    all_here: Condvar,
    deadline: Instant,
}

impl Rendezvous {
    pub fn new(expected: usize) -> Rendezvous {
        Rendezvous {
            expected,
            arrived: Mutex::new(0),
            all_here: Condvar::new(),
            deadline: Instant::now() + PATIENCE,
        }
    }

    /// Counts this thread in, then waits until `expected` threads have arrived or the
    /// deadline has passed. Returns whether all of them arrived.
    pub fn arrive(&self) -> bool {
        let mut arrived = self.arrived.lock().unwrap();
        *arrived += 1;
        self.all_here.notify_all();
        let patience = self.deadline.saturating_duration_since(Instant::now());
        let (arrived, _) = self
            .all_here
            .wait_timeout_while(arrived, patience, |arrived| *arrived < self.expected)
            .unwrap();
        *arrived >= self.expected
    }
}

#[test]
fn meets_when_every_thread_is_there_at_once() {
    let rendezvous = Rendezvous::new(3);
    let met: Vec<bool> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..3).map(|_| s.spawn(|| rendezvous.arrive())).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(met, [true, true, true]);
}

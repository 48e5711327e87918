//! A meeting point for threads, with a deadline, to prove that code runs concurrently.
//!
//! If `n` threads all reach `arrive` before any of them leaves, then at that moment all `n`
//! were inside the same section at once: no timing involved. `std::sync::Barrier` does the
//! same, but waits forever, so a sequential implementation would hang the test. Here every
//! thread gives up at one shared deadline, and the test fails with a clear message instead.

use std::sync::{Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long the threads wait for each other before the test declares that they did not run
/// at the same time. Generous, so that a loaded machine never fails a correct version; a
/// wrong version fails after this long instead of hanging.
pub const PATIENCE: Duration = Duration::from_secs(10);

/// A one-shot meeting point for `expected` threads.
pub struct Rendezvous {
    expected: usize,
    arrived: Mutex<usize>,
    all_here: Condvar,
    deadline: Instant,
}

impl Rendezvous {
    /// A meeting point for `expected` threads, open until `PATIENCE` from now.
    pub fn new(expected: usize) -> Rendezvous {
        Rendezvous::with_patience(expected, PATIENCE)
    }

    /// A meeting point for `expected` threads, open until `patience` from now.
    pub fn with_patience(expected: usize, patience: Duration) -> Rendezvous {
        Rendezvous {
            expected,
            arrived: Mutex::new(0),
            all_here: Condvar::new(),
            deadline: Instant::now() + patience,
        }
    }

    /// Counts this thread in, then waits until `expected` threads have arrived or the
    /// deadline has passed. Returns whether all of them arrived. Once they have, later
    /// calls return `true` at once, so it is safe to call from code that runs repeatedly.
    pub fn arrive(&self) -> bool {
        let mut arrived = self.arrived.lock().unwrap_or_else(PoisonError::into_inner);
        *arrived += 1;
        if *arrived >= self.expected {
            self.all_here.notify_all();
            return true;
        }
        let patience = self.deadline.saturating_duration_since(Instant::now());
        let (arrived, _) = self
            .all_here
            .wait_timeout_while(arrived, patience, |arrived| *arrived < self.expected)
            .unwrap_or_else(PoisonError::into_inner);
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

#[test]
fn gives_up_when_a_thread_never_comes() {
    // One thread of two: the other never comes, so it must give up at the deadline and
    // say so, rather than wait forever.
    let rendezvous = Rendezvous::with_patience(2, Duration::from_millis(50));
    assert!(!rendezvous.arrive());
}

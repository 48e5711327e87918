//! Task `bounded-queue`: a first-in first-out queue of limited capacity that producers and
//! consumers on many threads share, waiting when it is full or empty.
//!
//! The classic design, and what Python's `queue.Queue(maxsize=n)` is inside: a `VecDeque`
//! behind a `Mutex`, and two `Condvar`s to sleep on, one for "not empty any more", one for
//! "not full any more". (`std::sync::mpsc::sync_channel` and `crossbeam::channel::bounded` do
//! the same job with a lock-free ring buffer.) Closing the queue is how producers say "no
//! more items": consumers still get the items queued, then `None`. A thread that waits
//! sleeps on a condition variable: it uses no CPU until another thread wakes it.

use std::collections::VecDeque;
use std::fmt;

use crate::sync::{Condvar, Mutex};

/// A bounded blocking queue. Share it between threads by reference (scoped threads) or
/// in an `Arc`.
#[derive(Debug)]
pub struct BoundedQueue<T> {
    state: Mutex<State<T>>,
    /// Waited on by consumers while the queue is empty and open.
    not_empty: Condvar,
    /// Waited on by producers while the queue is full and open.
    not_full: Condvar,
    capacity: usize,
}

/// What the mutex guards: the items, and whether the queue was closed.
#[derive(Debug)]
struct State<T> {
    items: VecDeque<T>,
    closed: bool,
}

/// The error of a push into a closed queue. It holds the item that was not queued, so
/// that nothing is lost: the caller gets it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Closed<T>(pub T);

impl<T> fmt::Display for Closed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the queue is closed")
    }
}

impl<T: fmt::Debug> std::error::Error for Closed<T> {}

impl<T> BoundedQueue<T> {
    /// An open, empty queue that holds at most `capacity` items.
    ///
    /// # Panics
    ///
    /// If `capacity` is 0: no item could ever be queued.
    pub fn new(capacity: usize) -> BoundedQueue<T> {
        assert!(
            capacity > 0,
            "a BoundedQueue needs a capacity of at least 1"
        );
        BoundedQueue {
            state: Mutex::new(State {
                items: VecDeque::with_capacity(capacity),
                closed: false,
            }),
            not_empty: Condvar::new(),
            not_full: Condvar::new(),
            capacity,
        }
    }

    /// The most items the queue holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many items are queued right now.
    pub fn len(&self) -> usize {
        self.state.lock().unwrap().items.len()
    }

    /// Whether no item is queued right now.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Adds `item` at the back, first waiting while the queue is full. Fails, giving the
    /// item back, if the queue is closed (before or while waiting).
    pub fn push(&self, item: T) -> Result<(), Closed<T>> {
        let mut state = self.state.lock().unwrap();
        // `while`, not `if`: after a wake-up the queue may be full again (another producer
        // took the room first), or the wake-up may be spurious. Each check runs with the
        // lock held, and `wait` releases it only once this thread is waiting, so a `pop`
        // cannot make room unseen between the check and the wait.
        while state.items.len() == self.capacity && !state.closed {
            state = self.not_full.wait(state).unwrap();
        }
        if state.closed {
            return Err(Closed(item));
        }
        state.items.push_back(item);
        // One item came in: one waiting consumer can take it. Consumers wait only on
        // `not_empty`, so `notify_one` cannot wake a producer instead.
        self.not_empty.notify_one();
        Ok(())
    }

    /// Takes the item at the front, first waiting while the queue is empty. Returns `None`
    /// once the queue is closed *and* empty: the items queued before `close` still come out.
    pub fn pop(&self) -> Option<T> {
        let mut state = self.state.lock().unwrap();
        while state.items.is_empty() && !state.closed {
            state = self.not_empty.wait(state).unwrap();
        }
        // Empty here means closed and drained: `None`. Otherwise there is an item, closed
        // or not.
        let item = state.items.pop_front()?;
        // One slot was freed: one waiting producer can fill it.
        self.not_full.notify_one();
        Some(item)
    }

    /// Closes the queue: later pushes fail, and once the queued items are taken, pops
    /// return `None`. Wakes every waiting producer and consumer, so that none of them waits
    /// forever for an item or a room that will never come.
    pub fn close(&self) {
        self.state.lock().unwrap().closed = true;
        // Every waiter must see the change: consumers to drain and stop, producers to give
        // their items back.
        self.not_empty.notify_all();
        self.not_full.notify_all();
    }
}

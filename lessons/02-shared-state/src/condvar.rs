//! `Condvar`: sleeping until a condition on shared data becomes true, without missing the
//! moment it does.
//!
//! A thread that must wait for something another thread will do ("the data is ready", "the
//! queue is not empty") could loop on a lock, checking again and again. A condition variable
//! lets it sleep instead: `condvar.wait(guard)` releases the mutex and puts the thread to
//! sleep *in one step*, and takes the mutex back before returning when another thread calls
//! `notify_one` or `notify_all`.
//!
//! The rules, all three in [`Event`]:
//!
//! 1. **The condition lives under the mutex.** The waiter checks it while holding the
//!    guard, and the notifier changes it while holding the guard. Since `wait` releases the
//!    mutex only once the thread is registered as waiting, the change cannot slip in
//!    between the check and the sleep.
//! 2. **Notify after changing the condition**, so that the thread woken sees the change.
//! 3. **Wait in a `while` loop, never an `if`.** `wait` may return without any notify (a
//!    *spurious* wake-up, which the platform is allowed to produce), and a notified thread
//!    may find the condition false again because another thread got to the mutex first. So
//!    check again after every wake-up. (std's `Condvar::wait_while` writes the loop for you;
//!    it is spelt out here, because loom's `Condvar` does not have it.)
//!
//! [`RacyEvent`] breaks rule 1: its flag is an atomic outside the mutex, and the waiter can
//! check it, see it unset, and go to sleep *after* the notifier has set it and notified no
//! one. That wake-up is lost and the waiter sleeps forever. loom finds the interleaving
//! every time (`tests/loom.rs`); a test on real threads would hang, once in a long while.

use crate::sync::{AtomicBool, Condvar, Mutex, Ordering};

// ANCHOR: event
/// A one-way switch threads can wait for: once [`Event::set`], every [`Event::wait`]
/// returns, and stays returned.
#[derive(Debug)]
pub struct Event {
    is_set: Mutex<bool>,
    changed: Condvar,
}

impl Event {
    /// An event that is not set.
    pub fn new() -> Event {
        Event {
            is_set: Mutex::new(false),
            changed: Condvar::new(),
        }
    }

    /// Sets the event and wakes every thread waiting for it.
    pub fn set(&self) {
        // Rule 1: change the condition under the mutex...
        *self.is_set.lock().unwrap() = true;
        // ...rule 2: then notify. (Notifying after the guard is dropped is also correct,
        // and saves the woken threads from waking up into a lock still held.)
        self.changed.notify_all();
    }

    /// Whether the event is set, without waiting.
    pub fn is_set(&self) -> bool {
        *self.is_set.lock().unwrap()
    }

    /// Waits until the event is set; returns at once if it already is.
    pub fn wait(&self) {
        let mut is_set = self.is_set.lock().unwrap();
        // Rule 3: a loop. `wait` releases the mutex while asleep and holds it again when it
        // returns, so each check of the condition happens under the lock.
        while !*is_set {
            is_set = self.changed.wait(is_set).unwrap();
        }
    }
}
// ANCHOR_END: event

impl Default for Event {
    fn default() -> Self {
        Event::new()
    }
}

// ANCHOR: racy_event
/// **Wrong on purpose**: the same event, with its flag kept in an atomic outside the mutex.
/// A waiter can miss the wake-up and sleep forever.
#[derive(Debug)]
pub struct RacyEvent {
    is_set: AtomicBool,
    lock: Mutex<()>,
    changed: Condvar,
}

impl RacyEvent {
    /// An event that is not set.
    pub fn new() -> RacyEvent {
        RacyEvent {
            is_set: AtomicBool::new(false),
            lock: Mutex::new(()),
            changed: Condvar::new(),
        }
    }

    /// Sets the flag and notifies, without taking the lock: nothing stops this from
    /// happening between a waiter's check and its `wait`.
    pub fn set(&self) {
        self.is_set.store(true, Ordering::SeqCst);
        self.changed.notify_all();
    }

    /// Waits until the flag is set, unless the wake-up is missed.
    pub fn wait(&self) {
        let mut guard = self.lock.lock().unwrap();
        while !self.is_set.load(Ordering::SeqCst) {
            // If `set` runs right here, after the check and before `wait`, its notify finds
            // no thread waiting and wakes nobody. Then this thread waits for a notify that
            // has already happened.
            guard = self.changed.wait(guard).unwrap();
        }
    }
}
// ANCHOR_END: racy_event

impl Default for RacyEvent {
    fn default() -> Self {
        RacyEvent::new()
    }
}

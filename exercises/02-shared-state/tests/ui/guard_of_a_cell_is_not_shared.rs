// Never compiles: a guard hands out `&T`, so two threads sharing one guard both reach the
// value at once. That is fine for a `T` that is `Sync`, and a data race for a `Cell`, which
// is not: the guard of a `SpinLock<Cell<u32>>` cannot be shared between threads (E0277).
// The lock itself can: `Cell<u32>` is `Send`, and the lock lets one thread at a time in.

use std::cell::Cell;
use std::thread;

use shared_state_exercise::{SpinLock, SpinLockGuard};

fn bump(guard: &SpinLockGuard<'_, Cell<u32>>) {
    guard.set(guard.get() + 1);
}

fn main() {
    let lock = SpinLock::new(Cell::new(0));
    let guard = lock.lock();
    thread::scope(|s| {
        s.spawn(|| bump(&guard));
        bump(&guard);
    });
}

// Does not compile: a `MutexGuard` may not move to another thread. A POSIX mutex must be
// unlocked by the thread that locked it, so std's guard, whose drop unlocks, is not
// `Send`. Here the guard is taken on the main thread and handed to a scoped thread, which
// would drop it there.

use std::sync::Mutex;
use std::thread;

fn main() {
    let counter = Mutex::new(0);
    let mut guard = counter.lock().unwrap();
    thread::scope(|s| {
        s.spawn(move || *guard += 1);
    });
    println!("{}", counter.lock().unwrap());
}

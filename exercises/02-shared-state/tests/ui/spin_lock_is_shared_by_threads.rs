// Compiles (and runs) only if `SpinLock<T>` is `Sync` for a `T` that is `Send`, so that
// scoped threads can share one lock, and if the lock really excludes: four threads add
// 1 000 each.

use std::thread;

use shared_state_exercise::SpinLock;

fn main() {
    let names = SpinLock::new(Vec::new());
    let count = SpinLock::new(0u64);
    thread::scope(|s| {
        for t in 0..4 {
            let (names, count) = (&names, &count);
            s.spawn(move || {
                names.lock().push(format!("thread {t}"));
                for _ in 0..1_000 {
                    *count.lock() += 1;
                }
            });
        }
    });
    assert_eq!(names.into_inner().len(), 4);
    assert_eq!(count.into_inner(), 4_000);
}

// Compiles and runs: the counter of `cell_shared.rs` and `two_mut_borrows.rs`, shared the
// two ways Rust accepts. An atomic may be changed through a shared reference by any number
// of threads; a `Mutex` hands out one `&mut` at a time, to whichever thread holds the lock.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, Ordering};
use std::thread;

fn main() {
    let hits = AtomicU32::new(0);
    let total = Mutex::new(0);
    thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                hits.fetch_add(1, Ordering::Relaxed);
                *total.lock().unwrap() += 1;
            });
        }
    });
    assert_eq!(hits.into_inner(), 2);
    assert_eq!(total.into_inner().unwrap(), 2);
}

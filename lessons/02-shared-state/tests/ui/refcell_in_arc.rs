// Does not compile: a `RefCell` may not be shared between threads, even inside an `Arc`.
// `borrow_mut` checks and sets a borrow flag that is a plain integer: two threads could
// both see "not borrowed" and both get a `&mut`. `RefCell` is not `Sync`, so `Arc<RefCell>`
// is not `Send` (error E0277). Across threads the same role is played by `Mutex` (or
// `RwLock`), whose lock is the flag, taken atomically.

use std::cell::RefCell;
use std::sync::Arc;
use std::thread;

fn main() {
    let log = Arc::new(RefCell::new(Vec::new()));
    let writer = Arc::clone(&log);
    let handle = thread::spawn(move || writer.borrow_mut().push("from a thread"));
    log.borrow_mut().push("from main");
    handle.join().unwrap();
}

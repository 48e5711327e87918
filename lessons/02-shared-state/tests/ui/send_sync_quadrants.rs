// Compiles: which std types are `Send` (may move to another thread), which are `Sync` (may
// be shared, `&T` is `Send`), checked by the compiler. Each line would fail to compile if
// the type were not in its quadrant's traits; the `!Send` and `!Sync` halves are checked by
// the compile-fail cases beside this file.

use std::cell::{Cell, RefCell};
use std::sync::atomic::AtomicU64;
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

fn send<T: Send>() {}
fn sync<T: Sync>() {}

fn main() {
    // Send and Sync: plain data, and the thread-safe containers of it.
    send::<Vec<String>>();
    sync::<Vec<String>>();
    send::<Arc<Mutex<u64>>>();
    sync::<Arc<Mutex<u64>>>();
    send::<RwLock<u64>>();
    sync::<RwLock<u64>>();
    send::<AtomicU64>();
    sync::<AtomicU64>();

    // Send, not Sync: one owner at a time may move it, but a `&` to it may not be shared.
    send::<Cell<u64>>();
    send::<RefCell<u64>>();
    send::<Receiver<u64>>();

    // Sync, not Send: a guard may be shared (`&MutexGuard` gives `&T`), but it must be
    // dropped, and the lock released, on the thread that locked it.
    sync::<MutexGuard<'static, u64>>();

    // Neither (checked by rc_to_thread.rs): `Rc`, raw pointers.
}

// Does not compile: a `Mutex` makes its value `Sync` only if the value is `Send`. Through a
// shared `Mutex<Rc<u32>>`, one thread after another reaches the `Rc`, and each could keep a
// clone and drop it later, outside the lock, at the same time as another thread: the
// `Rc`'s count would be changed from two threads at once. So std declares
// `unsafe impl<T: ?Sized + Send> Sync for Mutex<T>`, and `Rc` is not `Send` (error E0277).
// The exercise's spin lock needs the same bound, for the same reason.

use std::rc::Rc;
use std::sync::Mutex;
use std::thread;

fn main() {
    let shared = Mutex::new(Rc::new(1_u32));
    thread::scope(|s| {
        s.spawn(|| {
            let kept = Rc::clone(&shared.lock().unwrap());
            drop(kept);
        });
    });
}

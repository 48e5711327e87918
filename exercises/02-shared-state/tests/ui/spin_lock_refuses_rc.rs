// Never compiles: a `SpinLock<Rc<u32>>` shared between threads would let each of them, one
// after the other, clone the `Rc` it reaches through the lock, and then drop the clones at
// the same time, changing the `Rc`'s non-atomic count from two threads at once. `Rc` is not
// `Send`, so the lock around it is not `Sync` (the `T: Send` bound on
// `unsafe impl Sync for SpinLock<T>`), and a `&SpinLock<Rc<u32>>` cannot reach another
// thread (error E0277).

use std::rc::Rc;
use std::thread;

use shared_state_exercise::SpinLock;

fn main() {
    let shared = SpinLock::new(Rc::new(1_u32));
    thread::scope(|s| {
        s.spawn(|| drop(shared.lock()));
    });
}

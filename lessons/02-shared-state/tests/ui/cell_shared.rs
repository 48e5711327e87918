// Does not compile: a `Cell` may not be shared between threads. `Cell::set` changes the
// value through a shared reference with no synchronisation at all, which is fine on one
// thread and a data race on two. So `Cell` is not `Sync`, and a `&Cell` cannot reach
// another thread.

use std::cell::Cell;
use std::thread;

fn main() {
    let hits = Cell::new(0);
    thread::scope(|s| {
        s.spawn(|| hits.set(hits.get() + 1));
        s.spawn(|| hits.set(hits.get() + 1));
    });
    println!("{}", hits.get());
}

// Does not compile: an `Rc` may not be sent to another thread. Its count of owners is a
// plain integer, changed without synchronisation by every `clone` and `drop`: two threads
// holding clones of one `Rc` would change it at the same time. So `Rc` is not `Send`
// (error E0277). `Arc` is the same pointer with an atomic count, and is `Send`.

use std::rc::Rc;
use std::thread;

fn main() {
    let shared = Rc::new(5);
    let other = Rc::clone(&shared);
    let handle = thread::spawn(move || *other + 1);
    println!("{} {}", shared, handle.join().unwrap());
}

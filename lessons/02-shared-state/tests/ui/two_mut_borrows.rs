// Does not compile: two threads may not both hold a `&mut` to the same variable. Each
// closure borrows `total` mutably for as long as its thread may run, and the two threads
// run at the same time: the borrow checker's "one `&mut` at a time" rule, across threads.

use std::thread;

fn main() {
    let mut total = 0;
    thread::scope(|s| {
        s.spawn(|| total += 1);
        s.spawn(|| total += 1);
    });
    println!("{total}");
}

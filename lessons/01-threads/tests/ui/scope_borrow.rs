// Compiles and runs: the borrow that `spawn_borrow.rs` is refused, inside `thread::scope`.
// The scope waits for its threads before it returns, so `numbers` outlives them.

use std::thread;

fn main() {
    let numbers = vec![1, 2, 3];
    let sum = thread::scope(|s| {
        let handle = s.spawn(|| numbers.iter().sum::<i32>());
        handle.join().unwrap()
    });
    // `numbers` is still ours: the thread only borrowed it.
    assert_eq!(sum, 6);
    assert_eq!(numbers.len(), 3);
}

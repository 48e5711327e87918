// Does not compile: `thread::spawn` needs a closure that owns what it uses (`'static`), and
// this one borrows `numbers`, a local variable that could be dropped while the thread still
// reads it. The compiler's fix, `move`, hands the vector to the thread instead.

use std::thread;

fn main() {
    let numbers = vec![1, 2, 3];
    let handle = thread::spawn(|| numbers.iter().sum::<i32>());
    println!("{}", handle.join().unwrap());
}

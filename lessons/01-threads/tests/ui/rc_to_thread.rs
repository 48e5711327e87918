// Does not compile: `Rc` counts its owners with a plain integer, so two threads changing
// the count at once could corrupt it. `Rc` is therefore not `Send`, and `thread::spawn`
// refuses a closure that carries one to another thread. (`Arc` is the thread-safe one.)

use std::rc::Rc;
use std::thread;

fn main() {
    let shared = Rc::new(vec![1, 2, 3]);
    let handle = thread::spawn(move || shared.len());
    println!("{}", handle.join().unwrap());
}

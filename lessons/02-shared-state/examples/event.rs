//! A Condvar-based event: threads wait for it, one thread sets it, all wake.
//!
//! cargo run -p lesson-02-shared-state --example event

use std::sync::mpsc;
use std::thread;

use shared_state_lesson::condvar::Event;

fn main() {
    let event = Event::new();
    let (woke, wake_ups) = mpsc::channel();
    thread::scope(|s| {
        for worker in 0..3 {
            let (event, woke) = (&event, woke.clone());
            s.spawn(move || {
                println!("  worker {worker} waits for the event");
                event.wait();
                woke.send(worker).unwrap();
            });
        }
        println!("main sets the event");
        event.set();
    });
    drop(woke);
    let order: Vec<i32> = wake_ups.iter().collect();
    println!("woken, in this order: {order:?}");
    println!("\nA worker that reaches `wait` after `set` returns at once: the condition (a bool");
    println!("under the mutex) is checked before sleeping, in a `while` loop. The racy version,");
    println!("with the flag outside the mutex, can miss the wake-up and sleep forever; loom finds");
    println!("that interleaving every time (tests/loom.rs, `wake_up`).");
}

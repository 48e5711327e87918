//! A panic in a thread ends that thread only, and comes back to whoever joins it.
//!
//! cargo run -p lesson-01-threads --example panic_join

use std::thread;

use threads_lesson::builder::spawn_named;
use threads_lesson::spawn::{divide_on_thread, panic_message};

fn main() {
    println!("A thread that divides by zero panics. Rust prints the panic on stderr, with");
    println!("the thread's name (here '<unnamed>'), as it happens:\n");
    let outcome = divide_on_thread(10, 0);
    println!("\njoin() returned Err; panic_message read the payload: {outcome:?}");
    println!(
        "The main thread is unaffected and goes on: {:?}",
        divide_on_thread(10, 4)
    );

    println!("\nThe same with a named thread: the panic report names it.\n");
    let handle = spawn_named("parser-2", 2 * 1024 * 1024, || {
        let input = "forty-two";
        input
            .parse::<u32>()
            .unwrap_or_else(|e| panic!("cannot parse {input:?}: {e}"))
    })
    .expect("the OS starts a thread");
    match handle.join() {
        Ok(value) => println!("parsed {value}"),
        Err(payload) => println!("\njoin() returned Err: {}", panic_message(&payload)),
    }

    // Several workers, one of them failing: the others finish and deliver their results.
    let handles: Vec<_> = (0..4_u32)
        .map(|i| {
            thread::spawn(move || {
                assert!(i != 2, "worker {i} fails on purpose");
                i * 10
            })
        })
        .collect();
    println!("\nFour workers, worker 2 fails:\n");
    let outcomes: Vec<String> = handles
        .into_iter()
        .enumerate()
        .map(|(i, handle)| match handle.join() {
            Ok(value) => format!("  worker {i} returned {value}"),
            Err(payload) => format!("  worker {i} panicked: {}", panic_message(&payload)),
        })
        .collect();
    println!();
    for outcome in outcomes {
        println!("{outcome}");
    }
    println!("\nOne failing thread did not stop the others, nor the program: exit code 0.");
}

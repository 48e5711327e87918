//! Spawn threads, move data into them, and join them to get their results back.
//!
//! cargo run -p lesson-01-threads --example spawn_join

use std::thread;

use threads_lesson::spawn::{greet_all, sum_on_thread};

fn main() {
    // Python: `threading.Thread(target=f).start()`, then `t.join()`, which returns None.
    // Rust: `thread::spawn(f)` returns a JoinHandle, and `join()` returns what `f` returned.
    let numbers: Vec<u64> = (1..=1_000).collect();
    let total = sum_on_thread(numbers);
    println!("A thread summed 1..=1000 and handed back {total} through its JoinHandle.");

    // The vector was *moved* into that thread: `sum_on_thread` took ownership of it, and
    // here in `main` it is gone. Uncommenting the next line would not compile:
    // println!("{numbers:?}");

    // Several threads at once: spawn them all first, then join them all.
    let names = ["Ada", "Grace", "Barbara", "Edsger", "Tony"].map(String::from);
    let greetings = greet_all(names.to_vec());
    println!(
        "\n{} threads each built one greeting; joined in the order they were spawned:",
        greetings.len()
    );
    for greeting in &greetings {
        println!("  {greeting}");
    }

    // The threads run concurrently: their order of execution is up to the OS scheduler.
    // Here each thread prints as it runs, so the lines may come out in any order; run the
    // example a few times to see it change (or not: on an idle machine, threads often
    // happen to run in the order they were started).
    println!("\nFive threads printing as they run (any order is possible):");
    let handles: Vec<_> = (0..5)
        .map(|i| thread::spawn(move || println!("  thread {i} is running")))
        .collect();
    for handle in handles {
        // Every spawned thread is joined: `main` returning would end the process, and
        // with it any thread still running.
        handle.join().expect("a printing thread panicked");
    }
    println!("All five joined: main waited for every one of them before going on.");
}

//! A counter incremented by four threads at once: with a load then a store, and with
//! `fetch_add`.
//!
//! cargo run -p lesson-02-shared-state --example lost_update
//! (add `--release`: the increments then overlap more, and more of them are lost)

use std::thread;

use shared_state_lesson::atomics::{Counter, RacyCounter};

const THREADS: u64 = 4;
const INCREMENTS: u64 = 200_000;

fn main() {
    let expected = THREADS * INCREMENTS;
    println!("{THREADS} threads each add 1, {INCREMENTS} times, to one shared counter.");

    let racy = RacyCounter::new();
    run_on_threads(|| racy.increment());
    let lost = expected - racy.get();
    println!(
        "\nLoad, then store:  {:>8} of {expected}; {lost} increments lost ({:.1}%).",
        racy.get(),
        100.0 * lost as f64 / expected as f64
    );

    let counter = Counter::new();
    run_on_threads(|| counter.increment());
    println!("fetch_add:         {:>8} of {expected}.", counter.get());

    println!("\nThe racy counter has no data race (every access is atomic) and still loses");
    println!("updates: two threads load the same value and both store it plus one. How many");
    println!("are lost depends on the run, the machine and its load; on a single core, or when");
    println!("the threads happen not to overlap, none may be. That is why a test on real");
    println!("threads cannot prove the bug absent. The loom model in tests/loom.rs finds it");
    println!("every time:");
    println!("  RUSTFLAGS=\"--cfg loom\" CARGO_TARGET_DIR=target/loom \\");
    println!(
        "    cargo test -p lesson-02-shared-state --release --test loom lost_update -- --include-ignored"
    );
}

/// Runs `increment` `INCREMENTS` times on each of `THREADS` threads, all at once.
fn run_on_threads(increment: impl Fn() + Sync) {
    thread::scope(|s| {
        for _ in 0..THREADS {
            s.spawn(|| {
                for _ in 0..INCREMENTS {
                    increment();
                }
            });
        }
    });
}

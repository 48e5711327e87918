//! Python's GIL, simulated in Rust: CPU-bound threads under a global lock get no
//! speedup, free threads do, and I/O-bound threads overlap even under the lock.
//!
//! cargo run -p lesson-01-threads --example gil
//! (add `--release` for optimised code and numbers closer to the benchmarks)

use std::time::{Duration, Instant};

use threads_lesson::builder::worker_count;
use threads_lesson::cpu_bound::{input, sequential};
use threads_lesson::gil::{Gil, cpu_free_threads, cpu_gil_threads, io_gil_threads};
use threads_lesson::io_bound::fetch_sequential;

/// Runs `f`, and returns its result with the time it took.
fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let result = f();
    (result, start.elapsed())
}

fn main() {
    let gil = Gil::new();
    let threads = worker_count().max(2);

    let values = input(if cfg!(debug_assertions) {
        300_000
    } else {
        3_000_000
    });
    println!(
        "CPU-bound: a checksum of {} values, on {threads} threads.",
        values.len()
    );
    let (expected, one) = timed(|| sequential(&values));
    let (under_gil, gil_time) = timed(|| cpu_gil_threads(&gil, &values, threads));
    let (free, free_time) = timed(|| cpu_free_threads(&values, threads));
    assert_eq!((under_gil, free), (expected, expected));
    println!("  one thread:                {one:>9.2?}");
    println!(
        "  {threads} threads under the GIL:   {gil_time:>9.2?}   speedup {:.2}x",
        one.as_secs_f64() / gil_time.as_secs_f64()
    );
    println!(
        "  {threads} free threads:            {free_time:>9.2?}   speedup {:.2}x",
        one.as_secs_f64() / free_time.as_secs_f64()
    );
    println!("Under the GIL only one thread computes at a time, so expect the threads to take");
    println!("as long as one thread alone: a speedup near 1x, or a little below, since taking");
    println!("turns has a cost. Without the GIL they compute at the same time, one per core, so");
    println!(
        "expect up to {threads}x if {threads} cores were free: that is what Rust's threads do."
    );

    let latencies = vec![Duration::from_millis(50); 8];
    println!("\nI/O-bound: 8 simulated requests of 50 ms each.");
    let (_, sequential_io) = timed(|| fetch_sequential(&latencies));
    let (replies, gil_io) = timed(|| io_gil_threads(&gil, &latencies));
    assert_eq!(replies.len(), latencies.len());
    println!("  one after another:         {sequential_io:>9.2?}");
    println!(
        "  8 threads under the GIL:   {gil_io:>9.2?}   speedup {:.2}x",
        sequential_io.as_secs_f64() / gil_io.as_secs_f64()
    );
    println!("Each thread releases the GIL while it waits, as CPython does around blocking I/O,");
    println!("so the waits overlap despite the lock. This is why, in Python, threads suit");
    println!("I/O-bound work and processes CPU-bound work; in Rust, threads suit both.");
}

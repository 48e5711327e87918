//! CPU-bound work: the same checksum sequentially, on scoped threads, and with rayon.
//!
//! cargo run -p lesson-01-threads --example cpu_speedup
//! (add `--release` for optimised code and numbers closer to the benchmarks)

use std::time::Instant;

use threads_lesson::builder::worker_count;
use threads_lesson::cpu_bound::{input, scoped_threads, sequential, with_rayon};

fn main() {
    // Sized to take a fraction of a second in a debug build.
    let values = input(if cfg!(debug_assertions) {
        300_000
    } else {
        3_000_000
    });
    let threads = worker_count();
    println!(
        "A checksum of {} values ({} rounds of mixing each); {threads} core(s) available.",
        values.len(),
        threads_lesson::cpu_bound::ROUNDS
    );

    let start = Instant::now();
    let expected = sequential(&values);
    let one = start.elapsed();
    println!("  sequential:              {one:>9.2?}   checksum {expected:#018x}");

    let start = Instant::now();
    let scoped = scoped_threads(&values, threads);
    let scoped_time = start.elapsed();
    println!("  {threads} scoped thread(s):      {scoped_time:>9.2?}   checksum {scoped:#018x}");

    let start = Instant::now();
    let rayon = with_rayon(&values);
    let rayon_time = start.elapsed();
    println!("  rayon (par_iter):        {rayon_time:>9.2?}   checksum {rayon:#018x}");

    assert_eq!(scoped, expected);
    assert_eq!(rayon, expected);
    println!("\nThe three checksums are identical: the same work, split differently.");
    println!(
        "Speedup on this run: {:.2}x with scoped threads, {:.2}x with rayon.",
        one.as_secs_f64() / scoped_time.as_secs_f64(),
        one.as_secs_f64() / rayon_time.as_secs_f64()
    );
    println!(
        "With {threads} core(s), about {threads}x is the most to expect; less means that other"
    );
    println!("programs were using the cores, or that the work was too small to repay the cost");
    println!("of starting threads. Unlike Python threads, Rust threads compute at the same");
    println!("time: no global lock makes them take turns.");
}

//! I/O-bound work: eight simulated requests, one after another, then on a thread each.
//!
//! cargo run -p lesson-01-threads --example io_overlap

use std::collections::HashSet;
use std::time::{Duration, Instant};

use threads_lesson::io_bound::{fetch_sequential, fetch_threaded};

fn main() {
    // Each "request" is a blocking wait of 100 ms: `thread::sleep` standing in for network
    // latency (see the `io_bound` module).
    let latencies = vec![Duration::from_millis(100); 8];
    let total: Duration = latencies.iter().sum();
    println!(
        "{} simulated requests of 100 ms each ({total:?} of waiting in all):",
        latencies.len()
    );

    let start = Instant::now();
    let replies = fetch_sequential(&latencies);
    let sequential = start.elapsed();
    println!("  one after another: {sequential:>9.2?}, all on the main thread");

    let start = Instant::now();
    let replies_threaded = fetch_threaded(&latencies);
    let threaded = start.elapsed();
    let threads: HashSet<_> = replies_threaded.iter().map(|r| r.thread).collect();
    println!(
        "  a thread each:     {threaded:>9.2?}, on {} threads",
        threads.len()
    );
    assert_eq!(replies.len(), replies_threaded.len());

    println!(
        "\nThe threaded version took {:.1}x less time. Its waits overlapped: a waiting thread",
        sequential.as_secs_f64() / threaded.as_secs_f64()
    );
    println!("uses no CPU, so all eight could wait at once, and the total comes close to one");
    println!("latency instead of the sum of eight. That needs no extra cores: it works on a");
    println!("single core too.");
}

//! A pipeline of I/O threads, a rayon compute stage and an ordered writer, against the
//! same work done one item after another; then the same pipeline stopping at a bad item.
//!
//! cargo run --release -p lesson-05-hybrid --example pipeline

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use hybrid_lesson::pipeline::{self, Limits};
use hybrid_lesson::work::{checksum, wait};

/// 48 items: each takes a 2 ms wait to "fetch" (a stand-in for a disk or a server) and
/// 20 000 values of checksum to compute.
const ITEMS: usize = 48;
const LATENCY: Duration = Duration::from_millis(2);
const VALUES: u64 = 20_000;

fn fetch(index: usize) -> io::Result<u64> {
    wait(LATENCY);
    Ok(index as u64 * VALUES)
}

fn compute(start: u64) -> u64 {
    checksum(start..start + VALUES)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let pool = rayon::ThreadPoolBuilder::new().num_threads(cores).build()?;
    let limits = Limits {
        readers: 8,
        capacity: 4,
        window: 16,
    };

    let start = Instant::now();
    let mut one_by_one = Vec::new();
    pipeline::sequential(ITEMS, fetch, compute, |_, v| {
        one_by_one.push(v);
        Ok(())
    })?;
    let sequential_time = start.elapsed();

    // Count the items between `read` and `write`, to see the window at work.
    let (reads, written, most) = (
        AtomicUsize::new(0),
        AtomicUsize::new(0),
        AtomicUsize::new(0),
    );
    let start = Instant::now();
    let mut in_order = Vec::new();
    pipeline::run(
        ITEMS,
        |i| {
            let now = reads.fetch_add(1, Ordering::SeqCst) + 1 - written.load(Ordering::SeqCst);
            most.fetch_max(now, Ordering::SeqCst);
            fetch(i)
        },
        compute,
        |i, v| {
            in_order.push(v);
            written.fetch_add(1, Ordering::SeqCst);
            if i < 3 || i == ITEMS - 1 {
                println!("  item {i:>2}: {v:016x}");
            } else if i == 3 {
                println!("  ...");
            }
            Ok(())
        },
        &pool,
        limits,
    )?;
    let pipeline_time = start.elapsed();
    assert_eq!(one_by_one, in_order, "the same results, in the same order");

    println!("{ITEMS} items, each a {LATENCY:?} wait and a checksum of {VALUES} values:");
    println!("  one after another:                        {sequential_time:>9.2?}");
    println!(
        "  pipeline, {} readers and {cores} compute threads: {pipeline_time:>9.2?}",
        limits.readers
    );
    println!(
        "  most items between read and write at once: {} (the window is {})",
        most.load(Ordering::SeqCst),
        limits.window
    );

    println!("\nThe same pipeline when item 20 cannot be read:");
    let mut last = None;
    let outcome = pipeline::run(
        ITEMS,
        |i| {
            if i == 20 {
                Err(io::Error::new(io::ErrorKind::NotFound, "no such item"))
            } else {
                fetch(i)
            }
        },
        compute,
        |i, _| {
            last = Some(i);
            Ok(())
        },
        &pool,
        limits,
    );
    println!("  {}", outcome.expect_err("item 20 fails"));
    println!("  items written before it: 0 to {}", last.unwrap_or(0));
    println!("\n(One run is an illustration; `cargo bench -p lesson-05-hybrid` measures it.)");
    Ok(())
}

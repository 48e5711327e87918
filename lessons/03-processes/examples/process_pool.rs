//! CPU-bound work on a pool of worker processes and on a pool of threads.
//!
//! cargo run --release -p lesson-03-processes --example process_pool

use std::time::Instant;

use processes_lesson::pool::{ProcessPool, checksum, on_thread_pool};
use processes_lesson::worker::{self, Worker};

const VALUES: u64 = 4_000_000;

fn main() -> std::io::Result<()> {
    worker::serve_if_worker();
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut processes = ProcessPool::start(&Worker::current_exe()?, workers)?;
    let threads = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()
        .map_err(std::io::Error::other)?;

    let start = Instant::now();
    let sequential = checksum(0..VALUES);
    let sequential_time = start.elapsed();

    let start = Instant::now();
    let on_processes = processes.checksum(0..VALUES)?;
    let processes_time = start.elapsed();

    let start = Instant::now();
    let on_threads = on_thread_pool(&threads, 0..VALUES);
    let threads_time = start.elapsed();

    println!("The checksum of {VALUES} values, the same answer three ways:");
    println!("  one thread:                    {sequential_time:>9.2?}  {sequential:016x}");
    println!(
        "  {workers} worker processes (pids {:?}): {processes_time:>9.2?}  {on_processes:016x}",
        processes.pids()
    );
    println!("  a pool of {workers} threads:           {threads_time:>9.2?}  {on_threads:016x}");
    processes.shut_down()?;
    assert_eq!(sequential, on_processes);
    assert_eq!(sequential, on_threads);
    println!("\nEach worker process got one request, `START END`, and sent back one number:");
    println!("for work in a few large pieces, the pipes cost nothing next to the work, and");
    println!("processes and threads scale alike. (Run with --release; one run is an");
    println!("illustration, `cargo bench -p lesson-03-processes` measures it.)");
    Ok(())
}

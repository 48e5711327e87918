//! The same tiny tasks, a thread each, or on a pool of threads that already exist.
//!
//! cargo run -p lesson-01-threads --example pool_vs_spawn

use std::collections::HashSet;
use std::thread::{self, ThreadId};
use std::time::Instant;

use threads_lesson::builder::worker_count;
use threads_lesson::pool::{build_pool, on_pool, thread_per_task};

const TASKS: usize = 2_000;

/// A task that takes next to no time: report which thread ran it.
fn tiny_task(_: usize) -> ThreadId {
    thread::current().id()
}

fn main() {
    let threads = worker_count();
    let pool = build_pool(threads).expect("the OS starts the pool's threads");

    let start = Instant::now();
    let on_threads = thread_per_task(TASKS, tiny_task);
    let thread_time = start.elapsed();

    let start = Instant::now();
    let on_the_pool = on_pool(&pool, TASKS, tiny_task);
    let pool_time = start.elapsed();

    let distinct = |ids: &[ThreadId]| ids.iter().collect::<HashSet<_>>().len();
    println!("{TASKS} tiny tasks, each only reporting which thread ran it:");
    println!(
        "  a thread per task: {:>8.2?} ({:.1} µs per task), on {} distinct thread(s)",
        thread_time,
        thread_time.as_secs_f64() * 1e6 / TASKS as f64,
        distinct(&on_threads)
    );
    println!(
        "  a {threads}-thread pool:  {:>8.2?} ({:.1} µs per task), on {} distinct thread(s)",
        pool_time,
        pool_time.as_secs_f64() * 1e6 / TASKS as f64,
        distinct(&on_the_pool)
    );
    println!(
        "\nOn this run the pool was {:.1}x as fast as a thread per task. The tasks cost",
        thread_time.as_secs_f64() / pool_time.as_secs_f64()
    );
    println!("almost nothing, so the times are the cost of the threads themselves: creating");
    println!("and joining one per task against reusing the pool's few. With tasks this small,");
    println!("one worker may run them all before another wakes up to steal some: a pool never");
    println!("uses more threads than it has, and often fewer. (One run of a debug build is an");
    println!("illustration; `benches/threads.rs` measures it properly.)");
}

//! What one task costs: a new process, a new thread, a thread pool, a running worker process.
//!
//! cargo run --release -p lesson-03-processes --example spawn_cost

use std::time::{Duration, Instant};

use processes_lesson::pool::{
    ProcessPool, process_pool_task, process_spawn_and_wait, thread_pool_task, thread_spawn_and_join,
};
use processes_lesson::worker::{self, Worker};

const TASKS: u32 = 200;

/// The mean time of `TASKS` runs of `task`.
fn mean(mut task: impl FnMut()) -> Duration {
    let start = Instant::now();
    for _ in 0..TASKS {
        task();
    }
    start.elapsed() / TASKS
}

fn main() -> std::io::Result<()> {
    worker::serve_if_worker();
    let worker = Worker::current_exe()?;
    let mut processes = ProcessPool::start(&worker, 1)?;
    let threads = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .map_err(std::io::Error::other)?;

    let process = mean(|| {
        process_spawn_and_wait(&worker).expect("the worker runs");
    });
    let thread = mean(|| {
        thread_spawn_and_join();
    });
    let on_process_pool = mean(|| {
        process_pool_task(&mut processes).expect("the worker answers");
    });
    let on_thread_pool = mean(|| {
        thread_pool_task(&threads);
    });
    processes.shut_down()?;

    println!("The mean cost of one tiny task, over {TASKS} of each:");
    println!("  a new process, spawned and waited for:     {process:>10.1?}");
    println!("  a new thread, spawned and joined:          {thread:>10.1?}");
    println!("  a request to a running worker process:    {on_process_pool:>10.1?}");
    println!("  a task handed to a thread pool:            {on_thread_pool:>10.1?}");
    println!(
        "\nA process cost {:.0}x a thread here. A pool of processes pays the start-up once; each",
        process.as_secs_f64() / thread.as_secs_f64()
    );
    println!("task then costs a trip through two pipes. (One run is an illustration;");
    println!("`cargo bench -p lesson-03-processes` measures it properly.)");
    Ok(())
}

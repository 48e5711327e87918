//! Channels: workers fed by one crossbeam queue, a bounded producer that stops when the
//! receiver hangs up, and `select!` with a shutdown signal.
//!
//! cargo run -p lesson-02-shared-state --example channels

use std::thread;

use crossbeam::channel;
use shared_state_lesson::channels::{collect_until, first_squares, map_on_workers};

fn main() {
    let words = ["threads", "share", "memory", "channels", "move", "it"].map(String::from);
    let lengths = map_on_workers(words.to_vec(), 3, |word| {
        format!("{word}: {} (on {:?})", word.len(), thread::current().id())
    });
    println!("3 workers, one job queue, results in input order (the jobs are tiny, so whichever");
    println!("worker is free takes the next one, often the same worker every time):");
    for line in &lengths {
        println!("  {line}");
    }

    println!(
        "\nA producer of squares that never stops by itself, on channels of growing capacity:"
    );
    for capacity in [0, 1, 16, 256] {
        let (squares, computed) = first_squares(5, capacity);
        println!(
            "  capacity {capacity:>3}: received {squares:?}; the producer computed {computed} \
             before its send failed"
        );
    }
    println!("  It runs at most `capacity` ahead (backpressure), and stops once the receiver is");
    println!("  dropped (disconnection).");

    println!("\nselect! over a job channel and a shutdown channel:");
    let (jobs, job_queue) = channel::bounded(0);
    let (shutdown, shutdown_signal) = channel::bounded(1);
    let (received, stopped) = thread::scope(|s| {
        let collector = s.spawn(|| collect_until(&job_queue, &shutdown_signal));
        for job in 1..=3 {
            jobs.send(job).unwrap();
        }
        shutdown.send(()).unwrap();
        collector.join().unwrap()
    });
    println!("  received {received:?}, stopped: {stopped:?}");
}

//! 1, 4 and 64 threads per core, for jobs that wait, jobs that compute, and computation in
//! steps with a barrier; with the context switches the kernel counted.
//!
//! cargo run --release -p lesson-05-hybrid --example oversubscription

use std::time::{Duration, Instant};

use hybrid_lesson::concurrency::{Partner, cpu_in_steps, cpu_on_threads, io_on_threads};

/// The fastest of `runs` runs of `f`: for an illustration, the least disturbed one.
fn fastest<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = None;
    for _ in 0..runs {
        let start = Instant::now();
        let out = f();
        let took = start.elapsed();
        if best.as_ref().is_none_or(|(t, _)| took < *t) {
            best = Some((took, out));
        }
    }
    best.expect("at least one run")
}

fn main() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    println!("{cores} cores. Each line: the fastest of 3 runs.\n");
    println!(
        "{:>8} {:>14} {:>14} {:>14} {:>22}",
        "threads", "128 waits", "checksum", "in 50 steps", "switches (in steps)"
    );
    for per_core in [1, 4, 64] {
        let threads = per_core * cores;
        let (io, _) = fastest(3, || io_on_threads(128, Duration::from_millis(1), threads));
        let (cpu, _) = fastest(3, || cpu_on_threads(0..400_000, threads));
        let (steps, stepped) = fastest(3, || cpu_in_steps(0..400_000, threads, 50));
        println!(
            "{threads:>8} {io:>14.2?} {cpu:>14.2?} {steps:>14.2?} {:>11} + {:>8}",
            stepped.switches.voluntary, stepped.switches.involuntary
        );
    }
    let partner = Partner::start();
    let (trips, _) = fastest(3, || {
        for token in 0..1_000 {
            partner.round_trip(token);
        }
    });
    println!(
        "\nOne round trip to another thread and back (two wake-ups): {:.2?}",
        trips / 1_000
    );
    println!(
        "\nWaits overlap: more threads, less time. Computation gains nothing past one thread\n\
         per core, and loses a little to starting the threads. Computation in steps, where\n\
         every step waits for every thread, loses far more: the switches (voluntary: a thread\n\
         slept at the barrier; involuntary: its time slice ran out) are where the time goes."
    );
}

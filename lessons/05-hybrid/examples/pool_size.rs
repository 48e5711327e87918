//! The same CPU-bound job on rayon pools of several sizes, timed: which size to choose.
//!
//! cargo run --release -p lesson-05-hybrid --example pool_size

use std::time::{Duration, Instant};

use hybrid_lesson::concurrency::cpu_on_pool;

fn main() -> Result<(), rayon::ThreadPoolBuildError> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let sizes = [1, cores, 2 * cores, 4 * cores, 64 * cores];
    let pools = sizes
        .iter()
        .map(|&n| rayon::ThreadPoolBuilder::new().num_threads(n).build())
        .collect::<Result<Vec<_>, _>>()?;
    // Every size measured once per round, round after round: a burst of load from another
    // program slows one round of every size, not every round of one size.
    let rounds = 7;
    let mut times = vec![Vec::new(); sizes.len()];
    for _ in 0..rounds {
        for (pool, times) in pools.iter().zip(&mut times) {
            let start = Instant::now();
            std::hint::black_box(cpu_on_pool(pool, 0..400_000));
            times.push(start.elapsed());
        }
    }
    let medians: Vec<Duration> = times
        .iter_mut()
        .map(|t| {
            t.sort();
            t[t.len() / 2]
        })
        .collect();
    let fastest = *medians.iter().min().expect("some sizes");
    println!("The checksum of 400 000 values on rayon pools ({cores} cores; median of {rounds}):");
    for (size, median) in sizes.iter().zip(&medians) {
        let slower = median.as_secs_f64() / fastest.as_secs_f64();
        println!("  {size:>4} threads: {median:>9.2?}  ({slower:.2}x the fastest)");
    }
    // Within 5% of the fastest, the smaller pool is the better choice: as fast, and it
    // leaves threads (memory, switches) to the rest of the system.
    let choice = sizes
        .iter()
        .zip(&medians)
        .find(|(_, m)| m.as_secs_f64() <= fastest.as_secs_f64() * 1.05)
        .map(|(size, _)| size)
        .expect("the fastest qualifies");
    println!("\nThe smallest pool within 5% of the fastest: {choice} threads.");
    println!("rayon's default, one thread per core, is {cores}.");
    Ok(())
}

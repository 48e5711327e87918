//! The Python note's two kinds of program, in Rust: CPU-bound work (a chain
//! of multiply-add-modulo steps) and I/O-bound work (blocking waits), each
//! run one after another and on threads.
//!
//! `python/compare.py` does the same work in CPython, sequentially, on
//! threads and on processes. Both are run side by side, with the same flags,
//! and recorded for the book by
//!
//! cargo xtask python-compare
//!
//! To run this half alone (optimised: it measures):
//!
//! cargo run --release -p lesson-01-threads --example python_compare -- \
//!     --size 5000000 --workers 2 --waits 8 --wait-ms 50 --repeats 5
//!
//! It prints one JSON object: the median time of each variant, in
//! nanoseconds, and the checksum of the CPU-bound work, which must equal
//! Python's: the proof that both languages did the same work.

use std::hint::black_box;
use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

use threads_lesson::builder::worker_count;

/// A prime. Every intermediate value stays below 31 * MODULUS + size, so
/// Python's ints stay small and both languages compute the same numbers.
const MODULUS: u64 = 1_000_003;

/// CPU-bound: one multiply-add-modulo step per number of `start..end`.
///
/// Each step needs the result of the one before, so the compiler cannot
/// vectorise the loop or skip steps: it does as many steps as Python does.
fn mix(start: u64, end: u64) -> u64 {
    let mut acc = 0;
    for i in start..end {
        acc = (acc * 31 + i) % MODULUS;
    }
    acc
}

/// I/O-bound: `count` blocking waits. A waiting thread needs no core, like
/// a thread blocked on a socket or a file.
fn wait(count: u64, pause: Duration) -> u64 {
    for _ in 0..count {
        thread::sleep(pause);
    }
    count
}

/// `parts` ranges of near-equal length covering `0..total`: the formula of
/// the Python script, so that each worker gets the same numbers.
fn chunks(total: u64, parts: u64) -> Vec<(u64, u64)> {
    (0..parts)
        .map(|k| (total * k / parts, total * (k + 1) / parts))
        .collect()
}

// `black_box` hides the bounds from the optimiser: it cannot compute the
// result while compiling, and must run every step each time it is asked.
fn cpu_sequential(ranges: &[(u64, u64)]) -> u64 {
    ranges
        .iter()
        .map(|&(lo, hi)| mix(black_box(lo), black_box(hi)))
        .sum()
}

/// A thread per chunk, all computing at once: no global lock makes them
/// take turns, so they scale with the cores.
fn cpu_threads(ranges: &[(u64, u64)]) -> u64 {
    thread::scope(|s| {
        let handles: Vec<_> = ranges
            .iter()
            .map(|&(lo, hi)| s.spawn(move || mix(black_box(lo), black_box(hi))))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("mix does not panic"))
            .sum()
    })
}

fn io_sequential(counts: &[u64], pause: Duration) -> u64 {
    counts.iter().map(|&count| wait(count, pause)).sum()
}

fn io_threads(counts: &[u64], pause: Duration) -> u64 {
    thread::scope(|s| {
        let handles: Vec<_> = counts
            .iter()
            .map(|&count| s.spawn(move || wait(count, pause)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("wait does not panic"))
            .sum()
    })
}

/// Runs `run` `repeats` times: its result (every run must agree) and the
/// median time in nanoseconds, which one disturbed run does not move.
fn measure(repeats: u64, mut run: impl FnMut() -> u64) -> (u64, f64) {
    let mut results = Vec::new();
    let mut times = Vec::new();
    for _ in 0..repeats {
        let start = Instant::now();
        results.push(run());
        times.push(start.elapsed().as_nanos() as f64);
    }
    assert!(results.windows(2).all(|w| w[0] == w[1]), "{results:?}");
    times.sort_by(f64::total_cmp);
    let mid = times.len() / 2;
    // The definition Python's `statistics.median` uses.
    let median = if times.len() % 2 == 1 {
        times[mid]
    } else {
        (times[mid - 1] + times[mid]) / 2.0
    };
    (results[0], median)
}

/// The flags of `python/compare.py`, with the same defaults.
struct Workload {
    size: u64,
    workers: u64,
    waits: u64,
    wait_ms: u64,
    io_workers: u64,
    repeats: u64,
}

fn workload() -> Result<Workload, String> {
    let mut w = Workload {
        size: 5_000_000,
        workers: worker_count() as u64,
        waits: 8,
        wait_ms: 50,
        io_workers: 0,
        repeats: 5,
    };
    let mut io_workers = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or(format!("{flag} needs a value"))?;
        let n: u64 = value
            .parse()
            .map_err(|_| format!("{flag}: `{value}` is not a whole number"))?;
        // Only a wait may last 0 ms; zero workers or runs would measure
        // nothing.
        if n == 0 && flag != "--wait-ms" {
            return Err(format!("{flag} must be at least 1"));
        }
        match flag.as_str() {
            "--size" => w.size = n,
            "--workers" => w.workers = n,
            "--waits" => w.waits = n,
            "--wait-ms" => w.wait_ms = n,
            "--io-workers" => io_workers = Some(n),
            "--repeats" => w.repeats = n,
            _ => return Err(format!("unknown flag {flag}")),
        }
    }
    // One worker per wait unless told otherwise: waiting threads need no
    // core of their own.
    w.io_workers = io_workers.unwrap_or(w.waits);
    Ok(w)
}

fn main() -> ExitCode {
    let w = match workload() {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!(
                "flags (each takes a whole number): --size --workers --waits \
                 --wait-ms --io-workers --repeats"
            );
            return ExitCode::from(2);
        }
    };

    let ranges = chunks(w.size, w.workers);
    let (checksum, cpu_seq) = measure(w.repeats, || cpu_sequential(&ranges));
    let (threaded, cpu_thr) = measure(w.repeats, || cpu_threads(&ranges));
    assert_eq!(threaded, checksum, "the same work, split differently");

    let pause = Duration::from_millis(w.wait_ms);
    let counts: Vec<u64> = chunks(w.waits, w.io_workers)
        .into_iter()
        .map(|(lo, hi)| hi - lo)
        .collect();
    let (done, io_seq) = measure(w.repeats, || io_sequential(&counts, pause));
    assert_eq!(done, w.waits);
    let (done, io_thr) = measure(w.repeats, || io_threads(&counts, pause));
    assert_eq!(done, w.waits);

    // The shape the Python script prints; Rust has no interpreter version,
    // no GIL and no start method for worker processes.
    let medians = format!(
        "{{\"cpu/sequential\": {cpu_seq:.0}, \"cpu/threads\": {cpu_thr:.0}, \
         \"io/sequential\": {io_seq:.0}, \"io/threads\": {io_thr:.0}}}"
    );
    println!(
        "{{\"implementation\": \"Rust\", \"version\": null, \
         \"free_threaded\": false, \"gil_enabled\": false, \
         \"start_method\": null, \"size\": {}, \"workers\": {}, \
         \"waits\": {}, \"wait_ms\": {}, \"io_workers\": {}, \
         \"repeats\": {}, \"checksum\": {checksum}, \
         \"medians_ns\": {medians}}}",
        w.size, w.workers, w.waits, w.wait_ms, w.io_workers, w.repeats
    );
    ExitCode::SUCCESS
}

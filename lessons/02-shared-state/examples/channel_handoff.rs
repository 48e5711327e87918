//! One thread sends numbers to another through a channel of capacity 1, then 1024: std's
//! `sync_channel` against crossbeam's `bounded`, timed, with how often the receiving thread
//! went to sleep.
//!
//! cargo run --release -p lesson-02-shared-state --example channel_handoff

use std::time::Instant;

use shared_state_lesson::channels::{send_through_crossbeam, send_through_std};

fn main() {
    println!("messages per second, and how many times the receiving thread was put to sleep:");
    for (capacity, messages) in [(1, 20_000), (1024, 1_000_000)] {
        for (name, send) in [
            (
                "std::sync::mpsc::sync_channel",
                send_through_std as fn(usize, u64) -> u64,
            ),
            ("crossbeam::channel::bounded  ", send_through_crossbeam),
        ] {
            let sleeps_before = sleeps();
            let start = Instant::now();
            let sum = send(capacity, messages);
            let elapsed = start.elapsed();
            assert_eq!(sum, messages * (messages - 1) / 2);
            let slept = match (sleeps_before, sleeps()) {
                (Some(before), Some(after)) => format!("{} times", after - before),
                _ => "(not counted on this OS)".to_owned(),
            };
            println!(
                "  {name}({capacity:>4}): {:>7.3} M msg/s, {messages} messages; receiver slept {slept}",
                messages as f64 / elapsed.as_secs_f64() / 1e6
            );
        }
    }
    println!("\nAt capacity 1 every message needs the other thread: the receiver waits for the");
    println!("next message, the sender for a free slot. std's channel spins for well under a");
    println!("microsecond, then puts the thread to sleep; waking it costs a system call and the");
    println!("scheduler's reaction time. crossbeam's also yields the CPU a few times before");
    println!("sleeping, which on two idle cores is often long enough for the other side to act:");
    println!("compare how often each receiver slept. At capacity 1024 neither side waits often.");
    println!("On a busy machine the picture changes from run to run: see the chapter.");
}

/// How many times this thread has given up the CPU voluntarily (gone to sleep waiting),
/// from Linux's `/proc/thread-self/status`; `None` elsewhere.
fn sleeps() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/thread-self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("voluntary_ctxt_switches:"))
        .and_then(|n| n.trim().parse().ok())
}

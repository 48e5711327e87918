//! `gil`: under the `Gil` only one thread computes at a time; free threads compute at the
//! same time; I/O-bound threads under the `Gil` still wait at the same time.

use std::collections::HashSet;
use std::panic;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use threads_lesson::cpu_bound::{checksum, input, sequential};
use threads_lesson::gil::{
    Gil, SWITCH_INTERVAL, cpu_free_threads, cpu_gil_threads, cpu_on_threads, io_gil_threads,
    io_on_threads,
};

use crate::rendezvous::Rendezvous;

const THREADS: usize = 4;

/// Enough values for every thread to get several turns (several switch intervals).
fn several_turns_each() -> Vec<u64> {
    input(THREADS * 4 * SWITCH_INTERVAL)
}

#[test]
fn the_gil_and_free_versions_compute_the_right_checksum() {
    // Sizes around the switch interval, an empty input, fewer values than threads.
    for len in [
        0,
        1,
        3,
        SWITCH_INTERVAL - 1,
        SWITCH_INTERVAL + 1,
        3 * SWITCH_INTERVAL + 7,
    ] {
        let values = input(len);
        let expected = sequential(&values);
        let gil = Gil::new();
        for threads in [1, 2, THREADS] {
            assert_eq!(
                cpu_gil_threads(&gil, &values, threads),
                expected,
                "GIL, len {len}"
            );
            assert_eq!(
                cpu_free_threads(&values, threads),
                expected,
                "free, len {len}"
            );
        }
    }
}

#[test]
fn under_the_gil_never_more_than_one_thread_computes() {
    let values = several_turns_each();
    for run in 0..5 {
        let gil = Gil::new();
        // How many threads are inside the compute section now, and the most ever seen.
        let inside = AtomicUsize::new(0);
        let most = AtomicUsize::new(0);
        let computed_by = Mutex::new(HashSet::new());
        let sum = cpu_on_threads(&values, THREADS, Some(&gil), |slice| {
            let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            computed_by.lock().unwrap().insert(thread::current().id());
            let sum = checksum(slice);
            inside.fetch_sub(1, Ordering::SeqCst);
            sum
        });
        assert_eq!(sum, sequential(&values), "run {run}");
        assert_eq!(
            most.into_inner(),
            1,
            "run {run}: threads computed at the same time"
        );
        assert_eq!(
            computed_by.into_inner().unwrap().len(),
            THREADS,
            "run {run}: every thread got turns"
        );
    }
}

#[test]
fn free_threads_compute_at_the_same_time() {
    // Each thread's first slice waits inside the compute section for all the others. That
    // is only possible if no lock keeps them out: under the GIL the first thread would
    // wait there, holding the GIL, for threads that cannot get in.
    let values = several_turns_each();
    let rendezvous = Rendezvous::new(THREADS);
    let met = Mutex::new(Vec::new());
    let sum = cpu_on_threads(&values, THREADS, None, |slice| {
        // Arrive first, then record: `met.lock().unwrap().push(rendezvous.arrive())`
        // would hold the lock on `met` while waiting, and keep the other threads out.
        let arrived = rendezvous.arrive();
        met.lock().unwrap().push(arrived);
        checksum(slice)
    });
    assert_eq!(sum, sequential(&values));
    let met = met.into_inner().unwrap();
    assert!(
        !met.is_empty() && met.iter().all(|&m| m),
        "{THREADS} threads computed at once"
    );
}

#[test]
fn the_same_probe_cannot_meet_under_the_gil() {
    // The probe above, under the GIL and with a short deadline: the first thread in holds
    // the GIL while it waits for the second, which cannot enter. It gives up.
    let values = input(2 * SWITCH_INTERVAL);
    let gil = Gil::new();
    let rendezvous = Rendezvous::with_patience(2, Duration::from_millis(50));
    let met = Mutex::new(Vec::new());
    cpu_on_threads(&values, 2, Some(&gil), |slice| {
        let arrived = rendezvous.arrive();
        met.lock().unwrap().push(arrived);
        checksum(slice)
    });
    let met = met.into_inner().unwrap();
    assert_eq!(
        met.first(),
        Some(&false),
        "the first thread in waited alone: {met:?}"
    );
}

#[test]
fn under_the_gil_io_waits_still_overlap() {
    // Each thread's blocking call waits at the rendezvous. It can only complete if every
    // thread is waiting at once, which needs each to have released the GIL before waiting.
    let gil = Gil::new();
    let latencies = vec![Duration::from_millis(1); THREADS];
    let rendezvous = Rendezvous::new(THREADS);
    let met = io_on_threads(&latencies, &gil, |_| rendezvous.arrive());
    assert_eq!(met, [true; THREADS]);
}

#[test]
fn io_threads_under_the_gil_reply_in_order_from_a_thread_each() {
    let gil = Gil::new();
    let latencies: Vec<Duration> = (1..=4).map(Duration::from_millis).collect();
    let replies = io_gil_threads(&gil, &latencies);
    let order: Vec<Duration> = replies.iter().map(|r| r.latency).collect();
    assert_eq!(order, latencies);
    let threads: HashSet<_> = replies.iter().map(|r| r.thread).collect();
    assert_eq!(threads.len(), latencies.len());
}

#[test]
fn a_panic_under_the_gil_comes_out_and_leaves_the_gil_usable() {
    let gil = Gil::new();
    let values = several_turns_each();
    let outcome = panic::catch_unwind(|| {
        cpu_on_threads(&values, THREADS, Some(&gil), |slice| {
            assert!(!slice.contains(&1234), "this slice fails");
            checksum(slice)
        })
    });
    assert!(outcome.is_err(), "the worker's panic reaches the caller");
    // The panicking thread held the GIL (poisoning the mutex inside); the GIL guards no
    // data, so it is still usable, and the next job runs normally.
    assert_eq!(cpu_gil_threads(&gil, &values, THREADS), sequential(&values));
}

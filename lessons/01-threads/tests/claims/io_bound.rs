//! `io_bound`: on threads, the waits overlap; sequentially, they cannot.

use std::collections::HashSet;
use std::thread;
use std::time::Duration;

use threads_lesson::io_bound::{
    fetch_sequential, fetch_sequential_with, fetch_threaded, fetch_threaded_with,
};

use crate::rendezvous::Rendezvous;

/// Four short, distinct latencies, so that the replies can be told apart.
fn latencies() -> Vec<Duration> {
    (1..=4).map(Duration::from_millis).collect()
}

#[test]
fn sequential_fetches_wait_on_the_calling_thread_in_order() {
    let replies = fetch_sequential(&latencies());
    let order: Vec<Duration> = replies.iter().map(|r| r.latency).collect();
    assert_eq!(order, latencies());
    assert!(replies.iter().all(|r| r.thread == thread::current().id()));
}

#[test]
fn threaded_fetches_wait_on_a_thread_each_and_reply_in_order() {
    let replies = fetch_threaded(&latencies());
    let order: Vec<Duration> = replies.iter().map(|r| r.latency).collect();
    assert_eq!(order, latencies(), "replies in request order");
    let threads: HashSet<_> = replies.iter().map(|r| r.thread).collect();
    assert_eq!(threads.len(), latencies().len(), "one thread per request");
    assert!(!threads.contains(&thread::current().id()));
}

#[test]
fn threaded_waits_overlap() {
    // Every "request" waits at the rendezvous instead of sleeping: it can only complete if
    // all four requests are waiting at the same time.
    let rendezvous = Rendezvous::new(4);
    let met = fetch_threaded_with(&latencies(), |_| rendezvous.arrive());
    assert_eq!(met, [true; 4], "all four waits were in progress at once");
}

#[test]
fn sequential_waits_do_not_overlap() {
    // The same probe, one request at a time: the first three wait alone and give up at
    // the deadline (kept short here); the fourth completes the count, but nobody is left
    // to meet. So the probe really tells overlapping waits from sequential ones.
    let rendezvous = Rendezvous::with_patience(4, Duration::from_millis(50));
    let met = fetch_sequential_with(&latencies(), |_| rendezvous.arrive());
    assert_eq!(met, [false, false, false, true]);
}

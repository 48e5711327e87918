//! `channels`: workers fed by one queue return every result in order; a bounded channel
//! keeps a producer at most `capacity` ahead, and dropping the receiver stops it;
//! `select!` stops on the shutdown signal or on disconnection; both channels deliver every
//! message.

use std::collections::HashSet;
use std::panic::{self, AssertUnwindSafe};
use std::thread;

use crossbeam::channel;
use shared_state_lesson::channels::{
    Stopped, collect_until, first_squares, map_on_workers, send_through_crossbeam, send_through_std,
};

use crate::rendezvous::Rendezvous;

#[test]
fn workers_return_every_result_in_input_order() {
    let items: Vec<u64> = (0..1_000).collect();
    let expected: Vec<u64> = items.iter().map(|x| x * x).collect();
    for workers in [1, 2, 4] {
        assert_eq!(map_on_workers(items.clone(), workers, |x| x * x), expected);
    }
    assert_eq!(map_on_workers(Vec::<u8>::new(), 3, |x| x), Vec::<u8>::new());
}

#[test]
fn the_workers_run_jobs_at_the_same_time() {
    // Three jobs that can only finish together: each waits inside `f` until all three are
    // there, which takes three workers running at once, none of them the caller.
    let rendezvous = Rendezvous::new(3);
    let ran = map_on_workers(vec![(); 3], 3, |()| {
        (rendezvous.arrive(), thread::current().id())
    });
    assert!(ran.iter().all(|&(met, _)| met), "the three jobs met");
    let threads: HashSet<_> = ran.iter().map(|&(_, thread)| thread).collect();
    assert_eq!(threads.len(), 3);
    assert!(!threads.contains(&thread::current().id()));
}

#[test]
fn a_panic_in_a_worker_reaches_the_caller() {
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| {
        map_on_workers(vec![1, 2, 3], 2, |x: i32| {
            assert_ne!(x, 2, "two is not allowed");
            x
        })
    }));
    assert!(outcome.is_err());
}

#[test]
fn a_bounded_producer_stops_at_most_capacity_ahead() {
    for capacity in [0, 1, 4, 64] {
        let (squares, computed) = first_squares(10, capacity);
        assert_eq!(squares, [0, 1, 4, 9, 16, 25, 36, 49, 64, 81]);
        // It computed the 10 squares received, at most `capacity` that were queued when
        // the receiver hung up, and the one whose `send` failed.
        assert!(
            (11..=11 + capacity as u64).contains(&computed),
            "capacity {capacity}: computed {computed}"
        );
    }
    // A rendezvous channel (capacity 0) queues nothing: exactly one square too many.
    assert_eq!(first_squares(5, 0).1, 6);
}

#[test]
fn select_stops_on_the_shutdown_signal() {
    // A rendezvous channel: each `send` returns once the collector has taken the job, so
    // all three jobs are in before the signal is sent.
    let (jobs, job_queue) = channel::bounded(0);
    let (shutdown, shutdown_signal) = channel::bounded(1);
    let (received, stopped) = thread::scope(|s| {
        let collector = s.spawn(|| collect_until(&job_queue, &shutdown_signal));
        for job in ["a", "b", "c"] {
            jobs.send(job).unwrap();
        }
        shutdown.send(()).unwrap();
        collector.join().unwrap()
    });
    assert_eq!(received, ["a", "b", "c"]);
    assert_eq!(stopped, Stopped::ShutDown);
}

#[test]
fn select_stops_when_every_sender_is_gone() {
    let (jobs, job_queue) = channel::unbounded();
    let (_shutdown, shutdown_signal) = channel::bounded::<()>(1);
    for job in 1..=3 {
        jobs.send(job).unwrap();
    }
    drop(jobs);
    // The queued jobs still arrive, then the disconnection ends the loop.
    assert_eq!(
        collect_until(&job_queue, &shutdown_signal),
        (vec![1, 2, 3], Stopped::Disconnected)
    );
}

#[test]
fn both_channels_deliver_every_message() {
    let sum = 999 * 1_000 / 2;
    for capacity in [0, 1, 1024] {
        assert_eq!(send_through_std(capacity, 1_000), sum, "std, {capacity}");
        assert_eq!(
            send_through_crossbeam(capacity, 1_000),
            sum,
            "crossbeam, {capacity}"
        );
    }
}

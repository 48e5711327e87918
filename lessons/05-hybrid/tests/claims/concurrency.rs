//! `concurrency`: every level of concurrency computes the same answer and does every job;
//! and, counted by the kernel rather than timed, 64 threads per core at a barrier make
//! many times the context switches that one thread per core makes.

use std::time::Duration;

use hybrid_lesson::concurrency::{
    Partner, cpu_in_steps, cpu_on_pool, cpu_on_threads, io_on_threads,
};
use hybrid_lesson::work::checksum;

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

#[test]
fn every_io_job_is_done_by_any_number_of_threads() {
    for threads in [1, 3, 64] {
        assert_eq!(io_on_threads(20, Duration::from_millis(1), threads), 20);
    }
    assert_eq!(io_on_threads(0, Duration::from_millis(1), 4), 0);
}

#[test]
fn any_number_of_threads_computes_the_same_checksum() {
    let expected = checksum(0..50_000);
    for threads in [1, 2, 7, 128] {
        assert_eq!(
            cpu_on_threads(0..50_000, threads),
            expected,
            "{threads} threads"
        );
        let stepped = cpu_in_steps(0..50_000, threads, 10);
        assert_eq!(stepped.checksum, expected, "{threads} threads in steps");
    }
    for threads in [1, 3] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        assert_eq!(cpu_on_pool(&pool, 0..50_000), expected);
        assert_eq!(cpu_on_pool(&pool, 5..5), 0);
    }
}

#[cfg(target_os = "linux")]
#[test]
fn oversubscribed_threads_at_a_barrier_switch_many_times_more() {
    let steps = 50;
    let few = cpu_in_steps(0..200_000, cores(), steps).switches;
    let many = cpu_in_steps(0..200_000, 64 * cores(), steps).switches;
    // One thread per core: about one switch per step and thread, for the threads that
    // arrive first at the barrier and sleep. 64 per core: every step needs every thread
    // to run, and all but a few of them sleep at the barrier.
    assert!(
        many.total() > 10 * few.total().max(steps as u64),
        "{} threads: {few:?}; {} threads: {many:?}",
        cores(),
        64 * cores()
    );
}

#[test]
fn a_partner_sends_back_what_it_is_sent_and_ends_when_dropped() {
    let partner = Partner::start();
    for token in [0, 7, u64::MAX] {
        assert_eq!(partner.round_trip(token), token);
    }
    drop(partner); // joins its thread: the test would hang here if it did not end
}

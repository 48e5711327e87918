//! `pool`: a pool of worker processes computes what one thread computes, in processes
//! that are not this one; a dead worker is an error, not a hang; shutting the pool down,
//! or dropping it, reaps every worker. The thread pool computes the same.

use std::collections::HashSet;

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use processes_lesson::pool::{
    ProcessPool, checksum, on_thread_pool, process_pool_task, process_spawn_and_wait, split,
    thread_pool_task, thread_spawn_and_join,
};

use crate::support::{Seen, look_at, worker};

#[test]
fn split_cuts_a_range_into_nearly_equal_contiguous_parts() {
    assert_eq!(split(0..10, 3), [0..4, 4..7, 7..10]);
    assert_eq!(split(5..7, 4), [5..6, 6..7, 7..7, 7..7]);
    assert_eq!(split(3..3, 2), [3..3, 3..3]);
    let parts = split(100..1_000_003, 7);
    assert_eq!(parts.first().unwrap().start, 100);
    assert_eq!(parts.last().unwrap().end, 1_000_003);
    assert!(parts.windows(2).all(|w| w[0].end == w[1].start));
}

#[test]
fn the_process_pool_computes_what_one_thread_computes() {
    let mut pool = ProcessPool::start(&worker(), 3).expect("the workers start");
    for range in [0..10_000, 7..8, 0..0, 1..2] {
        assert_eq!(
            pool.checksum(range.clone()).expect("the workers answer"),
            checksum(range.clone()),
            "{range:?}"
        );
    }
    let statuses = pool.shut_down().expect("the workers are reaped");
    assert_eq!(statuses.len(), 3);
    assert!(statuses.iter().all(|s| s.success()), "{statuses:?}");
}

#[test]
fn the_pool_s_workers_are_other_processes_and_shut_down_reaps_them() {
    let pool = ProcessPool::start(&worker(), 2).expect("the workers start");
    let pids = pool.pids();
    let distinct: HashSet<u32> = pids.iter().copied().collect();
    assert_eq!(distinct.len(), 2);
    assert!(!distinct.contains(&std::process::id()));
    for &pid in &pids {
        assert_eq!(look_at(pid), Seen::Running);
    }
    pool.shut_down().expect("the workers are reaped");
    for &pid in &pids {
        assert_eq!(look_at(pid), Seen::NotOurChild, "worker {pid} was reaped");
    }
}

#[test]
fn dropping_the_pool_kills_and_reaps_its_workers() {
    let pool = ProcessPool::start(&worker(), 2).expect("the workers start");
    let pids = pool.pids();
    drop(pool);
    for pid in pids {
        assert_eq!(look_at(pid), Seen::NotOurChild, "worker {pid} was reaped");
    }
}

#[test]
fn a_dead_worker_is_an_error_not_a_hang() {
    let mut pool = ProcessPool::start(&worker(), 2).expect("the workers start");
    let victim = pool.pids()[1];
    kill(Pid::from_raw(victim as i32), Signal::SIGKILL).expect("the worker can be killed");
    // Either the request cannot be written (the pipe's reader is gone) or the reply never
    // comes (end-of-file): both are errors, returned at once.
    assert!(pool.checksum(0..1_000).is_err());
    let pids = pool.pids();
    drop(pool);
    for pid in pids {
        assert_eq!(look_at(pid), Seen::NotOurChild, "worker {pid} was reaped");
    }
}

#[test]
fn the_thread_pool_computes_the_same() {
    let threads = rayon::ThreadPoolBuilder::new()
        .num_threads(3)
        .build()
        .expect("the OS starts three threads");
    for range in [0..10_000, 7..8, 0..0] {
        assert_eq!(on_thread_pool(&threads, range.clone()), checksum(range));
    }
}

#[test]
fn each_way_of_running_one_task_works() {
    assert!(
        process_spawn_and_wait(&worker())
            .expect("the worker starts")
            .success()
    );
    assert_eq!(thread_spawn_and_join(), 1);
    let mut processes = ProcessPool::start(&worker(), 1).expect("the worker starts");
    assert_eq!(
        process_pool_task(&mut processes).expect("it answers"),
        checksum(0..1)
    );
    let threads = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("the OS starts a thread");
    assert_eq!(thread_pool_task(&threads), 1);
}

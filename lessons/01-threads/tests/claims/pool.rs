//! `pool`: tasks on a 2-thread pool run on at most 2 threads, the pool's own; a thread per
//! task means as many threads as tasks.

use std::collections::HashSet;
use std::panic;
use std::thread::{self, ThreadId};

use threads_lesson::pool::{build_pool, on_pool, thread_per_task};

const TASKS: usize = 64;

/// What a task reports: its number, the thread it ran on, and that thread's index in the
/// rayon pool running it (`None` outside a rayon pool).
fn report(i: usize) -> (usize, ThreadId, Option<usize>) {
    (i, thread::current().id(), rayon::current_thread_index())
}

#[test]
fn a_thread_per_task_uses_as_many_threads_as_tasks() {
    let reports = thread_per_task(TASKS, report);
    let order: Vec<usize> = reports.iter().map(|r| r.0).collect();
    assert_eq!(
        order,
        (0..TASKS).collect::<Vec<_>>(),
        "results in task order"
    );
    let threads: HashSet<ThreadId> = reports.iter().map(|r| r.1).collect();
    assert_eq!(threads.len(), TASKS, "one thread per task");
    assert!(!threads.contains(&thread::current().id()));
}

#[test]
fn tasks_on_a_two_thread_pool_run_on_at_most_two_threads() {
    let pool = build_pool(2).expect("the OS starts two threads");
    assert_eq!(pool.current_num_threads(), 2);
    let reports = on_pool(&pool, TASKS, report);
    let order: Vec<usize> = reports.iter().map(|r| r.0).collect();
    assert_eq!(
        order,
        (0..TASKS).collect::<Vec<_>>(),
        "results in task order"
    );
    let threads: HashSet<ThreadId> = reports.iter().map(|r| r.1).collect();
    assert!(
        (1..=2).contains(&threads.len()),
        "{} threads ran the tasks",
        threads.len()
    );
    assert!(!threads.contains(&thread::current().id()));
    // Each task ran on one of the pool's two workers, not on some other thread.
    for (i, _, index) in &reports {
        assert!(
            matches!(index, Some(0 | 1)),
            "task {i} ran on worker {index:?}"
        );
    }
}

#[test]
fn the_pool_reuses_its_threads_from_call_to_call() {
    let pool = build_pool(2).expect("the OS starts two threads");
    let first: HashSet<ThreadId> = on_pool(&pool, TASKS, report).iter().map(|r| r.1).collect();
    let second: HashSet<ThreadId> = on_pool(&pool, TASKS, report).iter().map(|r| r.1).collect();
    let all: HashSet<ThreadId> = first.union(&second).copied().collect();
    assert!(all.len() <= 2, "{} threads over two calls", all.len());
}

#[test]
fn pool_threads_have_the_names_the_builder_gave_them() {
    let pool = build_pool(2).expect("the OS starts two threads");
    let names = on_pool(&pool, TASKS, |_| {
        thread::current().name().map(str::to_owned)
    });
    for name in names {
        let name = name.expect("pool threads are named");
        assert!(
            ["pool-worker-0", "pool-worker-1"].contains(&name.as_str()),
            "{name}"
        );
    }
}

#[test]
fn both_ways_compute_the_same_results() {
    let pool = build_pool(2).expect("the OS starts two threads");
    let square = |i: usize| i * i;
    let expected: Vec<usize> = (0..TASKS).map(square).collect();
    assert_eq!(thread_per_task(TASKS, square), expected);
    assert_eq!(on_pool(&pool, TASKS, square), expected);
    assert_eq!(on_pool(&pool, 0, square), Vec::<usize>::new());
}

#[test]
fn a_panicking_task_comes_out_of_on_pool_and_the_pool_survives() {
    let pool = build_pool(2).expect("the OS starts two threads");
    // `AssertUnwindSafe`: the pool is meant to be used again after a task panicked, and
    // that is exactly what this test checks.
    let outcome = panic::catch_unwind(panic::AssertUnwindSafe(|| {
        on_pool(&pool, TASKS, |i| {
            assert_ne!(i, 13, "task 13 fails");
            i
        })
    }));
    assert!(outcome.is_err(), "the task's panic reaches the caller");
    // The worker that ran the failing task caught the panic and went on: the pool still
    // has its two threads and runs the next batch.
    assert_eq!(on_pool(&pool, 3, |i| i + 1), [1, 2, 3]);
}

#[test]
fn a_panicking_task_comes_out_of_thread_per_task() {
    let outcome = panic::catch_unwind(|| {
        thread_per_task(8, |i| {
            assert_ne!(i, 5, "task 5 fails");
            i
        })
    });
    let payload = outcome.expect_err("the task's panic reaches the caller");
    let message = threads_lesson::spawn::panic_message(&payload);
    assert!(message.contains("task 5 fails"), "{message}");
}

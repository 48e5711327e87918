//! Task `counter`: processes counting in one shared memory segment, and the segment removed
//! afterwards whatever happened.

use std::os::unix::process::ExitStatusExt;

use ipc_exercise::{CountError, Worker, count_in_processes};
use shared_memory::{ShmemConf, ShmemError};

use crate::support::{assert_no_child_left, dev_shm, serial, unique_os_id, worker};

/// What a failed count says, with what to look at.
fn explain(result: &Result<u64, CountError>) -> String {
    match result {
        Err(CountError::WorkerFailed { status, .. }) if status.code() == Some(1) => format!(
            "{result:?}: a worker refused the segment (its message is above). Store MAGIC \
             in `block.magic` (Release) before starting the workers, and give each worker \
             `os_id` and `times` as its two last arguments"
        ),
        other => format!("{other:?}"),
    }
}

#[test]
fn processes_reach_the_exact_total() {
    let _one = serial();
    for (processes, times) in [(4, 25_000), (1, 7), (0, 10)] {
        let os_id = unique_os_id("count");
        let total = count_in_processes(&worker(&["count"]), &os_id, processes, times);
        assert!(total.is_ok(), "{}", explain(&total));
        assert_eq!(
            total.unwrap(),
            processes as u64 * times,
            "{processes} workers added 1, {times} times each: read the count once every \
             worker has been waited for, not before"
        );
        assert_no_child_left("count_in_processes");
    }
}

#[test]
fn the_total_is_read_from_the_segment() {
    let _one = serial();
    // These workers add 3 each time: the total is what they left in the segment.
    let os_id = unique_os_id("count-by");
    let total = count_in_processes(&worker(&["count-by", "3"]), &os_id, 2, 500);
    assert!(total.is_ok(), "{}", explain(&total));
    assert_eq!(
        total.unwrap(),
        3000,
        "2 workers added 3, 500 times each: the total is the count the workers left in \
         the segment (`block.count.load` after waiting for them), not `processes * times` \
         computed here"
    );
    assert_no_child_left("count_in_processes");
}

#[test]
fn the_workers_run_at_the_same_time() {
    let _one = serial();
    // These workers wait for each other: each adds 1 on arrival and goes on only once all
    // 3 have arrived (exit code 3 after 5 s without them).
    let os_id = unique_os_id("together");
    let total = count_in_processes(&worker(&["together", "3"]), &os_id, 3, 1000);
    match &total {
        Ok(total) => assert_eq!(*total, 3 + 3 * 1000, "3 arrivals, then 3 × 1000"),
        Err(CountError::WorkerFailed { status, .. }) if status.code() == Some(3) => panic!(
            "the workers did not run at the same time: one waited 5 s for the others, \
             which had not been started. Start every worker first, then wait for each \
             ({total:?})"
        ),
        Err(_) => panic!("{}", explain(&total)),
    }
    assert_no_child_left("count_in_processes");
}

#[test]
fn the_segment_is_removed_afterwards() {
    let _one = serial();
    let os_id = unique_os_id("count");
    let total = count_in_processes(&worker(&["count"]), &os_id, 2, 1000);
    assert!(total.is_ok(), "{}", explain(&total));
    assert!(
        !dev_shm(&os_id).exists(),
        "{} is still there: the process that creates a segment owns it, and dropping the \
         owner's `Shmem` removes it",
        dev_shm(&os_id).display()
    );
}

#[test]
fn a_crashing_worker_is_reported_and_the_segment_is_still_removed() {
    let _one = serial();
    let os_id = unique_os_id("crash");
    let result = count_in_processes(&worker(&["crash-halfway"]), &os_id, 3, 1000);
    match &result {
        Err(CountError::WorkerFailed { status, .. }) => {
            assert_eq!(status.signal(), Some(6), "the worker aborted: {status}");
        }
        other => panic!(
            "the workers aborted halfway (killed by SIGABRT): expected \
             `CountError::WorkerFailed`, got {other:?}. A status that is not `success()` \
             is a failure, a signal included"
        ),
    }
    assert!(
        !dev_shm(&os_id).exists(),
        "{} is still there after a worker crashed: the owner is this process, whose \
         `Shmem` must be dropped on the error path too",
        dev_shm(&os_id).display()
    );
    assert_no_child_left("count_in_processes with crashing workers");
}

#[test]
fn a_worker_that_exits_with_an_error_is_reported() {
    let _one = serial();
    let os_id = unique_os_id("exit");
    let result = count_in_processes(&worker(&["exit", "3"]), &os_id, 2, 10);
    match &result {
        Err(CountError::WorkerFailed { status, .. }) => {
            assert_eq!(status.code(), Some(3), "the worker exited with 3: {status}");
        }
        other => panic!(
            "the workers exited with code 3: expected `CountError::WorkerFailed`, got \
             {other:?}. A status that is not `success()` is a failure, an exit code other \
             than 0 included"
        ),
    }
    assert!(
        !dev_shm(&os_id).exists(),
        "{} is still there after a worker failed",
        dev_shm(&os_id).display()
    );
    assert_no_child_left("count_in_processes with failing workers");
}

#[test]
fn a_worker_that_cannot_start_is_reported_and_nothing_is_left() {
    let _one = serial();
    let os_id = unique_os_id("nospawn");
    let missing = Worker::new("/nonexistent/course-04-worker").arg("count");
    let result = count_in_processes(&missing, &os_id, 2, 10);
    assert!(
        matches!(result, Err(CountError::Spawn(_))),
        "a worker program that does not exist cannot be started: expected \
         `CountError::Spawn`, got {result:?}"
    );
    assert!(
        !dev_shm(&os_id).exists(),
        "{} is still there after the worker could not start: the early return must drop \
         the `Shmem` too",
        dev_shm(&os_id).display()
    );
    assert_no_child_left("count_in_processes with a worker that cannot start");
}

#[test]
fn a_name_in_use_is_an_error_not_a_takeover() {
    let _one = serial();
    let os_id = unique_os_id("taken");
    let theirs = ShmemConf::new().size(4096).os_id(&os_id).create().unwrap();
    let result = count_in_processes(&worker(&["count"]), &os_id, 2, 10);
    assert!(
        matches!(
            result,
            Err(CountError::Segment(ShmemError::MappingIdExists))
        ),
        "another process's segment must not be opened as ours: {result:?}"
    );
    assert!(dev_shm(&os_id).exists(), "and it must not be removed");
    drop(theirs);
    assert!(!dev_shm(&os_id).exists());
    assert_no_child_left("count_in_processes on a name in use");
}

#[test]
fn no_worker_is_left_running_or_unreaped() {
    let _one = serial();
    for task in ["count", "crash-halfway"] {
        let os_id = unique_os_id("reaped");
        let _ = count_in_processes(&worker(&[task]), &os_id, 3, 5000);
        assert_no_child_left(&format!("count_in_processes with `{task}` workers"));
        assert!(!dev_shm(&os_id).exists());
    }
}

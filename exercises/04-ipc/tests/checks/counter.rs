//! Task `counter`: processes counting in one shared memory segment, and the segment removed
//! afterwards whatever happened.

use ipc_exercise::{CountError, count_in_processes};
use shared_memory::{ShmemConf, ShmemError};

use crate::support::{assert_no_child_left, dev_shm, serial, unique_os_id, worker};

#[test]
fn processes_reach_the_exact_total() {
    let _one = serial();
    let os_id = unique_os_id("count");
    let total = count_in_processes(&worker(&["count"]), &os_id, 4, 25_000);
    assert!(total.is_ok(), "{total:?}");
    assert_eq!(
        total.unwrap(),
        100_000,
        "4 workers added 1, 25000 times each"
    );
    assert_no_child_left("count_in_processes");
}

#[test]
fn the_segment_is_removed_afterwards() {
    let _one = serial();
    let os_id = unique_os_id("count");
    let total = count_in_processes(&worker(&["count"]), &os_id, 2, 1000);
    assert!(total.is_ok(), "{total:?}");
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
            use std::os::unix::process::ExitStatusExt;
            assert_eq!(status.signal(), Some(6), "the worker aborted: {status}");
        }
        other => panic!("the workers aborted halfway: expected WorkerFailed, got {other:?}"),
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

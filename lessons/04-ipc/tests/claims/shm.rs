//! `shm`: processes counting in one segment reach the exact total; the segment is removed by
//! its owner, also when a worker crashed; an opener refuses what is not a counter; a
//! segment outlives a process that dies owning it, a new one on its file link is refused
//! until forced, and forcing leaves the old one behind; `remove_stale` cleans up.

use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;

use ipc_lesson::shm::{self, SharedCounter, count_in_processes, remove_stale, unique_os_id};
use ipc_lesson::worker::Task;
use shared_memory::{ShmemConf, ShmemError};

use crate::support::{children, exists, remove, serial, unique_flink, worker};

#[test]
fn processes_counting_in_one_segment_reach_the_exact_total() {
    let _one = serial();
    let os_id = unique_os_id("counter");
    let total = count_in_processes(&worker(), &os_id, 4, 25_000, false).unwrap();
    assert_eq!(total, 100_000, "no increment lost");
    assert!(!exists(&os_id), "the owner removed the segment");
    assert_eq!(children(), Vec::<u32>::new(), "every worker reaped");
}

#[test]
fn a_worker_that_crashes_is_reported_and_the_segment_is_still_removed() {
    let _one = serial();
    let os_id = unique_os_id("counter");
    let error = count_in_processes(&worker(), &os_id, 2, 10_000, true).unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("signal: 6"),
        "the abort is reported: {message}"
    );
    assert!(
        !exists(&os_id),
        "removed although a worker crashed holding it"
    );
    assert_eq!(children(), Vec::<u32>::new(), "every worker reaped");
}

#[test]
fn only_the_owners_drop_removes_the_segment_and_mappings_outlive_the_name() {
    let os_id = unique_os_id("owned");
    let owner = SharedCounter::create(&os_id).unwrap();
    let other = SharedCounter::open(&os_id).unwrap();
    assert!(owner.is_owner() && !other.is_owner());
    other.increment();
    assert_eq!(owner.get(), 1, "one segment, seen by both");

    let again = SharedCounter::open(&os_id).unwrap();
    drop(again);
    assert!(exists(&os_id), "a non-owner's drop only unmaps");

    drop(owner);
    assert!(!exists(&os_id), "the owner's drop removes the name");
    other.increment();
    assert_eq!(other.get(), 2, "the pages stay for whoever still maps them");
    assert!(
        SharedCounter::open(&os_id).is_err(),
        "but nobody can open it any more"
    );
}

#[test]
fn an_opener_refuses_a_segment_that_is_not_a_counter() {
    let os_id = unique_os_id("garbage");
    // Zeros: the right size, never set up.
    let raw = ShmemConf::new().size(64).os_id(&os_id).create().unwrap();
    let error = SharedCounter::open(&os_id).err().unwrap();
    assert_eq!(
        error.to_string(),
        format!("{os_id} is not set up as a counter")
    );
    drop(raw);
    assert!(!exists(&os_id));

    let missing = SharedCounter::open(&unique_os_id("missing")).err().unwrap();
    assert!(missing.to_string().starts_with("cannot open"), "{missing}");
}

/// Starts a worker that creates a segment on `flink` and aborts; returns the segment's id.
fn crash_holding_a_segment(flink: &std::path::Path) -> String {
    let mut child = worker()
        .command(&Task::CreateAndCrash {
            flink: flink.to_owned(),
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut os_id = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut os_id)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.signal(), Some(6), "it aborted: {status}");
    os_id.trim().to_owned()
}

#[test]
fn a_segment_outlives_a_process_that_dies_owning_it() {
    let _one = serial();
    let flink = unique_flink();
    let os_id = crash_holding_a_segment(&flink);
    assert!(exists(&os_id), "{os_id} is still in /dev/shm");
    assert!(flink.exists(), "and so is its file link");

    // Creating again on that link is refused while the link exists.
    let again = ShmemConf::new().size(4096).flink(&flink).create();
    assert!(matches!(again, Err(ShmemError::LinkExists)));

    // Cleaning up: open through the link, take ownership, drop.
    assert_eq!(remove_stale(&flink).unwrap(), Some(os_id.clone()));
    assert!(!exists(&os_id) && !flink.exists());
    assert_eq!(
        remove_stale(&flink).unwrap(),
        None,
        "nothing left to remove"
    );

    let fresh = ShmemConf::new().size(4096).flink(&flink).create().unwrap();
    drop(fresh);
    assert!(!flink.exists(), "the owner of the new one removed its link");
}

#[test]
fn forcing_a_new_segment_on_the_link_leaves_the_old_one_behind() {
    let _one = serial();
    let flink = unique_flink();
    let old = crash_holding_a_segment(&flink);
    let forced = ShmemConf::new()
        .size(4096)
        .os_id(unique_os_id("forced"))
        .flink(&flink)
        .force_create_flink()
        .create()
        .unwrap();
    let new = forced.get_os_id().to_owned();
    assert_ne!(new, old, "a new segment");
    assert!(
        exists(&old),
        "the old one is still there, now with no link to it"
    );

    drop(forced);
    assert!(!exists(&new) && !flink.exists());
    // The old one can only be found by its name now.
    let mut stale = ShmemConf::new().os_id(&old).open().unwrap();
    stale.set_owner(true);
    drop(stale);
    assert!(!exists(&old));
    remove(&flink);
}

#[test]
fn leftovers_lists_the_lessons_segments() {
    let os_id = unique_os_id("listed");
    let counter = SharedCounter::create(&os_id).unwrap();
    assert!(shm::leftovers().contains(&os_id[1..].to_owned()));
    drop(counter);
    assert!(!shm::leftovers().contains(&os_id[1..].to_owned()));
}

//! `memfile`: the same counter in a file in `/dev/shm` mapped with memmap2: processes reach
//! the exact total, creating refuses a name that exists, and the owner removes the file.

use std::io;
use std::process::Stdio;
use std::sync::atomic::Ordering;

use ipc_lesson::memfile::{SharedFile, unique_path};
use ipc_lesson::worker::Task;
use processes_lesson::lifecycle::ChildGuard;

use crate::support::{serial, worker};

#[test]
fn processes_counting_in_a_mapped_file_reach_the_exact_total() {
    let _one = serial();
    let path = unique_path("file-counter");
    let file = SharedFile::create(&path, 4096).unwrap();
    let mut workers: Vec<ChildGuard> = (0..3)
        .map(|_| {
            let task = Task::FileCount {
                path: path.clone(),
                times: 20_000,
            };
            ChildGuard::spawn(worker().command(&task).stdin(Stdio::null())).unwrap()
        })
        .collect();
    for child in &mut workers {
        assert!(child.wait().unwrap().success());
    }
    assert_eq!(file.counter().unwrap().load(Ordering::Relaxed), 60_000);
    drop(file);
    assert!(!path.exists(), "the owner removed the file");
}

#[test]
fn creating_refuses_a_name_that_exists() {
    let path = unique_path("taken");
    let first = SharedFile::create(&path, 64).unwrap();
    let error = SharedFile::create(&path, 64).err().unwrap();
    assert_eq!(error.kind(), io::ErrorKind::AlreadyExists);
    assert!(
        path.exists(),
        "the failed attempt did not remove the first one's file"
    );
    drop(first);
    assert!(!path.exists());
}

//! Lesson 04's grader test: exercise 04 (inter-process communication) graded as a learner
//! and an instructor would, in a scratch copy of the course, leaves nothing in `/dev/shm`;
//! the reference solution passes every task, and the untouched starter fails every task
//! without a single check timing out.
//!
//! The copy (a workspace under this build's `CARGO_TARGET_TMPDIR` holding
//! `exercises/04-ipc` and `solutions/04-ipc` at the same paths as in the repository) is
//! graded with the real `xtask` binary, so that grading writes its progress file there and
//! never into the repository's `.course/`. It shares this build's target directory, so
//! that the dependencies already built are not built again. The copies have the same
//! sources as the real crates, so the binaries Cargo copies to `target/debug/` under their
//! names (the worker programs) are the same programs whichever build wrote them last.
//!
//! Shared memory segments and files that the lesson's code creates are named
//! `/dev/shm/course-04-PID-...`, after the process that created them. After each grade,
//! every such entry that was not there before and whose process has ended is a leak: the
//! graded run's processes have all ended by then (a process of another program still
//! running, on a busy machine, does not count against the run).

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;
use support::{checks, copy_dir, grade, repo, tasks, workspace};

/// A course of two crates, copies of the exercise and its solution at the same paths, in a
/// workspace of its own.
fn scratch_course() -> PathBuf {
    let repo = repo();
    let course = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lesson-04-course");
    let members = ["exercises/04-ipc", "solutions/04-ipc"];
    workspace(&course, &members);
    for crate_dir in members {
        copy_dir(&repo.join(crate_dir), &course.join(crate_dir));
    }
    course
}

/// The names in `/dev/shm` that the lesson's code gives its segments and files.
fn lesson_entries() -> BTreeSet<String> {
    let Ok(entries) = std::fs::read_dir("/dev/shm") else {
        return BTreeSet::new();
    };
    entries
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with("course-04-"))
        .collect()
}

/// The entries of `after` that are not in `before` and whose creating process (the pid in
/// `course-04-PID-...`) has ended.
fn leaked(before: &BTreeSet<String>, after: &BTreeSet<String>) -> Vec<String> {
    after
        .difference(before)
        .filter(|name| {
            let pid = name
                .trim_start_matches("course-04-")
                .split('-')
                .next()
                .unwrap_or_default();
            !Path::new("/proc").join(pid).exists()
        })
        .cloned()
        .collect()
}

#[test]
fn the_solution_passes_the_starter_fails_and_no_segment_is_left() {
    let course = scratch_course();
    let before = lesson_entries();

    // The reference solution: every task passes. Its benchmark check is skipped here (it
    // needs quiet cores; CI grades it, and `cargo xtask stability` proves it).
    let (code, report) = grade(&course, &["--solutions", "--no-bench", "04-ipc"]);
    let failed: Vec<&Value> = tasks(&report)
        .iter()
        .filter(|t| t["status"] != "pass")
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    assert_eq!(tasks(&report).len(), 4, "{report:#}");
    assert_eq!(code, Some(0), "everything passed: exit code 0");
    let left = leaked(&before, &lesson_entries());
    assert!(
        left.is_empty(),
        "grading the solution left {left:?} in /dev/shm"
    );

    // The untouched starter, benchmark included: every task fails, and no check hangs
    // until its deadline (each `todo!()` panics at once, and the checks reap what they
    // started).
    let (code, report) = grade(&course, &["04-ipc"]);
    assert_eq!(code, Some(1), "failed tasks: exit code 1");
    for task in tasks(&report) {
        assert_eq!(task["status"], "fail", "{task:#}");
        for check in checks(task) {
            assert_ne!(check["status"], "timeout", "a check hung: {check:#}");
            assert_ne!(
                check["status"], "pass",
                "a check passed on the starter: {check:#}"
            );
        }
    }
    let left = leaked(&before, &lesson_entries());
    assert!(
        left.is_empty(),
        "grading the starter left {left:?} in /dev/shm"
    );

    let _ = std::fs::remove_dir_all(&course);
}

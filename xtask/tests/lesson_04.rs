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

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is a folder of the repository")
        .to_path_buf()
}

/// The target directory of this build: the xtask binary is `TARGET/PROFILE/xtask`.
fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_xtask"))
        .ancestors()
        .nth(2)
        .expect("xtask is built in TARGET/PROFILE")
        .to_path_buf()
}

/// Copies the folder `from` into `to`, recursively: files (with their permissions),
/// folders, and symbolic links as links.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        let kind = entry.file_type().unwrap();
        if kind.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(entry.path()).unwrap(), &target).unwrap();
        } else if kind.is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A course of two crates, copies of the exercise and its solution, in a workspace of its
/// own with the repository's dependencies, lints and profiles.
fn scratch_course() -> PathBuf {
    let repo = repo();
    let course = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lesson-04-course");
    let _ = std::fs::remove_dir_all(&course);
    std::fs::create_dir_all(&course).unwrap();
    let root = std::fs::read_to_string(repo.join("Cargo.toml")).unwrap();
    let shared = root
        .find("[workspace.package]")
        .map(|at| &root[at..])
        .expect("the repository's Cargo.toml has a [workspace.package] table");
    std::fs::write(
        course.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [\"exercises/04-ipc\", \"solutions/04-ipc\"]\n\n{shared}"
        ),
    )
    .unwrap();
    for file in ["Cargo.lock", "rust-toolchain.toml"] {
        std::fs::copy(repo.join(file), course.join(file)).unwrap();
    }
    for crate_dir in ["exercises/04-ipc", "solutions/04-ipc"] {
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

/// `xtask --manifest-path COURSE/Cargo.toml grade --format json 04-ipc ARGS...`: its exit
/// code and its report.
fn grade(course: &Path, args: &[&str]) -> (Option<i32>, Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("--manifest-path")
        .arg(course.join("Cargo.toml"))
        .args(["grade", "--format", "json", "04-ipc"])
        .args(args)
        .env("CARGO_TARGET_DIR", target_dir())
        .env_remove("COURSE_CORES")
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let report = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code(), report)
}

fn tasks(report: &Value) -> &Vec<Value> {
    report["tasks"].as_array().expect("the report lists tasks")
}

fn checks(task: &Value) -> &Vec<Value> {
    task["checks"].as_array().expect("a task lists its checks")
}

#[test]
fn the_solution_passes_the_starter_fails_and_no_segment_is_left() {
    let course = scratch_course();
    let before = lesson_entries();

    // The reference solution: every task passes. Its benchmark check is skipped here (it
    // needs quiet cores; CI grades it, and `cargo xtask stability` proves it).
    let (code, report) = grade(&course, &["--solutions", "--no-bench"]);
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
    let (code, report) = grade(&course, &[]);
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

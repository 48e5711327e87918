//! What the lesson tests (`lesson_NN.rs`) share: scratch courses made of copies of the
//! repository's crates, in a workspace of their own, graded by the real `xtask` binary as a
//! learner would grade them, and the reading of its JSON report.
//!
//! A scratch course has the repository's dependencies, lints, profiles, lock file and
//! toolchain, and builds in this build's target directory, so that the dependencies already
//! built are not built again. Cargo names a workspace member's build artifacts after its
//! package and its path inside the workspace, and a binary after its name alone: a copy
//! that could be built at the same time as the real crate, or mistaken for it, needs a
//! package name (and binary names) of its own.
//!
//! Each test file uses a part of this module; the rest would be dead code there.
#![allow(dead_code)]

// The grader's own scratch-course helpers, one copy for it and its tests.
#[path = "../../src/maintainer/scratch.rs"]
mod scratch;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

/// The repository's root folder.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is a folder of the repository")
        .to_path_buf()
}

/// The target directory of this build: the xtask binary is `TARGET/PROFILE/xtask`.
pub fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_xtask"))
        .ancestors()
        .nth(2)
        .expect("xtask is built in TARGET/PROFILE")
        .to_path_buf()
}

/// Copies the folder `from` into `to` (the grader's own `scratch::copy_dir`).
pub fn copy_dir(from: &Path, to: &Path) {
    scratch::copy_dir(from, to).unwrap();
}

/// Replaces `from` with `to` in `file`, which must contain it: a test that edits a copy
/// fails loudly when the original no longer has what it edits.
pub fn replace(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "{} has no `{from}`", file.display());
    std::fs::write(file, text.replace(from, to)).unwrap();
}

/// A new, empty course at `course` whose workspace has `members` (paths inside it),
/// with the repository's dependencies, lints, profiles, lock file and toolchain.
pub fn workspace(course: &Path, members: &[&str]) {
    scratch::workspace(&repo(), course, members).unwrap();
}

/// Gives the copy of an exercise at `exercise` the package name `new_name` in place of
/// `name`, and no solution: a course of this one crate has none.
pub fn rename_exercise(exercise: &Path, name: &str, new_name: &str) {
    let path = exercise.join("Cargo.toml");
    let manifest = std::fs::read_to_string(&path).unwrap();
    let package = format!("name = \"{name}\"\n");
    let solution = manifest
        .lines()
        .find(|line| line.starts_with("solution = "))
        .map(|line| format!("{line}\n"));
    let (true, Some(solution)) = (manifest.contains(&package), solution) else {
        panic!(
            "{} no longer names its package {name} and a solution",
            path.display()
        );
    };
    let renamed = manifest
        .replacen(&package, &format!("name = \"{new_name}\"\n"), 1)
        .replacen(&solution, "", 1);
    std::fs::write(&path, renamed).unwrap();
}

/// Makes the copy of a solution in `src` find the exercise's given files beside it
/// (`scratch::include_given_files_beside`).
pub fn include_given_files_beside(src: &Path) {
    scratch::include_given_files_beside(src).unwrap();
}

/// Replaces `from` with `to` in every file under `dir`.
pub fn replace_in_files(dir: &Path, from: &str, to: &str) {
    scratch::replace_in_files(dir, from, to).unwrap();
}

/// `xtask --manifest-path COURSE/Cargo.toml grade --format json ARGS...`: its exit code and
/// its report. Speedup thresholds follow this machine's cores, whatever the caller's
/// `COURSE_CORES` says.
pub fn grade(course: &Path, args: &[&str]) -> (Option<i32>, Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("--manifest-path")
        .arg(course.join("Cargo.toml"))
        .args(["grade", "--format", "json"])
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

/// The tasks of a report.
pub fn tasks(report: &Value) -> &Vec<Value> {
    report["tasks"].as_array().expect("the report lists tasks")
}

/// The checks of a task.
pub fn checks(task: &Value) -> &Vec<Value> {
    task["checks"].as_array().expect("a task lists its checks")
}

/// The task named `name` in `report`.
pub fn task<'a>(report: &'a Value, name: &str) -> &'a Value {
    tasks(report)
        .iter()
        .find(|t| t["task"] == name)
        .unwrap_or_else(|| panic!("no task {name} in the report:\n{report:#}"))
}

/// The checks of the failed task `name` that did not pass (nor were skipped), with their
/// messages.
pub fn failed_checks(report: &Value, name: &str) -> Vec<(String, String)> {
    let task = task(report, name);
    assert_eq!(task["status"], "fail", "{task:#}");
    checks(task)
        .iter()
        .filter(|c| c["status"] != "pass" && c["status"] != "skipped")
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_owned(),
                c["message"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

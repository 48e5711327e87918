//! Lesson 03's grader test: a solution of exercise 03 (processes) that leaves its worker
//! processes behind is failed by the exercise's "how" checks, although every result it
//! returns is right.
//!
//! Two such solutions, kept in `scripts/impostors/03-processes-leaky/`:
//! - `deadline.rs` forgets to kill a worker that ran past its deadline: it reports the
//!   timeout, and the worker goes on running;
//! - `pool.rs` forgets to reap its workers: it closes their stdin, they exit, and nobody
//!   waits for them, so they stay zombies.
//!
//! The test grades them in a course of its own (a workspace under this build's
//! `CARGO_TARGET_TMPDIR`, holding a copy of the exercise whose `src/` is the reference
//! solution with those two files in place of the right ones), with the real `xtask`
//! binary, as a learner would. It shares this build's target directory, so that the
//! dependencies already built are not built again (see `leaky_course` for what that asks
//! of the copy).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is a folder of the repository")
        .to_path_buf()
}

/// Copies the folder `from` into `to`, recursively (files and folders only).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The leaky exercise's name, and its folder in the test's course.
const LEAKY: &str = "03-processes-leaky";

/// A course with one exercise, a copy of exercise 03 whose `src/` is the reference solution
/// overlaid with the leaky files.
///
/// The copy lives in a folder of another name, `exercises/03-processes-leaky`, and its
/// package has another name: the course shares this build's target directory, and Cargo
/// names a workspace member's build artifacts after its package and its path inside the
/// workspace, so a copy at the same path under the same name would overwrite (and could be
/// mistaken for) the real exercise's build.
fn leaky_course() -> PathBuf {
    let repo = repo();
    let course = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lesson-03-leaky-course");
    let _ = std::fs::remove_dir_all(&course);
    std::fs::create_dir_all(&course).unwrap();

    // The workspace manifest: the one member, and everything the repository's manifest
    // says from `[workspace.package]` on (dependencies, lints, profiles).
    let root = std::fs::read_to_string(repo.join("Cargo.toml")).unwrap();
    let shared = root
        .find("[workspace.package]")
        .map(|at| &root[at..])
        .expect("the repository's Cargo.toml has a [workspace.package] table");
    std::fs::write(
        course.join("Cargo.toml"),
        format!("[workspace]\nresolver = \"3\"\nmembers = [\"exercises/{LEAKY}\"]\n\n{shared}"),
    )
    .unwrap();
    for file in ["Cargo.lock", "rust-toolchain.toml"] {
        std::fs::copy(repo.join(file), course.join(file)).unwrap();
    }

    let exercise = course.join("exercises").join(LEAKY);
    copy_dir(&repo.join("exercises/03-processes"), &exercise);
    // Its own package name, and no solution: the course has only this crate.
    let manifest = std::fs::read_to_string(exercise.join("Cargo.toml")).unwrap();
    let (name, solution) = (
        "name = \"exercise-03-processes\"\n",
        "solution = \"solution-03-processes\"\n",
    );
    assert!(
        manifest.contains(name) && manifest.contains(solution),
        "the exercise's manifest no longer names its package and solution as this test expects"
    );
    let renamed = manifest
        .replacen(name, "name = \"leaky-exercise-03-processes\"\n", 1)
        .replacen(solution, "", 1);
    std::fs::write(exercise.join("Cargo.toml"), renamed).unwrap();
    let src = exercise.join("src");
    copy_dir(&repo.join("solutions/03-processes/src"), &src);
    copy_dir(&repo.join("scripts/impostors/03-processes-leaky"), &src);
    // The solution includes the exercise's given files by path
    // (`#[path = "../../../exercises/03-processes/src/work.rs"]`); in this copy they are
    // beside it, in the same `src/`, where a plain `mod` finds them.
    let lib = src.join("lib.rs");
    let text: String = std::fs::read_to_string(&lib)
        .unwrap()
        .lines()
        .filter(|line| !line.starts_with("#[path = "))
        .map(|line| format!("{line}\n"))
        .collect();
    std::fs::write(&lib, text).unwrap();
    course
}

/// The checks of `task` in `report` that did not pass, with their messages.
fn failed_checks(report: &Value, task: &str) -> Vec<(String, String)> {
    let task = report["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["task"] == task)
        .unwrap_or_else(|| panic!("no task {task} in the report:\n{report:#}"));
    assert_eq!(task["status"], "fail", "{task:#}");
    task["checks"]
        .as_array()
        .unwrap()
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

#[test]
fn a_solution_that_forgets_to_kill_or_reap_its_workers_fails_the_how_checks() {
    let course = leaky_course();
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is inside the target directory");
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("--manifest-path")
        .arg(course.join("Cargo.toml"))
        .args(["grade", "--format", "json", "--no-bench"])
        .args([format!("{LEAKY}/deadline"), format!("{LEAKY}/pool")])
        .env("CARGO_TARGET_DIR", target)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    assert_eq!(output.status.code(), Some(1), "failed tasks: exit code 1");

    // Forgot to kill: every outcome is right, and only the "how" check fails, saying why.
    let deadline = failed_checks(&report, "deadline");
    let names: Vec<&str> = deadline.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        ["deadline::no_worker_is_left_running_or_unreaped"],
        "{deadline:#?}"
    );
    let message = &deadline[0].1;
    assert!(message.contains("were still running"), "{message}");
    assert!(message.contains("Child::kill"), "{message}");

    // Forgot to reap: the same, with zombies.
    let pool = failed_checks(&report, "pool");
    let names: Vec<&str> = pool.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        ["pool::no_worker_is_left_running_or_unreaped"],
        "{pool:#?}"
    );
    let message = &pool[0].1;
    assert!(message.contains("nobody had waited for them"), "{message}");
    assert!(message.contains("zombies"), "{message}");

    let _ = std::fs::remove_dir_all(&course);
}

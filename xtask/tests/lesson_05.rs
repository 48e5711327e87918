//! Lesson 05's grader test, on a copy of exercise 05 (hybrid) graded by the real `xtask`
//! binary, as a learner would grade it: **the untouched starter** fails every task, and
//! leaves no process behind. Its checks start worker processes (the worker program runs
//! the learner's `serve`); whatever the starter does, every one of them must be gone when
//! the grader exits. The test makes itself a *child subreaper* (Linux), so that a process
//! orphaned by the grader would become its child, and looks for its children once the
//! grader has exited.
//!
//! (Wrong submissions, which get every value right and forget a worker or deliver a job
//! twice, are in `solutions/05-hybrid/submissions.toml`: `cargo xtask submissions`.)
//!
//! The copy lives in a course of its own under this build's `CARGO_TARGET_TMPDIR`
//! (`support` makes and grades such courses): a workspace with one member,
//! `exercises/05-hybrid-starter`, with a package name and a worker program name of its
//! own (`starter-05-worker`, which its checks are told), so that its builds never
//! overwrite the real exercise's.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde_json::Value;
use support::{copy_dir, rename_exercise, replace_in_files, repo, task, workspace};

/// The name of the copy labelled `label`: its folder in its course, and its name in the
/// grader's selections.
fn copy_name(label: &str) -> String {
    format!("05-hybrid-{label}")
}

/// A course with one exercise, a copy of exercise 05 labelled `label`.
fn course(label: &str) -> PathBuf {
    let repo = repo();
    let copy = copy_name(label);
    let course = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("lesson-05-{label}-course"));
    workspace(&course, &[&format!("exercises/{copy}")]);

    let exercise = course.join("exercises").join(&copy);
    copy_dir(&repo.join("exercises/05-hybrid"), &exercise);
    // Its own package name and worker program name, and no solution.
    replace_in_files(
        &exercise,
        "exercise-05-worker",
        &format!("{label}-05-worker"),
    );
    rename_exercise(
        &exercise,
        "exercise-05-hybrid",
        &format!("{label}-exercise-05-hybrid"),
    );
    course
}

/// Grades `tasks` of the copy labelled `label` in `course` with the real grader (no
/// benchmarks), and returns its exit code and JSON report.
fn grade(course: &Path, label: &str, tasks: &[&str]) -> (Option<i32>, Value) {
    let selected: Vec<String> = tasks
        .iter()
        .map(|task| format!("{}/{task}", copy_name(label)))
        .collect();
    let mut args = vec!["--no-bench"];
    args.extend(selected.iter().map(String::as_str));
    support::grade(course, &args)
}

/// The processes whose parent is this process (Linux: read from `/proc`).
#[cfg(target_os = "linux")]
fn my_children() -> BTreeSet<u32> {
    let me = std::process::id();
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            // `PID (COMMAND) STATE PPID ...`: the fields are counted after the last `)`.
            stat.rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse::<u32>().ok())
                == Some(me)
        })
        .collect()
}

#[cfg(target_os = "linux")]
#[test]
fn the_starter_fails_every_task_and_leaves_no_process_behind() {
    use nix::sys::prctl::set_child_subreaper;
    use nix::sys::wait::waitpid;
    use nix::unistd::Pid;

    let course = course("starter");
    // Orphans of the grader's process tree now become children of this test process.
    set_child_subreaper(true).expect("Linux lets a process become a subreaper");
    let (code, report) = grade(
        &course,
        "starter",
        &["tuner", "pipeline", "process-pool", "fault-tolerant"],
    );
    assert_eq!(code, Some(1), "failed tasks: exit code 1");
    for name in ["tuner", "pipeline", "process-pool", "fault-tolerant"] {
        let task = task(&report, name);
        assert_eq!(task["status"], "fail", "{task:#}");
        let timeouts: Vec<&Value> = task["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["status"] == "timeout")
            .collect();
        assert!(
            timeouts.is_empty(),
            "the starter hangs no check: {timeouts:#?}"
        );
    }
    let left = my_children();
    for &pid in &left {
        // Reap them, so that this test leaves nothing behind either.
        let _ = nix::sys::signal::kill(Pid::from_raw(pid as i32), nix::sys::signal::SIGKILL);
        let _ = waitpid(Pid::from_raw(pid as i32), None);
    }
    assert!(
        left.is_empty(),
        "processes outlived the grader: {left:?} (orphans of its checks, re-parented here)"
    );
    let _ = std::fs::remove_dir_all(&course);
}

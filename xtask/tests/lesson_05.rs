//! Lesson 05's grader tests, on copies of exercise 05 (hybrid) graded by the real `xtask`
//! binary, as a learner would grade them:
//!
//! - **The untouched starter** fails every task, and leaves no process behind. Its checks
//!   start worker processes (the worker program runs the learner's `serve`); whatever the
//!   starter does, every one of them must be gone when the grader exits. The test makes
//!   itself a *child subreaper* (Linux), so that a process orphaned by the grader would
//!   become its child, and looks for its children once the grader has exited.
//! - **A careless solution** (`scripts/impostors/05-hybrid-careless/`) is failed by exactly
//!   the checks about what it gets wrong, although every value it returns is right:
//!   `pool.rs` forgets to reap a worker that died (a zombie), and `supervisor.rs` sends a
//!   dead worker's answered jobs again and keeps both results (a job delivered twice).
//!
//! Each copy lives in a course of its own under this build's `CARGO_TARGET_TMPDIR`
//! (`support` makes and grades such courses): a workspace with one member,
//! `exercises/05-hybrid-LABEL`. Each copy gets a package name, a folder and a worker
//! program name of its own (`LABEL-05-worker`, which its checks are told): otherwise the
//! two copies, built at the same time by the two tests, and the real exercise would
//! overwrite each other's builds.

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use serde_json::Value;
use support::{
    copy_dir, failed_checks, include_given_files_beside, rename_exercise, replace_in_files, repo,
    task, workspace,
};

/// One test at a time: the first looks at every child of this process, and the grader
/// that the other runs is one.
fn one_at_a_time() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The name of the copy labelled `label`: its folder in its course, and its name in the
/// grader's selections.
fn copy_name(label: &str) -> String {
    format!("05-hybrid-{label}")
}

/// A course with one exercise, a copy of exercise 05 labelled `label`, whose `src/` is
/// the exercise's own, overlaid with the folders of `sources` in that order (later files
/// replace earlier ones).
fn course(label: &str, sources: &[&str]) -> PathBuf {
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
    let src = exercise.join("src");
    for source in sources {
        copy_dir(&repo.join(source), &src);
    }
    include_given_files_beside(&src);
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

    let _one = one_at_a_time();
    let course = course("starter", &[]);
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

#[test]
fn a_careless_solution_fails_the_checks_about_reaping_and_exactly_once() {
    let _one = one_at_a_time();
    let course = course(
        "careless",
        &[
            "solutions/05-hybrid/src",
            "scripts/impostors/05-hybrid-careless",
        ],
    );
    let (code, report) = grade(&course, "careless", &["process-pool", "fault-tolerant"]);
    assert_eq!(code, Some(1), "failed tasks: exit code 1");

    // Forgot to reap a dead worker: every outcome is right, only the "how" check fails.
    let pool = failed_checks(&report, "process-pool");
    let names: Vec<&str> = pool.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(
        names,
        ["process_pool::no_worker_is_left_running_or_unreaped"],
        "{pool:#?}"
    );
    assert!(pool[0].1.contains("zombies"), "{}", pool[0].1);

    // Sent answered jobs again and kept both results: the worker killed when it starts job
    // 10 had always answered a job before (job 10 is sent only after a reply), so the
    // exactly-once check fails every time. The worker killed after job 7 may or may not
    // have replied to an earlier job first, so that check may fail too; nothing else may.
    let careless = failed_checks(&report, "fault-tolerant");
    let names: BTreeSet<&str> = careless.iter().map(|(name, _)| name.as_str()).collect();
    let mid_run = "fault_tolerant::a_worker_killed_mid_run_loses_no_job_and_duplicates_none";
    let after = "fault_tolerant::a_job_done_but_not_replied_runs_again_and_is_delivered_once";
    assert!(names.contains(mid_run), "{careless:#?}");
    assert!(
        names.iter().all(|name| [mid_run, after].contains(name)),
        "{careless:#?}"
    );
    let message = &careless.iter().find(|(name, _)| name == mid_run).unwrap().1;
    assert!(message.contains("none twice"), "{message}");

    let _ = std::fs::remove_dir_all(&course);
}

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
//! binary, as a learner would (`support` makes and grades such courses).

mod support;

use std::path::{Path, PathBuf};

use support::{
    copy_dir, failed_checks, grade, include_given_files_beside, rename_exercise, repo, workspace,
};

/// The leaky exercise's name, and its folder in the test's course.
const LEAKY: &str = "03-processes-leaky";

/// A course with one exercise, a copy of exercise 03 whose `src/` is the reference solution
/// overlaid with the leaky files.
///
/// The copy lives in a folder of another name, `exercises/03-processes-leaky`, and its
/// package has another name, so that its build is never mistaken for the real exercise's
/// (see `support`).
fn leaky_course() -> PathBuf {
    let repo = repo();
    let course = Path::new(env!("CARGO_TARGET_TMPDIR")).join("lesson-03-leaky-course");
    workspace(&course, &[&format!("exercises/{LEAKY}")]);

    let exercise = course.join("exercises").join(LEAKY);
    copy_dir(&repo.join("exercises/03-processes"), &exercise);
    rename_exercise(
        &exercise,
        "exercise-03-processes",
        "leaky-exercise-03-processes",
    );
    let src = exercise.join("src");
    copy_dir(&repo.join("solutions/03-processes/src"), &src);
    copy_dir(&repo.join("scripts/impostors/03-processes-leaky"), &src);
    include_given_files_beside(&src);
    course
}

#[test]
fn a_solution_that_forgets_to_kill_or_reap_its_workers_fails_the_how_checks() {
    let course = leaky_course();
    let (deadline, pool) = (format!("{LEAKY}/deadline"), format!("{LEAKY}/pool"));
    let (code, report) = grade(&course, &["--no-bench", &deadline, &pool]);
    assert_eq!(code, Some(1), "failed tasks: exit code 1");

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

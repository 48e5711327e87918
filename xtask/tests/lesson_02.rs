//! The grader on lesson 02's exercise (`exercises/02-shared-state`): its loom checks fail
//! a solution whose race no stress test sees, and show loom's report to the learner.
//! (That the reference solution passes every check, loom's included, is checked by
//! `cargo xtask test`, which grades every solution.)
//!
//! The impostor is the reference solution with its spin lock's two orderings weakened to
//! `Relaxed` (where `Acquire` and `Release` belong), made by this test from
//! `solutions/02-shared-state/src/spin_lock.rs`. It still excludes, but one holder's
//! increment is not guaranteed to be seen by the next, which may then write back a stale
//! value: a lost update that the language allows and x86 processors never show. Its stress
//! tests pass there; loom, which checks the language's rules rather than one processor's,
//! fails it.
//!
//! The test builds in the target directory this test binary was built in, so that the
//! dependencies (loom, trybuild) are compiled once for everything.

// The normaliser of lesson 02's own loom-report test: one rule for every saved report.
#[path = "../../lessons/02-shared-state/tests/loom_report/mod.rs"]
mod loom_report;
mod support;

use std::path::PathBuf;

use serde_json::Value;
use support::{checks, copy_dir, grade, replace, repo, tasks, workspace};

/// A scratch folder of this test process, removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A copy of the exercise whose "solution" is the impostor, in a workspace of its own:
/// the course's root manifest with only the exercise and the impostor as members. The
/// impostor gets a package name of its own, so that its builds (trybuild's included) never
/// overwrite the real solution's. (In the system's temporary folder, not in the target
/// directory: trybuild would not recognise the paths of the compile-fail cases there.)
fn impostor_course() -> Scratch {
    let root = repo();
    let scratch =
        std::env::temp_dir().join(format!("course-lesson-02-impostor-{}", std::process::id()));
    workspace(
        &scratch,
        &["exercises/02-shared-state", "solutions/02-shared-state"],
    );
    let exercise = scratch.join("exercises/02-shared-state");
    let impostor = scratch.join("solutions/02-shared-state");
    copy_dir(&root.join("exercises/02-shared-state"), &exercise);
    copy_dir(&root.join("solutions/02-shared-state"), &impostor);
    // The two orderings that make the flag a lock, weakened; nothing else changes, so
    // loom's report names the solution's own lines.
    let spin_lock = impostor.join("src/spin_lock.rs");
    replace(
        &spin_lock,
        ".compare_exchange(false, true, Ordering::Acquire, Ordering::Relaxed)",
        ".compare_exchange(false, true, Ordering::Relaxed, Ordering::Relaxed)",
    );
    replace(
        &spin_lock,
        ".store(false, Ordering::Release)",
        ".store(false, Ordering::Relaxed)",
    );
    replace(
        &exercise.join("Cargo.toml"),
        "solution = \"solution-02-shared-state\"",
        "solution = \"impostor-02-shared-state\"",
    );
    replace(
        &impostor.join("Cargo.toml"),
        "name = \"solution-02-shared-state\"",
        "name = \"impostor-02-shared-state\"",
    );
    Scratch(scratch)
}

#[test]
fn a_lost_update_that_only_loom_sees_fails_the_task() {
    let impostor = impostor_course();
    let (code, report) = grade(&impostor.0, &["--solutions", "02-shared-state/spin-lock"]);
    assert_eq!(code, Some(1), "a failed task: {report:#}");
    let task = &tasks(&report)[0];
    assert_eq!(task["task"], "spin-lock");
    assert_eq!(task["status"], "fail", "{task:#}");

    let loom: Vec<&Value> = checks(task)
        .iter()
        .filter(|c| c["kind"] == "loom")
        .collect();
    assert!(!loom.is_empty(), "the task has a loom check: {task:#}");
    for check in &loom {
        assert_eq!(check["status"], "fail", "{check:#}");
        let message = check["message"].as_str().unwrap();
        assert!(
            message.contains("Causality violation"),
            "loom's report says what is wrong: {message}"
        );
    }
    // The report a learner sees, as the book shows it (`book/src/02-shared-state/loom.md`).
    let report = loom_report::normalise(loom[0]["message"].as_str().unwrap());
    let saved = repo().join("xtask/tests/loom-reports/spin_lock_relaxed.txt");
    if std::env::var_os("LOOM_REPORTS").is_some_and(|v| v == "overwrite") {
        std::fs::write(&saved, &report).unwrap();
    }
    assert_eq!(
        report,
        std::fs::read_to_string(&saved).unwrap_or_default(),
        "loom's report changed; if the new one is right, save it with LOOM_REPORTS=overwrite"
    );

    // On x86 the impostor behaves like the real lock (the processor orders these accesses
    // whatever the program asks), so every other check passes: only loom tells them apart.
    // Elsewhere (ARM) its stress tests may catch it too.
    if cfg!(any(target_arch = "x86", target_arch = "x86_64")) {
        for check in checks(task).iter().filter(|c| c["kind"] != "loom") {
            assert_eq!(
                check["status"], "pass",
                "the impostor passes its stress tests on x86: {check:#}"
            );
        }
    }
}

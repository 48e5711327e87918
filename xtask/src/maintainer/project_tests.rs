//! `cargo xtask test`: the project's tests, as CI runs them (`.ci/run`).
//!
//! It checks, in order, and goes on after a failure so that one run shows everything:
//! formatting, clippy, the book's generated pages are current, its hand-written pages type
//! no measured figure, the book builds (every listing included from a crate) and so do the
//! handouts, the tests of xtask, lessons and solutions (the workspace's default members:
//! never the unsolved exercises; among them the reader tests of the built book in headless
//! Chromium), every lesson example runs, every lesson speed claim holds, and the course's
//! invariants: every exercise has a solution whose tests are the exercise's own files,
//! every solution passes every task, and every untouched starter fails every task.

use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use cargo_metadata::MetadataCommand;

use crate::book;
use crate::book::figures;
use crate::book::handouts;
use crate::book::pages;
use crate::course::{Course, Crate, Lesson};
use crate::grade::build::{self, Profile};
use crate::grade::libtest;
use crate::grade::{self, Options};
use crate::maintainer::claims;
use crate::maintainer::submissions;
use crate::report::Status;
use crate::sys::process;

/// One step of the run: a name and what it does.
type Step<'a> = Box<dyn Fn() -> Result<()> + 'a>;

pub fn run(course: &Course, all_submissions: bool) -> Result<ExitCode> {
    let root = &course.root;
    let fixture = root.join("xtask/tests/fixture/Cargo.toml");
    let cargo = |args: &[&str]| {
        let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        cmd.current_dir(root).args(args);
        cmd
    };
    let steps: Vec<(&str, Step)> = vec![
        (
            "cargo fmt --check",
            Box::new(|| {
                status(cargo(&["fmt", "--all", "--check"]))?;
                status(cargo(&[
                    "fmt",
                    "--all",
                    "--check",
                    "--manifest-path",
                    &fixture.to_string_lossy(),
                ]))
            }),
        ),
        (
            "cargo clippy -D warnings",
            Box::new(|| {
                status(cargo(&[
                    "clippy",
                    "--workspace",
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ]))
            }),
        ),
        (
            "the book's generated pages match their sources",
            Box::new(|| pages::check_fresh(course)),
        ),
        (
            "the book's hand-written pages type no measured figure",
            Box::new(|| figures::check(course)),
        ),
        (
            "the book builds, every Rust listing included from a crate",
            Box::new(|| book::build(course, &book::default_dest(course)).map(drop)),
        ),
        (
            "the handouts build",
            Box::new(|| handouts::write(course, &handouts::default_dest(course)).map(drop)),
        ),
        (
            "cargo test (xtask, lessons, solutions)",
            Box::new(|| status(cargo(&["test"]))),
        ),
        (
            "every lesson example runs",
            Box::new(|| examples_run(course)),
        ),
        (
            "every lesson speed claim holds",
            Box::new(|| claims_hold(course)),
        ),
        (
            "solutions use the exercises' own tests",
            Box::new(|| tests_exist_once(course)),
        ),
        (
            "every solution passes every task",
            Box::new(|| solutions_pass(course)),
        ),
        (
            "every untouched starter fails every task",
            Box::new(|| starters_fail(course)),
        ),
        (
            if all_submissions {
                "every wrong submission fails, every right one passes"
            } else {
                "a sample of wrong and right submissions (--all-submissions: all)"
            },
            Box::new(|| submissions_hold(course, all_submissions)),
        ),
    ];
    let mut passed = 0;
    // Repeated after the summary: CI logs are often read from their tail.
    let mut failures = Vec::new();
    for (name, step) in &steps {
        eprintln!("\n==> {name}");
        let start = Instant::now();
        match step() {
            Ok(()) => {
                passed += 1;
                eprintln!("==> ok: {name} ({:.0} s)", start.elapsed().as_secs_f64());
            }
            Err(e) => {
                let failure = format!(
                    "FAILED: {name} ({:.0} s)\n{e:#}",
                    start.elapsed().as_secs_f64()
                );
                eprintln!("==> {failure}");
                failures.push(failure);
            }
        }
    }
    println!("\nproject: {passed} passed, {} failed", failures.len());
    for failure in &failures {
        println!("\n{failure}");
    }
    Ok(if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Every example of every lesson builds, runs to completion within a minute, exits 0 and
/// says something (examples print what they show).
fn examples_run(course: &Course) -> Result<()> {
    let crates: Vec<&Crate> = course.lessons.iter().map(|l| &l.krate).collect();
    if crates.is_empty() {
        return Ok(());
    }
    let build = build::build(course, &crates, Profile::Examples)?;
    let mut problems = Vec::new();
    for lesson in &course.lessons {
        let examples = build
            .executables
            .get(&lesson.krate.dir)
            .cloned()
            .unwrap_or_default();
        if examples.is_empty() {
            problems.push(format!(
                "{}: no examples built{}",
                lesson.name,
                build
                    .failure_for(&lesson.krate, "lib")
                    .map(|e| format!(":\n{e}"))
                    .unwrap_or_default()
            ));
        }
        for example in examples {
            let outcome = process::run(
                libtest::command(&example.path, &lesson.krate),
                Duration::from_secs(60),
            )?;
            let said_something = !outcome.output.trim().is_empty();
            eprintln!(
                "  {} --example {}: {:?}",
                lesson.krate.package, example.target, outcome.status
            );
            if outcome.status != process::Status::Exited(0) || !said_something {
                problems.push(format!(
                    "cargo run -p {} --example {}: {:?}\n{}",
                    lesson.krate.package,
                    example.target,
                    outcome.status,
                    outcome.output.trim()
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        bail!(problems.join("\n"))
    }
}

/// Every speed claim of every lesson holds on this machine (measured as ratios in one run).
fn claims_hold(course: &Course) -> Result<()> {
    let lessons: Vec<&Lesson> = course.lessons.iter().collect();
    let report = claims::check(course, &lessons)?;
    let bad: Vec<String> = report
        .tasks
        .iter()
        .filter(|t| t.status.is_failure())
        .map(|t| {
            let why = t.checks.first().map(|c| c.message.as_str()).unwrap_or("");
            format!("{} \"{}\": {why}", t.exercise, t.title)
        })
        .collect();
    if bad.is_empty() {
        Ok(())
    } else {
        bail!("claims that do not hold:\n{}", bad.join("\n"))
    }
}

fn status(mut cmd: Command) -> Result<()> {
    let st = cmd
        .status()
        .with_context(|| format!("could not run {cmd:?}"))?;
    if !st.success() {
        bail!("{cmd:?} failed ({st})");
    }
    Ok(())
}

/// Each exercise names a solution with the same library name, whose test and bench
/// targets are the exercise's own files (one copy of the tests, so they cannot drift).
fn tests_exist_once(course: &Course) -> Result<()> {
    let metadata = MetadataCommand::new()
        .manifest_path(course.root.join("Cargo.toml"))
        .no_deps()
        .exec()?;
    let package = |name: &str| {
        metadata
            .workspace_packages()
            .into_iter()
            .find(|p| p.name.as_str() == name)
            .with_context(|| format!("package {name} not found"))
    };
    let mut problems = Vec::new();
    for exercise in &course.exercises {
        let Some(solution) = &exercise.solution else {
            problems.push(format!("{} names no `solution`", exercise.name));
            continue;
        };
        let (ex, sol) = (
            package(&exercise.starter.package)?,
            package(&solution.package)?,
        );
        let lib = |p: &cargo_metadata::Package| {
            p.targets
                .iter()
                .find(|t| t.is_lib())
                .map(|t| t.name.clone())
        };
        if lib(ex) != lib(sol) {
            problems.push(format!(
                "{}: the solution's lib name differs from the exercise's",
                exercise.name
            ));
        }
        let shared = |p: &cargo_metadata::Package| {
            let mut v: Vec<(String, String)> = p
                .targets
                .iter()
                .filter(|t| t.is_test() || t.is_bench())
                // The solution reaches the files as `solutions/NN/../../exercises/NN/...`.
                .map(|t| {
                    let path = std::fs::canonicalize(&t.src_path)
                        .unwrap_or_else(|_| t.src_path.clone().into_std_path_buf());
                    (t.name.clone(), path.display().to_string())
                })
                .collect();
            v.sort();
            v
        };
        if shared(ex) != shared(sol) {
            problems.push(format!(
                "{}: the solution's test and bench targets must be the exercise's files\n  exercise: {:?}\n  solution: {:?}",
                exercise.name,
                shared(ex),
                shared(sol)
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        bail!(problems.join("\n"))
    }
}

fn options(solutions: bool) -> Options {
    Options {
        selection: Vec::new(),
        solutions,
        timeout: Duration::from_secs(60),
        no_bench: false,
    }
}

fn solutions_pass(course: &Course) -> Result<()> {
    let report = grade::grade(course, &options(true))?;
    let bad: Vec<String> = report
        .tasks
        .iter()
        .filter(|t| t.status.is_failure())
        .map(|t| {
            format!(
                "{} ({}): {}",
                t.full_id(),
                t.status.as_str(),
                t.checks
                    .iter()
                    .find(|c| c.status.is_failure())
                    .map(|c| c.message.as_str())
                    .unwrap_or("")
            )
        })
        .collect();
    if bad.is_empty() {
        Ok(())
    } else {
        bail!("solutions that do not pass:\n{}", bad.join("\n"))
    }
}

/// The wrong submissions of `submissions.toml` fail, each caught by its check, and the
/// right ones pass: all of them (benchmarks included) or a sample without benchmarks.
fn submissions_hold(course: &Course, all: bool) -> Result<()> {
    let outcomes = submissions::grade_all(
        course,
        &submissions::Options {
            selection: Vec::new(),
            bench: all,
            sample: !all,
            timeout: 60,
            runs: 1,
        },
    )?;
    let bad: Vec<String> = outcomes
        .iter()
        .filter_map(|o| match &o.verdict {
            submissions::Verdict::Unexpected(why) => Some(format!(
                "{}: {}\n{why}",
                o.submission.exercise, o.submission.name
            )),
            _ => None,
        })
        .collect();
    if bad.is_empty() {
        Ok(())
    } else {
        bail!(
            "submissions that did not come out as expected:\n{}",
            bad.join("\n")
        )
    }
}

fn starters_fail(course: &Course) -> Result<()> {
    if course.exercises.is_empty() {
        return Ok(());
    }
    let changes = Command::new("git")
        .current_dir(&course.root)
        .args(["status", "--porcelain", "--"])
        .args(course.exercises.iter().map(|e| &e.starter.dir))
        .output()
        .context("could not run git")?;
    let changes = String::from_utf8_lossy(&changes.stdout);
    if !changes.trim().is_empty() {
        bail!(
            "exercise crates have local changes, so the starters are not untouched:\n{changes}(commit or stash them, or `cargo xtask reset` them)"
        );
    }
    let report = grade::grade(
        course,
        &Options {
            no_bench: false,
            ..options(false)
        },
    )?;
    let bad: Vec<String> = report
        .tasks
        .iter()
        .filter(|t| matches!(t.status, Status::Pass | Status::Skipped))
        .map(|t| format!("{} ({})", t.full_id(), t.status.as_str()))
        .collect();
    if bad.is_empty() {
        Ok(())
    } else {
        bail!("starter tasks that do not fail:\n{}", bad.join("\n"))
    }
}

//! `cargo xtask grade`: select tasks, build each profile once, run every check, report.

use std::time::Duration;

use anyhow::Result;

use crate::bench;
use crate::build::{self, Build, Profile};
use crate::checks::{self, Runner};
use crate::course::{CheckKind, Course, Crate, Selected};
use crate::human;
use crate::report::{CheckReport, Report, Status, TaskReport};

#[derive(Debug, Clone)]
pub struct Options {
    /// `EXERCISE` or `EXERCISE/TASK` names; empty means all.
    pub selection: Vec<String>,
    /// Grade the reference solutions instead of the learner's exercises.
    pub solutions: bool,
    /// Deadline of each test process.
    pub timeout: Duration,
    /// Skip benchmark checks (they are reported as skipped).
    pub no_bench: bool,
}

/// The first line of a check that was not run because an earlier check of its task
/// timed out (the task timed out: what the check is about was caught by that).
pub const NOT_RUN_AFTER_TIMEOUT: &str = "not run (an earlier check of this task timed out)";

pub fn grade(course: &Course, options: &Options) -> Result<Report> {
    let selected = course.select(&options.selection)?;
    let cores = bench::cores();

    // Which crates each profile must build: only what the selected checks need.
    let needs = |kinds: &[CheckKind]| -> Vec<&Crate> {
        let mut crates: Vec<&Crate> = Vec::new();
        for s in &selected {
            let wanted = s.task.checks.iter().any(|c| kinds.contains(&c.kind));
            if let Some(krate) = s.exercise.graded_crate(options.solutions)
                && wanted
                && !crates.iter().any(|c| c.dir == krate.dir)
            {
                crates.push(krate);
            }
        }
        crates
    };
    let build_for = |kinds: &[CheckKind], profile: Profile, what: &str| -> Result<Option<Build>> {
        let crates = needs(kinds);
        if crates.is_empty() {
            return Ok(None);
        }
        human::phase(&format!("building {what} of {}", names(&crates)));
        if let Some(note) = build::first_build_note(course, profile) {
            human::phase(&format!("  {note}"));
        }
        build::build(course, &crates, profile).map(Some)
    };
    // Checks run in phases, each after the one build it needs: tests and trybuild first
    // (the quickest build, and the verdicts that matter most), then loom models, then
    // benchmarks. The first verdicts come after one build, not after three.
    let phases: [(&[CheckKind], Profile, &str); 3] = [
        (
            &[CheckKind::Test, CheckKind::Trybuild],
            Profile::Test,
            "tests",
        ),
        (&[CheckKind::Loom], Profile::Loom, "loom models"),
        (&[CheckKind::Bench], Profile::Bench, "benchmarks"),
    ];
    let skip_benches = options.no_bench || cores < 2 && all_benches_need_cores(&selected, cores);
    let scratch = course.target_dir.join("course-grader");
    let total: usize = selected.iter().map(|s| s.task.checks.len()).sum();
    let mut done = 0;
    let mut results: Vec<Vec<Option<CheckReport>>> = selected
        .iter()
        .map(|s| vec![None; s.task.checks.len()])
        .collect();
    for (kinds, profile, what) in phases {
        let build = if profile == Profile::Bench && skip_benches {
            None
        } else {
            build_for(kinds, profile, what)?
        };
        let (tests, loom, benches) = match profile {
            Profile::Loom => (None, build.as_ref(), None),
            Profile::Bench => (None, None, build.as_ref()),
            _ => (build.as_ref(), None, None),
        };
        let mut runner = Runner::new(
            tests,
            loom,
            benches,
            options.timeout,
            cores,
            scratch.clone(),
        );
        for (s, row) in selected.iter().zip(&mut results) {
            for (j, check) in s.task.checks.iter().enumerate() {
                if !kinds.contains(&check.kind) {
                    continue;
                }
                done += 1;
                human::check_started(done, total, s, check);
                let hung = row
                    .iter()
                    .flatten()
                    .find(|r| r.status == Status::Timeout)
                    .cloned();
                let result = run_check(&mut runner, s, check, hung.as_ref(), options);
                human::check_finished(&result);
                row[j] = Some(result);
            }
        }
    }
    let tasks = selected
        .iter()
        .zip(results)
        .map(|(s, results)| {
            TaskReport::new(
                &s.exercise.name,
                &s.task.id,
                &s.task.title,
                results.into_iter().flatten().collect(),
            )
        })
        .collect();
    checks::clean_scratch(&scratch);
    Ok(Report::new(options.solutions, cores, tasks))
}

/// Runs one check of a task, unless an earlier check of the task (`hung`) timed out.
fn run_check(
    runner: &mut Runner<'_>,
    s: &Selected<'_>,
    check: &crate::course::Check,
    hung: Option<&CheckReport>,
    options: &Options,
) -> CheckReport {
    // A task's checks call the same code: after one has hung until its deadline, the
    // others would most likely hang too, each for a full deadline. Don't run them.
    match (hung, s.exercise.graded_crate(options.solutions)) {
        (Some(hung), _) => CheckReport::new(
            check.kind.as_str(),
            &check.name,
            check.points,
            Status::Skipped,
            format!(
                "{NOT_RUN_AFTER_TIMEOUT}\n{} `{}` timed out first: fix that and grade again",
                hung.kind, hung.name
            ),
        ),
        (None, Some(krate)) => runner.run(krate, check),
        (None, None) => CheckReport::new(
            check.kind.as_str(),
            &check.name,
            check.points,
            Status::Error,
            format!("exercise {} has no reference solution", s.exercise.name),
        ),
    }
}

/// With one core, speedup checks are skipped without building the benchmarks at all.
fn all_benches_need_cores(selected: &[Selected<'_>], cores: usize) -> bool {
    selected
        .iter()
        .flat_map(|s| &s.task.checks)
        .filter_map(|c| match &c.spec {
            crate::course::CheckSpec::Bench(b) => Some(b.min_cores),
            _ => None,
        })
        .all(|min| cores < min)
}

fn names(crates: &[&Crate]) -> String {
    crates
        .iter()
        .map(|c| c.package.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

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
        build::build(course, &crates, profile).map(Some)
    };
    let tests = build_for(
        &[CheckKind::Test, CheckKind::Trybuild],
        Profile::Test,
        "tests",
    )?;
    let loom = build_for(&[CheckKind::Loom], Profile::Loom, "loom models")?;
    let benches = if options.no_bench || cores < 2 && all_benches_need_cores(&selected, cores) {
        None
    } else {
        build_for(&[CheckKind::Bench], Profile::Bench, "benchmarks")?
    };

    let scratch = course.target_dir.join("course-grader");
    let mut runner = Runner::new(
        tests.as_ref(),
        loom.as_ref(),
        benches.as_ref(),
        options.timeout,
        cores,
        scratch.clone(),
    );
    let total: usize = selected.iter().map(|s| s.task.checks.len()).sum();
    let mut done = 0;
    let mut tasks = Vec::new();
    for s in &selected {
        let mut results: Vec<CheckReport> = Vec::new();
        for check in &s.task.checks {
            done += 1;
            human::check_started(done, total, s, check);
            // A task's checks call the same code: after one has hung until its deadline,
            // the others would most likely hang too, each for a full deadline. Don't run
            // them; they fail with the reason.
            let hung = results.iter().find(|r| r.status == Status::Timeout);
            let result = match (hung, s.exercise.graded_crate(options.solutions)) {
                (Some(hung), _) => CheckReport::new(
                    check.kind.as_str(),
                    &check.name,
                    check.points,
                    Status::Timeout,
                    format!(
                        "not run: {} `{}` of this task timed out first; fix that and grade again",
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
            };
            human::check_finished(&result);
            results.push(result);
        }
        tasks.push(TaskReport::new(
            &s.exercise.name,
            &s.task.id,
            &s.task.title,
            results,
        ));
    }
    checks::clean_scratch(&scratch);
    Ok(Report::new(options.solutions, cores, tasks))
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

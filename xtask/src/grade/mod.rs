//! `cargo xtask grade`: select tasks, build each profile once, run every check, report.

use std::sync::Mutex;
use std::thread;
use std::time::Duration;

use anyhow::Result;

pub mod bench;
pub mod build;
pub mod checks;
pub mod judge;
pub mod libtest;

use crate::course::{CheckKind, Course, Crate, Selected};
use crate::grade::build::{Build, Profile};
use crate::grade::checks::{Builds, Ran, Runner};
use crate::learner::progress::Progress;
use crate::report::human;
use crate::report::{CheckReport, Report, Status, TaskReport};
use crate::sys::cores;
use crate::sys::process::{self, lock};
use crate::sys::shm;

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

/// Grades as the learner's commands do (`grade`, `watch`): an interrupted grade stops
/// here and records nothing; else the results go into the progress file, unless they are
/// the reference solutions'.
pub fn grade_and_record(course: &Course, options: &Options) -> Result<Report> {
    let report = grade(course, options)?;
    process::stop_if_interrupted();
    if !options.solutions {
        let mut progress = Progress::load(&course.root);
        progress.record(&course.exercises, &report);
        if let Err(e) = progress.save() {
            eprintln!("warning: progress not saved: {e:#}");
        }
    }
    Ok(report)
}

pub fn grade(course: &Course, options: &Options) -> Result<Report> {
    let selected = course.select(&options.selection)?;
    let cores = cores::cores();

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
        let builds = match profile {
            Profile::Loom => Builds {
                loom: build.as_ref(),
                ..Builds::default()
            },
            Profile::Bench => Builds {
                benches: build.as_ref(),
                ..Builds::default()
            },
            _ => Builds {
                tests: build.as_ref(),
                ..Builds::default()
            },
        };
        let runner = Runner::new(builds, options.timeout, cores, scratch.clone());
        let phase = Phase {
            runner: &runner,
            selected: &selected,
            kinds,
            options,
            total,
            // Benchmarks run alone: anything beside them would slow one side of a
            // comparison. Other checks run side by side, one per core: many of them
            // mostly wait (for a deadline to pass, for a worker to hang, for a
            // compiler), and the cores are idle meanwhile.
            lanes: if profile == Profile::Bench { 1 } else { cores },
        };
        phase.run(&mut done, &mut results);
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

/// One phase of a grade: the checks of some kinds, run with one build.
struct Phase<'a> {
    runner: &'a Runner<'a>,
    selected: &'a [Selected<'a>],
    kinds: &'a [CheckKind],
    options: &'a Options,
    /// Checks in the whole grade, for the progress lines.
    total: usize,
    /// How many checks may run at the same time.
    lanes: usize,
}

/// A check's place in a grade: the task's index in the selection, the check's in the task.
type At = (usize, usize);

impl Phase<'_> {
    /// Runs the phase's checks on `lanes` threads, a task at a time on each (a task's
    /// checks in order, so that one that times out spares the others of its task a
    /// deadline each). Checks that ran side by side are run again, alone, if one of them
    /// left a process or a shared-memory segment behind: only then is it sure whose
    /// they were (see `process::Outcome::alone`).
    fn run(&self, done: &mut usize, results: &mut [Vec<Option<CheckReport>>]) {
        let segments_before = shm::segments();
        // A check that timed out in an earlier phase spares its task's checks here too,
        // but for loom models: they do not wait on real threads, a deadlock in a model is
        // found and reported at once, and their report says best what hung.
        let carried = !self.kinds.contains(&CheckKind::Loom);
        let hung_before: Vec<Option<CheckReport>> = results
            .iter()
            .map(|row| {
                row.iter()
                    .flatten()
                    .find(|r| carried && r.status == Status::Timeout)
                    .cloned()
            })
            .collect();
        let next_task = Mutex::new(0..self.selected.len());
        let finished: Mutex<Vec<(At, CheckReport, Option<Ran>)>> = Mutex::new(Vec::new());
        let counter = Mutex::new(*done);
        thread::scope(|scope| {
            for _ in 0..self.lanes.max(1) {
                scope.spawn(|| {
                    loop {
                        let Some(i) = lock(&next_task).next() else {
                            return;
                        };
                        let hung = hung_before[i].as_ref();
                        for (at, result, ran) in self.run_task(i, hung, &counter) {
                            lock(&finished).push((at, result, ran));
                        }
                    }
                });
            }
        });
        let finished = finished.into_inner().unwrap_or_else(|p| p.into_inner());
        *done = counter.into_inner().unwrap_or_else(|p| p.into_inner());
        let unsure: Vec<process::Span> = finished
            .iter()
            .filter_map(|(_, _, ran)| ran.filter(|r| r.unsure).map(|r| r.span))
            .collect();
        let mut again = Vec::new();
        for (at, result, ran) in finished {
            let overlaps = ran.is_some_and(|r| unsure.iter().any(|u| u.overlaps(&r.span)));
            if overlaps {
                again.push(at);
            }
            results[at.0][at.1] = Some(result);
        }
        if again.is_empty() {
            return;
        }
        // Nothing runs now: what the side-by-side runs left in /dev/shm can go (the runs
        // that left it are among those run again, and will leave it again if they do).
        shm::remove_new(&segments_before);
        again.sort();
        for (i, j) in again {
            let s = &self.selected[i];
            let check = &s.task.checks[j];
            human::check_again(s, check);
            let (result, _) = self.run_check(s, check, None);
            human::check_finished(&result);
            results[i][j] = Some(result);
        }
    }

    /// Runs the phase's checks of task `i` in order (none after one that timed out, here
    /// or as `hung` in an earlier phase); numbers each in `counter`.
    fn run_task(
        &self,
        i: usize,
        hung: Option<&CheckReport>,
        counter: &Mutex<usize>,
    ) -> Vec<(At, CheckReport, Option<Ran>)> {
        let s = &self.selected[i];
        let mut ran: Vec<(At, CheckReport, Option<Ran>)> = Vec::new();
        for (j, check) in s.task.checks.iter().enumerate() {
            if !self.kinds.contains(&check.kind) {
                continue;
            }
            let hung = hung
                .or_else(|| {
                    ran.iter()
                        .map(|(_, r, _)| r)
                        .find(|r| r.status == Status::Timeout)
                })
                .cloned();
            let (result, how) = if self.lanes == 1 {
                // One at a time: say what runs while it runs (a benchmark takes seconds).
                let n = {
                    let mut n = lock(counter);
                    *n += 1;
                    *n
                };
                human::check_started(n, self.total, s, check);
                let (result, how) = self.run_check(s, check, hung.as_ref());
                human::check_finished(&result);
                (result, how)
            } else {
                let (result, how) = self.run_check(s, check, hung.as_ref());
                // Numbered and printed under the lock, so that the numbers go up.
                let mut n = lock(counter);
                *n += 1;
                human::check_done(*n, self.total, s, check, &result);
                (result, how)
            };
            ran.push(((i, j), result, how));
        }
        ran
    }

    /// Runs one check of a task, unless an earlier check of the task (`hung`) timed out.
    fn run_check(
        &self,
        s: &Selected<'_>,
        check: &crate::course::Check,
        hung: Option<&CheckReport>,
    ) -> (CheckReport, Option<Ran>) {
        // A task's checks call the same code: after one has hung until its deadline, the
        // others would most likely hang too, each for a full deadline. Don't run them.
        match (hung, s.exercise.graded_crate(self.options.solutions)) {
            (Some(hung), _) => (
                CheckReport::new(
                    check.kind.as_str(),
                    &check.name,
                    check.points,
                    Status::Skipped,
                    format!(
                        "{NOT_RUN_AFTER_TIMEOUT}\n{} `{}` timed out first: fix that and grade \
                         again",
                        hung.kind, hung.name
                    ),
                ),
                None,
            ),
            (None, Some(krate)) => self.runner.run(krate, check),
            (None, None) => (
                CheckReport::new(
                    check.kind.as_str(),
                    &check.name,
                    check.points,
                    Status::Error,
                    format!("exercise {} has no reference solution", s.exercise.name),
                ),
                None,
            ),
        }
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

//! The lessons' speed claims, checked: each claim is a benchmark check (two benchmarks of
//! the lesson measured in one run, their ratio against a threshold), so the sentences the
//! book states about speed are verified on every CI run, the same way exercises are graded.

use std::time::Duration;

use anyhow::Result;

use crate::course::{Course, Crate, Lesson};
use crate::grade::build::{self, Profile};
use crate::grade::checks::{self, Builds, Runner};
use crate::report::human;
use crate::report::{Report, TaskReport};
use crate::sys::cores;

/// Checks every claim of `lessons`. The report has one task per claim: the lesson as the
/// exercise, `claim-N` as the task, the sentence as its title.
pub fn check(course: &Course, lessons: &[&Lesson]) -> Result<Report> {
    let cores = cores::cores();
    let crates: Vec<&Crate> = lessons
        .iter()
        .filter(|l| !l.claims.is_empty())
        .map(|l| &l.krate)
        .collect();
    let benches = if crates.is_empty() {
        None
    } else {
        human::phase(&format!(
            "building the benchmarks of {} lesson(s)",
            crates.len()
        ));
        Some(build::build(course, &crates, Profile::Bench)?)
    };
    let scratch = course.target_dir.join("course-claims");
    let builds = Builds {
        benches: benches.as_ref(),
        ..Builds::default()
    };
    let runner = Runner::new(builds, Duration::from_secs(60), cores, scratch.clone());
    let mut tasks = Vec::new();
    for lesson in lessons {
        for (i, claim) in lesson.claims.iter().enumerate() {
            let (result, _) = runner.run(&lesson.krate, &claim.check);
            human::phase(&format!(
                "{} claim {}: {} — {}",
                lesson.name,
                i + 1,
                result.status.as_str(),
                claim.text
            ));
            tasks.push(TaskReport::new(
                &lesson.name,
                &format!("claim-{}", i + 1),
                &claim.text,
                vec![result],
            ));
        }
    }
    checks::clean_scratch(&scratch);
    Ok(Report::new(false, cores, tasks))
}

/// The lessons named in `names` (all when empty), or an error naming the unknown one.
pub fn select<'a>(course: &'a Course, names: &[String]) -> Result<Vec<&'a Lesson>> {
    if names.is_empty() {
        return Ok(course.lessons.iter().collect());
    }
    names
        .iter()
        .map(|name| {
            course
                .lessons
                .iter()
                .find(|l| &l.name == name)
                .ok_or_else(|| {
                    let known: Vec<&str> = course.lessons.iter().map(|l| l.name.as_str()).collect();
                    anyhow::anyhow!(
                        "there is no lesson named `{name}`; known: {}",
                        known.join(", ")
                    )
                })
        })
        .collect()
}

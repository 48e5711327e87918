//! `cargo xtask bench-report [LESSON...]`: runs each lesson's benchmarks, records the medians
//! with the machine and the date in `book/src/LESSON/measured.json`, and regenerates the book
//! pages made from such records (the lesson's table and chart, the closing comparison).
//! No measured number in the book is typed by hand.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::{Result, bail};

use crate::book::measured::{self, Machine, Measured};
use crate::book::pages;
use crate::course::{Course, Lesson};
use crate::grade::bench::{self, Settings};
use crate::grade::build::{self, Profile};
use crate::report::human;

/// Longer than a grading run: these numbers are printed in the book.
const SETTINGS: Settings = Settings {
    warm_up: 1.0,
    measure: 3.0,
};

pub fn run(course: &Course, lessons: &[&Lesson]) -> Result<()> {
    for lesson in lessons {
        human::phase(&format!("building the benchmarks of {}", lesson.name));
        let build = build::build(course, &[&lesson.krate], Profile::Bench)?;
        let exes = build
            .executables
            .get(&lesson.krate.dir)
            .cloned()
            .unwrap_or_default();
        if exes.is_empty() {
            bail!(
                "{} has no benchmarks that built:\n{}",
                lesson.name,
                build.failure_for(&lesson.krate, "lib").unwrap_or_default()
            );
        }
        let scratch = course.target_dir.join("course-bench-report");
        let mut medians = BTreeMap::new();
        for exe in &exes {
            human::phase(&format!("running {} (a minute or two)", exe.target));
            let (outcome, found) = bench::run_filtered(
                &exe.path,
                &lesson.krate,
                None,
                SETTINGS,
                &scratch,
                Duration::from_secs(1800),
            )?;
            if found.is_empty() {
                bail!("{} measured nothing:\n{}", exe.target, outcome.output);
            }
            medians.extend(found);
        }
        let today = crate::sys::clock::timestamp();
        let measured = Measured {
            lesson: lesson.name.clone(),
            date: format!("{}-{}-{}", &today[0..4], &today[4..6], &today[6..8]),
            machine: Machine::this_one(),
            warm_up: SETTINGS.warm_up,
            measure: SETTINGS.measure,
            medians_ns: medians,
        };
        let path = measured::save(course, &measured)?;
        println!("wrote {}", measured::shown(course, &path));
    }
    // The table, the chart and every page quoting these numbers, from the new records.
    pages::write(course)
}

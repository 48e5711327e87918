//! `cargo xtask list`: every exercise and task, with the learner's progress.

use crate::course::Course;
use crate::learner::progress::Progress;
use crate::report::Status;
use crate::report::human;

pub fn list(course: &Course) {
    let progress = Progress::load(&course.root);
    if !course.lessons.is_empty() {
        println!("Lessons (read the code, run the examples):");
        for lesson in &course.lessons {
            println!(
                "  {}  {}  — cargo run -p {} --example NAME",
                lesson.name, lesson.title, lesson.krate.package
            );
        }
    }
    if course.exercises.is_empty() {
        println!("This course has no exercises yet.");
        return;
    }
    let (mut passed, mut total) = (0, 0);
    for exercise in &course.exercises {
        let done = exercise
            .tasks
            .iter()
            .filter(|t| progress.get(exercise, t).and_then(|p| p.status) == Some(Status::Pass))
            .count();
        println!(
            "\n{}  {}  ({done}/{} passed)",
            exercise.name,
            exercise.title,
            exercise.tasks.len()
        );
        let width = exercise.tasks.iter().map(|t| t.id.len()).max().unwrap_or(0);
        for task in &exercise.tasks {
            let status = progress.get(exercise, task).and_then(|p| p.status);
            println!(
                "  {} {:<width$}  {:<13} {}",
                human::symbol(status),
                task.id,
                status.map_or("not graded", |s| s.as_str()),
                task.title
            );
        }
        passed += done;
        total += exercise.tasks.len();
    }
    println!(
        "\n{passed} of {total} tasks passed. Grade with `cargo xtask grade [EXERCISE[/TASK]]`."
    );
}

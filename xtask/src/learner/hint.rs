//! `cargo xtask hint [TASK]`: a task's hints, one more each time it is asked.

use anyhow::{Result, bail};

use crate::course::{self, Course, Exercise, Task};
use crate::learner::progress::Progress;
use crate::report::Status;

pub fn hint(course: &Course, task: Option<&str>, all: bool) -> Result<()> {
    let mut progress = Progress::load(&course.root);
    let (exercise, task) = match task {
        Some(name) => find(course, &progress, name)?,
        None => first_unsolved(course, &progress)
            .ok_or_else(|| anyhow::anyhow!("every task has passed: no hint needed"))?,
    };
    let id = format!("{}/{}", exercise.name, task.id);
    if task.hints.is_empty() {
        println!(
            "{id} has no hints. Its checks are listed in {}/Cargo.toml.",
            exercise.starter.dir.display()
        );
        return Ok(());
    }
    let shown = if all {
        task.hints.len()
    } else {
        progress.show_hint(exercise, task)
    };
    println!("{id}: {}\n", task.title);
    for (i, text) in task.hints.iter().enumerate().take(shown) {
        println!("Hint {} of {}: {text}\n", i + 1, task.hints.len());
    }
    if shown < task.hints.len() {
        println!("Run the same command again for the next hint.");
    } else if let Some(solution) = &exercise.solution {
        println!(
            "That was the last hint. The reference solution is in {}.",
            solution.dir.display()
        );
    }
    if !all {
        progress.save()?;
    }
    Ok(())
}

/// `EXERCISE/TASK`, a bare task id that only one exercise has, or an exercise (its
/// first task not yet passed).
fn find<'a>(
    course: &'a Course,
    progress: &Progress,
    name: &str,
) -> Result<(&'a Exercise, &'a Task)> {
    if name.contains('/') {
        let selected = course.select(&[name.to_owned()])?;
        return Ok((selected[0].exercise, selected[0].task));
    }
    if let Some(exercise) = course.exercises.iter().find(|e| e.name == name) {
        return exercise
            .tasks
            .iter()
            .find(|t| progress.get(exercise, t).and_then(|p| p.status) != Some(Status::Pass))
            .map(|t| (exercise, t))
            .ok_or_else(|| {
                anyhow::anyhow!(
                    "every task of {name} has passed: name one as {name}/TASK \
                     (`cargo xtask list` shows them)"
                )
            });
    }
    let matches: Vec<(&Exercise, &Task)> = course
        .exercises
        .iter()
        .flat_map(|e| e.tasks.iter().map(move |t| (e, t)))
        .filter(|(_, t)| t.id == name)
        .collect();
    match matches[..] {
        [one] => Ok(one),
        [] => {
            let ids: Vec<&str> = course
                .exercises
                .iter()
                .flat_map(|e| e.tasks.iter().map(|t| t.id.as_str()))
                .collect();
            bail!(
                "{}\n(`cargo xtask hint` takes EXERCISE/TASK, a task's id, or an exercise \
                 for a hint on its first task not yet passed)",
                course::unknown("task", name, &ids)
            )
        }
        _ => bail!(
            "several exercises have a task `{name}`: name it as EXERCISE/{name} ({})",
            matches
                .iter()
                .map(|(e, _)| e.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

pub fn first_unsolved<'a>(
    course: &'a Course,
    progress: &Progress,
) -> Option<(&'a Exercise, &'a Task)> {
    course
        .exercises
        .iter()
        .flat_map(|e| e.tasks.iter().map(move |t| (e, t)))
        .find(|(e, t)| progress.get(e, t).and_then(|p| p.status) != Some(Status::Pass))
}

//! Resolving the names a command is given (`EXERCISE`, `EXERCISE/TASK`) into tasks, with
//! a suggestion for a misspelt one.

use anyhow::Result;

use super::{Course, Exercise, Task};

impl Course {
    pub fn exercise(&self, name: &str) -> Option<&Exercise> {
        self.exercises.iter().find(|e| e.name == name)
    }

    /// Resolves `EXERCISE` or `EXERCISE/TASK` arguments into a selection, with a clear
    /// error (and a suggestion) for a name that does not exist.
    pub fn select(&self, args: &[String]) -> Result<Vec<Selected<'_>>> {
        if args.is_empty() {
            return Ok(self
                .exercises
                .iter()
                .flat_map(|e| {
                    e.tasks.iter().map(move |t| Selected {
                        exercise: e,
                        task: t,
                    })
                })
                .collect());
        }
        let mut selected: Vec<Selected<'_>> = Vec::new();
        for arg in args {
            let (exercise_name, task_id) = match arg.split_once('/') {
                Some((e, t)) => (e, Some(t)),
                None => (arg.as_str(), None),
            };
            let exercise = self.exercise(exercise_name).ok_or_else(|| {
                let names: Vec<&str> = self.exercises.iter().map(|e| e.name.as_str()).collect();
                unknown("exercise", exercise_name, &names)
            })?;
            let tasks: Vec<&Task> = match task_id {
                None => exercise.tasks.iter().collect(),
                Some(id) => vec![exercise.task(id).ok_or_else(|| {
                    let ids: Vec<&str> = exercise.tasks.iter().map(|t| t.id.as_str()).collect();
                    unknown(&format!("task in {}", exercise.name), id, &ids)
                })?],
            };
            for task in tasks {
                if !selected
                    .iter()
                    .any(|s| s.exercise.name == exercise.name && s.task.id == task.id)
                {
                    selected.push(Selected { exercise, task });
                }
            }
        }
        Ok(selected)
    }
}

/// An error for a name that is not in `known`, suggesting the closest one.
pub fn unknown(what: &str, name: &str, known: &[&str]) -> anyhow::Error {
    let closest = known
        .iter()
        .map(|k| (strsim::levenshtein(name, k), *k))
        .filter(|(distance, k)| *distance <= 3.max(k.len() / 3))
        .min();
    let mut message = format!("there is no {what} named `{name}`");
    if let Some((_, suggestion)) = closest {
        message.push_str(&format!("; did you mean `{suggestion}`?"));
    }
    if known.is_empty() {
        message.push_str(" (none exist yet)");
    } else {
        message.push_str(&format!("\nknown: {}", known.join(", ")));
    }
    anyhow::anyhow!(message)
}

/// One task chosen for grading.
#[derive(Debug, Clone, Copy)]
pub struct Selected<'a> {
    pub exercise: &'a Exercise,
    pub task: &'a Task,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_names_suggest_the_closest() {
        let err = unknown("exercise", "01-thread", &["01-threads", "02-shared-state"]);
        let text = err.to_string();
        assert!(text.contains("did you mean `01-threads`"), "{text}");
        let err = unknown("exercise", "zzz", &["01-threads"]);
        assert!(!err.to_string().contains("did you mean"), "{err}");
    }
}

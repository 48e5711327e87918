//! The learner's progress, kept in `.course/progress.json` at the workspace root.
//!
//! Progress is derived from grading results: every grade of the learner's exercises
//! records each graded task's status. Tasks are keyed by exercise and task id; a task's
//! `formerly` ids find progress recorded before a rename, and entries of removed tasks
//! are kept but ignored. A file that cannot be read is moved aside (nothing is lost) and
//! progress starts again from the next grade.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::course::{Exercise, Task};
use crate::report::{Report, Status};

const VERSION: u32 = 1;

#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Progress {
    pub version: u32,
    /// Keyed by `exercise/task`.
    #[serde(default)]
    pub tasks: BTreeMap<String, TaskProgress>,
    #[serde(skip)]
    path: PathBuf,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TaskProgress {
    pub status: Option<Status>,
    /// Seconds since the Unix epoch.
    #[serde(default)]
    pub graded_at: u64,
    /// How many hints `cargo xtask hint` has shown.
    #[serde(default)]
    pub hints_shown: usize,
}

impl Progress {
    pub fn path(root: &Path) -> PathBuf {
        root.join(".course").join("progress.json")
    }

    /// Loads the progress file. A missing file is a fresh start; a corrupted one gives a
    /// warning, is kept beside as `progress.json.corrupt-TIMESTAMP`, and is rebuilt.
    pub fn load(root: &Path) -> Progress {
        let path = Progress::path(root);
        let fresh = || Progress {
            version: VERSION,
            path: path.clone(),
            ..Progress::default()
        };
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return fresh(),
            Err(e) => {
                eprintln!(
                    "warning: cannot read {}: {e}; progress starts afresh",
                    path.display()
                );
                return fresh();
            }
        };
        match serde_json::from_slice::<Progress>(&bytes) {
            Ok(mut progress) if progress.version == VERSION => {
                progress.path = path;
                progress
            }
            parsed => {
                let why = match parsed {
                    Ok(p) => format!("it has version {}, expected {VERSION}", p.version),
                    Err(e) => e.to_string(),
                };
                let aside =
                    path.with_extension(format!("json.corrupt-{}", crate::sys::clock::timestamp()));
                let kept = std::fs::rename(&path, &aside).is_ok();
                eprintln!(
                    "warning: the progress file {} could not be read ({why}).\n\
                     {}Progress will be rebuilt by the next `cargo xtask grade`.",
                    path.display(),
                    if kept {
                        format!("It was kept as {}. ", aside.display())
                    } else {
                        String::new()
                    }
                );
                fresh()
            }
        }
    }

    /// Writes the file atomically (a crash mid-write leaves the old file, not half a file).
    pub fn save(&self) -> Result<()> {
        let dir = self.path.parent().context("progress path has no parent")?;
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        let tmp = self.path.with_extension("json.tmp");
        let json = serde_json::to_string_pretty(self).expect("progress always serializes");
        std::fs::write(&tmp, json).with_context(|| format!("writing {}", tmp.display()))?;
        std::fs::rename(&tmp, &self.path)
            .with_context(|| format!("replacing {}", self.path.display()))
    }

    /// The progress of `task`, found under its id or any id it had before.
    pub fn get(&self, exercise: &Exercise, task: &Task) -> Option<&TaskProgress> {
        std::iter::once(&task.id)
            .chain(&task.formerly)
            .find_map(|id| self.tasks.get(&key(&exercise.name, id)))
    }

    fn entry(&mut self, exercise: &Exercise, task: &Task) -> &mut TaskProgress {
        let current = key(&exercise.name, &task.id);
        if !self.tasks.contains_key(&current) {
            // Move progress recorded under a former id to the current one.
            let old = task
                .formerly
                .iter()
                .find_map(|id| self.tasks.remove(&key(&exercise.name, id)));
            self.tasks.insert(
                current.clone(),
                old.unwrap_or(TaskProgress {
                    status: None,
                    graded_at: 0,
                    hints_shown: 0,
                }),
            );
        }
        self.tasks.get_mut(&current).expect("just inserted")
    }

    /// Records the results of grading the learner's exercises.
    pub fn record(&mut self, exercises: &[Exercise], report: &Report) {
        let now = crate::sys::clock::unix_now();
        for result in &report.tasks {
            let Some(exercise) = exercises.iter().find(|e| e.name == result.exercise) else {
                continue;
            };
            let Some(task) = exercise.task(&result.task) else {
                continue;
            };
            let entry = self.entry(exercise, task);
            entry.status = Some(result.status);
            entry.graded_at = now;
        }
    }

    /// Clears the recorded statuses of an exercise's tasks (after a reset); hints stay.
    pub fn forget(&mut self, exercise: &Exercise) {
        for task in &exercise.tasks {
            self.entry(exercise, task).status = None;
        }
    }

    /// Counts one more hint shown for `task` and returns how many have been shown.
    pub fn show_hint(&mut self, exercise: &Exercise, task: &Task) -> usize {
        let entry = self.entry(exercise, task);
        entry.hints_shown = (entry.hints_shown + 1).min(task.hints.len());
        entry.hints_shown
    }
}

fn key(exercise: &str, task: &str) -> String {
    format!("{exercise}/{task}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::Crate;
    use crate::report::TaskReport;

    fn task(id: &str, formerly: &[&str]) -> Task {
        Task {
            id: id.into(),
            title: String::new(),
            formerly: formerly.iter().map(|s| s.to_string()).collect(),
            hints: vec!["a".into(), "b".into()],
            checks: Vec::new(),
        }
    }

    fn exercise(tasks: Vec<Task>) -> Exercise {
        let krate = Crate {
            package: "exercise-01-x".into(),
            id: String::new(),
            version: "0.1.0".into(),
            dir: PathBuf::new(),
        };
        Exercise {
            name: "01-x".into(),
            title: String::new(),
            starter: krate,
            solution: None,
            tasks,
        }
    }

    fn in_temp(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("course-progress-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn passed(exercises: &[Exercise], task: &str) -> Report {
        let t = TaskReport::new(&exercises[0].name, task, "", Vec::new());
        let mut report = Report::new(false, 2, vec![t]);
        report.tasks[0].status = Status::Pass;
        report
    }

    #[test]
    fn progress_follows_a_renamed_task_and_ignores_removed_ones() {
        let root = in_temp("rename");
        let before = vec![exercise(vec![task("old", &[]), task("gone", &[])])];
        let mut progress = Progress::load(&root);
        progress.record(&before, &passed(&before, "old"));
        progress.record(&before, &passed(&before, "gone"));
        progress.save().unwrap();

        // A course update renames `old` to `new` and removes `gone`.
        let after = [exercise(vec![task("new", &["old"])])];
        let mut progress = Progress::load(&root);
        let status = progress
            .get(&after[0], &after[0].tasks[0])
            .and_then(|p| p.status);
        assert_eq!(status, Some(Status::Pass));
        // Recording under the new id moves the entry; the removed task's entry is kept.
        progress.show_hint(&after[0], &after[0].tasks[0]);
        assert!(progress.tasks.contains_key("01-x/new"));
        assert!(!progress.tasks.contains_key("01-x/old"));
        assert!(progress.tasks.contains_key("01-x/gone"));
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn hints_are_counted_up_to_the_last_one() {
        let root = in_temp("hints");
        let ex = exercise(vec![task("t", &[])]);
        let mut progress = Progress::load(&root);
        let counts: Vec<usize> = (0..3)
            .map(|_| progress.show_hint(&ex, &ex.tasks[0]))
            .collect();
        assert_eq!(counts, [1, 2, 2]);
    }

    #[test]
    fn a_file_of_another_version_is_set_aside_not_lost() {
        let root = in_temp("version");
        let path = Progress::path(&root);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, r#"{"version": 99, "tasks": {}}"#).unwrap();
        let progress = Progress::load(&root);
        assert!(progress.tasks.is_empty());
        let kept = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .contains("corrupt")
            })
            .count();
        assert_eq!(kept, 1);
        let _ = std::fs::remove_dir_all(&root);
    }
}

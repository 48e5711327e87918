//! Book pages generated from the exercise manifests: `book/src/EXERCISE/tasks.md` lists
//! each task, how to grade it, its checks and its hints (folded, so they are not read by
//! accident). The manifest is the one source; `cargo xtask test` fails when a committed
//! page no longer matches it.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use crate::course::{CheckSpec, Course, Exercise, SpeedupRule};

/// Where the page of `exercise` lives.
fn path(course: &Course, exercise: &Exercise) -> PathBuf {
    course
        .root
        .join("book/src")
        .join(&exercise.name)
        .join("tasks.md")
}

/// Writes every exercise's page.
pub fn write(course: &Course) -> Result<()> {
    for exercise in &course.exercises {
        let path = path(course, exercise);
        std::fs::create_dir_all(path.parent().expect("has a parent"))?;
        std::fs::write(&path, render(exercise))
            .with_context(|| format!("writing {}", path.display()))?;
        println!(
            "wrote {}",
            path.strip_prefix(&course.root).unwrap_or(&path).display()
        );
    }
    Ok(())
}

/// Fails when a committed page differs from what the manifest gives now.
pub fn check_fresh(course: &Course) -> Result<()> {
    let stale: Vec<String> = course
        .exercises
        .iter()
        .filter(|e| std::fs::read_to_string(path(course, e)).ok() != Some(render(e)))
        .map(|e| e.name.clone())
        .collect();
    if stale.is_empty() {
        Ok(())
    } else {
        bail!(
            "the task pages of {} do not match their manifests: run `cargo xtask book-pages` and commit",
            stale.join(", ")
        )
    }
}

fn render(exercise: &Exercise) -> String {
    let mut md = format!(
        "<!-- Generated from exercises/{0}/Cargo.toml by `cargo xtask book-pages`: do not edit. -->\n\n",
        exercise.name
    );
    let _ = writeln!(
        md,
        "Your code goes in `exercises/{0}/src/`. Grade everything with `cargo xtask grade {0}`, \
         one task with `cargo xtask grade {0}/TASK`, or keep `cargo xtask watch {0}` running \
         while you work.\n",
        exercise.name
    );
    md.push_str("| task | what you build | points |\n|---|---|---:|\n");
    for (i, task) in exercise.tasks.iter().enumerate() {
        let points: u32 = task.checks.iter().map(|c| c.points).sum();
        let _ = writeln!(
            md,
            "| {}. `{}` | {} | {points} |",
            i + 1,
            task.id,
            task.title
        );
    }
    for (i, task) in exercise.tasks.iter().enumerate() {
        let _ = writeln!(md, "\n## {}. `{}`: {}\n", i + 1, task.id, task.title);
        let _ = writeln!(
            md,
            "`cargo xtask grade {}/{}` runs these checks:\n",
            exercise.name, task.id
        );
        for check in &task.checks {
            let what = match &check.spec {
                CheckSpec::Bench(b) => {
                    let rule = match b.rule {
                        SpeedupRule::Fixed(r) => format!("at least {r}× as fast"),
                        SpeedupRule::PerCore { per_core, .. } => {
                            format!(
                                "at least {per_core} × cores times as fast (skipped on one core)"
                            )
                        }
                    };
                    format!(
                        "benchmark: `{}` must be {rule} as `{}`, measured in the same run",
                        b.candidate, b.baseline
                    )
                }
                CheckSpec::Test { .. } => format!("{} `{}`", check.kind, check.name),
            };
            let unit = if check.points == 1 { "point" } else { "points" };
            let _ = writeln!(md, "- {what} ({} {unit})", check.points);
        }
        for (n, hint) in task.hints.iter().enumerate() {
            let _ = write!(
                md,
                "\n<details>\n<summary>Hint {} of {}</summary>\n\n{hint}\n\n</details>\n",
                n + 1,
                task.hints.len()
            );
        }
    }
    md
}

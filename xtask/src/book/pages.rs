//! The book's generated pages, each made from one source, so that nothing in them is typed
//! by hand and nothing can drift from what it describes:
//! - `book/src/EXERCISE/tasks.md`, from the exercise's manifest: each task, how to grade it,
//!   its checks and its hints (folded, so they are not read by accident);
//! - `book/src/LESSON/measured.md` and `measured.svg`, from the lesson's `measured.json`
//!   (written by `cargo xtask bench-report`): the table, the chart and the claims;
//! - `book/src/X.md` for each template `book/templates/X.md`: pages whose prose quotes
//!   measured numbers (the closing comparison, a lesson's discussion of its benchmarks),
//!   see `template`. No other hand-written page may type such a number (see `figures`).
//!
//! `cargo xtask book-pages` writes them; `cargo xtask test` fails when a committed page no
//! longer matches its source.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use crate::book::chart;
use crate::book::measured::{self, Measured};
use crate::book::template;
use crate::course::{CheckSpec, Course, Exercise, SpeedupRule};

/// A generated page: where it goes and what it says.
struct Page {
    path: PathBuf,
    text: String,
}

/// Every generated page of the book, rendered from its source now.
fn all(course: &Course) -> Result<Vec<Page>> {
    let src = course.root.join("book/src");
    let mut pages: Vec<Page> = course
        .exercises
        .iter()
        .map(|e| Page {
            path: src.join(&e.name).join("tasks.md"),
            text: render(e),
        })
        .collect();
    let mut records = BTreeMap::new();
    for lesson in &course.lessons {
        let Some(measured) = measured::load(course, &lesson.name)? else {
            if lesson.claims.is_empty() {
                continue;
            }
            bail!(
                "lesson {0} has not been measured yet (no book/src/{0}/measured.json): run \
                 `cargo xtask bench-report {0}`",
                lesson.name
            );
        };
        let dir = measured::dir(course, &lesson.name);
        let title = format!("{}: median time per benchmark", lesson.title);
        pages.push(Page {
            path: dir.join("measured.svg"),
            text: chart::render(&title, &measured),
        });
        pages.push(Page {
            path: dir.join("measured.md"),
            text: measured::render_page(lesson, &measured),
        });
        records.insert(lesson.name.clone(), measured);
    }
    pages.extend(templates(course, &records)?);
    Ok(pages)
}

/// The pages made from the templates in `book/templates/`: `book/templates/X.md` makes
/// `book/src/X.md`, in a lesson's folder too (`02-shared-state/channels.md`).
fn templates(course: &Course, records: &BTreeMap<String, Measured>) -> Result<Vec<Page>> {
    let dir = course.root.join("book/templates");
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let python = crate::book::cpython::load(course)?;
    let mut pages = Vec::new();
    for path in crate::book::listings::markdown_files(&dir)? {
        let name = path
            .strip_prefix(&dir)
            .expect("found under book/templates")
            .to_path_buf();
        let source = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        let text = template::render(&source, records, python.as_ref())
            .with_context(|| format!("in book/templates/{}", name.display()))?;
        pages.push(Page {
            path: course.root.join("book/src").join(&name),
            text,
        });
    }
    Ok(pages)
}

/// The paths of every generated page of the book.
pub fn generated(course: &Course) -> Result<Vec<PathBuf>> {
    Ok(all(course)?.into_iter().map(|p| p.path).collect())
}

/// Writes every generated page that differs from what is on disk.
pub fn write(course: &Course) -> Result<()> {
    for page in all(course)? {
        if std::fs::read_to_string(&page.path).ok().as_ref() == Some(&page.text) {
            continue;
        }
        std::fs::create_dir_all(page.path.parent().expect("has a parent"))?;
        std::fs::write(&page.path, &page.text)
            .with_context(|| format!("writing {}", page.path.display()))?;
        println!("wrote {}", measured::shown(course, &page.path));
    }
    Ok(())
}

/// Fails when a committed page differs from what its source gives now.
pub fn check_fresh(course: &Course) -> Result<()> {
    let stale: Vec<String> = all(course)?
        .into_iter()
        .filter(|p| std::fs::read_to_string(&p.path).ok().as_ref() != Some(&p.text))
        .map(|p| measured::shown(course, &p.path))
        .collect();
    if stale.is_empty() {
        Ok(())
    } else {
        bail!(
            "these generated pages do not match their sources: {}; run `cargo xtask book-pages` and commit",
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

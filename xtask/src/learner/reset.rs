//! `cargo xtask reset EXERCISE`: restore the starter from git, after backing up the
//! learner's version to `.course/backups/EXERCISE-TIMESTAMP/`. Nothing is deleted: files
//! the starter does not have are moved into the backup too.
//!
//! `cargo xtask reset --undo EXERCISE` puts the latest backup back, after backing up the
//! exercise as it is now: undoing twice gives back what the first undo replaced.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::course::{Course, Exercise};
use crate::learner::progress::Progress;

/// The exercise `name` names: reset works on whole exercises, not tasks.
fn exercise<'a>(course: &'a Course, name: &str, command: &str) -> Result<&'a Exercise> {
    let selected = course.select(&[name.to_owned()])?;
    if name.contains('/') {
        bail!(
            "reset takes an exercise, not a task: `cargo xtask {command} {}`",
            selected[0].exercise.name
        );
    }
    Ok(selected[0].exercise)
}

pub fn reset(course: &Course, name: &str, from: &str) -> Result<()> {
    let exercise = exercise(course, name, "reset")?;
    let dir = &exercise.starter.dir;
    let top = PathBuf::from(git(&course.root, &["rev-parse", "--show-toplevel"]).context(
        "reset restores the starter from the course's git history, and this folder is not a git checkout",
    )?.trim());
    let rel = dir
        .strip_prefix(&top)
        .context("the exercise is outside the git checkout")?;
    let listing = git(
        &top,
        &[
            "ls-tree",
            "-r",
            "-z",
            "--name-only",
            from,
            "--",
            &rel.to_string_lossy(),
        ],
    )
    .with_context(|| format!("`{from}` is not a revision of this repository"))?;
    let starter: Vec<PathBuf> = listing
        .split('\0')
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
        .collect();
    if starter.is_empty() {
        bail!("{from} has no files under {}", rel.display());
    }

    // What differs: starter files changed or missing, and files the starter lacks.
    let mut changed = Vec::new();
    for path in &starter {
        let wanted = git_bytes(&top, &["show", &format!("{from}:{}", path.display())])?;
        let current = std::fs::read(top.join(path)).ok();
        if current.as_deref() != Some(&wanted[..]) {
            changed.push((path.clone(), Some(wanted)));
        }
    }
    for path in files_under(dir)? {
        let rel = path
            .strip_prefix(&top)
            .expect("under the checkout")
            .to_path_buf();
        if !starter.contains(&rel) {
            changed.push((rel, None));
        }
    }
    if changed.is_empty() {
        println!(
            "{} is already the starter of {from}: nothing to reset.",
            exercise.name
        );
        return Ok(());
    }

    let backup = back_up(course, &exercise.name, dir)?;
    for (path, content) in &changed {
        let full = top.join(path);
        match content {
            Some(bytes) => {
                std::fs::create_dir_all(full.parent().expect("a file has a parent"))?;
                std::fs::write(&full, bytes)
                    .with_context(|| format!("restoring {}", full.display()))?;
                println!("restored  {}", path.display());
            }
            None => {
                std::fs::remove_file(&full)
                    .with_context(|| format!("removing {}", full.display()))?;
                println!(
                    "moved     {} (not in the starter; it is in the backup)",
                    path.display()
                );
            }
        }
    }
    let mut progress = Progress::load(&course.root);
    progress.forget(exercise);
    progress.save()?;
    println!(
        "\n{} is back to its starter. Your version is in {}\n\
         (`cargo xtask reset --undo {}` puts it back)",
        exercise.name,
        backup.display(),
        exercise.name
    );
    Ok(())
}

/// Puts the latest backup of an exercise back, after backing up its current files.
pub fn undo(course: &Course, name: &str) -> Result<()> {
    let exercise = exercise(course, name, "reset --undo")?;
    let dir = &exercise.starter.dir;
    let Some(latest) = backups(course, &exercise.name)?.pop() else {
        bail!(
            "{} has no backup to put back: `cargo xtask reset {}` makes one",
            exercise.name,
            exercise.name
        );
    };
    let saved = back_up(course, &exercise.name, dir)?;
    let wanted = files_under(&latest)?;
    for path in files_under(dir)? {
        let rel = path.strip_prefix(dir).expect("under the exercise");
        if !wanted
            .iter()
            .any(|w| w.strip_prefix(&latest).ok() == Some(rel))
        {
            std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        }
    }
    for path in &wanted {
        let target = dir.join(path.strip_prefix(&latest).expect("under the backup"));
        std::fs::create_dir_all(target.parent().expect("a file has a parent"))?;
        std::fs::copy(path, &target).with_context(|| format!("restoring {}", target.display()))?;
    }
    let mut progress = Progress::load(&course.root);
    progress.forget(exercise);
    progress.save()?;
    println!(
        "{} is back to your version of {}. What it was until now is in {}",
        exercise.name,
        latest.display(),
        saved.display()
    );
    Ok(())
}

fn backups_dir(course: &Course) -> PathBuf {
    course.root.join(".course").join("backups")
}

/// Copies every file of `dir` (but build output) into a new backup of `name`.
fn back_up(course: &Course, name: &str, dir: &Path) -> Result<PathBuf> {
    let stamp = crate::sys::clock::timestamp();
    // Two backups in one second get `-2`, `-3`, ...: none overwrites another.
    let backup = (1..)
        .map(|n| match n {
            1 => backups_dir(course).join(format!("{name}-{stamp}")),
            n => backups_dir(course).join(format!("{name}-{stamp}-{n}")),
        })
        .find(|path| !path.exists())
        .expect("some suffix is free");
    std::fs::create_dir_all(&backup)
        .with_context(|| format!("creating the backup {}", backup.display()))?;
    for path in files_under(dir)? {
        let target = backup.join(path.strip_prefix(dir).expect("under the exercise"));
        std::fs::create_dir_all(target.parent().expect("a file has a parent"))?;
        std::fs::copy(&path, &target).with_context(|| format!("backing up {}", path.display()))?;
    }
    Ok(backup)
}

/// The backups of exercise `name`, oldest first.
fn backups(course: &Course, name: &str) -> Result<Vec<PathBuf>> {
    let Ok(entries) = std::fs::read_dir(backups_dir(course)) else {
        return Ok(Vec::new());
    };
    let mut found: Vec<((String, u32), PathBuf)> = Vec::new();
    for entry in entries {
        let path = entry?.path();
        let Some(rest) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_prefix(name))
            .and_then(|n| n.strip_prefix('-'))
        else {
            continue;
        };
        // `YYYYMMDD-HHMMSS`, then `-N` for the N-th backup of that second.
        let (stamp, n) = match rest.get(15..) {
            Some("") => (rest, 1),
            Some(suffix) => match suffix.strip_prefix('-').and_then(|n| n.parse().ok()) {
                Some(n) => (&rest[..15], n),
                None => continue,
            },
            None => continue,
        };
        let is_stamp = stamp.len() == 15
            && stamp
                .char_indices()
                .all(|(i, c)| if i == 8 { c == '-' } else { c.is_ascii_digit() });
        if is_stamp && path.is_dir() {
            found.push(((stamp.to_owned(), n), path));
        }
    }
    found.sort();
    Ok(found.into_iter().map(|(_, path)| path).collect())
}

/// Every file under `dir`, skipping build output.
fn files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    files_skipping(dir, &["target"])
}

/// Every file under `dir`, sorted, skipping the folders named in `skip` (at any depth).
pub fn files_skipping(dir: &Path, skip: &[&str]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).with_context(|| format!("reading {}", d.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                if path
                    .file_name()
                    .is_some_and(|n| !skip.iter().any(|s| n == *s))
                {
                    stack.push(path);
                }
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

fn git(dir: &Path, args: &[&str]) -> Result<String> {
    Ok(String::from_utf8(git_bytes(dir, args)?)?)
}

fn git_bytes(dir: &Path, args: &[&str]) -> Result<Vec<u8>> {
    let out = Command::new("git")
        .current_dir(dir)
        .args(args)
        .output()
        .context("could not run git")?;
    if !out.status.success() {
        bail!(
            "git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(out.stdout)
}

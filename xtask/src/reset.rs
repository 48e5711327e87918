//! `cargo xtask reset EXERCISE`: restore the starter from git, after backing up the
//! learner's version to `.course/backups/EXERCISE-TIMESTAMP/`. Nothing is deleted: files
//! the starter does not have are moved into the backup too.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::course::Course;
use crate::progress::Progress;

pub fn reset(course: &Course, name: &str, from: &str) -> Result<()> {
    let selected = course.select(&[name.to_owned()])?;
    if name.contains('/') {
        bail!(
            "reset takes an exercise, not a task: `cargo xtask reset {}`",
            selected[0].exercise.name
        );
    }
    let exercise = selected[0].exercise;
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

    let backup = course.root.join(".course").join("backups").join(format!(
        "{}-{}",
        exercise.name,
        crate::timestamp()
    ));
    for path in files_under(dir)? {
        let target = backup.join(path.strip_prefix(dir).expect("under the exercise"));
        std::fs::create_dir_all(target.parent().expect("a file has a parent"))?;
        std::fs::copy(&path, &target).with_context(|| format!("backing up {}", path.display()))?;
    }
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
        "\n{} is back to its starter. Your version is in {}",
        exercise.name,
        backup.display()
    );
    Ok(())
}

/// Every file under `dir`, skipping build output.
fn files_under(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).with_context(|| format!("reading {}", d.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "target") {
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

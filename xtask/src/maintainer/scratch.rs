//! Scratch courses: copies of the course's crates in a workspace of their own, graded
//! as a learner's would be. `cargo xtask submissions` makes them, and so do the grader's
//! lesson tests (`xtask/tests/support`, which include this file by path), with one copy
//! of each helper.

use std::path::Path;

use anyhow::{Context, Result};

/// A new, empty course at `root` (whatever was there is removed) whose workspace has
/// `members` (paths inside it), with everything the manifest of the course at `course`
/// says from `[workspace.package]` on (dependencies, lints, profiles), and its lock file
/// and toolchain.
pub fn workspace(course: &Path, root: &Path, members: &[&str]) -> Result<()> {
    let _ = std::fs::remove_dir_all(root);
    std::fs::create_dir_all(root).with_context(|| format!("creating {}", root.display()))?;
    let manifest = std::fs::read_to_string(course.join("Cargo.toml"))?;
    let shared = manifest
        .find("[workspace.package]")
        .map(|at| &manifest[at..])
        .context("the course's Cargo.toml has no [workspace.package] table")?;
    let members: Vec<String> = members.iter().map(|m| format!("{m:?}")).collect();
    std::fs::write(
        root.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n\n{shared}",
            members.join(", ")
        ),
    )?;
    for file in ["Cargo.lock", "rust-toolchain.toml"] {
        if course.join(file).is_file() {
            std::fs::copy(course.join(file), root.join(file))?;
        }
    }
    Ok(())
}

/// Copies the folder `from` into `to`, recursively: files (with their permissions),
/// folders, and symbolic links as links (a solution's `tests/ui` is one).
pub fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        let kind = entry.file_type()?;
        if kind.is_symlink() {
            let _ = std::fs::remove_file(&target);
            std::os::unix::fs::symlink(std::fs::read_link(entry.path())?, &target)?;
        } else if kind.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Makes the copy of a solution in `src` find the exercise's given files beside it.
///
/// A solution includes the files its exercise gives by path
/// (`#[path = "../../../exercises/NN-name/src/work.rs"]`). A copy whose `src/` is the
/// exercise's, overlaid with the solution's, has them in the same folder, where a plain
/// `mod` finds them: the `#[path]` lines go.
pub fn include_given_files_beside(src: &Path) -> Result<()> {
    let lib = src.join("lib.rs");
    let text: String = std::fs::read_to_string(&lib)?
        .lines()
        .filter(|line| !line.starts_with("#[path = "))
        .map(|line| format!("{line}\n"))
        .collect();
    std::fs::write(&lib, text)?;
    Ok(())
}

/// Replaces `from` with `to` in every file under `dir`.
pub fn replace_in_files(dir: &Path, from: &str, to: &str) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            replace_in_files(&path, from, to)?;
        } else if entry.file_type()?.is_file()
            && let Ok(text) = std::fs::read_to_string(&path)
            && text.contains(from)
        {
            std::fs::write(&path, text.replace(from, to))?;
        }
    }
    Ok(())
}

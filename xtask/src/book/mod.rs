//! `cargo xtask book [--serve]`: the course's mdBook, built with the pinned mdBook (installed
//! into `.tools/` on first use), after writing the generated pages and checking that every
//! listing in it is real code (`listings`). The modules below make the book's pages:
//! generated pages from measured records, charts and templates, the CPython comparison,
//! the figure and listing checks, and the handouts.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

pub mod chart;
pub mod cpython;
pub mod figures;
pub mod handouts;
pub mod listings;
pub mod measured;
pub mod pages;
pub mod template;

use crate::course::Course;
use crate::sys::tools;

/// Where the book is written unless told otherwise: `target/book`.
pub fn default_dest(course: &Course) -> PathBuf {
    course.target_dir.join("book")
}

/// Builds the book into `dest` and returns the path of its first page.
pub fn build(course: &Course, dest: &Path) -> Result<PathBuf> {
    mdbook(course, "build", dest, &[])?;
    Ok(dest.join("index.html"))
}

/// Serves the book on http://localhost:3000, rebuilding it when a page changes.
pub fn serve(course: &Course, dest: &Path) -> Result<()> {
    mdbook(
        course,
        "serve",
        dest,
        &["--hostname", "127.0.0.1", "--port", "3000"],
    )
}

/// Runs `mdbook COMMAND book --dest-dir DEST ARGS...` once the book is ready for it.
fn mdbook(course: &Course, command: &str, dest: &Path, args: &[&str]) -> Result<()> {
    let mdbook = prepare(course)?;
    let status = Command::new(&mdbook)
        .arg(command)
        .arg(course.root.join("book"))
        .arg("--dest-dir")
        .arg(dest)
        .args(args)
        .status()
        .with_context(|| format!("running {}", mdbook.display()))?;
    if !status.success() {
        bail!("`mdbook {command}` failed ({status})");
    }
    Ok(())
}

/// Writes the generated pages, checks the listings, and returns the pinned mdBook.
fn prepare(course: &Course) -> Result<PathBuf> {
    pages::write(course)?;
    listings::check(&course.root, &course.root.join("book/src"))?;
    tools::mdbook(course)
}

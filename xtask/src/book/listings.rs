//! The book shows only code that cargo compiles and tests. Before mdBook runs,
//! `cargo xtask book` reads every Markdown file under `book/src` and fails on:
//! - a ```` ```rust ```` block with anything but `{{#include}}` lines in it: Rust typed into
//!   the book would be compiled by nobody. The only exception is a block marked
//!   ```` ```rust,illustration ````, a sketch that is not meant to compile (the book labels it);
//! - a Rust block that includes a file outside `lessons/`, `exercises/` and `solutions/`;
//! - a code block that names no language, or an indented one (either could hide Rust, which
//!   mdBook would then show as if it were real);
//! - an `{{#include}}` of a file or an anchor that does not exist (mdBook would only warn and
//!   show nothing).

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

/// Where Rust listings may come from: crates that cargo builds and tests.
const CODE_DIRS: [&str; 3] = ["lessons", "exercises", "solutions"];

/// Checks every Markdown file under `book_src`; `root` is the workspace root.
pub fn check(root: &Path, book_src: &Path) -> Result<()> {
    let mut problems = Vec::new();
    for file in markdown_files(book_src)? {
        let text = std::fs::read_to_string(&file)?;
        let shown = file
            .strip_prefix(root)
            .unwrap_or(&file)
            .display()
            .to_string();
        for (line, problem) in check_page(root, &file, &text) {
            problems.push(format!("{shown}:{line}: {problem}"));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        bail!(
            "the book's listings are not all real code:\n  {}\n\
             Include Rust from a lesson, exercise or solution crate with \
             {{{{#include ../../../lessons/NN-name/src/file.rs:anchor}}}}, or mark a sketch that \
             is not meant to compile as ```rust,illustration.",
            problems.join("\n  ")
        )
    }
}

/// Every `.md` file under `dir`, in its subfolders too, sorted.
pub fn markdown_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut dirs = vec![dir.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "md") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// The problems of one page, by line number.
fn check_page(root: &Path, file: &Path, text: &str) -> Vec<(usize, String)> {
    let line_of = |offset: usize| text[..offset].matches('\n').count() + 1;
    let mut problems = Vec::new();
    // Every include on the page, in code blocks or not, must find its file and anchor.
    for (offset, directive) in directives(text) {
        if let Err(problem) = resolve(root, file, directive) {
            problems.push((line_of(offset), problem));
        }
    }
    let mut block: Option<(usize, String, String)> = None; // (line, info, body)
    for (event, range) in Parser::new_ext(text, Options::all()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => problems.push((
                line_of(range.start),
                "an indented code block: use a fenced block that names its language".to_owned(),
            )),
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => {
                block = Some((line_of(range.start), info.to_string(), String::new()));
            }
            Event::Text(t) => {
                if let Some((_, _, body)) = &mut block {
                    body.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((line, info, body)) = block.take()
                    && let Err(problem) = check_block(root, file, &info, &body)
                {
                    problems.push((line, problem));
                }
            }
            _ => {}
        }
    }
    problems.sort();
    problems
}

fn check_block(root: &Path, file: &Path, info: &str, body: &str) -> Result<(), String> {
    let mut words = info.split([',', ' ']).filter(|w| !w.is_empty());
    let Some(language) = words.next() else {
        return Err("a code block with no language: name it (`sh`, `text`, `rust`, ...)".into());
    };
    if language != "rust" || info.split(',').any(|w| w.trim() == "illustration") {
        return Ok(());
    }
    let lines: Vec<&str> = body.lines().filter(|l| !l.trim().is_empty()).collect();
    if lines.is_empty() {
        return Err("an empty Rust block".into());
    }
    for line in lines {
        let Some(directive) = directive_of(line.trim()) else {
            return Err(format!(
                "Rust typed into the book (`{}`): include it from a crate instead",
                line.trim()
            ));
        };
        let target = resolve(root, file, directive)?;
        if !CODE_DIRS
            .iter()
            .any(|dir| target.starts_with(root.join(dir)))
        {
            return Err(format!(
                "a Rust listing from `{}`, which no crate compiles: include it from lessons/, \
                 exercises/ or solutions/",
                target.strip_prefix(root).unwrap_or(&target).display()
            ));
        }
    }
    Ok(())
}

/// `{{#include PATH}}` or `{{#rustdoc_include PATH}}`: the `PATH[:anchor]` part.
fn directive_of(line: &str) -> Option<&str> {
    let inner = line.strip_prefix("{{#")?.strip_suffix("}}")?;
    let (name, arg) = inner.split_once(char::is_whitespace)?;
    matches!(name, "include" | "rustdoc_include").then(|| arg.trim())
}

/// Every include directive in a page, with its byte offset.
fn directives(text: &str) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(start) = text[from..].find("{{#").map(|s| from + s) {
        let Some(end) = text[start..].find("}}").map(|e| start + e + 2) else {
            break;
        };
        // `\{{#include ...}}` is mdBook's escape: shown as written, not included.
        let escaped = text[..start].ends_with('\\');
        if let Some(directive) = directive_of(&text[start..end]).filter(|_| !escaped) {
            found.push((start, directive));
        }
        from = end;
    }
    found
}

/// The file a directive includes, after checking it (and its anchor) exists.
fn resolve(root: &Path, page: &Path, directive: &str) -> Result<PathBuf, String> {
    let (path, selector) = directive.split_once(':').unwrap_or((directive, ""));
    let target = page.parent().expect("a page is in a folder").join(path);
    let Ok(target) = target.canonicalize() else {
        return Err(format!("`{{{{#include {directive}}}}}`: no file `{path}`"));
    };
    let anchor = selector.split(':').next().unwrap_or_default();
    if !anchor.is_empty() && anchor.parse::<usize>().is_err() {
        let source = std::fs::read_to_string(&target).unwrap_or_default();
        let has = |marker: &str| {
            source
                .lines()
                .any(|l| l.trim_end().ends_with(&format!("{marker}: {anchor}")))
        };
        if !(has("ANCHOR") && has("ANCHOR_END")) {
            return Err(format!(
                "`{{{{#include {directive}}}}}`: `{path}` has no `ANCHOR: {anchor}` … \
                 `ANCHOR_END: {anchor}`"
            ));
        }
    }
    let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    Ok(root.join(target.strip_prefix(&root).unwrap_or(&target)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A course root with a lesson file and a book page folder, in a folder of its own.
    fn course(name: &str) -> tempfile::TempDir {
        let dir = tempfile::Builder::new()
            .prefix(&format!("course-listings-{name}-"))
            .tempdir()
            .unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("lessons/01-x/src")).unwrap();
        std::fs::create_dir_all(root.join("book/src/01-x")).unwrap();
        std::fs::write(
            root.join("lessons/01-x/src/lib.rs"),
            "// ANCHOR: add\npub fn add(a: u8, b: u8) -> u8 { a + b }\n// ANCHOR_END: add\n",
        )
        .unwrap();
        std::fs::write(root.join("book/src/01-x/notes.rs"), "fn main() {}\n").unwrap();
        dir
    }

    fn problems(root: &Path, page: &str) -> Vec<(usize, String)> {
        let file = root.join("book/src/01-x/index.md");
        std::fs::write(&file, page).unwrap();
        check_page(root, &file, page)
    }

    #[test]
    fn included_listings_pass() {
        let dir = course("included");
        let root = dir.path();
        let page = "# X\n\n```rust\n{{#include ../../../lessons/01-x/src/lib.rs:add}}\n```\n\n\
                    ```rust,compile_fail\n{{#include ../../../lessons/01-x/src/lib.rs}}\n```\n\n\
                    ```sh\ncargo test\n```\n\n```rust,illustration\nlet sketch = ...;\n```\n";
        assert_eq!(problems(root, page), vec![]);
    }

    #[test]
    fn rust_typed_into_the_book_is_refused_with_its_line() {
        let dir = course("typed");
        let root = dir.path();
        let page = "# X\n\nText.\n\n```rust\nfn main() {}\n```\n";
        let found = problems(root, page);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].0, 5);
        assert!(
            found[0]
                .1
                .contains("Rust typed into the book (`fn main() {}`)")
        );
        // Half included, half typed is typed.
        let page = "```rust\n{{#include ../../../lessons/01-x/src/lib.rs:add}}\nadd(1, 2);\n```\n";
        assert_eq!(problems(root, page).len(), 1);
    }

    #[test]
    fn blocks_that_could_hide_rust_are_refused() {
        let dir = course("hide");
        let root = dir.path();
        let found = problems(
            root,
            "```\nfn main() {}\n```\n\nText.\n\n    fn main() {}\n",
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].1.contains("no language"));
        assert!(found[1].1.contains("indented code block"));
    }

    #[test]
    fn includes_must_find_their_file_anchor_and_crate() {
        let dir = course("includes");
        let root = dir.path();
        let page = "```rust\n{{#include ../../../lessons/01-x/src/lib.rs:sub}}\n```\n\n\
                    ```rust\n{{#include ../../../lessons/01-x/src/gone.rs}}\n```\n\n\
                    ```rust\n{{#include notes.rs}}\n```\n\n{{#include missing.md}}\n";
        let found = problems(root, page);
        let text: Vec<&str> = found.iter().map(|(_, p)| p.as_str()).collect();
        assert!(
            text.iter().any(|p| p.contains("no `ANCHOR: sub`")),
            "{text:?}"
        );
        assert!(
            text.iter()
                .any(|p| p.contains("no file `../../../lessons/01-x/src/gone.rs`"))
        );
        assert!(
            text.iter()
                .any(|p| p.contains("from `book/src/01-x/notes.rs`, which no crate"))
        );
        assert!(text.iter().any(|p| p.contains("no file `missing.md`")));
    }
}

//! No measured figure typed by hand in the book.
//!
//! Every time, rate or speedup the book states must come from a measurement in this
//! repository, so that measuring again updates it. Generated pages quote `measured.json`
//! (see `pages` and `template`); the hand-written pages may not contain such a figure at
//! all, unless it is a constant rather than a measurement (a configured parameter, a
//! documented default such as CPython's switch interval) listed with its reason in
//! `book/quoted-figures.toml`. `cargo xtask test` runs this check over every hand-written
//! page and every template (whose placeholders are not figures typed by hand).
//!
//! A figure is a number followed by a unit of time (`ns`, `µs`, `ms`, `s`, `seconds`, ...),
//! of speed-up (`×`, `x`, `times faster`, ...), of rate (`million`, `MB/s`, ...) or a
//! percentage. Code (blocks and inline spans) is not prose and is not looked at.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde::Deserialize;

use crate::book::listings::markdown_files;
use crate::book::pages;
use crate::course::Course;

/// Where the constants that pages may quote are listed.
pub const ALLOWED: &str = "book/quoted-figures.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Allowed {
    #[serde(default)]
    quoted: Vec<Quoted>,
}

/// A figure that one page may quote because it is not a measurement.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quoted {
    /// The page, relative to `book/src` (or `book/templates`).
    pub page: String,
    /// The figure exactly as the page writes it, `5 ms`.
    pub figure: String,
    /// Why it is a constant: where it comes from.
    pub why: String,
}

/// Checks every hand-written page of the book and every template.
pub fn check(course: &Course) -> Result<()> {
    let allowed = load_allowed(&course.root.join(ALLOWED))?;
    let generated: BTreeSet<PathBuf> = pages::generated(course)?.into_iter().collect();
    let mut pages = Vec::new();
    for (dir, is_template) in [("book/src", false), ("book/templates", true)] {
        let root = course.root.join(dir);
        if !root.is_dir() {
            continue;
        }
        for path in markdown_files(&root)? {
            if !is_template && generated.contains(&path) {
                continue;
            }
            let name = path
                .strip_prefix(&root)
                .expect("found under its root")
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("reading {}", path.display()))?;
            pages.push((format!("{dir}/{name}"), name, text));
        }
    }
    let problems = problems(&pages, &allowed);
    if problems.is_empty() {
        Ok(())
    } else {
        bail!(
            "measured-looking figures typed by hand in the book:\n  {}\nQuote a measurement \
             through a template placeholder (`{{{{time LESSON BENCH}}}}`, `{{{{speedup ...}}}}`, \
             see book/templates/), or, for a constant that is not a measurement, list it with \
             its reason in {ALLOWED}",
            problems.join("\n  ")
        )
    }
}

fn load_allowed(path: &Path) -> Result<Vec<Quoted>> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Ok(Vec::new());
    };
    let allowed: Allowed =
        toml::from_str(&text).with_context(|| format!("reading {}", path.display()))?;
    if let Some(q) = allowed.quoted.iter().find(|q| q.why.trim().is_empty()) {
        bail!(
            "{}: `{}` on {} has no reason: say in `why` where the constant comes from",
            path.display(),
            q.figure,
            q.page
        );
    }
    Ok(allowed.quoted)
}

/// Every problem in `pages` (`(shown path, name, text)`): a figure no entry allows, or an
/// entry whose figure its page no longer holds.
fn problems(pages: &[(String, String, String)], allowed: &[Quoted]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut used = vec![false; allowed.len()];
    for (shown, name, text) in pages {
        for (line, figure) in figures(text) {
            let entry = allowed
                .iter()
                .position(|q| q.page == *name && q.figure == figure);
            match entry {
                Some(i) => used[i] = true,
                None => problems.push(format!("{shown}:{line}: `{figure}`")),
            }
        }
    }
    for (q, used) in allowed.iter().zip(used) {
        if !used {
            problems.push(format!(
                "{ALLOWED}: `{}` is listed for {} but that page does not hold it any more: \
                 remove the entry",
                q.figure, q.page
            ));
        }
    }
    problems
}

/// The figures in a page's prose, with the line each is on.
fn figures(markdown: &str) -> Vec<(usize, String)> {
    let line_of = |offset: usize| markdown[..offset].matches('\n').count() + 1;
    let mut found = Vec::new();
    let mut in_code_block = false;
    for (event, range) in Parser::new_ext(markdown, Options::ENABLE_TABLES).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Text(text) if !in_code_block => {
                let text = without_placeholders(&text);
                for figure in figures_in(&text) {
                    found.push((line_of(range.start), figure));
                }
            }
            _ => {}
        }
    }
    found
}

/// Template placeholders (`{{time ...}}`) and mdBook's `{{#include ...}}` become a blank:
/// they are where measured numbers come from, not figures typed by hand.
fn without_placeholders(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        let Some(end) = rest[start..].find("}}") else {
            break;
        };
        out.push_str(&rest[..start]);
        out.push(' ');
        rest = &rest[start + end + 2..];
    }
    out.push_str(rest);
    out
}

/// Units after a number that make it a measured-looking figure. Longer spellings first, so
/// that `ms` is not read as `m` followed by `s`.
const UNITS: &[&str] = &[
    "nanoseconds",
    "nanosecond",
    "microseconds",
    "microsecond",
    "milliseconds",
    "millisecond",
    "seconds",
    "second",
    "minutes",
    "minute",
    "times faster",
    "times slower",
    "times as fast",
    "times as long",
    "times cheaper",
    "times dearer",
    "million",
    "MB/s",
    "MiB/s",
    "GB/s",
    "GiB/s",
    "min",
    "sec",
    "ns",
    "µs",
    "μs",
    "us",
    "ms",
    "s",
    "×",
    "x",
    "%",
];

/// The figures in one run of prose: a number (`7`, `7.37`, `0,5`), an optional space, and
/// a unit that is not the start of a longer word (`5 seconds`, `4×`, `12 %`; not `2 sets`).
fn figures_in(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts_number = chars[i].is_ascii_digit()
            && (i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '.'));
        if !starts_number {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len()
            && (chars[i].is_ascii_digit()
                || (matches!(chars[i], '.' | ',')
                    && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit())))
        {
            i += 1;
        }
        let number: String = chars[start..i].iter().collect();
        let mut j = i;
        if chars
            .get(j)
            .is_some_and(|&c| c == ' ' || c == '\u{a0}' || c == '\u{202f}')
        {
            j += 1;
        }
        let rest: String = chars[j..].iter().take(16).collect();
        let unit = UNITS.iter().find(|unit| {
            rest.starts_with(*unit)
                && rest[unit.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !c.is_alphanumeric())
        });
        if let Some(unit) = unit {
            let gap: String = chars[i..j].iter().collect();
            found.push(format!("{number}{gap}{unit}"));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(name: &str, text: &str) -> (String, String, String) {
        (format!("book/src/{name}"), name.to_owned(), text.to_owned())
    }

    fn quoted(page: &str, figure: &str) -> Quoted {
        Quoted {
            page: page.into(),
            figure: figure.into(),
            why: "a constant".into(),
        }
    }

    #[test]
    fn a_planted_measurement_is_found_with_its_line() {
        let text = "# Pipes\n\nIt moved 16 MiB in 7.37 ms, 3.1× faster.\n";
        let problems = problems(&[page("04-ipc/pipes.md", text)], &[]);
        assert_eq!(
            problems,
            [
                "book/src/04-ipc/pipes.md:3: `7.37 ms`",
                "book/src/04-ipc/pipes.md:3: `3.1×`"
            ]
        );
    }

    #[test]
    fn every_kind_of_unit_is_a_figure() {
        let text = "took 45 µs, then 2 seconds, a rate of 0.03 million a second, \
                    4 times faster, 12% more, 1.5x, 800 MB/s and 10 s";
        assert_eq!(
            figures_in(text),
            [
                "45 µs",
                "2 seconds",
                "0.03 million",
                "4 times faster",
                "12%",
                "1.5x",
                "800 MB/s",
                "10 s"
            ]
        );
    }

    #[test]
    fn numbers_that_are_not_figures_pass() {
        let text = "Lesson 02 has 5 tasks, 2 sets of 64 threads, 20 runs out of 20, \
                    x86 and x86_64, 2xl, a 4 KiB page, 0x1f, v1.67 and section 3.";
        assert_eq!(figures_in(text), Vec::<String>::new());
    }

    #[test]
    fn code_and_placeholders_are_not_prose() {
        let text = "Inline `sleep(5 ms)` and {{time 04-ipc round_trip/pipe}} pass.\n\n\
                    ```rust\nlet d = 250 ms;\n```\n\n| a | took 3 ms |\n| - | - |\n";
        let found: Vec<String> = figures(text).into_iter().map(|(_, f)| f).collect();
        assert_eq!(found, ["3 ms"]);
    }

    #[test]
    fn a_listed_constant_passes_on_its_page_only_and_a_stale_entry_fails() {
        let allowed = [
            quoted("01-threads/gil.md", "5 ms"),
            quoted("01-threads/gone.md", "9 ms"),
        ];
        let pages = [
            page("01-threads/gil.md", "A switch interval of 5 ms by default."),
            page("01-threads/other.md", "Every 5 ms."),
        ];
        assert_eq!(
            problems(&pages, &allowed),
            [
                "book/src/01-threads/other.md:1: `5 ms`".to_owned(),
                format!(
                    "{ALLOWED}: `9 ms` is listed for 01-threads/gone.md but that page does \
                     not hold it any more: remove the entry"
                ),
            ]
        );
    }
}

//! `cargo xtask handouts`: one printable page per lesson for workshops, made from the same
//! sources as the book: the chapter's `key-points.md` (what the lesson shows, its key APIs,
//! the commands to run), its measured chart (`measured.svg`), and the exercise's tasks with
//! their first hints (the manifest). HTML with print CSS; PDF too when Chromium is installed.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use pulldown_cmark::{Options, Parser, html};

use crate::course::{Course, Exercise, Lesson};
use crate::report::human;
use crate::sys::tools;
use crate::xml::escape;

/// Where the handouts go unless told otherwise: `target/handouts`.
pub fn default_dest(course: &Course) -> PathBuf {
    course.target_dir.join("handouts")
}

/// Writes `LESSON.html` (and `LESSON.pdf` with Chromium) for every lesson, and an index.
pub fn write(course: &Course, dest: &Path) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dest).with_context(|| format!("creating {}", dest.display()))?;
    let chromium = tools::chromium();
    if chromium.is_none() {
        human::phase(
            "no Chromium found: writing HTML handouts only (print them from a browser, or \
             install Chromium with scripts/install-chromium.sh for PDFs)",
        );
    }
    let mut written = Vec::new();
    let mut index = String::new();
    for lesson in &course.lessons {
        let chapter = course.root.join("book/src").join(&lesson.name);
        let key_points = std::fs::read_to_string(chapter.join("key-points.md"))
            .with_context(|| format!("lesson {} has no key-points.md", lesson.name))?;
        let chart = std::fs::read_to_string(chapter.join("measured.svg")).ok();
        let exercise = course.exercises.iter().find(|e| e.name == lesson.name);
        let page = render(lesson, &key_points, chart.as_deref(), exercise);
        let html_path = dest.join(format!("{}.html", lesson.name));
        std::fs::write(&html_path, page)
            .with_context(|| format!("writing {}", html_path.display()))?;
        written.push(html_path.clone());
        let _ = writeln!(
            index,
            "<li><a href=\"{0}.html\">{0}: {1}</a></li>",
            lesson.name,
            escape(&lesson.title)
        );
        if let Some(chromium) = &chromium {
            let pdf = html_path.with_extension("pdf");
            tools::print_to_pdf(chromium, &html_path, &pdf)?;
            written.push(pdf);
        }
    }
    let index_path = dest.join("index.html");
    std::fs::write(
        &index_path,
        format!(
            "<!doctype html>\n<html lang=\"en\"><meta charset=\"utf-8\">\
             <title>Handouts: Threads and Processes in Rust</title>\
             <h1>Handouts: Threads and Processes in Rust</h1>\n<ul>\n{index}</ul>\n</html>\n"
        ),
    )?;
    written.push(index_path);
    Ok(written)
}

/// The handout of one lesson, as a standalone HTML page.
fn render(
    lesson: &Lesson,
    key_points: &str,
    chart: Option<&str>,
    exercise: Option<&Exercise>,
) -> String {
    // The chapter's own heading ("The lesson on one page") gives way to the handout's title.
    let body = match key_points.trim_start().strip_prefix("## ") {
        Some(rest) => rest.split_once('\n').map_or("", |(_, after)| after),
        None => key_points,
    };
    let mut page = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>Lesson {0}: {1}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n\
         <header><span>Threads and Processes in Rust · handout</span>\
         <span>lesson {0}</span></header>\n<h1>{1}</h1>\n",
        escape(&lesson.name),
        escape(&lesson.title),
    );
    page.push_str("<section class=\"key-points\">\n");
    page.push_str(&markdown(body));
    page.push_str("</section>\n");
    if let Some(exercise) = exercise {
        let _ = writeln!(
            page,
            "<section class=\"tasks\">\n<h2>Exercises: <code>cargo xtask grade {0}</code></h2>\n\
             <table>\n<thead><tr><th>task</th><th>what you build</th><th>first hint</th></tr></thead>\n<tbody>",
            escape(&exercise.name)
        );
        for task in &exercise.tasks {
            let hint = task.hints.first().map(|h| inline(h)).unwrap_or_default();
            let _ = writeln!(
                page,
                "<tr><td><code>{}</code></td><td>{}</td><td>{hint}</td></tr>",
                escape(&task.id),
                inline(&task.title),
            );
        }
        let _ = writeln!(
            page,
            "</tbody>\n</table>\n<p class=\"more\">More hints, one at a time: \
             <code>cargo xtask hint {}/TASK</code>.</p>\n</section>",
            escape(&exercise.name)
        );
    }
    if let Some(svg) = chart {
        page.push_str("<section class=\"chart\">\n<h2>Measured</h2>\n");
        page.push_str(svg);
        page.push_str("</section>\n");
    }
    let _ = write!(
        page,
        "<footer>Made by <code>cargo xtask handouts</code> from book/src/{0}/ and \
         exercises/{0}/Cargo.toml. The whole lesson: <code>cargo xtask book</code>.</footer>\n\
         </body>\n</html>\n",
        escape(&lesson.name)
    );
    page
}

fn markdown(text: &str) -> String {
    let mut out = String::new();
    html::push_html(&mut out, Parser::new_ext(text, Options::ENABLE_TABLES));
    out
}

/// Markdown of one line (a title, a hint), without the paragraph around it.
fn inline(text: &str) -> String {
    let html = markdown(text);
    let html = html.trim();
    html.strip_prefix("<p>")
        .and_then(|h| h.strip_suffix("</p>"))
        .unwrap_or(html)
        .to_owned()
}

/// One A4 page: small type, tight tables, the chart scaled to fit.
const CSS: &str = r#"
@page { size: A4; margin: 10mm 12mm; }
:root { color: #1b1b1b; font: 8.4pt/1.3 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; }
body { max-width: 186mm; margin: 0 auto; }
header { display: flex; justify-content: space-between; font-size: 7.5pt; color: #555;
  border-bottom: 1px solid #999; padding-bottom: 2pt; }
h1 { font-size: 16pt; margin: 3pt 0 1pt; }
h2 { font-size: 10pt; margin: 6pt 0 2pt; }
p { margin: 2.5pt 0; }
code { font: 7.7pt "DejaVu Sans Mono", Menlo, monospace; background: #f1f1f1; padding: 0 1pt;
  border-radius: 2pt; }
table { border-collapse: collapse; width: 100%; margin: 2pt 0; }
th, td { border: 0.5pt solid #bbb; padding: 1pt 3.5pt; text-align: left; vertical-align: top; }
th { background: #e8e8e8; }
.tasks td:first-child { white-space: nowrap; }
.tasks td:nth-child(2) { width: 30%; }
.more { font-size: 7.5pt; color: #444; }
.chart svg { display: block; width: 56%; height: auto; margin: 0 auto; }
footer { margin-top: 4pt; border-top: 1px solid #999; padding-top: 2pt; font-size: 7pt;
  color: #555; }
section { break-inside: avoid; }
@media screen { body { margin: 2em auto; } }
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markdown_loses_its_paragraph_only() {
        assert_eq!(inline("Use `join`."), "Use <code>join</code>.");
        assert_eq!(inline("a < b"), "a &lt; b");
    }
}

//! The book and the handouts, tested as a maintainer and a reader meet them:
//! - a Rust listing typed into a page fails `cargo xtask book`, on a small course made here;
//! - the course's own book and handouts, built by `cargo xtask book` and
//!   `cargo xtask handouts`, are opened in headless Chromium, which must show each lesson's
//!   title, code and measured chart, and print each handout on one page.
//!
//! Chromium comes from `scripts/install-chromium.sh` (`.ci/run` runs it). Where it is
//! missing the reader test says so and passes, except under CI (`CI` set), where it fails.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use support::repo;

/// A fresh folder for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = repo()
        .join("target/xtask-tests")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn xtask(manifest: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("--manifest-path")
        .arg(manifest)
        .args(args)
        // One pinned mdBook for every course the tests build: the repository's.
        .env("COURSE_TOOLS_DIR", repo().join(".tools"))
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn a_rust_listing_typed_into_a_page_fails_the_book_build() {
    // A course of one lesson crate, with a book whose chapter includes the lesson's code.
    let root = scratch("typed-listing");
    write(
        &root.join("Cargo.toml"),
        "[workspace]\nmembers = [\"lessons/01-mini\"]\nresolver = \"3\"\n",
    );
    write(
        &root.join("lessons/01-mini/Cargo.toml"),
        "[package]\nname = \"lesson-01-mini\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n\
         [package.metadata.lesson]\ntitle = \"Mini\"\nclaims = []\n",
    );
    write(
        &root.join("lessons/01-mini/src/lib.rs"),
        "// ANCHOR: double\npub fn double(x: u32) -> u32 {\n    x * 2\n}\n// ANCHOR_END: double\n",
    );
    write(
        &root.join("book/book.toml"),
        "[book]\ntitle = \"Mini\"\n\n[build]\ncreate-missing = false\n",
    );
    write(
        &root.join("book/src/SUMMARY.md"),
        "# Summary\n\n- [Mini](01-mini/index.md)\n",
    );
    let page = root.join("book/src/01-mini/index.md");
    write(
        &page,
        "# Mini\n\n```rust\n{{#include ../../../lessons/01-mini/src/lib.rs:double}}\n```\n",
    );
    let manifest = root.join("Cargo.toml");
    let dest = root.join("out");

    // Included, it builds, and the page shows the lesson's code.
    let output = xtask(&manifest, &["book", "--dest-dir", dest.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let html = std::fs::read_to_string(dest.join("01-mini/index.html")).unwrap();
    assert!(
        html.contains("pub fn double"),
        "the listing is not in the page"
    );

    // Typed by hand, the same book does not build, and the error names the page and line.
    let mut text = std::fs::read_to_string(&page).unwrap();
    text.push_str("\nAnd by hand:\n\n```rust\nfn triple(x: u32) -> u32 { x * 3 }\n```\n");
    write(&page, &text);
    std::fs::remove_dir_all(&dest).unwrap();
    let output = xtask(&manifest, &["book", "--dest-dir", dest.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains(
            "book/src/01-mini/index.md:9: Rust typed into the book (`fn triple(x: u32) -> u32 { x * 3 }`)"
        ),
        "{}",
        stderr(&output)
    );
    assert!(!dest.exists(), "mdBook ran although the check failed");

    // Marked as an illustration, it is allowed (and labelled by the book's CSS).
    write(
        &page,
        &text.replace("```rust\nfn triple", "```rust,illustration\nfn triple"),
    );
    let output = xtask(&manifest, &["book", "--dest-dir", dest.to_str().unwrap()]);
    assert!(output.status.success(), "{}", stderr(&output));
    let html = std::fs::read_to_string(dest.join("01-mini/index.html")).unwrap();
    assert!(html.contains("illustration"), "the sketch is not marked");
    std::fs::remove_dir_all(&root).unwrap();
}

/// Chromium, or `None` with a notice (a failure under CI, which installs it).
fn chromium() -> Option<PathBuf> {
    let found = std::env::var_os("COURSE_CHROMIUM")
        .map(PathBuf::from)
        .or_else(|| {
            let path = std::env::var_os("PATH")?;
            std::env::split_paths(&path)
                .flat_map(|d| ["chromium", "chromium-browser", "google-chrome"].map(|n| d.join(n)))
                .find(|p| p.is_file())
        });
    if found.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must run the reader tests: install Chromium with scripts/install-chromium.sh"
        );
        eprintln!(
            "NOTICE: skipping the reader test: no Chromium (scripts/install-chromium.sh installs it)"
        );
    }
    found
}

/// Runs headless Chromium on a local page with `args`, within a minute; its stdout.
fn headless(chromium: &Path, page: &Path, args: &[String], profile: &Path) -> String {
    // The same flags as `cargo xtask handouts` (xtask/src/sys/tools.rs).
    let mut cmd = Command::new(chromium);
    cmd.args([
        "--headless",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-sandbox",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(args)
    .arg(format!("file://{}", page.display()))
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::null());
    let mut child = cmd.spawn().unwrap();
    let start = Instant::now();
    // Read stdout on another thread so a large DOM cannot fill the pipe and stall Chromium.
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut text).unwrap();
        text
    });
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "Chromium failed on {}", page.display());
            break;
        }
        if start.elapsed() > Duration::from_secs(60) {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("Chromium did not finish {} within a minute", page.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    reader.join().unwrap()
}

/// The lessons of the course: `lessons/NN-*`.
fn lessons() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repo().join("lessons"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.as_bytes().first().is_some_and(u8::is_ascii_digit))
        .collect();
    names.sort();
    names
}

#[test]
fn every_lesson_page_and_handout_renders_in_chromium() {
    let Some(chromium) = chromium() else {
        return;
    };
    let out = scratch("reader");
    let manifest = repo().join("Cargo.toml");
    let (book, handouts) = (out.join("book"), out.join("handouts"));
    for (command, dest) in [("book", &book), ("handouts", &handouts)] {
        let output = xtask(&manifest, &[command, "--dest-dir", dest.to_str().unwrap()]);
        assert!(output.status.success(), "{command}: {}", stderr(&output));
    }
    let profile = out.join("chromium-profile");
    let screenshots = repo().join("target/screenshots");
    std::fs::create_dir_all(&screenshots).unwrap();
    let lessons = lessons();
    assert!(!lessons.is_empty());
    for lesson in &lessons {
        // The chapter's first page as the browser built it: title, highlighted code, chart.
        let page = book.join(lesson).join("index.html");
        let dom = headless(&chromium, &page, &["--dump-dom".into()], &profile);
        assert!(dom.contains("<h1 id="), "{lesson}: no title");
        assert!(
            dom.contains("class=\"language-sh hljs") || dom.contains("class=\"language-rust hljs"),
            "{lesson}: no code highlighted by the book's scripts"
        );
        assert!(
            dom.contains("<svg class=\"course-chart\"") && dom.matches("<rect ").count() >= 2,
            "{lesson}: no measured chart"
        );
        // The measured page: the chart and the table of medians.
        let measured = book.join(lesson).join("measured.html");
        let dom = headless(&chromium, &measured, &["--dump-dom".into()], &profile);
        assert!(
            dom.contains("<svg class=\"course-chart\""),
            "{lesson}: no chart"
        );
        assert!(dom.contains(">median time</th>"), "{lesson}: no table");
        // A screenshot to look at (target/screenshots), and proof the page painted.
        let png = screenshots.join(format!("{lesson}.png"));
        let _ = std::fs::remove_file(&png);
        headless(
            &chromium,
            &page,
            &[
                format!("--screenshot={}", png.display()),
                "--window-size=1200,1600".into(),
            ],
            &profile,
        );
        assert!(
            std::fs::metadata(&png).unwrap().len() > 20_000,
            "{lesson}: blank page?"
        );

        // The handout: title, commands, tasks, chart; and its PDF is one page.
        let handout = handouts.join(format!("{lesson}.html"));
        let dom = headless(&chromium, &handout, &["--dump-dom".into()], &profile);
        assert!(dom.contains("<h1>"), "{lesson} handout: no title");
        assert!(
            dom.contains(&format!("<code>cargo xtask grade {lesson}</code>")),
            "{lesson} handout: no exercise commands"
        );
        assert!(
            dom.contains("<svg class=\"course-chart\""),
            "{lesson} handout: no chart"
        );
        let pdf = std::fs::read(handouts.join(format!("{lesson}.pdf"))).unwrap();
        assert_eq!(pdf_pages(&pdf), 1, "{lesson}: the handout is not one page");
    }
    std::fs::remove_dir_all(&out).unwrap();
}

/// Pages in a PDF: its `/Type /Page` objects (not `/Pages`).
fn pdf_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/Type")
        .filter(|(i, _)| {
            let rest = text[i + 5..].trim_start();
            rest.starts_with("/Page") && !rest.starts_with("/Pages")
        })
        .count()
}

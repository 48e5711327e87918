//! What a person sees: progress lines on stderr while grading, and the scoreboard.
//!
//! Colour is used only on a terminal and never when `NO_COLOR` is set.

use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::course::{Check, Selected};
use crate::report::{CheckReport, Report, Status, TaskReport};

static QUIET: AtomicBool = AtomicBool::new(false);

/// Silences progress lines (the grader's own tests, `--quiet`).
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

fn color_on(stream_is_terminal: bool) -> bool {
    stream_is_terminal && std::env::var_os("NO_COLOR").is_none()
}

fn paint(text: &str, code: &str, on: bool) -> String {
    if on {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_owned()
    }
}

fn status_code(status: Status) -> &'static str {
    match status {
        Status::Pass => "32",
        Status::Skipped => "33",
        _ => "31",
    }
}

pub fn symbol(status: Option<Status>) -> &'static str {
    match status {
        Some(Status::Pass) => "✓",
        Some(Status::Skipped) => "–",
        Some(Status::Timeout) => "⏱",
        Some(_) => "✗",
        None => "·",
    }
}

pub fn phase(text: &str) {
    if !QUIET.load(Ordering::Relaxed) {
        eprintln!("{text}");
    }
}

pub fn check_started(n: usize, total: usize, s: &Selected<'_>, check: &Check) {
    let width = total.to_string().len();
    check_line(&format!("[{n:>width$}/{total}]"), s, check);
}

/// The whole progress line of a check that ran beside others: printed when it ends.
pub fn check_done(n: usize, total: usize, s: &Selected<'_>, check: &Check, result: &CheckReport) {
    check_started(n, total, s, check);
    check_finished(result);
}

/// A check run again, alone, because it ran beside one that left something behind.
pub fn check_again(s: &Selected<'_>, check: &Check) {
    check_line("[again, alone]", s, check);
}

/// The start of a check's progress line, `check_finished` ends it.
fn check_line(prefix: &str, s: &Selected<'_>, check: &Check) {
    if QUIET.load(Ordering::Relaxed) {
        return;
    }
    eprint!(
        "{prefix} {}/{} · {} {} … ",
        s.exercise.name, s.task.id, check.kind, check.name
    );
    let _ = std::io::stderr().flush();
}

pub fn check_finished(result: &CheckReport) {
    if QUIET.load(Ordering::Relaxed) {
        return;
    }
    let on = color_on(std::io::stderr().is_terminal());
    // A skipped check says why instead of how long it took (it took no time).
    let said = if result.status == Status::Skipped {
        one_line(&result.message)
    } else {
        format!(
            "{} ({:.1} s)",
            result.status.as_str(),
            result.duration_ms as f64 / 1000.0
        )
    };
    eprintln!("{}", paint(&said, status_code(result.status), on));
}

/// The width the scoreboard fits in: the terminal's (`COLUMNS`), else 80.
fn width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|&c: &usize| c >= 40)
        .unwrap_or(80)
}

/// The scoreboard, then the first failure in full and what to do next.
///
/// One line per task (symbol, id, points, title), and under a task that did not pass,
/// a second line: its status and the reason that matters, each cut to fit the width.
pub fn render(report: &Report, hint_command: &str) -> String {
    render_in(report, hint_command, width())
}

fn render_in(report: &Report, hint_command: &str, width: usize) -> String {
    let on = color_on(std::io::stdout().is_terminal());
    if report.tasks.is_empty() {
        return "Nothing to grade: this course has no exercises yet.\n".to_owned();
    }
    let mut out = String::new();
    let mut exercise = "";
    let id_width = report.tasks.iter().map(|t| t.task.len()).max().unwrap_or(0);
    // Skipped checks' points count in the total, so the total stays the task's own.
    // Points are right-aligned, so that the titles after them line up (`8/8` under `10/10`).
    let points = |t: &TaskReport| format!("{}/{}", t.points, t.max_points + t.skipped_points);
    let points_width = report
        .tasks
        .iter()
        .map(|t| points(t).len())
        .max()
        .unwrap_or(0);
    // "  ✓ " + id + "  " + points + "  ": where the title (and the reason under it) start.
    let indent = 4 + id_width + 2 + points_width + 2;
    for task in &report.tasks {
        if task.exercise != exercise {
            exercise = &task.exercise;
            out.push_str(&format!("\n{}\n", paint(exercise, "1", on)));
        }
        out.push_str(&format!(
            "  {} {:<id_width$}  {:>points_width$}  {}\n",
            paint(symbol(Some(task.status)), status_code(task.status), on),
            task.task,
            points(task),
            cut(&task.title, width.saturating_sub(indent)),
        ));
        // The check to explain: the first that failed, else the first skipped.
        let explained = task
            .checks
            .iter()
            .find(|c| c.status.is_failure())
            .or_else(|| task.checks.iter().find(|c| c.status != Status::Pass));
        // Under a task that did not pass: its status, then the reason that matters
        // (unless the reason begins with the status already).
        if let (false, Some(check)) = (task.status == Status::Pass, explained) {
            let reason = reason(&check.message);
            let status = task.status.as_str();
            let line = if reason.starts_with(status) {
                reason
            } else {
                format!("{status}: {reason}")
            };
            out.push_str(&format!(
                "{:indent$}{}\n",
                "",
                paint(
                    &cut(&line, width.saturating_sub(indent)),
                    status_code(task.status),
                    on
                ),
            ));
        }
    }
    let s = &report.summary;
    out.push_str(&format!(
        "\n{} of {} tasks passed ({} failed, {} skipped) · {}/{} points{}\n\
         (graded the {} on {} cores)\n",
        s.passed,
        s.tasks,
        s.failed,
        s.skipped,
        s.points,
        s.max_points + s.skipped_points,
        match s.skipped_points {
            0 => String::new(),
            skipped => format!(" ({skipped} not graded)"),
        },
        report.mode,
        report.machine.cores
    ));
    if let Some((task, check)) = report.first_failure() {
        let rule = "─".repeat(72);
        out.push_str(&format!(
            "\nFirst failure: {} — {} {} ({})\n{rule}\n{}\n{rule}\n",
            task.full_id(),
            check.kind,
            check.name,
            check.status.as_str(),
            check.message.trim_end(),
        ));
        if report.mode == "exercises" {
            out.push_str(&format!(
                "Stuck? `{hint_command} {}` shows a hint.\n",
                task.full_id()
            ));
        }
    } else if s.tasks > 0 && s.failed == 0 {
        out.push_str("\nEverything graded passed.\n");
    }
    out
}

/// The first line of a message that says what went wrong: not the `thread '…' panicked
/// at FILE:LINE:COL:` header before the panic message, nor libtest's framing.
fn reason(message: &str) -> String {
    let line = message
        .lines()
        .map(str::trim)
        .find(|l| {
            let panic_header = l.starts_with("thread '") && l.contains("panicked at");
            !(l.is_empty() || panic_header || l.starts_with("---- "))
        })
        .unwrap_or("");
    // An `assert_eq!` with a message of its own: the message says more than the form.
    line.strip_prefix("assertion `left == right` failed: ")
        .or_else(|| line.strip_prefix("assertion `left != right` failed: "))
        .unwrap_or(line)
        .to_owned()
}

/// `text` cut to `room` characters, ending in `…` when it was longer.
fn cut(text: &str, room: usize) -> String {
    if text.chars().count() <= room {
        return text.to_owned();
    }
    let mut short: String = text.chars().take(room.saturating_sub(1)).collect();
    short.push('…');
    short
}

/// The first meaningful line of a message, shortened for a progress line.
fn one_line(message: &str) -> String {
    cut(&reason(message), 90)
}

/// A duration in ns, readable: `812 ns`, `3.41 µs`, `7.62 ms`, `1.20 s`.
pub fn human_ns(ns: f64) -> String {
    match ns {
        n if n < 1e3 => format!("{n:.0} ns"),
        n if n < 1e6 => format!("{:.2} µs", n / 1e3),
        n if n < 1e9 => format!("{:.2} ms", n / 1e6),
        n => format!("{:.2} s", n / 1e9),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_well() {
        assert_eq!(human_ns(812.0), "812 ns");
        assert_eq!(human_ns(7_620_000.0), "7.62 ms");
    }

    #[test]
    fn the_titles_of_the_scoreboard_line_up_whatever_the_points() {
        let pass = |points| CheckReport::new("test", "t", points, Status::Pass, String::new());
        let report = Report::new(
            true,
            2,
            vec![
                TaskReport::new("05-hybrid", "tuner", "Small", vec![pass(8)]),
                TaskReport::new("05-hybrid", "pipeline", "Large", vec![pass(10)]),
            ],
        );
        let text = render_in(&report, "cargo xtask hint", 80);
        let column = |title: &str| {
            let line = text.lines().find(|l| l.ends_with(title)).unwrap();
            line.chars().count() - title.len()
        };
        assert_eq!(column("Small"), column("Large"), "{text}");
        assert!(text.contains(" 8/8  Small"), "{text}");
    }

    #[test]
    fn a_failure_fits_in_80_columns_and_its_reason_comes_first() {
        let message = "thread 'spawn::order' (23104) panicked at \
                       exercises/01-threads/tests/checks/spawn.rs:10:5:\n\
                       assertion `left == right` failed: the results came back in the \
                       order the threads finished, not the order they were spawned\n\
                       left: [2, 1]\nright: [1, 2]";
        let fail = CheckReport::new("test", "spawn::order", 3, Status::Fail, message.into());
        let skipped = CheckReport::new(
            "bench",
            "b",
            2,
            Status::Skipped,
            "benchmarks were not run (--no-bench)".into(),
        );
        let title = "Spawn one thread per input and collect the results in the order of \
                     the inputs, not of completion";
        let report = Report::new(
            false,
            2,
            vec![TaskReport::new(
                "01-threads",
                "spawn-ordered",
                title,
                vec![fail, skipped],
            )],
        );
        let text = render_in(&report, "cargo xtask hint", 80);
        let board = &text[..text.find("First failure").unwrap()];
        for line in board.lines() {
            assert!(line.chars().count() <= 80, "{} columns: {line}", line.len());
        }
        // The panic's message, not its location; and the skipped points in the total.
        assert!(
            board.contains("fail: the results came back in the order the threads"),
            "{board}"
        );
        assert!(board.contains(" 0/5  Spawn one thread"), "{board}");
        assert!(board.contains("0/5 points (2 not graded)"), "{board}");
    }
}

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
    if QUIET.load(Ordering::Relaxed) {
        return;
    }
    let width = total.to_string().len();
    eprint!(
        "[{n:>width$}/{total}] {}/{} · {} {} … ",
        s.exercise.name, s.task.id, check.kind, check.name
    );
    let _ = std::io::stderr().flush();
}

pub fn check_finished(result: &CheckReport) {
    if QUIET.load(Ordering::Relaxed) {
        return;
    }
    let on = color_on(std::io::stderr().is_terminal());
    eprintln!(
        "{} ({:.1} s)",
        paint(result.status.as_str(), status_code(result.status), on),
        result.duration_ms as f64 / 1000.0
    );
}

/// The scoreboard, then the first failure in full and what to do next.
pub fn render(report: &Report, hint_command: &str) -> String {
    let on = color_on(std::io::stdout().is_terminal());
    if report.tasks.is_empty() {
        return "Nothing to grade: this course has no exercises yet.\n".to_owned();
    }
    let mut out = String::new();
    let mut exercise = "";
    let id_width = report.tasks.iter().map(|t| t.task.len()).max().unwrap_or(0);
    // Points are right-aligned, so that the titles after them line up (`8/8` under `10/10`).
    let points = |t: &TaskReport| format!("{}/{}", t.points, t.max_points);
    let points_width = report
        .tasks
        .iter()
        .map(|t| points(t).len())
        .max()
        .unwrap_or(0);
    for task in &report.tasks {
        if task.exercise != exercise {
            exercise = &task.exercise;
            out.push_str(&format!("\n{}\n", paint(exercise, "1", on)));
        }
        let reason = match task.status {
            Status::Pass => String::new(),
            _ => task
                .checks
                .iter()
                .find(|c| c.status != Status::Pass)
                .map(|c| format!(" — {}", one_line(&c.message)))
                .unwrap_or_default(),
        };
        out.push_str(&format!(
            "  {} {:<id_width$}  {:<13} {:>points_width$} pts  {}{}\n",
            paint(symbol(Some(task.status)), status_code(task.status), on),
            task.task,
            paint(task.status.as_str(), status_code(task.status), on),
            points(task),
            task.title,
            reason,
        ));
    }
    let s = &report.summary;
    out.push_str(&format!(
        "\n{} of {} tasks passed ({} failed, {} skipped) · {}/{} points · graded {} on {} cores\n",
        s.passed,
        s.tasks,
        s.failed,
        s.skipped,
        s.points,
        s.max_points,
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

/// The first meaningful line of a message, shortened for the scoreboard.
fn one_line(message: &str) -> String {
    let line = message
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("");
    let mut short: String = line.chars().take(90).collect();
    if line.chars().count() > 90 {
        short.push('…');
    }
    short
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let text = render(&report, "cargo xtask hint");
        let column = |title: &str| {
            let line = text.lines().find(|l| l.ends_with(title)).unwrap();
            line.chars().count() - title.len()
        };
        assert_eq!(column("Small"), column("Large"), "{text}");
        assert!(text.contains(" 8/8 pts  Small"), "{text}");
    }
}

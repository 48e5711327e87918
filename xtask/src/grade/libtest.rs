//! Talking to libtest binaries: listing their tests and running exactly one of them.
//!
//! The grader runs test binaries itself rather than through `cargo test`: one process per
//! check, each with its own deadline, and no cargo start-up cost per check. It gives each
//! process the environment `cargo test` would (trybuild reads `CARGO_MANIFEST_DIR` and
//! `CARGO` at run time) and runs it in the crate's folder.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use anyhow::{Result, bail};

use crate::course::Crate;
use crate::sys::process::{self, Outcome, Status};

/// The environment and working directory `cargo test` gives a test of `krate`.
pub fn command(exe: &Path, krate: &Crate) -> Command {
    let mut cmd = Command::new(exe);
    cmd.current_dir(&krate.dir)
        .env("CARGO_MANIFEST_DIR", &krate.dir)
        .env("CARGO_MANIFEST_PATH", krate.dir.join("Cargo.toml"))
        .env("CARGO_PKG_NAME", &krate.package)
        .env("CARGO_PKG_VERSION", &krate.version)
        .env(
            "CARGO",
            std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()),
        );
    cmd
}

/// The names of the tests in a test binary (`--list`).
pub fn list(exe: &Path, krate: &Crate) -> Result<Vec<String>> {
    let mut cmd = command(exe, krate);
    cmd.args(["--list", "--format", "terse"]);
    let outcome = process::run(cmd, Duration::from_secs(30))?;
    if outcome.status != Status::Exited(0) {
        bail!(
            "listing the tests of {} failed ({:?}):\n{}",
            exe.display(),
            outcome.status,
            outcome.output
        );
    }
    Ok(outcome
        .output
        .lines()
        .filter_map(|line| line.strip_suffix(": test"))
        .map(str::to_owned)
        .collect())
}

/// Runs the one test `name` (ignored or not) with a deadline. `--show-output` keeps a
/// passing test's output, where it may say that it could not look (see [`not_checked`]).
pub fn run_one(mut cmd: Command, name: &str, deadline: Duration) -> Result<Outcome> {
    cmd.args([
        name,
        "--exact",
        "--include-ignored",
        "--test-threads",
        "1",
        "--show-output",
    ]);
    process::run(cmd, deadline)
}

/// The lines of a passing test's output that begin with `not checked:`: the course's
/// convention for a check that cannot look on this platform (one that reads Linux's
/// `/proc`, say). It prints why and returns; the grader reports it skipped, not passed.
pub fn not_checked(output: &str, name: &str) -> Option<String> {
    let header = format!("---- {name} stdout ----");
    let body = &output[output.find(&header)? + header.len()..];
    let lines: Vec<&str> = body
        .lines()
        .take_while(|l| !l.starts_with("---- ") && *l != "successes:")
        .map(str::trim)
        .filter(|l| l.starts_with("not checked:"))
        .collect();
    (!lines.is_empty()).then(|| lines.join("\n"))
}

/// Did libtest report exactly one passed test?
pub fn passed_one(output: &str) -> bool {
    output
        .lines()
        .any(|l| l.starts_with("test result: ok. 1 passed;"))
}

/// The part of libtest's output that explains a failure: the test's captured output
/// (the panic message, loom's report, trybuild's diff), else everything; as plain text.
pub fn failure_text(output: &str, name: &str) -> String {
    let output = plain(output);
    let output = output.as_str();
    let header = format!("---- {name} stdout ----");
    let Some(start) = output.find(&header) else {
        return output.trim().to_owned();
    };
    let body = &output[start + header.len()..];
    let end = body.find("\nfailures:\n").unwrap_or(body.len());
    // Things written to stderr outside libtest's capture (trybuild's report) come before.
    let before = output[..start]
        .lines()
        .filter(|l| {
            !l.starts_with("running ")
                && !l.starts_with("test ")
                && *l != "failures:"
                && *l != "successes:"
        })
        .collect::<Vec<_>>()
        .join("\n");
    let captured = body[..end].trim();
    let before = before.trim();
    let text = if before.is_empty() {
        captured.to_owned()
    } else {
        format!("{before}\n{captured}")
    };
    // A `todo!()` reached says all there is to say; its backtrace (with
    // `RUST_BACKTRACE` set) would only push the message off the screen.
    if text.contains("not yet implemented") {
        without_backtraces(&text)
    } else {
        text
    }
}

/// `text` without its `stack backtrace:` blocks: a block ends at the line that is not
/// a frame (frames are numbered lines and their indented `at FILE` lines), and a
/// `note: Some details are omitted` or `note: run with` line after it goes with it.
fn without_backtraces(text: &str) -> String {
    let mut kept = Vec::new();
    let mut in_trace = false;
    for line in text.lines() {
        if line.trim() == "stack backtrace:" {
            in_trace = true;
            continue;
        }
        if in_trace {
            let trimmed = line.trim_start();
            let frame = trimmed
                .split_once(':')
                .is_some_and(|(n, _)| n.chars().all(|c| c.is_ascii_digit()) && !n.is_empty())
                || trimmed.starts_with("at ");
            if frame {
                continue;
            }
            in_trace = false;
            if trimmed.starts_with("note: Some details are omitted")
                || trimmed.starts_with("note: run with `RUST_BACKTRACE")
            {
                continue;
            }
        }
        kept.push(line);
    }
    kept.join("\n")
}

/// Output as plain text: without terminal colour codes, and without cargo's progress
/// lines (trybuild runs cargo, whose "Compiling ..." lines say nothing about the failure).
pub fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' && chars.peek() == Some(&'[') {
            // A CSI sequence: ESC [ parameters, ended by a letter.
            chars.next();
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    const CARGO_STATUS: [&str; 9] = [
        "Compiling ",
        "Checking ",
        "Finished ",
        "Blocking ",
        "Updating ",
        "Locking ",
        "Adding ",
        "Downloaded ",
        "Downloading ",
    ];
    out.lines()
        .filter(|line| {
            !CARGO_STATUS
                .iter()
                .any(|s| line.trim_start().starts_with(s))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_test_that_could_not_look_says_so_in_its_output() {
        let output = "running 1 test\ntest a::b ... ok\n\nsuccesses:\n\n---- a::b stdout ----\n\
            not checked: this check reads Linux's /proc\n\n\nsuccesses:\n    a::b\n\n\
            test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out\n";
        assert_eq!(
            not_checked(output, "a::b").as_deref(),
            Some("not checked: this check reads Linux's /proc")
        );
        let quiet = output.replace("not checked: this check reads Linux's /proc", "42");
        assert_eq!(not_checked(&quiet, "a::b"), None);
    }

    #[test]
    fn a_todo_loses_its_backtrace_and_keeps_its_message() {
        let output = "running 1 test\ntest t ... FAILED\n\nfailures:\n\n---- t stdout ----\n\
            thread 't' (7) panicked at src/lib.rs:3:5:\nnot yet implemented: count it\n\
            stack backtrace:\n   0: std::panicking::begin_panic\n             at /rustc/x/panicking.rs:1:1\n\
            note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.\n\
            \nfailures:\n    t\n";
        let text = failure_text(output, "t");
        assert_eq!(
            text,
            "thread 't' (7) panicked at src/lib.rs:3:5:\nnot yet implemented: count it"
        );
    }

    const FAILED: &str = "\nrunning 1 test\ntest basics::assertion_fails ... FAILED\n\nfailures:\n\n---- basics::assertion_fails stdout ----\n\nthread 'basics::assertion_fails' panicked at tests/basics.rs:9:5:\nassertion `left == right` failed: 2 + 2 is not 5\n  left: 4\n right: 5\n\n\nfailures:\n    basics::assertion_fails\n\ntest result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 3 filtered out; finished in 0.00s\n\n";

    #[test]
    fn the_failure_text_is_the_tests_own_output() {
        let text = failure_text(FAILED, "basics::assertion_fails");
        assert!(
            text.starts_with("thread 'basics::assertion_fails' panicked"),
            "{text}"
        );
        assert!(text.ends_with("right: 5"), "{text}");
    }

    #[test]
    fn colours_and_cargo_progress_are_removed() {
        let text = "   Compiling quote v1.0\n\u{1b}[0m\u{1b}[31merror[E0277]: oops\u{1b}[0m\nnext";
        assert_eq!(plain(text), "error[E0277]: oops\nnext");
    }

    #[test]
    fn only_one_passed_test_counts_as_a_pass() {
        assert!(passed_one(
            "running 1 test\ntest a ... ok\n\ntest result: ok. 1 passed; 0 failed;"
        ));
        assert!(!passed_one(
            "running 0 tests\n\ntest result: ok. 0 passed; 0 failed;"
        ));
        assert!(!passed_one(FAILED));
    }
}

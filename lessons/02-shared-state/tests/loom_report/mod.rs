//! A loom report as the chapter shows it: what a failed model printed, without what changes
//! from run to run or from machine to machine. Used by `tests/loom_reports.rs` here and by
//! the grader's test of exercise 02 (`xtask/tests/lesson_02.rs`), which both compare
//! reports with saved ones.

/// `report` without thread ids, the path of cargo's registry, and the note about
/// `RUST_BACKTRACE` (printed after the first failure only); one line each, trimmed.
pub fn normalise(report: &str) -> String {
    let mut out = String::new();
    for line in report.trim().lines() {
        if line.starts_with("note: run with `RUST_BACKTRACE=1`") {
            continue;
        }
        let mut line = line.to_owned();
        // `thread 'a::b' (12345) panicked at`: the number is the OS thread id.
        if let Some(open) = line.find("' (")
            && let Some(close) = line[open..].find(") panicked").map(|i| open + i)
            && line[open + 3..close].bytes().all(|b| b.is_ascii_digit())
        {
            line.replace_range(open + 1..close + 1, "");
        }
        // `CARGO_HOME/registry/src/index.crates.io-1949cf8c6b5b557f/loom-0.7.3/src/...`,
        // where CARGO_HOME is the user's (`~/.cargo` unless set).
        if let Some(registry) = line.find("/registry/src/") {
            let after = registry + "/registry/src/".len();
            let path_start = line[..registry].rfind(' ').map_or(0, |i| i + 1);
            if let Some(crate_start) = line[after..].find('/').map(|i| after + i + 1) {
                line.replace_range(path_start..crate_start, "$CARGO_HOME/registry/src/…/");
            }
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}

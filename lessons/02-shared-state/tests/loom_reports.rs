//! The loom models of `tests/loom.rs`, checked in an ordinary `cargo test`: every fixed
//! model passes, and every buggy one fails with the report saved in `tests/loom-reports/`
//! (the report the chapter shows).
//!
//! The models only build with `--cfg loom`, which changes how every crate is compiled, so
//! this test builds them in a cargo of their own: release mode, in `loom/` beside the
//! usual build directories (the folder the grader uses for loom checks, so the two share
//! their build of loom). The first run compiles loom; later runs take a few seconds.
//!
//! A report changes when the lesson's code moves (it names lines) or with another version
//! of loom or Rust. Check the new one, then save it:
//!
//! ```text
//! LOOM_REPORTS=overwrite cargo test -p lesson-02-shared-state --test loom_reports
//! ```
#![cfg(not(loom))]

mod loom_report;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every model of `tests/loom.rs`: its name, and for a buggy one the file holding the
/// report its failure must print.
const MODELS: &[(&str, Option<&str>)] = &[
    (
        "lost_update::racy_counter_loses_an_update",
        Some("lost_update.txt"),
    ),
    ("lost_update::fetch_add_loses_nothing", None),
    (
        "check_then_act::checking_and_booking_under_two_locks_oversells",
        Some("check_then_act.txt"),
    ),
    (
        "check_then_act::checking_and_booking_under_one_lock_is_exact",
        None,
    ),
    (
        "publication::relaxed_flag_can_show_the_old_message",
        Some("publication.txt"),
    ),
    ("publication::release_acquire_flag_shows_the_message", None),
    (
        "wake_up::a_flag_outside_the_mutex_misses_the_wake_up",
        Some("wake_up.txt"),
    ),
    ("wake_up::a_flag_under_the_mutex_wakes_the_waiter", None),
    (
        "philosophers::left_fork_first_deadlocks",
        Some("philosophers.txt"),
    ),
    ("philosophers::lower_fork_first_never_deadlocks", None),
];

#[test]
fn buggy_models_fail_with_their_report_and_fixed_models_pass() {
    let output = run_every_model();
    let outcomes = outcomes(&output);
    let listed: Vec<&str> = MODELS.iter().map(|(name, _)| *name).collect();
    let ran: Vec<&str> = outcomes.keys().map(String::as_str).collect();
    let mut sorted = listed.clone();
    sorted.sort_unstable();
    assert_eq!(
        ran, sorted,
        "the models in tests/loom.rs and the list in this file differ:\n{output}"
    );

    let overwrite = std::env::var_os("LOOM_REPORTS").is_some_and(|v| v == "overwrite");
    let mut problems = Vec::new();
    for (name, report_file) in MODELS {
        let passed = outcomes[*name];
        match report_file {
            None if !passed => problems.push(format!(
                "{name} should pass, and loom failed it:\n{}",
                report(&output, name)
            )),
            None => {}
            Some(_) if passed => problems.push(format!(
                "{name} should fail, and loom found nothing wrong: the bug it shows is gone"
            )),
            Some(file) => {
                let actual = report(&output, name);
                let path = reports_dir().join(file);
                let expected = std::fs::read_to_string(&path).unwrap_or_default();
                if overwrite {
                    std::fs::write(&path, &actual).expect("writing a report file");
                } else if actual != expected {
                    problems.push(format!(
                        "{name} failed with another report than {}:\n--- expected\n{expected}--- \
                         actual\n{actual}(if the new one is right, save it with \
                         LOOM_REPORTS=overwrite)",
                        path.display()
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

fn reports_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/loom-reports")
}

/// The build directory this test binary was built in: it is `TARGET/PROFILE/deps/NAME`.
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary knows its path");
    exe.ancestors()
        .nth(3)
        .expect("a test binary lives in TARGET/PROFILE/deps")
        .to_path_buf()
}

/// Builds `tests/loom.rs` with `--cfg loom` and runs every model, the ignored buggy ones
/// included; returns libtest's output.
fn run_every_model() -> String {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["test", "--release", "--test", "loom", "--manifest-path"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
        .args(["--", "--include-ignored", "--test-threads", "1"])
        .env("CARGO_TARGET_DIR", target_dir().join("loom"))
        // The settings the grader builds loom checks with, so that both share one build.
        .env("RUSTFLAGS", "--cfg loom")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env("CARGO_PROFILE_RELEASE_INCREMENTAL", "true")
        // The reports show where each thread stood; a backtrace would add nothing stable.
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        stdout.contains("test result:"),
        "the loom models did not build or run:\n{}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// Each test of the output, and whether it passed.
fn outcomes(output: &str) -> BTreeMap<String, bool> {
    output
        .lines()
        .filter_map(|line| line.strip_prefix("test "))
        .filter_map(|rest| {
            let (name, verdict) = rest.split_once(" ... ")?;
            Some((name.to_owned(), verdict == "ok"))
        })
        .collect()
}

/// What test `name` printed when it failed, normalised (`loom_report`).
fn report(output: &str, name: &str) -> String {
    let header = format!("---- {name} stdout ----\n");
    let Some(start) = output.find(&header) else {
        return String::new();
    };
    let body = &output[start + header.len()..];
    let end = ["\n---- ", "\nfailures:\n"]
        .iter()
        .filter_map(|marker| body.find(marker))
        .min()
        .unwrap_or(body.len());
    loom_report::normalise(&body[..end])
}

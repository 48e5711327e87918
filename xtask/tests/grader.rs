//! The grader, proved on its fixture course (`tests/fixture`, one task per behaviour).
//!
//! Each test runs the real `xtask` binary as a learner would. They run one at a time
//! (see `serial`): grading is CPU-heavy and the benchmark checks need quiet cores.

mod support;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::{Mutex, MutexGuard, mpsc};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::copy_dir;
use tempfile::TempDir;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixture")
}

/// One test at a time: they share the fixture's build and the machine's cores.
fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn xtask(course: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xtask"));
    cmd.arg("--manifest-path")
        .arg(course.join("Cargo.toml"))
        .args(args)
        .env_remove("COURSE_CORES")
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null());
    cmd
}

/// `cargo xtask grade --format json ARGS...` on the fixture: the output and its report.
fn grade_json(args: &[&str]) -> (Output, Value) {
    let output = xtask(&fixture(), &[&["grade", "--format", "json"], args].concat())
        .output()
        .unwrap();
    let report = json(&output);
    (output, report)
}

/// Runs `cmd` and asserts it succeeded, showing its stderr if not.
fn succeed(mut cmd: Command) -> Output {
    let output = cmd.output().unwrap();
    assert!(
        output.status.success(),
        "{cmd:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn task<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| {
            format!(
                "{}/{}",
                t["exercise"].as_str().unwrap(),
                t["task"].as_str().unwrap()
            ) == id
        })
        .unwrap_or_else(|| panic!("no task {id} in the report"))
}

fn status(report: &Value, id: &str) -> String {
    task(report, id)["status"].as_str().unwrap().to_owned()
}

fn message(report: &Value, id: &str) -> String {
    task(report, id)["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["message"].as_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

/// True when no process with this pid is running (gone, or a zombie awaiting its reaper).
fn is_dead(pid: i32) -> bool {
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Err(_) => true,
        Ok(stat) => stat
            .rsplit(')')
            .next()
            .is_some_and(|rest| rest.trim_start().starts_with('Z')),
    }
}

fn read_pid(dir: &Path, name: &str) -> i32 {
    let text = std::fs::read_to_string(dir.join(name))
        .unwrap_or_else(|e| panic!("{name} was not written by the fixture: {e}"));
    text.trim().parse().unwrap()
}

/// A fresh directory of the system's temporary directory, removed when dropped.
fn temp_dir(name: &str) -> TempDir {
    tempfile::Builder::new()
        .prefix(&format!("course-grader-{name}-"))
        .tempdir()
        .unwrap()
}

#[test]
fn every_kind_of_failure_is_reported_and_nothing_is_left_running() {
    let _serial = serial();
    let pids_dir = temp_dir("pids");
    let pids = pids_dir.path();
    let start = Instant::now();
    let output = xtask(
        &fixture(),
        &[
            "grade",
            "--format",
            "json",
            "--timeout",
            "5",
            "--no-bench",
            "01-demo/passes",
            "01-demo/fails",
            "01-demo/not-checked",
            "01-demo/deadlocks",
            "01-demo/hung-child",
            "01-demo/leaks-child",
            "01-demo/escapes",
            "01-demo/leaks-segment",
            "01-demo/aborts",
            "01-demo/segfaults",
            "01-demo/answer",
            "01-demo/counter",
            "01-demo/send",
            "02-broken",
        ],
    )
    .env("FIXTURE_PID_DIR", pids)
    // Two checks at a time, whatever the machine: what a check leaves behind while
    // another runs beside it must still be reported by its own check, and only there.
    .env("COURSE_CORES", "2")
    .output()
    .unwrap();
    let elapsed = start.elapsed();
    assert_eq!(
        output.status.code(),
        Some(1),
        "a failed task makes the exit code 1"
    );
    let report = json(&output);

    assert_eq!(status(&report, "01-demo/passes"), "pass");
    assert_eq!(status(&report, "01-demo/fails"), "fail");
    assert!(message(&report, "01-demo/fails").contains("2 + 2 is not 5"));
    assert_eq!(status(&report, "01-demo/not-checked"), "skipped");
    assert_eq!(
        message(&report, "01-demo/not-checked"),
        "not checked: this check needs what this machine lacks"
    );
    for hung in ["01-demo/deadlocks", "01-demo/hung-child"] {
        assert_eq!(status(&report, hung), "timeout", "{hung}");
        assert!(message(&report, hung).contains("possible deadlock or infinite loop"));
        let ms = task(&report, hung)["checks"][0]["duration_ms"]
            .as_u64()
            .unwrap();
        assert!(ms < 8_000, "{hung} took {ms} ms with a 5 s deadline");
    }
    // After a check of a task timed out, its later checks are not run.
    let later = &task(&report, "01-demo/deadlocks")["checks"][1];
    assert_eq!(later["status"], "skipped", "{later}");
    let why = later["message"].as_str().unwrap();
    assert!(
        why.starts_with(
            "not run (an earlier check of this task timed out)\ntest `hangs::deadlock`"
        ),
        "{why}"
    );
    assert!(later["duration_ms"].as_u64().unwrap() < 1_000);
    // A loom model is run all the same: loom reports a deadlock in a model, not waits on it.
    let model = &task(&report, "01-demo/deadlocks")["checks"][2];
    assert_eq!(
        (&model["kind"], &model["status"]),
        (&"loom".into(), &"fail".into()),
        "{model}"
    );
    assert_eq!(status(&report, "01-demo/leaks-child"), "pass");
    assert!(message(&report, "01-demo/leaks-child").contains("left 1 process(es) running"));
    // Only the checks that leave something behind say so.
    for clean in [
        "01-demo/passes",
        "01-demo/fails",
        "01-demo/aborts",
        "01-demo/answer",
    ] {
        for check in task(&report, clean)["checks"].as_array().unwrap() {
            let why = check["message"].as_str().unwrap();
            let says_left = why.contains("process(es) running") || why.contains("/dev/shm");
            assert!(!says_left, "{clean}: {why}");
        }
    }
    // Processes that escaped the token, the group and their parent are found and killed.
    assert_eq!(status(&report, "01-demo/escapes"), "pass");
    for check in task(&report, "01-demo/escapes")["checks"]
        .as_array()
        .unwrap()
    {
        let why = check["message"].as_str().unwrap();
        assert!(why.contains("left 1 process(es) running"), "{why}");
    }
    assert_eq!(status(&report, "01-demo/leaks-segment"), "pass");
    let why = message(&report, "01-demo/leaks-segment");
    let segment = std::fs::read_to_string(pids.join("segment.name")).unwrap();
    assert!(
        why.contains("shared-memory segment") && why.contains(&segment),
        "{why}"
    );
    assert!(!Path::new("/dev/shm").join(&segment).exists());
    assert_eq!(status(&report, "01-demo/aborts"), "crashed");
    assert!(message(&report, "01-demo/aborts").contains("SIGABRT"));
    assert_eq!(status(&report, "01-demo/segfaults"), "crashed");
    assert!(message(&report, "01-demo/segfaults").contains("SIGSEGV"));
    assert_eq!(status(&report, "01-demo/answer"), "fail");
    assert!(message(&report, "01-demo/answer").contains("not yet implemented"));
    // The starter's counter has a lost update: loom finds it on every run.
    let counter = &task(&report, "01-demo/counter")["checks"];
    let loom = counter
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "loom")
        .unwrap();
    assert_eq!(loom["status"], "fail", "{loom}");
    assert_eq!(status(&report, "01-demo/send"), "fail");
    assert!(message(&report, "01-demo/send").contains("cannot be sent between threads"));
    assert_eq!(status(&report, "02-broken/compiles"), "compile_error");
    assert!(message(&report, "02-broken/compiles").contains("mismatched types"));

    // The deadlock, the hung child, its setsid grandchild and the leaked child are all gone.
    for name in [
        "child.pid",
        "grandchild.pid",
        "leaked.pid",
        "session.pid",
        "group.pid",
    ] {
        let pid = read_pid(pids, name);
        assert!(is_dead(pid), "{name} ({pid}) is still running");
    }
    // Two 5 s deadlines, the rest quick once built (a cold build is allowed for).
    assert!(
        elapsed < Duration::from_secs(600),
        "grading took {elapsed:?}"
    );
}

#[test]
fn the_solutions_pass_the_same_checks() {
    let _serial = serial();
    let (output, report) = grade_json(&[
        "--solutions",
        "--no-bench",
        "01-demo/passes",
        "01-demo/answer",
        "01-demo/counter",
        "01-demo/send",
        "02-broken",
    ]);
    assert_eq!(output.status.code(), Some(0), "{report:#}");
    assert_eq!(report["mode"], "solutions");
    for t in report["tasks"].as_array().unwrap() {
        assert_eq!(t["status"], "pass", "{t:#}");
        assert_eq!(t["points"], t["max_points"]);
    }
    assert_eq!(report["summary"]["passed"], 5);
}

#[test]
fn benchmark_checks_compare_two_functions_measured_in_one_run() {
    let _serial = serial();
    let (output, report) = grade_json(&["01-demo/bench-pass", "01-demo/bench-fail"]);
    let cores = std::thread::available_parallelism().unwrap().get();
    if cores < 2 {
        assert_eq!(status(&report, "01-demo/bench-pass"), "skipped");
        return;
    }
    assert_eq!(status(&report, "01-demo/bench-pass"), "pass", "{report:#}");
    assert_eq!(status(&report, "01-demo/bench-fail"), "fail", "{report:#}");
    let m = &task(&report, "01-demo/bench-fail")["checks"][0]["measurement"];
    assert!(m["speedup"].as_f64().unwrap() < m["threshold"].as_f64().unwrap());
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn speedup_checks_are_skipped_on_one_core_and_say_why() {
    let _serial = serial();
    let output = xtask(
        &fixture(),
        &["grade", "--format", "json", "01-demo/bench-pass"],
    )
    .env("COURSE_CORES", "1")
    .output()
    .unwrap();
    let report = json(&output);
    assert_eq!(status(&report, "01-demo/bench-pass"), "skipped");
    assert!(message(&report, "01-demo/bench-pass").contains("needs at least 2 cores"));
    assert_eq!(output.status.code(), Some(0), "skipped is not a failure");
}

#[test]
fn junit_reports_one_testcase_per_check() {
    let _serial = serial();
    let output = xtask(
        &fixture(),
        &[
            "grade",
            "--format",
            "junit",
            "--no-bench",
            "01-demo/passes",
            "01-demo/fails",
            "02-broken",
        ],
    )
    .output()
    .unwrap();
    let xml = String::from_utf8(output.stdout).unwrap();
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(
        xml.contains("<testsuite name=\"01-demo\" tests=\"2\" failures=\"1\""),
        "{xml}"
    );
    assert!(
        xml.contains("<testsuite name=\"02-broken\" tests=\"1\" failures=\"0\" errors=\"1\""),
        "{xml}"
    );
    assert!(xml.contains("<failure type=\"fail\""), "{xml}");
    assert!(xml.ends_with("</testsuites>\n"));
}

#[test]
fn unknown_names_are_a_clear_error() {
    let _serial = serial();
    let output = xtask(&fixture(), &["grade", "01-dmeo"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("no exercise named `01-dmeo`; did you mean `01-demo`?"),
        "{stderr}"
    );
    let output = xtask(&fixture(), &["grade", "01-demo/pases"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("did you mean `passes`?"));
}

/// The JSON report of the deterministic part of the fixture, with what varies from run
/// to run (durations, thread ids, pids, the machine) normalised, against a golden file.
/// Regenerate with `UPDATE_GOLDEN=1 cargo test -p xtask --test grader golden`.
#[test]
fn golden_json_report() {
    let _serial = serial();
    let (_, report) = grade_json(&[
        "--no-bench",
        "01-demo/passes",
        "01-demo/fails",
        "01-demo/aborts",
        "01-demo/answer",
        "01-demo/bench-pass",
        "02-broken",
    ]);
    let actual = normalise(report);
    let golden_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/report.json");
    let actual_text = serde_json::to_string_pretty(&actual).unwrap() + "\n";
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(golden_path.parent().unwrap()).unwrap();
        std::fs::write(&golden_path, &actual_text).unwrap();
    }
    let golden =
        std::fs::read_to_string(&golden_path).expect("golden file (UPDATE_GOLDEN=1 makes it)");
    assert_eq!(
        actual_text, golden,
        "the JSON report changed; if on purpose, bump SCHEMA_VERSION when the shape changed and regenerate"
    );
}

fn normalise(mut value: Value) -> Value {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(map) => {
                for (key, item) in map.iter_mut() {
                    match key.as_str() {
                        "duration_ms" => *item = Value::from(0),
                        "cores" => *item = Value::from(0),
                        "message" => *item = Value::from(scrub(item.as_str().unwrap_or_default())),
                        _ => walk(item),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut value);
    value["machine"]["os"] = Value::from("OS");
    value["machine"]["arch"] = Value::from("ARCH");
    value
}

/// Replaces numbers that change between runs: `thread 'x' (1234)`, `pid 1234`.
fn scrub(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find(" (") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        if digits > 0 && after[digits..].starts_with(')') {
            out.push_str(" (N)");
            rest = &after[digits + 1..];
        } else {
            out.push_str(" (");
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// A copy of the fixture's `02-broken` exercise in a fresh git repository: for the
/// commands that write (progress, reset, watch). It has no dependencies and builds in its
/// own target directory: cargo hashes path packages by their path inside the workspace,
/// so sharing the fixture's would mix the two copies' builds.
fn scratch_course(name: &str) -> TempDir {
    let dir = temp_dir(name);
    let src = fixture();
    for rel in ["exercises/02-broken", "solutions/02-broken"] {
        copy_dir(&src.join(rel), &dir.path().join(rel));
    }
    std::fs::write(
        dir.path().join("Cargo.toml"),
        "[workspace]\nresolver = \"3\"\nmembers = [\"exercises/*\", \"solutions/*\"]\n\n[workspace.package]\nedition = \"2024\"\npublish = false\n\n[workspace.lints.rust]\nunexpected_cfgs = { level = \"warn\", check-cfg = [\"cfg(loom)\"] }\n",
    )
    .unwrap();
    for args in [
        &["init", "-q"][..],
        &["add", "-A"],
        &[
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "commit",
            "-qm",
            "starter",
        ],
    ] {
        assert!(
            Command::new("git")
                .current_dir(dir.path())
                .args(args)
                .status()
                .unwrap()
                .success()
        );
    }
    dir
}

fn scratch_xtask(course: &Path, args: &[&str]) -> Command {
    let mut cmd = xtask(course, args);
    cmd.env_remove("CARGO_TARGET_DIR");
    cmd
}

const FIXED: &str = "//! Fixed.\n\n/// A value.\npub fn value() -> u32 {\n    42\n}\n";

#[test]
fn progress_survives_a_corrupted_file() {
    let _serial = serial();
    let scratch = scratch_course("progress");
    let course = scratch.path();
    let progress = course.join(".course/progress.json");
    std::fs::create_dir_all(progress.parent().unwrap()).unwrap();
    std::fs::write(&progress, "{ this is not json").unwrap();

    let output = scratch_xtask(course, &["list"]).output().unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("could not be read"), "{stderr}");
    let kept: Vec<_> = std::fs::read_dir(progress.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("progress.json.corrupt-"))
        .collect();
    assert_eq!(kept.len(), 1, "the corrupted file is kept, not lost");

    // Grading rebuilds progress from the results.
    std::fs::write(course.join("exercises/02-broken/src/lib.rs"), FIXED).unwrap();
    let output = scratch_xtask(course, &["grade", "-q"]).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stdout)
    );
    let list = scratch_xtask(course, &["list"]).output().unwrap();
    let list = String::from_utf8_lossy(&list.stdout);
    assert!(
        list.contains("✓ compiles") && list.contains("1 of 1 tasks passed"),
        "{list}"
    );
}

/// A mistake in a task of a course manifest is reported with its exercise and task.
#[test]
fn manifest_errors_name_the_exercise_and_the_task() {
    let _serial = serial();
    let scratch = scratch_course("manifest");
    let course = scratch.path();
    let manifest = course.join("exercises/02-broken/Cargo.toml");
    let good = std::fs::read_to_string(&manifest).unwrap();
    for (broken, says) in [
        (
            good.replace("title = \"Fix the type error\"", ""),
            "in task 1 (`compiles`) of exercise 02-broken: missing field `title`",
        ),
        (
            good.replace("id = \"compiles\"", "id = \"compiles\"\ntset = 1"),
            "in task 1 (`compiles`) of exercise 02-broken: unknown field `tset`",
        ),
    ] {
        assert_ne!(broken, good);
        std::fs::write(&manifest, &broken).unwrap();
        let output = scratch_xtask(course, &["list"]).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(says), "{stderr}");
    }
}

#[test]
fn reset_restores_the_starter_and_keeps_a_backup() {
    let _serial = serial();
    let scratch = scratch_course("reset");
    let course = scratch.path();
    let lib = course.join("exercises/02-broken/src/lib.rs");
    let starter = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(&lib, FIXED).unwrap();
    std::fs::write(course.join("exercises/02-broken/src/extra.rs"), "// mine\n").unwrap();

    succeed(scratch_xtask(course, &["reset", "02-broken"]));
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), starter);
    assert!(!course.join("exercises/02-broken/src/extra.rs").exists());
    let backups: Vec<PathBuf> = std::fs::read_dir(course.join(".course/backups"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(backups.len(), 1);
    assert_eq!(
        std::fs::read_to_string(backups[0].join("src/lib.rs")).unwrap(),
        FIXED
    );
    assert_eq!(
        std::fs::read_to_string(backups[0].join("src/extra.rs")).unwrap(),
        "// mine\n"
    );

    // Nothing to do the second time, and no second backup.
    let again = scratch_xtask(course, &["reset", "02-broken"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).contains("nothing to reset"));
    assert_eq!(
        std::fs::read_dir(course.join(".course/backups"))
            .unwrap()
            .count(),
        1
    );

    // Undo puts the learner's version back, its files and only its files...
    succeed(scratch_xtask(course, &["reset", "--undo", "02-broken"]));
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), FIXED);
    assert_eq!(
        std::fs::read_to_string(course.join("exercises/02-broken/src/extra.rs")).unwrap(),
        "// mine\n"
    );
    // ...after backing up what it replaced, so a second undo gives the starter back.
    succeed(scratch_xtask(course, &["reset", "--undo", "02-broken"]));
    assert_eq!(std::fs::read_to_string(&lib).unwrap(), starter);
    assert!(!course.join("exercises/02-broken/src/extra.rs").exists());
    assert_eq!(
        std::fs::read_dir(course.join(".course/backups"))
            .unwrap()
            .count(),
        3,
        "every undo keeps a backup; none overwrites another"
    );
}

#[test]
fn hints_come_one_at_a_time() {
    let _serial = serial();
    let scratch = scratch_course("hints");
    let course = scratch.path();
    let first = scratch_xtask(course, &["hint", "compiles"])
        .output()
        .unwrap();
    let first = String::from_utf8_lossy(&first.stdout).into_owned();
    assert!(first.contains("Hint 1 of"), "{first}");
    assert!(!first.contains("Hint 2 of"), "{first}");
    let all = scratch_xtask(course, &["hint", "02-broken/compiles", "--all"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&all.stdout).contains("Hint 1 of"));
    // An exercise's name gives the hint of its first task not yet passed.
    let by_exercise = scratch_xtask(course, &["hint", "02-broken"])
        .output()
        .unwrap();
    let by_exercise = String::from_utf8_lossy(&by_exercise.stdout).into_owned();
    assert!(
        by_exercise.starts_with("02-broken/compiles:"),
        "{by_exercise}"
    );
    // A misspelt task id gets a suggestion.
    let typo = scratch_xtask(course, &["hint", "compile"])
        .output()
        .unwrap();
    assert_eq!(typo.status.code(), Some(2));
    let typo = String::from_utf8_lossy(&typo.stderr).into_owned();
    assert!(typo.contains("did you mean `compiles`?"), "{typo}");
}

#[test]
fn watch_regrades_when_a_file_is_saved() {
    let _serial = serial();
    let scratch = scratch_course("watch");
    let course = scratch.path();
    let mut child = scratch_xtask(course, &["watch", "02-broken"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let stdout = child.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let wait_for = |needle: &str| -> bool {
        let deadline = Instant::now() + Duration::from_secs(120);
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match rx.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return true,
                Ok(_) => {}
                Err(_) => return false,
            }
        }
        false
    };
    let lib = course.join("exercises/02-broken/src/lib.rs");
    let first = wait_for("Watching");
    std::fs::write(&lib, FIXED).unwrap();
    let regraded = first && wait_for("Everything graded passed") && wait_for("Watching");
    // One save is one re-grade: the poller's late event for it changes nothing, and
    // neither does saving the same text again.
    std::fs::write(&lib, FIXED).unwrap();
    let extra = Instant::now() + Duration::from_secs(4);
    let mut again = Vec::new();
    while let Some(left) = extra.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(line) => again.push(line),
            Err(_) => break,
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(first, "watch never finished its first grade");
    assert!(regraded, "watch did not re-grade after the save");
    assert!(
        again.is_empty(),
        "watch graded again with nothing changed:\n{}",
        again.join("\n")
    );
}

/// Waits up to 5 minutes (the fixture may be built first) for `names` in `dir`.
fn wait_for_files(dir: &Path, names: &[&str]) {
    let deadline = Instant::now() + Duration::from_secs(300);
    while !names.iter().all(|name| dir.join(name).exists()) {
        assert!(Instant::now() < deadline, "{names:?} never appeared");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn send(signal: &str, pid: u32) {
    let sent = Command::new("kill")
        .args([&format!("-{signal}"), &pid.to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
}

/// SIGINT (Ctrl-C), SIGTERM (`timeout`, CI, service managers) and SIGHUP (a closed
/// terminal) during a check: the check's processes are killed, no scoreboard is printed,
/// progress is not touched (not even by the task that passed before the interruption),
/// and the exit code is 128 + the signal.
#[test]
fn a_signal_during_a_check_stops_everything_and_records_nothing() {
    let _serial = serial();
    let progress = fixture().join(".course/progress.json");
    for (signal, code) in [("INT", 130), ("TERM", 143), ("HUP", 129)] {
        let pids_dir = temp_dir(&format!("signal-{signal}"));
        let pids = pids_dir.path();
        let before = std::fs::read(&progress).ok();
        let grader = xtask(
            &fixture(),
            &[
                "grade",
                "--timeout",
                "600",
                "01-demo/passes",
                "01-demo/hung-child",
            ],
        )
        .env("FIXTURE_PID_DIR", pids)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
        wait_for_files(pids, &["child.pid", "grandchild.pid"]);
        send(signal, grader.id());
        let output = grader.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(code), "SIG{signal}:\n{stderr}");
        assert!(stderr.contains("interrupted"), "SIG{signal}:\n{stderr}");
        assert!(
            output.stdout.is_empty(),
            "SIG{signal}: a scoreboard was printed:\n{}",
            String::from_utf8_lossy(&output.stdout)
        );
        assert!(
            std::fs::read(&progress).ok() == before,
            "SIG{signal} changed .course/progress.json"
        );
        for name in ["child.pid", "grandchild.pid"] {
            let pid = read_pid(pids, name);
            assert!(is_dead(pid), "{name} ({pid}) survived SIG{signal}");
        }
    }
}

/// SIGTERM while cargo builds: cargo and what it runs are killed, nothing is recorded.
/// The build hangs for sure: the exercise gets a build script that sleeps.
#[test]
fn a_signal_during_a_build_stops_cargo_and_records_nothing() {
    let _serial = serial();
    let scratch = scratch_course("signal-build");
    let course = scratch.path();
    let pids_dir = temp_dir("signal-build-pids");
    let pids = pids_dir.path();
    std::fs::write(course.join("exercises/02-broken/src/lib.rs"), FIXED).unwrap();
    succeed(scratch_xtask(course, &["grade", "-q"]));
    let progress = course.join(".course/progress.json");
    let before = std::fs::read(&progress).unwrap();

    std::fs::write(
        course.join("exercises/02-broken/build.rs"),
        "fn main() {\n    if let Some(dir) = std::env::var_os(\"FIXTURE_PID_DIR\") {\n        \
         let dir = std::path::Path::new(&dir);\n        \
         std::fs::write(dir.join(\"build.tmp\"), std::process::id().to_string()).unwrap();\n        \
         std::fs::rename(dir.join(\"build.tmp\"), dir.join(\"build.pid\")).unwrap();\n    }\n    \
         std::thread::sleep(std::time::Duration::from_secs(600));\n}\n",
    )
    .unwrap();
    let grader = scratch_xtask(course, &["grade", "-q"])
        .env("FIXTURE_PID_DIR", pids)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for_files(pids, &["build.pid"]);
    send("TERM", grader.id());
    let output = grader.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(143), "{stderr}");
    assert!(output.stdout.is_empty(), "a scoreboard was printed");
    assert_eq!(
        std::fs::read(&progress).unwrap(),
        before,
        "progress changed"
    );
    let script = read_pid(pids, "build.pid");
    assert!(is_dead(script), "the build script ({script}) survived");
    // No cargo (nor anything else) is left working on this course.
    let marker = course.to_string_lossy().into_owned();
    let left: Vec<String> = std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| !is_dead(*pid))
        .filter_map(|pid| std::fs::read(format!("/proc/{pid}/cmdline")).ok())
        .map(|cmd| String::from_utf8_lossy(&cmd).replace('\0', " "))
        .filter(|cmd| cmd.contains(&marker))
        .collect();
    assert!(left.is_empty(), "still running: {left:?}");
}

/// A deadline below one second is refused, not recorded as a timeout.
#[test]
fn a_deadline_below_one_second_is_refused() {
    for value in ["0", "-5"] {
        let output = xtask(&fixture(), &["grade", "--timeout", value, "01-demo/passes"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{value}: {stderr}");
        assert!(stderr.contains("at least 1 second"), "{value}: {stderr}");
    }
}

#[test]
fn lesson_claims_are_checked_and_reported_in_the_book() {
    let _serial = serial();
    let output = succeed(xtask(
        &fixture(),
        &["stability", "--claims", "--runs", "1", "01-demo"],
    ));
    let verdicts = String::from_utf8_lossy(&output.stdout);
    let line = |claim: &str| {
        verdicts
            .lines()
            .find(|l| l.starts_with(&format!("01-demo/{claim} ")))
            .unwrap_or_else(|| panic!("no {claim} in:\n{verdicts}"))
            .to_owned()
    };
    // A claim of no speedup holds for the impostor on any machine.
    assert!(line("claim-2").contains("pass 1/1"), "{verdicts}");
    if std::thread::available_parallelism().unwrap().get() >= 2 {
        assert!(line("claim-1").contains("pass 1/1"), "{verdicts}");
        assert!(
            line("claim-3").contains("fail 1/1"),
            "a false claim must fail:\n{verdicts}"
        );
    }

    succeed(xtask(&fixture(), &["bench-report", "01-demo"]));
    let chapter = fixture().join("book/src/01-demo");
    let page = std::fs::read_to_string(chapter.join("measured.md")).unwrap();
    assert!(
        page.starts_with("<!-- Generated from measured.json by `cargo xtask book-pages`"),
        "{page}"
    );
    // The run is recorded, and the chart is drawn from the same record.
    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(chapter.join("measured.json")).unwrap())
            .unwrap();
    let chart = std::fs::read_to_string(chapter.join("measured.svg")).unwrap();
    for id in ["sum/sequential", "sum/parallel", "sum/impostor"] {
        let ns = record["medians_ns"][id].as_f64().unwrap();
        assert!(ns > 0.0, "{id}: {record}");
        let name = id.split_once('/').unwrap().1;
        assert!(
            chart.contains(&format!(">{name}</text>")),
            "{id} not charted"
        );
    }
    assert!(page.contains("{{#include measured.svg}}"), "{page}");
    assert!(page.contains(" cores ("), "the machine is stamped:\n{page}");
    for id in ["sum/sequential", "sum/parallel", "sum/impostor"] {
        assert!(
            page.contains(&format!("| `{id}` |")),
            "{id} missing:\n{page}"
        );
    }
    assert!(
        page.contains("| The impostor gets no speedup (`sum/impostor` vs `sum/sequential`) |"),
        "{page}"
    );
    if std::thread::available_parallelism().unwrap().get() >= 2 {
        let false_claim = page
            .lines()
            .find(|l| l.contains("false on purpose"))
            .unwrap();
        assert!(false_claim.ends_with("| **no** |"), "{false_claim}");
    }
}

#[test]
fn wrong_and_right_submissions_are_graded_and_a_wrong_one_that_passes_is_reported() {
    let _serial = serial();
    // The fixture's `solutions/01-demo/submissions.toml`: for task `answer`, a wrong
    // submission its check catches, one it does not (40 + 2 is right), and a right one.
    let output = xtask(&fixture(), &["submissions", "01-demo/answer"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let verdict = |name: &str| {
        stdout
            .lines()
            .find(|line| line.ends_with(" s)") && line.contains(name))
            .unwrap_or_else(|| panic!("no line for {name:?}:\n{stdout}"))
            .split_whitespace()
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(verdict("wrong 01-demo/answer: returns 41"), "ok");
    assert_eq!(verdict("right 01-demo/answer: computes 42 as 6 * 7"), "ok");
    assert_eq!(
        verdict("wrong 01-demo/answer: computes 42 as 40 + 2"),
        "UNEXPECTED"
    );
    assert!(
        stdout.contains("got: `solve::answer_is_42` pass; task pass"),
        "{stdout}"
    );
    // What the learner who returned 41 reads: the assertion, not the panic's location.
    assert!(
        stdout.contains("says: assertion `left == right` failed"),
        "{stdout}"
    );
    assert!(
        stdout.contains("submissions: 2 as expected, 1 not, 0 not graded"),
        "{stdout}"
    );
    // The edits were applied to a scratch copy: the fixture's solution is untouched.
    let solution = std::fs::read_to_string(fixture().join("solutions/01-demo/src/lib.rs")).unwrap();
    assert!(solution.contains("    42\n"), "{solution}");
}

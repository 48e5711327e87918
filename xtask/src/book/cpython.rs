//! `cargo xtask python-compare`: the Python note's claims, measured with the
//! learner's own CPython beside Rust.
//!
//! The same workload (CPU-bound steps split among workers, I/O-bound waits)
//! runs three ways in one run on one machine: `python/compare.py` with
//! `python3` (sequentially, on threads, on processes), with each free-threaded
//! CPython found on PATH (`python3.14t`, `python3.13t`: their threads run
//! Python code in parallel), and as the Rust example `python_compare` of
//! lesson 01 (sequentially, on threads). The runs, the workload and the
//! machine are recorded in `book/src/01-threads/python.json`, from which the
//! book's pages quote them. Without `python3` nothing is measured or written.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::book::measured::{self, Machine, Measured};
use crate::course::Course;
use crate::report::human;
use crate::sys::cores;
use crate::sys::process::{self, Status};
use crate::sys::tools;

/// The lesson whose example runs the Rust half, and where the record lives.
const LESSON: &str = "01-threads";
const EXAMPLE: &str = "python_compare";
const SCRIPT: &str = "python/compare.py";
const RECORD: &str = "python.json";

/// Free-threaded builds (PEP 703), each measured as an extra column when on
/// PATH; newest first.
const FREE_THREADED: [&str; 2] = ["python3.14t", "python3.13t"];

/// Deadlines: generous, since a slow laptop may take several times as long
/// as the course's 2-core machine; a hung interpreter is still killed.
const BUILD_DEADLINE: Duration = Duration::from_secs(1800);
const RUN_DEADLINE: Duration = Duration::from_secs(600);

/// The rows of the comparison, in the order they are shown.
const IDS: [&str; 6] = [
    "cpu/sequential",
    "cpu/threads",
    "cpu/processes",
    "io/sequential",
    "io/threads",
    "io/processes",
];

/// What each program must measure: Python all six, Rust no processes (lesson
/// 03 measures Rust's worker processes).
const PYTHON_IDS: [&str; 6] = IDS;
const RUST_IDS: [&str; 4] = [
    "cpu/sequential",
    "cpu/threads",
    "io/sequential",
    "io/threads",
];

/// The workload, given to both programs as the same flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workload {
    /// CPU-bound steps in all, split into `workers` equal chunks.
    pub size: u64,
    pub workers: u64,
    /// Waits of `wait_ms` milliseconds, split into `io_workers` equal chunks.
    pub waits: u64,
    pub wait_ms: u64,
    pub io_workers: u64,
    /// Runs of each variant; the median is recorded.
    pub repeats: u64,
}

impl Workload {
    /// Sized so that CPython takes about half a second for the CPU-bound work
    /// on one core, and the whole comparison well under a minute on 2 cores.
    fn full(workers: u64) -> Workload {
        Workload {
            size: 5_000_000,
            workers,
            waits: 8,
            wait_ms: 50,
            io_workers: 8,
            repeats: 5,
        }
    }

    /// A fraction of a second per program: for trying the command out.
    fn quick(workers: u64) -> Workload {
        Workload {
            size: 20_000,
            workers,
            waits: 4,
            wait_ms: 5,
            io_workers: 4,
            repeats: 1,
        }
    }

    fn args(&self) -> Vec<String> {
        [
            ("--size", self.size),
            ("--workers", self.workers),
            ("--waits", self.waits),
            ("--wait-ms", self.wait_ms),
            ("--io-workers", self.io_workers),
            ("--repeats", self.repeats),
        ]
        .into_iter()
        .flat_map(|(flag, value)| [flag.to_owned(), value.to_string()])
        .collect()
    }
}

/// The record: every run of one `cargo xtask python-compare`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// `YYYY-MM-DD`, UTC.
    pub date: String,
    pub machine: Machine,
    pub workload: Workload,
    /// CPython first, then free-threaded builds, then Rust.
    pub runs: Vec<Run>,
}

/// One program's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    /// What was run: the interpreter's name (`python3`, `python3.13t`) or
    /// `rust`.
    pub program: String,
    /// `CPython`, `PyPy`, `Rust`.
    pub implementation: String,
    /// The interpreter's version (for Rust, rustc's).
    pub version: Option<String>,
    /// A free-threaded CPython build.
    pub free_threaded: bool,
    /// Whether a GIL serialised the threads (a free-threaded build can turn
    /// it back on).
    pub gil_enabled: bool,
    /// `multiprocessing`'s start method (`fork`, `spawn`, `forkserver`).
    pub start_method: Option<String>,
    /// The CPU-bound work's result: equal in every run, or the programs did
    /// not do the same work.
    pub checksum: u64,
    /// Median time per variant, in nanoseconds, by id (`cpu/threads`).
    pub medians_ns: BTreeMap<String, f64>,
}

/// What either program prints: a `Run` without its `program`, plus the
/// workload it was given, echoed back so that a mismatch is caught.
#[derive(Deserialize)]
struct Printed {
    implementation: String,
    version: Option<String>,
    free_threaded: bool,
    gil_enabled: bool,
    start_method: Option<String>,
    size: u64,
    workers: u64,
    waits: u64,
    wait_ms: u64,
    io_workers: u64,
    repeats: u64,
    checksum: u64,
    medians_ns: BTreeMap<String, f64>,
}

pub fn compare(course: &Course, python: Option<&str>, quick: bool) -> Result<()> {
    let python = python.unwrap_or("python3");
    // Before anything is built or measured: without CPython there is nothing
    // to compare with, and the record of an earlier run stays as it is.
    if tools::find_program(python).is_none() {
        let place = if Path::new(python).components().count() > 1 {
            ""
        } else {
            " on PATH"
        };
        println!("{python} was not found{place}: the CPython comparison is skipped");
        return Ok(());
    }
    let cores = cores::cores() as u64;
    let workload = if quick {
        Workload::quick(cores)
    } else {
        Workload::full(cores)
    };
    let script = course.root.join(SCRIPT);
    if !script.is_file() {
        bail!("{} is missing", script.display());
    }
    let machine = Machine::this_one();
    let example = build_example(course)?;

    let mut runs = Vec::new();
    human::phase(&format!("running {SCRIPT} with {python}"));
    runs.push(run_python(python, &script, &workload)?);
    for name in FREE_THREADED {
        if name == python || tools::find_program(name).is_none() {
            continue;
        }
        human::phase(&format!("running {SCRIPT} with {name} (free-threaded)"));
        // An extra column: an interpreter that is on PATH but cannot run
        // (a pyenv shim for a version not selected) leaves it out.
        match run_python(name, &script, &workload) {
            Ok(run) => runs.push(run),
            Err(e) => eprintln!("note: {name} is left out: {e:#}"),
        }
    }
    human::phase(&format!("running the Rust example {EXAMPLE}"));
    let mut command = Command::new(&example);
    command.args(workload.args());
    let mut rust = run_program("rust", command, &workload, &RUST_IDS)?;
    rust.version = Some(machine.rustc.clone());
    runs.push(rust);
    same_work(&runs)?;

    let today = crate::sys::clock::timestamp();
    let comparison = Comparison {
        date: format!("{}-{}-{}", &today[0..4], &today[4..6], &today[6..8]),
        machine,
        workload,
        runs,
    };
    println!("{}", comparison.table());
    println!("{}\n", comparison.summary());
    println!("Measured {}.", comparison.stamp());
    if quick {
        println!("A quick run, with tiny sizes: nothing was recorded.");
    } else {
        let path = save(course, &comparison)?;
        println!("wrote {}", measured::shown(course, &path));
    }
    Ok(())
}

/// Where the record lives: `book/src/01-threads/python.json`.
pub fn record_path(course: &Course) -> PathBuf {
    measured::dir(course, LESSON).join(RECORD)
}

/// The record, if one was made.
pub fn load(course: &Course) -> Result<Option<Comparison>> {
    measured::load_record(&record_path(course), "a comparison record")
}

pub fn save(course: &Course, comparison: &Comparison) -> Result<PathBuf> {
    let path = record_path(course);
    measured::save_record(&path, comparison)?;
    Ok(path)
}

impl Comparison {
    /// The lessons' stamp (date, machine, rustc), then the interpreters:
    /// `..., rustc 1.95.0; CPython 3.11.7 (python3, start method fork)`.
    pub fn stamp(&self) -> String {
        // The same words as every lesson's measurements.
        let lessons = Measured {
            lesson: LESSON.to_owned(),
            date: self.date.clone(),
            machine: self.machine.clone(),
            warm_up: 0.0,
            measure: 0.0,
            medians_ns: BTreeMap::new(),
        }
        .stamp();
        let pythons: Vec<String> = self
            .runs
            .iter()
            .filter(|run| run.implementation != "Rust")
            .map(|run| {
                let method = run.start_method.as_deref().unwrap_or("?");
                format!("{} ({}, start method {method})", run.label(), run.program)
            })
            .collect();
        if pythons.is_empty() {
            lessons
        } else {
            format!("{lessons}; {}", pythons.join(", "))
        }
    }

    /// Each run's speedups over its own sequential time, a line per kind of
    /// work: the note's claims, as this machine measured them.
    pub fn summary(&self) -> String {
        let mut lines = Vec::new();
        for (kind, what) in [("cpu", "CPU-bound"), ("io", "I/O-bound")] {
            let baseline = format!("{kind}/sequential");
            let mut parts = Vec::new();
            for run in &self.runs {
                for variant in ["threads", "processes"] {
                    let id = format!("{kind}/{variant}");
                    if let Some(s) = run.speedup(&id, &baseline) {
                        parts.push(format!("{} {variant} {s:.2}×", run.label()));
                    }
                }
            }
            lines.push(format!(
                "{what}, as fast as one after another: {}",
                parts.join(", ")
            ));
        }
        lines.join("\n")
    }

    /// The comparison as a Markdown table: a row per variant, a column per
    /// run, each time with its speedup over the run's own sequential time.
    pub fn table(&self) -> String {
        let w = &self.workload;
        let mut md = String::from("| |");
        for run in &self.runs {
            let _ = write!(md, " {} |", run.label());
        }
        md.push_str("\n|---|");
        md.push_str(&"---:|".repeat(self.runs.len()));
        md.push('\n');
        for id in IDS {
            let (kind, variant) = id.split_once('/').expect("ids are kind/variant");
            let (what, n) = match kind {
                "cpu" => (format!("CPU-bound, {} steps", w.size), w.workers),
                _ => (
                    format!("I/O-bound, {} waits of {} ms", w.waits, w.wait_ms),
                    w.io_workers,
                ),
            };
            let how = match variant {
                "sequential" => "one after another".to_owned(),
                "processes" => format!("{n} processes (starting them included)"),
                _ => format!("{n} {variant}"),
            };
            let _ = write!(md, "| {what}, {how} |");
            let baseline = format!("{kind}/sequential");
            for run in &self.runs {
                let cell = match (run.medians_ns.get(id), run.medians_ns.get(&baseline)) {
                    (None, _) => "—".to_owned(),
                    (Some(ns), _) if id == baseline => human::human_ns(*ns),
                    (Some(ns), Some(b)) => {
                        format!("{} ({:.2}× as fast)", human::human_ns(*ns), b / ns)
                    }
                    (Some(ns), None) => human::human_ns(*ns),
                };
                let _ = write!(md, " {cell} |");
            }
            md.push('\n');
        }
        md
    }
}

/// What the book's placeholders quote (see `template`).
impl Comparison {
    /// A run by role, `cpython` (the first CPython with a GIL),
    /// `free-threaded` (the first free-threaded build) or `rust`, or by the
    /// program's name (`python3.13t`).
    pub fn run(&self, which: &str) -> Option<&Run> {
        self.runs.iter().find(|run| match which {
            "cpython" => run.implementation == "CPython" && !run.free_threaded,
            "free-threaded" => run.free_threaded,
            "rust" => run.implementation == "Rust",
            name => run.program == name,
        })
    }

    /// The median time of one variant of one run, in nanoseconds.
    pub fn time(&self, which: &str, id: &str) -> Option<f64> {
        self.run(which)?.medians_ns.get(id).copied()
    }

    /// `baseline / candidate` within one run: how many times as fast.
    pub fn speedup(&self, which: &str, candidate: &str, baseline: &str) -> Option<f64> {
        self.run(which)?.speedup(candidate, baseline)
    }
}

impl Run {
    /// `baseline / candidate`: how many times as fast.
    pub fn speedup(&self, candidate: &str, baseline: &str) -> Option<f64> {
        Some(self.medians_ns.get(baseline)? / self.medians_ns.get(candidate)?)
    }

    /// A column heading: `CPython 3.11.7`, `CPython 3.13.1 free-threaded`,
    /// `Rust 1.95.0`.
    pub fn label(&self) -> String {
        let mut label = self.implementation.clone();
        if let Some(version) = &self.version {
            label = format!("{label} {version}");
        }
        if self.free_threaded {
            label.push_str(if self.gil_enabled {
                " free-threaded build, GIL turned back on"
            } else {
                " free-threaded"
            });
        }
        label
    }
}

/// Builds the Rust example, optimised; returns its executable.
fn build_example(course: &Course) -> Result<PathBuf> {
    let lesson = course
        .lessons
        .iter()
        .find(|l| l.name == LESSON)
        .with_context(|| format!("the workspace has no lesson {LESSON}"))?;
    human::phase(&format!(
        "building the example {EXAMPLE} of {LESSON}, optimised (the first time takes a minute)"
    ));
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .args(["build", "--release", "--package", &lesson.krate.package])
        .args(["--example", EXAMPLE])
        .arg("--manifest-path")
        .arg(course.root.join("Cargo.toml"))
        // Set, so that the executable is where this looks for it.
        .env("CARGO_TARGET_DIR", &course.target_dir);
    let outcome = process::run(command, BUILD_DEADLINE)?;
    if outcome.status != Status::Exited(0) {
        bail!(
            "cargo could not build the example {EXAMPLE} of {LESSON} ({:?}):\n{}",
            outcome.status,
            outcome.output
        );
    }
    let exe = course
        .target_dir
        .join("release/examples")
        .join(format!("{EXAMPLE}{}", std::env::consts::EXE_SUFFIX));
    if !exe.is_file() {
        bail!("cargo built {EXAMPLE}, but {} is not there", exe.display());
    }
    Ok(exe)
}

fn run_python(python: &str, script: &Path, workload: &Workload) -> Result<Run> {
    let mut command = Command::new(python);
    command
        .arg(script)
        .args(workload.args())
        // Worker processes import the script (spawn, forkserver): no
        // `__pycache__` left in the course's folder.
        .env("PYTHONDONTWRITEBYTECODE", "1");
    run_program(python, command, workload, &PYTHON_IDS)
}

/// Runs one program with a deadline and reads the figures it printed.
fn run_program(program: &str, command: Command, workload: &Workload, ids: &[&str]) -> Result<Run> {
    let outcome = process::run(command, RUN_DEADLINE)?;
    match outcome.status {
        Status::Exited(0) => {}
        Status::TimedOut => bail!(
            "{program} did not finish within {} s and was stopped; it printed:\n{}",
            RUN_DEADLINE.as_secs(),
            tail(&outcome.output)
        ),
        Status::Signaled(signal) => bail!(
            "{program} was killed by {}; it printed:\n{}",
            process::signal_name(signal),
            tail(&outcome.output)
        ),
        Status::Exited(code) => bail!(
            "{program} failed (exit code {code}); it printed:\n{}",
            tail(&outcome.output)
        ),
    }
    parse(program, &outcome.output, workload, ids)
}

/// Reads the JSON object a program printed (its last line starting with
/// `{"implementation"`: stderr is captured with stdout, so warnings may
/// come before it), and checks it: the workload asked for, every variant
/// measured with a positive time.
fn parse(program: &str, output: &str, workload: &Workload, ids: &[&str]) -> Result<Run> {
    let Some(start) = output.rfind("{\"implementation\"") else {
        bail!(
            "{program} printed no figures (a JSON object starting with \
             {{\"implementation\"); it printed:\n{}",
            tail(output)
        );
    };
    let line = output[start..].lines().next().unwrap_or_default();
    let printed: Printed = serde_json::from_str(line)
        .with_context(|| format!("{program} printed figures that cannot be read:\n{line}"))?;
    let got = Workload {
        size: printed.size,
        workers: printed.workers,
        waits: printed.waits,
        wait_ms: printed.wait_ms,
        io_workers: printed.io_workers,
        repeats: printed.repeats,
    };
    if got != *workload {
        bail!("{program} ran the workload {got:?}, not the one asked for, {workload:?}");
    }
    for id in ids {
        match printed.medians_ns.get(*id) {
            Some(ns) if ns.is_finite() && *ns > 0.0 => {}
            Some(ns) => bail!("{program} printed a median of {ns} ns for `{id}`:\n{line}"),
            None => bail!("{program} printed no median for `{id}`:\n{line}"),
        }
    }
    Ok(Run {
        program: program.to_owned(),
        implementation: printed.implementation,
        version: printed.version,
        free_threaded: printed.free_threaded,
        gil_enabled: printed.gil_enabled,
        start_method: printed.start_method,
        checksum: printed.checksum,
        medians_ns: printed.medians_ns,
    })
}

/// Every run computed the same checksum: the comparison compares the same
/// work.
fn same_work(runs: &[Run]) -> Result<()> {
    let Some(first) = runs.first() else {
        return Ok(());
    };
    if runs.iter().any(|run| run.checksum != first.checksum) {
        let all: Vec<String> = runs
            .iter()
            .map(|run| format!("{} {}", run.program, run.checksum))
            .collect();
        bail!(
            "the programs computed different checksums ({}): they did not do the \
             same work, so nothing is recorded",
            all.join(", ")
        );
    }
    Ok(())
}

/// The end of a program's output, where its error is.
fn tail(output: &str) -> &str {
    const KEEP: usize = 4000;
    let mut start = output.len().saturating_sub(KEEP);
    while !output.is_char_boundary(start) {
        start += 1;
    }
    output[start..].trim_end()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRINTED: &str = concat!(
        r#"{"implementation": "CPython", "version": "3.11.7", "#,
        r#""free_threaded": false, "gil_enabled": true, "start_method": "fork", "#,
        r#""size": 20000, "workers": 2, "waits": 4, "wait_ms": 5, "io_workers": 4, "#,
        r#""repeats": 1, "checksum": 1234, "medians_ns": {"cpu/sequential": 2000000, "#,
        r#""cpu/threads": 2100000, "cpu/processes": 9000000.5, "#,
        r#""io/sequential": 20000000, "io/threads": 5000000, "io/processes": 12000000}}"#,
    );

    fn course(root: &Path) -> Course {
        Course {
            root: root.to_path_buf(),
            target_dir: root.join("target"),
            exercises: Vec::new(),
            lessons: Vec::new(),
        }
    }

    fn quick() -> Workload {
        Workload::quick(2)
    }

    #[test]
    fn a_good_output_is_read_even_after_warnings() {
        let output = format!("some warning on stderr\n{PRINTED}\n");
        let run = parse("python3", &output, &quick(), &PYTHON_IDS).unwrap();
        assert_eq!(run.program, "python3");
        assert_eq!(run.label(), "CPython 3.11.7");
        assert_eq!(run.start_method.as_deref(), Some("fork"));
        assert_eq!((run.checksum, run.gil_enabled), (1234, true));
        assert_eq!(run.medians_ns["cpu/processes"], 9000000.5);
    }

    #[test]
    fn a_bad_output_is_an_error_naming_the_program_and_what_it_printed() {
        let err = parse("python3", "Traceback: boom\n", &quick(), &PYTHON_IDS).unwrap_err();
        let text = format!("{err:#}");
        assert!(
            text.contains("python3 printed no figures") && text.contains("Traceback: boom"),
            "{text}"
        );

        let broken = "{\"implementation\": \"CPython\", \"version\": 3}";
        let err = parse("python3.13t", broken, &quick(), &PYTHON_IDS).unwrap_err();
        let text = format!("{err:#}");
        assert!(
            text.contains("python3.13t printed figures that cannot be read"),
            "{text}"
        );

        let missing = PRINTED.replace("\"io/processes\"", "\"io/other\"");
        let err = parse("python3", &missing, &quick(), &PYTHON_IDS).unwrap_err();
        assert!(
            err.to_string().contains("no median for `io/processes`"),
            "{err}"
        );

        let mut other = quick();
        other.size += 1;
        let err = parse("rust", PRINTED, &other, &RUST_IDS).unwrap_err();
        assert!(err.to_string().contains("not the one asked for"), "{err}");
    }

    #[test]
    fn a_missing_interpreter_skips_without_touching_the_record() {
        let dir = tempfile::tempdir().unwrap();
        let course = course(dir.path());
        let record = record_path(&course);
        std::fs::create_dir_all(record.parent().unwrap()).unwrap();
        std::fs::write(&record, "an earlier record").unwrap();
        for name in [
            "python3-xtask-test-no-such-interpreter",
            "/no/such/folder/python3",
        ] {
            assert_eq!(tools::find_program(name), None);
            compare(&course, Some(name), false).unwrap();
            compare(&course, Some(name), true).unwrap();
        }
        assert_eq!(
            std::fs::read_to_string(&record).unwrap(),
            "an earlier record"
        );
    }

    #[test]
    fn the_record_round_trips_and_renders() {
        let dir = tempfile::tempdir().unwrap();
        let course = course(dir.path());
        assert_eq!(load(&course).unwrap(), None);
        let python = parse("python3", PRINTED, &quick(), &PYTHON_IDS).unwrap();
        let mut rust = python.clone();
        rust.program = "rust".to_owned();
        rust.implementation = "Rust".to_owned();
        rust.version = Some("1.95.0".to_owned());
        rust.start_method = None;
        rust.medians_ns.retain(|id, _| !id.ends_with("processes"));
        let comparison = Comparison {
            date: "2026-12-05".to_owned(),
            machine: Machine::example("CPU"),
            workload: quick(),
            runs: vec![python, rust],
        };
        same_work(&comparison.runs).unwrap();
        save(&course, &comparison).unwrap();
        assert_eq!(load(&course).unwrap(), Some(comparison.clone()));

        assert_eq!(
            comparison.speedup("cpython", "io/threads", "io/sequential"),
            Some(4.0)
        );
        assert_eq!(comparison.time("rust", "cpu/processes"), None);
        assert_eq!(comparison.run("free-threaded"), None);
        assert!(
            comparison
                .stamp()
                .ends_with("rustc 1.95.0; CPython 3.11.7 (python3, start method fork)"),
            "{}",
            comparison.stamp()
        );
        let table = comparison.table();
        assert!(
            table.starts_with("| | CPython 3.11.7 | Rust 1.95.0 |\n|---|---:|---:|\n"),
            "{table}"
        );
        assert!(
            table.contains("| I/O-bound, 4 waits of 5 ms, 4 threads | 5.00 ms (4.00× as fast) |"),
            "{table}"
        );
        assert!(table.contains("(starting them included) | 9.00 ms (0.22× as fast) | — |"));
        assert_eq!(
            comparison.summary(),
            "CPU-bound, as fast as one after another: CPython 3.11.7 threads 0.95×, \
             CPython 3.11.7 processes 0.22×, Rust 1.95.0 threads 0.95×\n\
             I/O-bound, as fast as one after another: CPython 3.11.7 threads 4.00×, \
             CPython 3.11.7 processes 1.67×, Rust 1.95.0 threads 4.00×"
        );

        let mut differs = comparison.runs.clone();
        differs[1].checksum += 1;
        let err = same_work(&differs).unwrap_err();
        assert!(err.to_string().contains("python3 1234, rust 1235"), "{err}");
    }
}

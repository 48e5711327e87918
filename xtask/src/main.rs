//! The course's command line: `cargo xtask <command>` (an alias in `.cargo/config.toml`).
//!
//! Exit codes: 0 when everything graded passed, 1 when a graded task did not pass,
//! 2 when the command itself could not do its job (an unknown exercise, a broken
//! manifest, cargo missing).

mod book;
mod course;
mod grade;
mod learner;
mod maintainer;
mod report;
mod sys;
mod xml;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::book::{cpython, figures, handouts, pages};
use crate::course::Course;
use crate::learner::{hint, list, reset, watch};
use crate::maintainer::{bench_report, claims, project_tests, stability, submissions};
use crate::report::human;
use crate::sys::process;

#[derive(Parser)]
#[command(
    name = "cargo xtask",
    bin_name = "cargo xtask",
    about = "Threads and Processes in Rust: the course's grader"
)]
struct Cli {
    /// The course workspace's Cargo.toml (default: the one around the current folder).
    #[arg(long, global = true, value_name = "PATH")]
    manifest_path: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Grade exercises (all, one exercise, or one task) and show the scoreboard.
    Grade(GradeArgs),
    /// List exercises and tasks with your progress.
    List,
    /// Show the next hint for a task (the first unsolved task if none is named).
    Hint {
        /// `EXERCISE/TASK`, or a task id that only one exercise has.
        task: Option<String>,
        /// Show every hint of the task at once.
        #[arg(long)]
        all: bool,
    },
    /// Re-grade an exercise every time one of its files is saved.
    Watch {
        /// The exercise to watch (default: the first one not yet passed).
        exercise: Option<String>,
        /// Poll for changes instead of waiting for file-system events.
        #[arg(long)]
        poll: bool,
        #[command(flatten)]
        run: RunArgs,
    },
    /// Restore an exercise's starter code, keeping a backup of your version.
    Reset {
        exercise: String,
        /// The git revision to take the starter from.
        #[arg(long, default_value = "HEAD", conflicts_with = "undo")]
        from: String,
        /// Put your latest backup back instead (the exercise as it is now is backed up
        /// first, so undoing twice gives it back).
        #[arg(long)]
        undo: bool,
    },
    /// Run the project's tests: formatting, lints, every crate's tests and the course's
    /// invariants (every solution passes, every untouched starter fails, a sample of the
    /// wrong and right submissions comes out as expected).
    Test {
        /// Grade every submission of `submissions.toml`, not only a sample.
        #[arg(long)]
        all_submissions: bool,
    },
    /// Maintainers: grade the wrong and right submissions of the solutions'
    /// `submissions.toml` (edits of the reference) and print, per submission, expected vs got.
    Submissions {
        /// `EXERCISE` or `EXERCISE/TASK` names (default: every exercise).
        selection: Vec<String>,
        /// Grade benchmark checks too, and the submissions only a benchmark catches.
        #[arg(long)]
        bench: bool,
        /// Only the first wrong and the first right submission of each exercise.
        #[arg(long)]
        sample: bool,
        /// Deadline of each test process, in seconds.
        #[arg(long, default_value_t = 60, value_name = "SECS",
              value_parser = seconds, allow_negative_numbers = true)]
        timeout: u64,
        /// Grade each submission this many times: it is as expected only if every run
        /// is (a benchmark verdict must hold 20 times out of 20).
        #[arg(long, default_value_t = 1, value_name = "N",
              value_parser = clap::value_parser!(u32).range(1..))]
        runs: u32,
    },
    /// Build the book (into `target/book`) with the pinned mdBook, installed on first use.
    Book {
        /// Serve it on http://localhost:3000 instead, rebuilding on every change.
        #[arg(long)]
        serve: bool,
        /// Write it here instead of `target/book`.
        #[arg(long, value_name = "DIR")]
        dest_dir: Option<PathBuf>,
    },
    /// Write one printable page per lesson (into `target/handouts`): HTML, and PDF where
    /// Chromium is installed.
    Handouts {
        /// Write them here instead of `target/handouts`.
        #[arg(long, value_name = "DIR")]
        dest_dir: Option<PathBuf>,
    },
    /// Write the book's generated pages: task pages from the manifests, measured tables and
    /// charts from `measured.json`, pages from `book/templates`; then check that no
    /// hand-written page types a measured figure.
    BookPages,
    /// Run the Python note's two programs (CPU-bound and I/O-bound work, one after
    /// another, on threads and on processes) with your `python3`, and the same work in
    /// Rust; record the figures in `book/src/01-threads/python.json`. Free-threaded
    /// builds on PATH (`python3.14t`, `python3.13t`) are measured too. Skipped, with
    /// nothing recorded, when there is no `python3`.
    PythonCompare {
        /// The interpreter to compare with, by name or path (default: `python3`).
        #[arg(long, value_name = "PYTHON")]
        python: Option<String>,
        /// Tiny sizes, to try the command out: prints the figures, records nothing.
        #[arg(long)]
        quick: bool,
    },
    /// Run lessons' benchmarks, record them in `book/src/LESSON/measured.json` and regenerate
    /// the pages that show them.
    BenchReport {
        /// Lesson folder names (default: every lesson).
        lessons: Vec<String>,
    },
    /// Maintainers: grade the same tasks N times and count verdicts (benchmark stability).
    Stability {
        /// `EXERCISE` or `EXERCISE/TASK` names (with `--claims`: lesson names).
        selection: Vec<String>,
        #[arg(long, default_value_t = 20)]
        runs: usize,
        /// Grade the reference solutions.
        #[arg(long)]
        solutions: bool,
        /// Check the lessons' speed claims instead of grading exercises.
        #[arg(long, conflicts_with = "solutions")]
        claims: bool,
        #[command(flatten)]
        run: RunArgs,
    },
}

#[derive(Args)]
struct GradeArgs {
    /// `EXERCISE` or `EXERCISE/TASK` (default: everything).
    selection: Vec<String>,
    /// Grade the reference solutions with the same checks.
    #[arg(long)]
    solutions: bool,
    /// Report format on stdout; progress goes to stderr.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Hide the progress lines.
    #[arg(long, short)]
    quiet: bool,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Args, Clone)]
struct RunArgs {
    /// Deadline of each test process, in seconds (at least 1).
    #[arg(long, default_value_t = 30, value_name = "SECS",
          value_parser = seconds, allow_negative_numbers = true)]
    timeout: u64,
    /// Skip benchmark checks.
    #[arg(long)]
    no_bench: bool,
}

/// A deadline in whole seconds: at least 1, because a check given no time at all
/// would be recorded as timed out whatever its code does.
fn seconds(value: &str) -> Result<u64, String> {
    match value.trim().parse::<i64>() {
        Ok(secs) if secs >= 1 => Ok(secs as u64),
        Ok(_) => Err(format!(
            "a deadline must be at least 1 second (got {value}): \
             it is how long each check may run before it counts as hung"
        )),
        Err(_) => Err(format!(
            "`{value}` is not a whole number of seconds (e.g. `--timeout 60`)"
        )),
    }
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
    Junit,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    process::init();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            // An error caused by the interruption's killing is not the learner's.
            process::stop_if_interrupted();
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let course = Course::load(cli.manifest_path.as_deref())?;
    match cli.command {
        Command::Grade(args) => {
            human::set_quiet(args.quiet);
            let options = grade_options(args.selection, args.solutions, &args.run);
            let report = grade::grade_and_record(&course, &options)?;
            match args.format {
                Format::Human => print!("{}", human::render(&report, "cargo xtask hint")),
                Format::Json => println!("{}", report.to_json()),
                Format::Junit => print!("{}", report.to_junit()),
            }
            Ok(ExitCode::from(report.exit_code() as u8))
        }
        Command::List => {
            list::list(&course);
            Ok(ExitCode::SUCCESS)
        }
        Command::Hint { task, all } => {
            hint::hint(&course, task.as_deref(), all)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Watch {
            exercise,
            poll,
            run,
        } => {
            let options = grade_options(Vec::new(), false, &run);
            watch::watch(&course, exercise.as_deref(), poll, options)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Reset {
            exercise,
            from,
            undo,
        } => {
            if undo {
                reset::undo(&course, &exercise)?;
            } else {
                reset::reset(&course, &exercise, &from)?;
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Test { all_submissions } => project_tests::run(&course, all_submissions),
        Command::Submissions {
            selection,
            bench,
            sample,
            timeout,
            runs,
        } => submissions::run(
            &course,
            &submissions::Options {
                selection,
                bench,
                sample,
                timeout,
                runs,
            },
        ),
        Command::Book { serve, dest_dir } => {
            let dest = dest_dir.unwrap_or_else(|| book::default_dest(&course));
            if serve {
                book::serve(&course, &dest)?;
            } else {
                let first = book::build(&course, &dest)?;
                println!("the book is at {}", first.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Handouts { dest_dir } => {
            let dest = dest_dir.unwrap_or_else(|| handouts::default_dest(&course));
            for path in handouts::write(&course, &dest)? {
                println!("wrote {}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::BookPages => {
            pages::write(&course)?;
            figures::check(&course)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::PythonCompare { python, quick } => {
            cpython::compare(&course, python.as_deref(), quick)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::BenchReport { lessons } => {
            bench_report::run(&course, &claims::select(&course, &lessons)?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Stability {
            selection,
            runs,
            solutions,
            claims,
            run,
        } => {
            human::set_quiet(true);
            if claims {
                let lessons = claims::select(&course, &selection)?;
                stability::run(runs, "lesson claims", || claims::check(&course, &lessons))?;
            } else {
                let options = grade_options(selection, solutions, &run);
                let mode = if solutions { "solutions" } else { "exercises" };
                stability::run(runs, mode, || grade::grade(&course, &options))?;
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn grade_options(selection: Vec<String>, solutions: bool, run: &RunArgs) -> grade::Options {
    grade::Options {
        selection,
        solutions,
        timeout: Duration::from_secs(run.timeout),
        no_bench: run.no_bench,
    }
}

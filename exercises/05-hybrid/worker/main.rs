//! Given: the worker program of exercise 05. It serves jobs with *your* `serve` (task
//! `process-pool`); you do not need to change this file. Cargo builds it as this crate's
//! binary, and the checks find it through `CARGO_BIN_EXE_...`.
//!
//! ```text
//! WORKER [--threads N] [--log FILE] [--kill-at JOB]... [--kill-after JOB]... [--marker DIR]
//!
//!   Reads `Job` frames on stdin and writes one `Reply` frame for each on stdout, until
//!   stdin ends: `hybrid_exercise::serve(N, stdin, stdout)`.
//!
//!   --threads N       the size of the worker's thread pool (default 1)
//!   --log FILE        append `ready PID` when the worker starts, and `started PID JOB`
//!                     and `done PID JOB` around each job it runs
//!   --kill-at JOB     when job JOB starts, the worker kills itself with SIGKILL, while
//!                     its other threads may be in the middle of other jobs (may be given
//!                     several times: one kill for each job named)
//!   --kill-after JOB  when job JOB is done, before its reply can be sent, the worker
//!                     kills itself with SIGKILL (may be given several times too)
//!   --marker DIR      with --kill-at or --kill-after: for each job named, only the first
//!                     worker that creates the file DIR/JOB kills itself, so the job
//!                     succeeds when it runs again
//! ```
//!
//! The log is how the checks see which processes your code started and which of them ran
//! which job; the kills are how they test your supervisor, deterministically.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{self, ExitCode};
use std::sync::Arc;

use hybrid_exercise::work::{self, Hooks, JobId};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

struct Options {
    threads: usize,
    log: Option<PathBuf>,
    kill_at: Vec<JobId>,
    kill_after: Vec<JobId>,
    marker: Option<PathBuf>,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let mut options = Options {
        threads: 1,
        log: None,
        kill_at: Vec::new(),
        kill_after: Vec::new(),
        marker: None,
    };
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        let number = |text: String| {
            text.parse::<u64>()
                .map_err(|_| format!("`{text}` is not a number"))
        };
        match flag.as_str() {
            "--threads" => options.threads = number(value()?)? as usize,
            "--log" => options.log = Some(value()?.into()),
            "--kill-at" => options.kill_at.push(number(value()?)?),
            "--kill-after" => options.kill_after.push(number(value()?)?),
            "--marker" => options.marker = Some(value()?.into()),
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    if options.threads == 0 {
        return Err("--threads must be at least 1".into());
    }
    let kills = !options.kill_at.is_empty() || !options.kill_after.is_empty();
    if kills && options.marker.is_none() {
        return Err("--kill-at and --kill-after need --marker".into());
    }
    Ok(options)
}

fn main() -> ExitCode {
    let options = match parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(why) => {
            eprintln!("worker: {why}");
            return ExitCode::from(2);
        }
    };
    let log = match options.log.as_deref().map(Log::open).transpose() {
        Ok(log) => Arc::new(log),
        Err(error) => {
            eprintln!("worker: cannot open the log: {error}");
            return ExitCode::from(2);
        }
    };
    let me = process::id();
    append(&log, &format!("ready {me}"));
    let (at, after, marker) = (options.kill_at, options.kill_after, options.marker);
    let marker_at = marker.clone();
    let (log_started, log_finished) = (Arc::clone(&log), Arc::clone(&log));
    work::set_hooks(Hooks {
        started: Box::new(move |job| {
            append(&log_started, &format!("started {me} {job}"));
            if at.contains(&job) {
                kill_myself_once(marker_at.as_ref(), job);
            }
        }),
        finished: Box::new(move |job| {
            append(&log_finished, &format!("done {me} {job}"));
            if after.contains(&job) {
                kill_myself_once(marker.as_ref(), job);
            }
        }),
    });
    match hybrid_exercise::serve(options.threads, io::stdin(), io::stdout()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("worker {me}: {error}");
            ExitCode::FAILURE
        }
    }
}

/// The log file, open for appending.
struct Log(File);

impl Log {
    fn open(path: &Path) -> io::Result<Log> {
        Ok(Log(OpenOptions::new()
            .append(true)
            .create(true)
            .open(path)?))
    }
}

/// Appends one line in one `write` call to a file opened for appending, so that the lines
/// of several workers and threads never interleave.
fn append(log: &Option<Log>, line: &str) {
    if let Some(Log(file)) = log {
        let _ = (&*file).write_all(format!("{line}\n").as_bytes());
    }
}

/// Sends SIGKILL to this process, unless another worker has already created the file
/// `marker/JOB`: each job named by a kill option kills one worker, once.
fn kill_myself_once(marker: Option<&PathBuf>, job: JobId) {
    let marker = marker.expect("checked when the options were read");
    // Several workers may get here at once: creating the folder twice is not an error,
    // and only one of them creates the file.
    let _ = std::fs::create_dir_all(marker);
    let first = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(marker.join(job.to_string()))
        .is_ok();
    if first {
        let _ = kill(Pid::this(), Signal::SIGKILL);
        // SIGKILL cannot be caught or ignored: wait here for it to land.
        loop {
            std::thread::park();
        }
    }
}

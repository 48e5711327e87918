//! The worker process: the lesson's own program, re-run with `--worker THREADS`, that runs
//! the jobs it is sent on a thread pool of its own.
//!
//! This is the other half of the [`crate::supervisor`], and the "process pool of thread
//! pools" of the chapter's title. Each worker is a process, so a crash stays in it (lesson
//! 03); inside, a rayon pool of `THREADS` threads runs several jobs at once, sharing the
//! process's memory (lesson 01). The supervisor talks to it through its stdin and stdout,
//! in [`crate::frame`]s:
//!
//! - stdin carries [`Job`]s, one frame each, until the supervisor closes it;
//! - stdout carries [`Report`]s: `Ready` once, then `Started` and `Done` for each job, in
//!   the order things happen (so not in the order of the jobs).
//!
//! Three threads of the worker have a part:
//! - the main thread reads jobs and hands each one to the pool (`spawn`);
//! - the pool's threads run the jobs, and report through a channel;
//! - one writer thread turns the reports into frames on stdout: frames written by
//!   several threads at once could interleave, one writer cannot.
//!
//! When stdin ends, the worker finishes the jobs it has (the pool's scope waits for them),
//! the writer writes their reports, and the process exits with code 0. Its unfinished
//! work is never silently dropped, and nothing of it is ever lost when it is killed
//! either: the supervisor still holds every job without a `Done`, and sends it again.

use std::env;
use std::io::{self, BufReader, BufWriter, ErrorKind, Read, Write};
use std::panic;
use std::path::{Path, PathBuf};
use std::process::{self, Child, ChildStdin, ChildStdout, Command, ExitStatus, Stdio};
use std::thread;

use crossbeam::channel;
use rayon::ThreadPoolBuilder;
use serde::{Deserialize, Serialize};

use crate::frame::{read_frame, write_frame};
use crate::work::{Job, JobId, execute};

/// The first argument of every worker process; the second is its number of threads.
pub const WORKER_FLAG: &str = "--worker";

// ANCHOR: report
/// What a worker tells the supervisor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Report {
    /// The worker is up, with a pool of `threads` threads. Always the first report.
    Ready { threads: usize },
    /// A thread of the pool has begun `job`.
    Started { job: JobId },
    /// `job` is done, and this is its answer.
    Done { job: JobId, value: u64 },
}
// ANCHOR_END: report

/// Where the worker program is, and how to start it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerProgram {
    program: PathBuf,
}

impl WorkerProgram {
    /// The running program itself: a program that re-runs itself as its workers.
    pub fn current_exe() -> io::Result<WorkerProgram> {
        Ok(WorkerProgram {
            program: env::current_exe()?,
        })
    }

    /// The program at `program`, whose `main` starts with [`serve_if_worker`]. Tests and
    /// benchmarks pass `env!("CARGO_BIN_EXE_lesson-05-hybrid")`.
    pub fn at(program: impl Into<PathBuf>) -> WorkerProgram {
        WorkerProgram {
            program: program.into(),
        }
    }

    pub fn program(&self) -> &Path {
        &self.program
    }

    /// A `Command` that starts a worker with a pool of `threads` threads. The caller
    /// chooses its streams.
    pub fn command(&self, threads: usize) -> Command {
        let mut command = Command::new(&self.program);
        command.arg(WORKER_FLAG).arg(threads.to_string());
        command
    }
}

// ANCHOR: serve_if_worker
/// If this process was started as a worker (`--worker THREADS`), serves jobs on stdin
/// until it ends, and exits: it never returns then. Otherwise it returns at once. Call it
/// first thing in `main`.
pub fn serve_if_worker() {
    let args: Vec<String> = env::args().skip(1).collect();
    if args.first().map(String::as_str) != Some(WORKER_FLAG) {
        return;
    }
    let threads = match args.get(1).map(|n| n.parse::<usize>()) {
        Some(Ok(threads)) if threads > 0 => threads,
        _ => {
            eprintln!("worker: usage: {WORKER_FLAG} THREADS (a number of threads, at least 1)");
            process::exit(2);
        }
    };
    let code = match serve(threads, io::stdin(), io::stdout()) {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("worker {}: {error}", process::id());
            1
        }
    };
    process::exit(code);
}
// ANCHOR_END: serve_if_worker

// ANCHOR: serve
/// Reads jobs from `input` and runs them on a pool of `threads` threads, writing a
/// `Started` and a `Done` report to `output` for each, until `input` ends and every job
/// has been done.
pub fn serve(threads: usize, input: impl Read, output: impl Write + Send) -> io::Result<()> {
    let pool = ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("worker-pool-{i}"))
        .build()
        .map_err(io::Error::other)?;
    // Unbounded, but never long: the supervisor sends each worker only a few jobs ahead,
    // and each job makes two reports.
    let (reports, outbox) = channel::unbounded::<Report>();
    let mut input = BufReader::new(input);
    thread::scope(|s| {
        let writer = s.spawn(move || -> io::Result<()> {
            let mut output = BufWriter::new(output);
            for report in outbox {
                write_frame(&mut output, &report)?;
            }
            Ok(())
        });
        // A failed `send` means the writer has stopped (stdout is gone): its own error
        // says why, below. The jobs have nobody to report to, and finish unheard.
        let _ = reports.send(Report::Ready { threads });
        // `in_place_scope` runs this loop on the calling thread and returns only when
        // every job spawned in it has finished.
        let reading = pool.in_place_scope(|jobs| -> io::Result<()> {
            while let Some(job) = read_frame::<Job>(&mut input)? {
                let reports = reports.clone();
                jobs.spawn(move |_| {
                    let _ = reports.send(Report::Started { job: job.id });
                    let value = execute(&job.work);
                    let _ = reports.send(Report::Done { job: job.id, value });
                });
            }
            Ok(())
        });
        // The last sender: once it is gone, the writer's loop ends.
        drop(reports);
        let writing = writer.join().unwrap_or_else(|p| panic::resume_unwind(p));
        reading.and(writing)
    })
}
// ANCHOR_END: serve

// ANCHOR: solo
/// One worker process on its own, without a supervisor: what the benchmarks use to
/// measure what starting a worker costs, and what a job on a running one costs.
/// Dropping it kills and reaps the process.
pub struct Solo {
    jobs: Option<BufWriter<ChildStdin>>,
    reports: BufReader<ChildStdout>,
    child: Child,
}

impl Solo {
    /// Starts a worker with `threads` threads and waits until it reports `Ready`.
    pub fn start(program: &WorkerProgram, threads: usize) -> io::Result<Solo> {
        let mut child = program
            .command(threads)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let jobs = child.stdin.take().map(BufWriter::new);
        let reports = BufReader::new(child.stdout.take().expect("stdout is piped"));
        let mut solo = Solo {
            jobs,
            reports,
            child,
        };
        match solo.next_report()? {
            Report::Ready { .. } => Ok(solo),
            other => Err(unexpected(&other)),
        }
    }

    /// Sends `job`, and waits for its `Started` and `Done`; returns the answer.
    pub fn run(&mut self, job: &Job) -> io::Result<u64> {
        let jobs = self.jobs.as_mut().expect("stdin is open until `stop`");
        write_frame(jobs, job)?;
        match self.next_report()? {
            Report::Started { job: id } if id == job.id => {}
            other => return Err(unexpected(&other)),
        }
        match self.next_report()? {
            Report::Done { job: id, value } if id == job.id => Ok(value),
            other => Err(unexpected(&other)),
        }
    }

    /// Closes the worker's stdin, so that it exits, and reaps it.
    pub fn stop(mut self) -> io::Result<ExitStatus> {
        drop(self.jobs.take());
        self.child.wait()
    }

    fn next_report(&mut self) -> io::Result<Report> {
        read_frame(&mut self.reports)?.ok_or_else(|| {
            io::Error::new(
                ErrorKind::UnexpectedEof,
                "the worker ended without a report",
            )
        })
    }
}

impl Drop for Solo {
    fn drop(&mut self) {
        // Nothing to do if `stop` reaped it already: `kill` and `wait` only fail then.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
// ANCHOR_END: solo

fn unexpected(report: &Report) -> io::Error {
    io::Error::new(
        ErrorKind::InvalidData,
        format!("unexpected report {report:?}"),
    )
}

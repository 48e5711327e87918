//! A program that re-runs itself as its own workers.
//!
//! A worker process needs a program to run. Python's `multiprocessing` has two ways to get
//! one: the *fork* start method copies the running parent (memory, threads' locks and all,
//! see [`crate::fork`]), and the *spawn* method starts a fresh interpreter that imports the
//! parent's main module and calls the target function. A Rust program does the equivalent
//! of *spawn*: it starts its own executable again, found with [`std::env::current_exe`],
//! with an argument that says "you are a worker; here is your task". One binary to build
//! and ship, and parent and workers can never be different versions of the code.
//!
//! Three pieces make the pattern:
//!
//! - [`WORKER_FLAG`], the first argument of every worker, which tells a worker from the
//!   parent;
//! - [`Task`], what a worker is asked to do, written as command-line arguments by the
//!   parent ([`Worker::command`]) and read back by the worker ([`Task::parse`]);
//! - [`serve_if_worker`], the first call in `main`: in a worker it runs the task and exits,
//!   so the rest of `main` is only ever the parent's.
//!
//! In an integration test or a benchmark, `current_exe()` is the test binary, which is not
//! this program. Cargo tells those the path of their package's binaries instead, as
//! `env!("CARGO_BIN_EXE_<name>")`; [`Worker::at`] takes such a path. The lesson's program,
//! `src/main.rs`, is a `main` that starts with [`serve_if_worker`], and the tests start it
//! as `CARGO_BIN_EXE_lesson-03-processes`.
//!
//! Two things `current_exe` does not promise: on some platforms it can fail, and if the
//! executable was deleted or replaced while the program ran (an upgrade), the path may
//! name the new file or none. For a long-running service that upgrades in place, resolve
//! it once at start-up, as [`Worker::current_exe`] lets you do.

use std::env;
use std::ffi::OsString;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::process::{self, Command};
use std::thread;

use crate::faults::{self, Fault};
use crate::pool;

/// The first argument of every worker process.
pub const WORKER_FLAG: &str = "--worker";

/// The exit code of a worker that was started with arguments it does not understand.
pub const BAD_TASK: i32 = 2;

// ANCHOR: task
/// What a worker process is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Task {
    /// Print this process's pid and its parent's pid, `PID PPID`, and exit 0.
    Whoami,
    /// Print each argument on a line of its own, exactly as it arrived.
    Echo(Vec<String>),
    /// Print the value of each named environment variable, one per line, `-` if unset.
    PrintEnv(Vec<String>),
    /// Copy stdin to stdout, upper-cased, until stdin closes.
    Upper,
    /// Exit with this code; unless it is 0, say so on stderr first.
    Exit(i32),
    /// Print this process's pid, then never end on its own: wait until killed.
    Hang,
    /// Cause this fault on the worker's main thread.
    Fault(Fault),
    /// Cause this fault on a second thread of the worker, join that thread, and print
    /// `survived: ...` if the worker is still alive to do so.
    FaultInThread(Fault),
    /// Answer checksum requests (`START END` per line on stdin, one result per line on
    /// stdout) until stdin closes: a process pool's worker ([`crate::pool`]).
    Serve,
    /// Start this many threads that do nothing, print `ready`, and wait until stdin
    /// closes ([`crate::memory`] measures what the process and its threads cost).
    Idle { threads: usize },
}
// ANCHOR_END: task

impl Task {
    /// The task as the arguments that follow [`WORKER_FLAG`].
    pub fn to_args(&self) -> Vec<String> {
        match self {
            Task::Whoami => vec!["whoami".into()],
            Task::Echo(args) => [vec!["echo".to_owned()], args.clone()].concat(),
            Task::PrintEnv(names) => [vec!["env".to_owned()], names.clone()].concat(),
            Task::Upper => vec!["upper".into()],
            Task::Exit(code) => vec!["exit".into(), code.to_string()],
            Task::Hang => vec!["hang".into()],
            Task::Fault(fault) => vec!["fault".into(), fault.name().into()],
            Task::FaultInThread(fault) => vec!["fault-in-thread".into(), fault.name().into()],
            Task::Serve => vec!["serve".into()],
            Task::Idle { threads } => vec!["idle".into(), threads.to_string()],
        }
    }

    /// Reads a task back from the arguments that follow [`WORKER_FLAG`]. The error says
    /// what was wrong, for the worker to print before it exits with [`BAD_TASK`].
    pub fn parse(args: &[String]) -> Result<Task, String> {
        let words: Vec<&str> = args.iter().map(String::as_str).collect();
        let fault = |name: &str| {
            Fault::from_name(name).ok_or_else(|| {
                let known: Vec<&str> = Fault::ALL.iter().map(|f| f.name()).collect();
                format!("unknown fault `{name}` (known: {})", known.join(", "))
            })
        };
        match words.as_slice() {
            ["whoami"] => Ok(Task::Whoami),
            ["echo", args @ ..] => Ok(Task::Echo(args.iter().map(|a| a.to_string()).collect())),
            ["env", names @ ..] => Ok(Task::PrintEnv(
                names.iter().map(|name| name.to_string()).collect(),
            )),
            ["upper"] => Ok(Task::Upper),
            ["exit", code] => Ok(Task::Exit(number(code)?)),
            ["hang"] => Ok(Task::Hang),
            ["fault", name] => Ok(Task::Fault(fault(name)?)),
            ["fault-in-thread", name] => Ok(Task::FaultInThread(fault(name)?)),
            ["serve"] => Ok(Task::Serve),
            ["idle", threads] => Ok(Task::Idle {
                threads: number(threads)?,
            }),
            [] => Err("no task given after --worker".to_owned()),
            _ => Err(format!("unknown task `{}`", words.join(" "))),
        }
    }
}

// ANCHOR: worker
/// Where a worker's program is, and how to start it on a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Worker {
    program: PathBuf,
}

impl Worker {
    /// The running program itself: the worker of a program that re-runs itself.
    pub fn current_exe() -> io::Result<Worker> {
        Ok(Worker {
            program: env::current_exe()?,
        })
    }

    /// The program at `program`, which must start with [`serve_if_worker`]. Tests and
    /// benchmarks pass `env!("CARGO_BIN_EXE_lesson-03-processes")`.
    pub fn at(program: impl Into<PathBuf>) -> Worker {
        Worker {
            program: program.into(),
        }
    }

    pub fn program(&self) -> &Path {
        &self.program
    }

    /// A `Command` that starts the program as a worker on `task`. It is only a builder:
    /// the caller chooses the streams, the environment, and `status`, `output` or `spawn`.
    pub fn command(&self, task: &Task) -> Command {
        let mut command = Command::new(&self.program);
        command.arg(WORKER_FLAG).args(task.to_args());
        command
    }
}
// ANCHOR_END: worker

// ANCHOR: serve_if_worker
/// If this process was started as a worker (its first argument is [`WORKER_FLAG`]), runs
/// the task those arguments name and exits: it never returns then. Otherwise it returns
/// at once, and the caller is the parent. Call it first thing in `main`.
pub fn serve_if_worker() {
    let mut args = env::args_os().skip(1);
    if args.next().as_deref() != Some(WORKER_FLAG.as_ref()) {
        return;
    }
    let args: Vec<String> = args.map(lossy).collect();
    let code = match Task::parse(&args) {
        Ok(task) => run(&task),
        Err(why) => {
            eprintln!("worker: {why}");
            BAD_TASK
        }
    };
    // `process::exit` runs no destructors, so flush what is still buffered first.
    let _ = io::stdout().flush();
    process::exit(code);
}
// ANCHOR_END: serve_if_worker

fn number<T: std::str::FromStr>(text: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("`{text}` is not a number"))
}

fn lossy(arg: OsString) -> String {
    arg.to_string_lossy().into_owned()
}

/// Does `task` in this process and returns the exit code. Some tasks never return: `Hang`
/// waits to be killed, and the faults end the process.
pub fn run(task: &Task) -> i32 {
    let result = match task {
        Task::Whoami => whoami(),
        Task::Echo(args) => echo(args),
        Task::PrintEnv(names) => print_env(names),
        Task::Upper => upper(),
        Task::Exit(code) => {
            if *code != 0 {
                eprintln!("worker: failing with exit code {code}, as asked");
            }
            return *code;
        }
        Task::Hang => hang(),
        Task::Fault(fault) => faults::trigger(*fault),
        Task::FaultInThread(fault) => fault_in_thread(*fault),
        Task::Serve => serve(),
        Task::Idle { threads } => idle(*threads),
    };
    match result {
        Ok(()) => 0,
        Err(error) => {
            eprintln!("worker: {error}");
            1
        }
    }
}

fn whoami() -> io::Result<()> {
    let parent = std::os::unix::process::parent_id();
    writeln!(io::stdout(), "{} {parent}", process::id())
}

fn echo(args: &[String]) -> io::Result<()> {
    let mut out = io::stdout().lock();
    for arg in args {
        writeln!(out, "{arg}")?;
    }
    Ok(())
}

fn print_env(names: &[String]) -> io::Result<()> {
    let mut out = io::stdout().lock();
    for name in names {
        match env::var(name) {
            Ok(value) => writeln!(out, "{value}")?,
            Err(_) => writeln!(out, "-")?,
        }
    }
    Ok(())
}

fn upper() -> io::Result<()> {
    let mut out = io::stdout().lock();
    for line in io::stdin().lock().lines() {
        writeln!(out, "{}", line?.to_uppercase())?;
    }
    Ok(())
}

/// Prints the pid, then waits forever, using no CPU: only a signal ends this process.
fn hang() -> ! {
    let mut out = io::stdout();
    let _ = writeln!(out, "{}", process::id()).and_then(|()| out.flush());
    loop {
        // `park` may return spuriously; the loop parks again.
        thread::park();
    }
}

fn fault_in_thread(fault: Fault) -> io::Result<()> {
    match faults::in_thread(fault) {
        // Only a panic comes back here: every other fault has already ended the process.
        Err(message) => writeln!(io::stdout(), "survived: the thread panicked: {message}"),
        Ok(()) => unreachable!("a fault never lets its thread return normally"),
    }
}

// ANCHOR: serve
/// A pool worker's loop: read a request, compute, reply, until the parent closes stdin.
fn serve() -> io::Result<()> {
    let mut replies = io::stdout().lock();
    for request in io::stdin().lock().lines() {
        let request = request?;
        let range = pool::parse_request(&request)
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, request.clone()))?;
        writeln!(replies, "{}", pool::checksum(range))?;
        // The parent is blocked reading this reply: send it now, not when a buffer fills.
        // (Rust's stdout happens to flush at every newline; C's stdio and Python's `print`
        // do not when stdout is a pipe, and a forgotten flush there is a classic deadlock.)
        replies.flush()?;
    }
    // End of stdin: the parent has closed its end of the pipe, which means "stop".
    Ok(())
}
// ANCHOR_END: serve

fn idle(threads: usize) -> io::Result<()> {
    for _ in 0..threads {
        // Each thread parks and never wakes for good; `process::exit` ends them all.
        thread::spawn(|| {
            loop {
                thread::park();
            }
        });
    }
    writeln!(io::stdout(), "ready")?;
    io::stdout().flush()?;
    // Block until the parent closes stdin.
    io::copy(&mut io::stdin().lock(), &mut io::sink())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_task_reads_back_from_its_arguments() {
        let tasks = [
            Task::Whoami,
            Task::Echo(vec!["two words".into(), "--worker".into(), String::new()]),
            Task::PrintEnv(vec!["A".into(), "B".into()]),
            Task::PrintEnv(Vec::new()),
            Task::Upper,
            Task::Exit(-3),
            Task::Hang,
            Task::Fault(Fault::StackOverflow),
            Task::FaultInThread(Fault::NullWrite),
            Task::Serve,
            Task::Idle { threads: 8 },
        ];
        for task in tasks {
            assert_eq!(Task::parse(&task.to_args()), Ok(task));
        }
    }

    #[test]
    fn bad_arguments_are_explained() {
        let parse =
            |words: &[&str]| Task::parse(&words.iter().map(|w| w.to_string()).collect::<Vec<_>>());
        assert_eq!(parse(&[]), Err("no task given after --worker".into()));
        assert_eq!(parse(&["dance"]), Err("unknown task `dance`".into()));
        assert_eq!(parse(&["exit", "x"]), Err("`x` is not a number".into()));
        let unknown = parse(&["fault", "gremlin"]).unwrap_err();
        assert!(unknown.starts_with("unknown fault `gremlin` (known: panic,"));
    }
}

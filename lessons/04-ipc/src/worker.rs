//! The lesson's program re-runs itself as its workers, as lesson 03 showed: the first
//! argument [`WORKER_FLAG`] says "you are a worker", the rest say which [`Task`].
//!
//! Each task is the child's half of one mechanism of the lesson: the parent's half is in
//! the module the task names. In tests and benchmarks the program is
//! `env!("CARGO_BIN_EXE_lesson-04-ipc")` ([`Worker::at`]); in the examples, the example
//! itself ([`Worker::current_exe`]).

use std::env;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{self, Command};

/// The first argument of every worker process.
pub const WORKER_FLAG: &str = "--worker";

/// The exit code of a worker started with arguments it does not understand.
pub const BAD_TASK: i32 = 2;

// ANCHOR: task
/// What a worker process is asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Task {
    /// Serve [`crate::protocol`] on stdin and stdout until stdin ends ([`crate::pipe`]).
    Pipe,
    /// Serve [`crate::protocol`] on the two rings of the shared memory segment `os_id`
    /// until the parent closes its ring ([`crate::ring`]).
    Ring { os_id: String },
    /// Connect to the ipc-channel one-shot server `server` and serve requests until the
    /// parent drops its sender ([`crate::ipc`]).
    Ipc { server: String },
    /// Add 1 to the counter in segment `os_id`, `times` times ([`crate::shm`]).
    Count { os_id: String, times: u64 },
    /// Like `Count`, but abort halfway: a worker that crashes while it holds the segment.
    CountThenCrash { os_id: String, times: u64 },
    /// Create a segment with the file link `flink`, print its OS id, and abort without
    /// dropping it: what a crash leaves in `/dev/shm` ([`crate::shm`]).
    CreateAndCrash { flink: PathBuf },
    /// Add 1 to the counter in the memory-mapped file `path`, `times` times
    /// ([`crate::memfile`]).
    FileCount { path: PathBuf, times: u64 },
}
// ANCHOR_END: task

impl Task {
    /// The task as the arguments that follow [`WORKER_FLAG`].
    pub fn to_args(&self) -> Vec<String> {
        let path = |p: &Path| p.to_string_lossy().into_owned();
        match self {
            Task::Pipe => vec!["pipe".into()],
            Task::Ring { os_id } => vec!["ring".into(), os_id.clone()],
            Task::Ipc { server } => vec!["ipc".into(), server.clone()],
            Task::Count { os_id, times } => vec!["count".into(), os_id.clone(), times.to_string()],
            Task::CountThenCrash { os_id, times } => {
                vec!["count-then-crash".into(), os_id.clone(), times.to_string()]
            }
            Task::CreateAndCrash { flink } => vec!["create-and-crash".into(), path(flink)],
            Task::FileCount { path: file, times } => {
                vec!["file-count".into(), path(file), times.to_string()]
            }
        }
    }

    /// Reads a task back from the arguments that follow [`WORKER_FLAG`]; the error says
    /// what was wrong.
    pub fn parse(args: &[String]) -> Result<Task, String> {
        let words: Vec<&str> = args.iter().map(String::as_str).collect();
        let times = |text: &str| {
            text.parse::<u64>()
                .map_err(|_| format!("`{text}` is not a number"))
        };
        match words.as_slice() {
            ["pipe"] => Ok(Task::Pipe),
            ["ring", os_id] => Ok(Task::Ring {
                os_id: os_id.to_string(),
            }),
            ["ipc", server] => Ok(Task::Ipc {
                server: server.to_string(),
            }),
            ["count", os_id, n] => Ok(Task::Count {
                os_id: os_id.to_string(),
                times: times(n)?,
            }),
            ["count-then-crash", os_id, n] => Ok(Task::CountThenCrash {
                os_id: os_id.to_string(),
                times: times(n)?,
            }),
            ["create-and-crash", flink] => Ok(Task::CreateAndCrash {
                flink: PathBuf::from(flink),
            }),
            ["file-count", path, n] => Ok(Task::FileCount {
                path: PathBuf::from(path),
                times: times(n)?,
            }),
            [] => Err("no task given after --worker".to_owned()),
            _ => Err(format!("unknown task `{}`", words.join(" "))),
        }
    }
}

/// Where a worker's program is, and how to start it on a task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Worker {
    program: PathBuf,
}

impl Worker {
    /// The running program itself.
    pub fn current_exe() -> io::Result<Worker> {
        Ok(Worker {
            program: env::current_exe()?,
        })
    }

    /// The program at `program`, whose `main` starts with [`serve_if_worker`].
    pub fn at(program: impl Into<PathBuf>) -> Worker {
        Worker {
            program: program.into(),
        }
    }

    /// A `Command` that starts the program as a worker on `task`; the caller chooses its
    /// streams.
    pub fn command(&self, task: &Task) -> Command {
        let mut command = Command::new(&self.program);
        command.arg(WORKER_FLAG).args(task.to_args());
        command
    }
}

/// If this process was started as a worker, does the task and exits: it never returns
/// then. Otherwise it returns at once. Call it first thing in `main`.
pub fn serve_if_worker() {
    let mut args = env::args().skip(1);
    if args.next().as_deref() != Some(WORKER_FLAG) {
        return;
    }
    let args: Vec<String> = args.collect();
    let code = match Task::parse(&args) {
        Ok(task) => match run(&task) {
            Ok(()) => 0,
            Err(error) => {
                eprintln!("worker {}: {error}", process::id());
                1
            }
        },
        Err(why) => {
            eprintln!("worker: {why}");
            BAD_TASK
        }
    };
    let _ = io::stdout().flush();
    process::exit(code);
}

/// Does `task` in this process.
pub fn run(task: &Task) -> io::Result<()> {
    match task {
        Task::Pipe => crate::pipe::serve_stdio(),
        Task::Ring { os_id } => crate::ring::serve(os_id),
        Task::Ipc { server } => crate::ipc::serve(server),
        Task::Count { os_id, times } => crate::shm::count(os_id, *times, None),
        Task::CountThenCrash { os_id, times } => crate::shm::count(os_id, *times, Some(times / 2)),
        Task::CreateAndCrash { flink } => crate::shm::create_and_crash(flink),
        Task::FileCount { path, times } => crate::memfile::count(path, *times),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_task_reads_back_from_its_arguments() {
        let tasks = [
            Task::Pipe,
            Task::Ring {
                os_id: "/course-04-1-2-ring".into(),
            },
            Task::Ipc {
                server: "/tmp/.tmpAbC/socket".into(),
            },
            Task::Count {
                os_id: "/x".into(),
                times: 7,
            },
            Task::CountThenCrash {
                os_id: "/x".into(),
                times: 8,
            },
            Task::CreateAndCrash {
                flink: "segments/a link".into(),
            },
            Task::FileCount {
                path: "/dev/shm/f".into(),
                times: 3,
            },
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
        assert_eq!(
            parse(&["count", "/x", "many"]),
            Err("`many` is not a number".into())
        );
    }
}

//! Given: where a worker program is and which arguments to start it with. You do not need
//! to change it.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A worker program and its arguments: what to start, not a running process.
///
/// The checks build one for each test, pointing at the course's worker program
/// (`worker/main.rs`) with the options they want (`--threads 2`, `--log FILE`, ...), and
/// pass it to your functions. Start a process from it with [`Worker::command`], then
/// choose its streams and spawn it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Worker {
    program: PathBuf,
    args: Vec<OsString>,
}

impl Worker {
    /// The program at `program`, with no arguments yet.
    pub fn new(program: impl Into<PathBuf>) -> Worker {
        Worker {
            program: program.into(),
            args: Vec::new(),
        }
    }

    /// The same worker with one more argument.
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Worker {
        self.args.push(arg.as_ref().to_owned());
        self
    }

    /// The same worker with more arguments.
    pub fn args<I, S>(mut self, args: I) -> Worker
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.args
            .extend(args.into_iter().map(|arg| arg.as_ref().to_owned()));
        self
    }

    pub fn program(&self) -> &Path {
        &self.program
    }

    /// A new `Command` for the program with its arguments. Its streams, environment and
    /// working directory are `Command`'s defaults: set what you need before spawning it.
    pub fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        command.args(&self.args);
        command
    }
}

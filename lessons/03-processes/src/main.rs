//! The lesson's program: a parent that re-runs itself as its own workers.
//!
//! `cargo run -p lesson-03-processes` starts it as the parent. It starts three copies of
//! its own executable with the worker flag (`--worker whoami`); each copy sees the flag,
//! does its task, and exits before reaching the parent's code. The tests start this same
//! program as their worker, through `CARGO_BIN_EXE_lesson-03-processes`.

use std::process::{ExitCode, Stdio};

use processes_lesson::command::{self, Ending};
use processes_lesson::worker::{self, Task, Worker};

// ANCHOR: main
fn main() -> ExitCode {
    // First: am I a worker? Then this call does the task and exits.
    worker::serve_if_worker();

    // From here on, this process is the parent.
    let me = std::process::id();
    let worker = match Worker::current_exe() {
        Ok(worker) => worker,
        Err(error) => {
            eprintln!("cannot find this program's own executable: {error}");
            return ExitCode::FAILURE;
        }
    };
    println!("parent: pid {me}, running {}", worker.program().display());
    for i in 1..=3 {
        let mut whoami = worker.command(&Task::Whoami);
        whoami.stderr(Stdio::inherit());
        match command::capture(&mut whoami) {
            Ok(done) if done.ending == Ending::Code(0) => {
                // The worker printed `PID PPID`: its own pid, and its parent's, which is us.
                println!("worker {i}: pid and parent pid: {}", done.stdout.trim());
            }
            Ok(done) => {
                eprintln!("worker {i} failed: {}", done.ending);
                return ExitCode::FAILURE;
            }
            Err(error) => {
                eprintln!("worker {i} could not be started: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!("three copies of this program ran as workers, one after another, and were reaped");
    ExitCode::SUCCESS
}
// ANCHOR_END: main

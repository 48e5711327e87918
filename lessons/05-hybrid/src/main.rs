//! The lesson's program: a supervisor that re-runs itself as its worker processes.
//!
//! `cargo run -p lesson-05-hybrid` starts it as the supervisor. It starts two copies of its
//! own executable with the worker flag (`--worker 2`), each running a pool of two threads,
//! and hands them 24 checksum jobs. When job 8 starts, it kills the worker running it with
//! `SIGKILL`, as an out-of-memory killer or an operator would: the supervisor reaps it,
//! starts another, and sends the dead worker's unfinished jobs again. Every job's result
//! arrives once, and the checksum is the same as one thread computes.

use std::process::ExitCode;

use hybrid_lesson::supervisor::{self, Config, Event};
use hybrid_lesson::work::{self, checksum_jobs};
use hybrid_lesson::worker::{self, WorkerProgram};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

/// The job whose start makes the supervisor kill its worker.
const VICTIM_JOB: u64 = 8;

// ANCHOR: main
fn main() -> ExitCode {
    // First: am I a worker? Then this call serves jobs and exits.
    worker::serve_if_worker();

    // From here on, this process is the supervisor.
    let program = match WorkerProgram::current_exe() {
        Ok(program) => program,
        Err(error) => {
            eprintln!("cannot find this program's own executable: {error}");
            return ExitCode::FAILURE;
        }
    };
    let range = 0..4_000_000;
    let jobs = checksum_jobs(range.clone(), 24);
    let mut killed = false;
    let outcome = supervisor::supervise(&program, jobs, &Config::new(2, 2), |event| {
        match event {
            Event::JobStarted { job, pid } if *job == VICTIM_JOB && !killed => {
                println!("job {job} started on worker {pid}: killing that worker (SIGKILL)");
                // The worker is our child, and the supervisor has not reaped it yet (it
                // reaps only after the worker's stdout ends), so the pid is still its own.
                let _ = kill(Pid::from_raw(*pid as i32), Signal::SIGKILL);
                killed = true;
            }
            Event::WorkerStarted { pid } => println!("worker {pid} started"),
            Event::WorkerLost { pid, why, requeued } => {
                println!("worker {pid} lost, {why}; jobs sent again: {requeued:?}")
            }
            Event::DuplicateDiscarded { job, pid } => {
                println!("a second result for job {job}, from worker {pid}, discarded")
            }
            Event::Delivered { .. } | Event::JobStarted { .. } => {}
        }
    });
    match outcome {
        Ok(summary) => {
            let total = summary
                .results
                .values()
                .fold(0u64, |sum, &value| sum.wrapping_add(value));
            println!(
                "{} results, each delivered once; {} restart(s), {} job(s) sent again",
                summary.results.len(),
                summary.restarts,
                summary.requeued
            );
            println!(
                "checksum {total:#018x}; one thread computes {:#018x}",
                work::checksum(range)
            );
            println!("every worker was reaped: {:?}", summary.workers);
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("supervisor: {error}");
            ExitCode::FAILURE
        }
    }
}
// ANCHOR_END: main

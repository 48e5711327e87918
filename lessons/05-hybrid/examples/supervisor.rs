//! A supervisor's worker processes meet a job that crashes them, and a job that hangs.
//!
//! cargo run --release -p lesson-05-hybrid --example supervisor
//!
//! Like the lesson's program, this example re-runs itself as its workers.

use std::time::Duration;

use hybrid_lesson::supervisor::{Config, Event, SuperviseError, supervise};
use hybrid_lesson::work::{Job, Work, checksum_jobs};
use hybrid_lesson::worker::{self, WorkerProgram};

fn show(event: &Event) {
    match event {
        Event::WorkerStarted { pid } => println!("  worker {pid} started"),
        Event::WorkerLost { pid, why, requeued } => {
            println!("  worker {pid} lost: {why}; sent again: {requeued:?}")
        }
        Event::DuplicateDiscarded { job, pid } => {
            println!("  a second result for job {job} (from {pid}), discarded")
        }
        Event::JobStarted { .. } | Event::Delivered { .. } => {}
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    worker::serve_if_worker();
    let program = WorkerProgram::current_exe()?;

    println!("12 jobs and one that crashes its worker (abort), on 2 workers of 2 threads:");
    let mut jobs = checksum_jobs(0..1_200_000, 12);
    jobs.push(Job {
        id: 100,
        work: Work::Crash,
    });
    let config = Config {
        max_restarts: 3,
        ..Config::new(2, 2)
    };
    match supervise(&program, jobs, &config, show) {
        Err(SuperviseError::TooManyRestarts { restarts, results }) => println!(
            "  gave up after {restarts} restarts; {} of 13 results kept (job 100 has none)\n",
            results.len()
        ),
        other => println!("  unexpected: {other:?}\n"),
    }

    println!("6 jobs and one that hangs, on 1 worker of 2 threads, 300 ms per job at most:");
    let mut jobs = checksum_jobs(0..600_000, 6);
    jobs.push(Job {
        id: 200,
        work: Work::Wait { millis: 3_600_000 },
    });
    let config = Config {
        job_timeout: Duration::from_millis(300),
        max_restarts: 1,
        ..Config::new(1, 2)
    };
    match supervise(&program, jobs, &config, show) {
        Err(SuperviseError::TooManyRestarts { restarts, results }) => println!(
            "  gave up after {restarts} restart; {} of 7 results kept (job 200 has none)",
            results.len()
        ),
        other => println!("  unexpected: {other:?}"),
    }
    println!("\nNo worker outlived its supervisor: each one was killed if needed, and reaped.");
    Ok(())
}

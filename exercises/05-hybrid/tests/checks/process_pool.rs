//! Task `process-pool`: `pool_map` runs every job once, in worker processes, and returns
//! the results in the order of the jobs; each worker runs several jobs at once on its
//! pool (your `serve`); a worker that dies is reported; every worker is reaped. (Its speed
//! is checked by the benchmark `benches/pool.rs`.)

use std::io::Write;
use std::panic;
use std::process::Stdio;

use hybrid_exercise::frame::{read_frame, write_frame};
use hybrid_exercise::work::{Job, Reply, Work, answer, checksum_jobs};
use hybrid_exercise::{PoolError, pool_map, serve};

use crate::support::{Log, assert_no_worker_left, panic_message, reap_leftovers, serial};

fn meet_jobs(count: u64, partners: usize) -> Vec<Job> {
    (0..count)
        .map(|id| Job {
            id,
            work: Work::Meet { partners },
        })
        .collect()
}

#[test]
fn serve_replies_to_every_job_and_returns_at_the_end_of_its_input() {
    let jobs = checksum_jobs(0..60_000, 12);
    let mut input = Vec::new();
    for job in &jobs {
        write_frame(&mut input, job).unwrap();
    }
    let mut output = Vec::new();
    serve(2, &input[..], &mut output).expect("serve reads every job and replies");
    let mut replies = Vec::new();
    let mut bytes = &output[..];
    while let Some(reply) = read_frame::<Reply>(&mut bytes).expect("only Reply frames") {
        replies.push(reply);
    }
    replies.sort_by_key(|r| r.id);
    let expected: Vec<Reply> = jobs
        .iter()
        .map(|job| Reply {
            id: job.id,
            value: answer(&job.work),
        })
        .collect();
    assert_eq!(replies, expected, "one reply per job, with its answer");
}

#[test]
fn serve_runs_several_jobs_at_once_on_its_threads() {
    // Two `Meet` jobs answer 1 only if the second starts while the first still runs.
    let mut input = Vec::new();
    for job in meet_jobs(2, 2) {
        write_frame(&mut input, &job).unwrap();
    }
    let mut output = Vec::new();
    serve(2, &input[..], &mut output).unwrap();
    let mut bytes = &output[..];
    let mut met = Vec::new();
    while let Some(reply) = read_frame::<Reply>(&mut bytes).unwrap() {
        met.push(reply.value);
    }
    assert_eq!(
        met,
        [1, 1],
        "on a pool of 2 threads, two jobs run at the same time: spawn each job on the \
         pool (`in_place_scope`, `spawn`) instead of running it on the reading thread"
    );
}

#[test]
fn results_come_back_in_the_order_of_the_jobs() {
    let _serial = serial();
    let log = Log::new();
    let mut jobs = checksum_jobs(0..200_000, 20);
    jobs.reverse(); // ids 19, 18, ... 0: the order of the jobs, not of their ids
    jobs[5].work = Work::Wait { millis: 30 };
    let results = pool_map(&log.worker(2, &[]), 2, &jobs);
    reap_leftovers(log.workers());
    let results = results.expect("every job succeeds");
    let got: Vec<(u64, u64)> = results.iter().map(|r| (r.id, r.value)).collect();
    let expected: Vec<(u64, u64)> = jobs.iter().map(|j| (j.id, answer(&j.work))).collect();
    assert_eq!(got, expected, "results[i] is the result of jobs[i]");
}

#[test]
fn every_job_runs_once_in_the_pool_s_worker_processes() {
    let _serial = serial();
    let log = Log::new();
    let jobs = checksum_jobs(0..300_000, 30);
    let results = pool_map(&log.worker(2, &[]), 3, &jobs);
    let workers = log.workers();
    reap_leftovers(workers.clone());
    let results = results.expect("every job succeeds");
    assert_eq!(
        log.ready().len(),
        3,
        "a pool of 3 starts 3 worker processes for 30 jobs, not one per job"
    );
    assert!(!workers.contains(&std::process::id()));
    let done = log.jobs("done");
    for result in &results {
        assert_eq!(
            done.get(&result.id),
            Some(&vec![result.pid]),
            "job {} must run once, in the worker whose pid its result names",
            result.id
        );
    }
}

#[test]
fn each_worker_runs_several_jobs_at_once() {
    let _serial = serial();
    let log = Log::new();
    let results = pool_map(&log.worker(2, &[]), 1, &meet_jobs(2, 2));
    reap_leftovers(log.workers());
    let values: Vec<u64> = results
        .expect("both jobs succeed")
        .iter()
        .map(|r| r.value)
        .collect();
    assert_eq!(
        values,
        [1, 1],
        "one worker with a pool of 2 threads runs 2 jobs at the same time: send a worker \
         several jobs before waiting for a reply (up to JOBS_AHEAD)"
    );
}

#[test]
fn zero_processes_is_refused() {
    let _serial = serial();
    let log = Log::new();
    let outcome = panic::catch_unwind(|| pool_map(&log.worker(1, &[]), 0, &checksum_jobs(0..9, 3)));
    reap_leftovers(log.workers());
    let payload = outcome.expect_err("pool_map with 0 processes must panic");
    let message = panic_message(&*payload);
    assert!(
        message.contains("at least one worker"),
        "the panic must say that a pool needs at least one worker process; it said {message:?}"
    );
}

#[test]
fn a_worker_that_dies_is_reported() {
    let _serial = serial();
    let log = Log::new();
    let mut jobs = checksum_jobs(0..100_000, 10);
    jobs[4].work = Work::Crash;
    let outcome = pool_map(&log.worker(2, &[]), 2, &jobs);
    let workers = log.workers();
    reap_leftovers(workers.clone());
    match outcome {
        Err(PoolError::WorkerDied { pid }) => assert!(
            workers.contains(&pid),
            "the pid of the worker that died: {pid}, not one of {workers:?}"
        ),
        other => panic!(
            "a worker aborted: expected `Err(PoolError::WorkerDied {{ .. }})`, got {other:?}"
        ),
    }
}

#[test]
fn no_worker_is_left_running_or_unreaped() {
    let _serial = serial();
    let log = Log::new();
    let _ = pool_map(&log.worker(2, &[]), 3, &checksum_jobs(0..100_000, 20));
    let workers = log.workers();
    assert_no_worker_left(workers.iter().copied(), "pool_map");
    assert!(!workers.is_empty(), "pool_map started no worker at all");

    // When a worker dies, the others must be stopped and reaped too, and the dead one
    // reaped.
    let log = Log::new();
    let mut jobs = checksum_jobs(0..100_000, 20);
    jobs[3].work = Work::Crash;
    let _ = pool_map(&log.worker(2, &[]), 3, &jobs);
    let workers = log.workers();
    assert_no_worker_left(
        workers.iter().copied(),
        "pool_map (with a worker that died)",
    );
    assert!(!workers.is_empty(), "pool_map started no worker at all");
}

#[test]
fn the_worker_program_refuses_bad_input_with_a_message() {
    let _serial = serial();
    let log = Log::new();
    let mut child = log
        .worker(1, &[])
        .command()
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the worker starts");
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"\x05\0\0\0hello").unwrap();
    drop(stdin);
    let output = child.wait_with_output().expect("the worker is reaped");
    assert_eq!(
        output.status.code(),
        Some(1),
        "serve returns the error of a bad frame, and the worker exits with code 1"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("a bad frame"), "{stderr}");
}

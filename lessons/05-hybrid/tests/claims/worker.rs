//! `worker`: a worker reports `Ready`, then `Started` and `Done` for each job, with the
//! right answers; it runs several jobs at once on its pool; when its stdin ends it finishes
//! its jobs and exits 0; bad arguments and bad input are refused with a message.

use std::io::Write;
use std::process::Stdio;

use hybrid_lesson::frame::{read_frame, write_frame};
use hybrid_lesson::work::{Job, Work, execute};
use hybrid_lesson::worker::{Report, serve};

use crate::support::program;

fn framed(jobs: &[Job]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for job in jobs {
        write_frame(&mut bytes, job).unwrap();
    }
    bytes
}

fn reports(mut bytes: &[u8]) -> Vec<Report> {
    std::iter::from_fn(|| read_frame(&mut bytes).expect("well-formed reports")).collect()
}

fn checksum_job(id: u64) -> Job {
    Job {
        id,
        work: Work::Checksum {
            start: id * 1000,
            end: id * 1000 + 500,
        },
    }
}

#[test]
fn a_worker_reports_ready_then_each_job_started_and_done() {
    let jobs: Vec<Job> = (0..6).map(checksum_job).collect();
    let mut output = Vec::new();
    serve(2, &framed(&jobs)[..], &mut output).expect("the worker serves");
    let reports = reports(&output);
    assert_eq!(reports[0], Report::Ready { threads: 2 });
    for job in &jobs {
        let started = reports
            .iter()
            .position(|r| *r == Report::Started { job: job.id });
        let done = reports.iter().position(|r| {
            *r == Report::Done {
                job: job.id,
                value: execute(&job.work),
            }
        });
        assert!(
            matches!((started, done), (Some(s), Some(d)) if s < d),
            "job {}: started at {started:?}, done at {done:?} in {reports:?}",
            job.id
        );
    }
    assert_eq!(
        reports.len(),
        1 + 2 * jobs.len(),
        "nothing else: {reports:?}"
    );
}

#[test]
fn a_worker_runs_several_jobs_at_once_on_its_pool() {
    // Two jobs that wait 300 ms each, on a pool of two threads: both have started before
    // either is done.
    let jobs: Vec<Job> = (0..2)
        .map(|id| Job {
            id,
            work: Work::Wait { millis: 300 },
        })
        .collect();
    let mut output = Vec::new();
    serve(2, &framed(&jobs)[..], &mut output).unwrap();
    let kinds: Vec<&str> = reports(&output)
        .iter()
        .map(|r| match r {
            Report::Ready { .. } => "ready",
            Report::Started { .. } => "started",
            Report::Done { .. } => "done",
        })
        .collect();
    assert_eq!(kinds, ["ready", "started", "started", "done", "done"]);
}

#[test]
fn a_worker_process_finishes_its_jobs_and_exits_when_its_stdin_closes() {
    let mut child = program()
        .command(2)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the worker starts");
    let jobs: Vec<Job> = (0..3).map(checksum_job).collect();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(&framed(&jobs)).unwrap();
    drop(stdin); // end of input: finish and exit
    let output = child.wait_with_output().expect("the worker is reaped");
    assert!(output.status.success(), "{:?}", output.status);
    let done = reports(&output.stdout)
        .into_iter()
        .filter(|r| matches!(r, Report::Done { .. }))
        .count();
    assert_eq!(done, 3, "every job was done before the worker exited");
}

#[test]
fn bad_arguments_and_bad_input_are_refused_with_a_message() {
    for threads in ["0", "many"] {
        let output = std::process::Command::new(program().program())
            .args(["--worker", threads])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "--worker {threads}");
        assert!(String::from_utf8_lossy(&output.stderr).contains("usage"));
    }
    let mut child = program()
        .command(1)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(b"\x05\0\0\0hello").unwrap();
    drop(stdin);
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("a bad frame"), "{stderr}");
}

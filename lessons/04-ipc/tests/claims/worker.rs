//! `worker`: the lesson's program talks to copies of itself through every mechanism and
//! leaves nothing in `/dev/shm`; a task it does not know is refused with a reason.

use std::process::{Command, Stdio};

use ipc_lesson::worker::{BAD_TASK, WORKER_FLAG};

use crate::support::serial;

#[test]
fn the_program_talks_to_its_workers_through_every_mechanism() {
    let _one = serial();
    let output = Command::new(env!("CARGO_BIN_EXE_lesson-04-ipc"))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for line in [
        "pipe: a megabyte arrived intact; shut down: exit status: 0",
        "ipc-channel: a megabyte arrived intact; shut down: exit status: 0",
        "shared memory ring: a megabyte arrived intact; shut down: exit status: 0",
        "shared counter: 4 processes added 100000 each, total 400000",
        "left in /dev/shm by this program: []",
    ] {
        assert!(stdout.contains(line), "no `{line}` in:\n{stdout}");
    }
}

#[test]
fn a_task_the_worker_does_not_know_is_refused_with_a_reason() {
    let _one = serial();
    let output = Command::new(env!("CARGO_BIN_EXE_lesson-04-ipc"))
        .args([WORKER_FLAG, "dance"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(BAD_TASK));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "worker: unknown task `dance`\n"
    );
}

//! `worker`: the lesson's program re-runs itself as its workers; a worker is another
//! process whose parent is its starter; a task it does not know is refused, with a reason.

use std::process::{Command, Stdio};

use processes_lesson::command::{Ending, capture};
use processes_lesson::worker::{BAD_TASK, Task, WORKER_FLAG};

use crate::support::worker;

#[test]
fn the_program_re_runs_itself_as_its_workers() {
    // Run without arguments, the program is the parent.
    let parent = capture(&mut Command::new(env!("CARGO_BIN_EXE_lesson-03-processes")))
        .expect("the program starts");
    assert_eq!(parent.ending, Ending::Code(0), "{}", parent.stderr);
    let mut lines = parent.stdout.lines();
    let first = lines.next().expect("the parent introduces itself");
    let parent_pid = first
        .strip_prefix("parent: pid ")
        .and_then(|rest| rest.split(',').next())
        .expect("`parent: pid PID, running PATH`");
    // It names its own executable as the program it runs.
    let program = std::fs::canonicalize(env!("CARGO_BIN_EXE_lesson-03-processes")).unwrap();
    assert!(
        first.ends_with(&format!("running {}", program.display())),
        "{first}"
    );

    let workers: Vec<(&str, &str)> = lines
        .filter_map(|line| line.split_once(": pid and parent pid: "))
        .map(|(_, pids)| pids.split_once(' ').expect("`PID PPID`"))
        .collect();
    assert_eq!(workers.len(), 3, "{}", parent.stdout);
    for (pid, their_parent) in workers {
        assert_ne!(pid, parent_pid, "each worker is another process");
        assert_eq!(their_parent, parent_pid, "started by the parent");
    }
}

#[test]
fn a_worker_is_another_process_whose_parent_is_us() {
    let me = std::process::id().to_string();
    let done = capture(&mut worker().command(&Task::Whoami)).expect("the worker starts");
    assert_eq!(
        done.stdout,
        format!("{} {me}\n", done.stdout.split(' ').next().unwrap())
    );
    assert!(!done.stdout.starts_with(&format!("{me} ")));
}

#[test]
fn a_task_the_worker_does_not_know_is_refused_with_a_reason() {
    let mut command = Command::new(worker().program());
    command
        .args([WORKER_FLAG, "dance", "--fast"])
        .stdin(Stdio::null());
    let refused = capture(&mut command).expect("the worker starts");
    assert_eq!(refused.ending, Ending::Code(BAD_TASK));
    assert_eq!(refused.stderr, "worker: unknown task `dance --fast`\n");
    assert_eq!(refused.stdout, "", "and it does nothing");
}

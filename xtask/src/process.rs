//! Running one check's process with a deadline.
//!
//! The process gets its own process group and a token in its environment (see `tree`),
//! its output is captured (up to a limit, so a test that prints forever cannot exhaust
//! memory), and when it ends, or its deadline passes, everything it started is killed.
//! Ctrl-C (and SIGTERM) kill every running check's processes before the grader exits.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use anyhow::{Context, Result};
use nix::unistd::Pid;

use crate::tree::{self, Leftover};

/// Captured output beyond this is dropped (the end of it is usually noise).
const OUTPUT_LIMIT: usize = 1 << 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Exited(i32),
    /// Killed by a signal the process did not handle (abort, segfault, ...).
    Signaled(i32),
    /// The deadline passed and the grader killed the process tree.
    TimedOut,
}

#[derive(Debug)]
pub struct Outcome {
    pub status: Status,
    /// stdout and stderr, interleaved roughly in the order they were written.
    pub output: String,
    /// Processes the check left running after it ended; all were killed.
    pub leftovers: Vec<Leftover>,
}

/// The checks running now, so that Ctrl-C can kill their process trees.
static RUNNING: Mutex<Vec<(Pid, String)>> = Mutex::new(Vec::new());

/// Held by the Ctrl-C handler from its start until it exits the process. Killing the checks
/// lets the main thread finish grading; without this it could exit first, with a grading
/// exit code (1) instead of 130, and without saying it was interrupted.
static EXITING: Mutex<()> = Mutex::new(());
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs the Ctrl-C / SIGTERM handler and makes the grader a subreaper.
pub fn init() {
    tree::become_subreaper();
    let _ = ctrlc::set_handler(|| {
        // Never released: the process exits holding it.
        let exiting = EXITING.lock().unwrap_or_else(|p| p.into_inner());
        INTERRUPTED.store(true, Ordering::SeqCst);
        std::mem::forget(exiting);
        let running = RUNNING.lock().map(|r| r.clone()).unwrap_or_default();
        for (leader, token) in running {
            tree::kill_all(leader, &token);
        }
        eprintln!("\ninterrupted: every process the grader started was stopped");
        std::process::exit(130);
    });
}

/// Called before the grader exits: after Ctrl-C, waits for the handler, which exits the
/// process with 130 once every check it killed is gone.
pub fn wait_if_interrupted() {
    if INTERRUPTED.load(Ordering::SeqCst) {
        // Blocks until the handler calls `exit(130)`: it never releases the lock.
        drop(EXITING.lock());
    }
}

/// Runs `command` to completion or until `deadline`, then kills whatever it left behind.
pub fn run(mut command: Command, deadline: Duration) -> Result<Outcome> {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let token = format!(
        "{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    command
        .env(tree::TOKEN_VAR, &token)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);

    let mut child = command
        .spawn()
        .with_context(|| format!("could not start {:?}", command.get_program()))?;
    let leader = Pid::from_raw(child.id() as i32);
    RUNNING
        .lock()
        .expect("no panics while holding RUNNING")
        .push((leader, token.clone()));

    let output = Arc::new(Mutex::new(Vec::new()));
    let readers = spawn_readers(&mut child, &output);
    let (status_tx, status_rx) = mpsc::channel();
    let waiter = thread::spawn(move || {
        let _ = status_tx.send(child.wait());
    });

    let status = match status_rx.recv_timeout(deadline) {
        Ok(exit) => to_status(exit.context("waiting for the check process")?),
        Err(_) => {
            tree::kill_all(leader, &token);
            // SIGKILL cannot be ignored: the waiter reports promptly.
            status_rx
                .recv()
                .context("the waiter thread vanished")?
                .context("waiting for the killed check process")?;
            Status::TimedOut
        }
    };
    let _ = waiter.join();
    // The leader has exited; anything still alive of the check is a leftover.
    let leftovers = tree::kill_all(leader, &token);
    RUNNING
        .lock()
        .expect("no panics while holding RUNNING")
        .retain(|(pid, _)| *pid != leader);

    // The pipes close once every process holding them is dead. A process that escaped
    // the sweep could hold them open, so don't wait on the readers forever.
    for done in readers {
        let _ = done.recv_timeout(Duration::from_secs(2));
    }
    let bytes = output.lock().expect("reader threads do not panic").clone();
    Ok(Outcome {
        status,
        output: String::from_utf8_lossy(&bytes).into_owned(),
        leftovers,
    })
}

/// Copies the child's stdout and stderr into `output`; each returns a "done" receiver.
fn spawn_readers(child: &mut Child, output: &Arc<Mutex<Vec<u8>>>) -> Vec<mpsc::Receiver<()>> {
    let streams: Vec<Box<dyn Read + Send>> = [
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    ]
    .into_iter()
    .flatten()
    .collect();
    streams
        .into_iter()
        .map(|mut stream| {
            let output = Arc::clone(output);
            let (done_tx, done_rx) = mpsc::channel();
            thread::spawn(move || {
                let mut buf = [0u8; 8192];
                while let Ok(n) = stream.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    let mut out = output.lock().expect("reader threads do not panic");
                    let room = OUTPUT_LIMIT.saturating_sub(out.len());
                    out.extend_from_slice(&buf[..n.min(room)]);
                }
                let _ = done_tx.send(());
            });
            done_rx
        })
        .collect()
}

fn to_status(exit: ExitStatus) -> Status {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = exit.signal() {
            return Status::Signaled(signal);
        }
    }
    Status::Exited(exit.code().unwrap_or(-1))
}

/// A readable name for a signal number, e.g. `SIGSEGV (segmentation fault)`.
pub fn signal_name(signal: i32) -> String {
    let meaning = match signal {
        4 => " (illegal instruction)",
        6 => " (abort)",
        7 => " (bus error)",
        8 => " (arithmetic error)",
        9 => " (killed)",
        11 => " (segmentation fault)",
        15 => " (terminated)",
        _ => "",
    };
    match nix::sys::signal::Signal::try_from(signal) {
        Ok(s) => format!("{}{meaning}", s.as_str()),
        Err(_) => format!("signal {signal}"),
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::time::Instant;

    fn sh(script: &str) -> Command {
        let mut c = Command::new("sh");
        c.arg("-c").arg(script);
        c
    }

    #[test]
    fn exit_codes_and_output_are_reported() {
        let out = run(
            sh("echo out; echo err >&2; exit 3"),
            Duration::from_secs(10),
        )
        .unwrap();
        assert_eq!(out.status, Status::Exited(3));
        assert!(out.output.contains("out") && out.output.contains("err"));
        assert!(out.leftovers.is_empty());
    }

    #[test]
    fn signals_are_reported() {
        let out = run(sh("kill -SEGV $$"), Duration::from_secs(10)).unwrap();
        assert_eq!(out.status, Status::Signaled(11));
        assert_eq!(signal_name(11), "SIGSEGV (segmentation fault)");
    }

    #[test]
    fn a_hung_tree_is_killed_at_the_deadline_even_across_sessions() {
        // The grandchild escapes the process group with setsid; it is still found.
        let start = Instant::now();
        let out = run(
            sh("setsid sleep 300 & sleep 300; echo never"),
            Duration::from_millis(300),
        )
        .unwrap();
        assert_eq!(out.status, Status::TimedOut);
        assert!(start.elapsed() < Duration::from_secs(5));
        assert!(!out.output.contains("never"));
    }

    #[test]
    fn children_left_behind_by_a_finished_process_are_killed_and_reported() {
        let out = run(sh("sleep 300 & echo started"), Duration::from_secs(10)).unwrap();
        assert_eq!(out.status, Status::Exited(0));
        // One leftover: the background job (caught as `sh` if it had not exec'd yet).
        assert_eq!(out.leftovers.len(), 1, "{:?}", out.leftovers);
        let pid = out.leftovers[0].pid;
        let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        assert!(
            state.is_empty() || state.contains(" Z "),
            "pid {pid} still alive: {state}"
        );
    }

    #[test]
    fn endless_output_is_capped() {
        let out = run(sh("yes | head -c 5000000"), Duration::from_secs(10)).unwrap();
        assert_eq!(out.status, Status::Exited(0));
        assert_eq!(out.output.len(), OUTPUT_LIMIT);
    }
}

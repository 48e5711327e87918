//! Task `ipc-worker`: a worker bootstrapped through a one-shot server, called through the
//! channels it sent; hanging up, dropping, a crash, a worker that never connects, one
//! that connects late and one that exits first.
//!
//! Every call that could hang runs under `returns_within`, so that a hang is reported
//! with what causes it before the grader's deadline.

use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use ipc_channel::ipc::IpcSharedMemory;
use ipc_exercise::IpcWorker;
use ipc_exercise::messages::{Reply, Request, checksum};

use crate::support::{
    assert_no_child_left, children, payload, process_cpu_time, returns_within, serial, worker,
};

/// Generous: a worker connects within milliseconds.
const TIMEOUT: Duration = Duration::from_secs(10);

/// How much longer than its timeout `start` may take before the check calls it hung.
const GRACE: Duration = Duration::from_secs(8);

/// `IpcWorker::start` on the worker program's `task`, failing the check if it hangs.
fn start(task: &[&str], timeout: Duration) -> io::Result<IpcWorker> {
    let worker = worker(task);
    returns_within(
        timeout + GRACE,
        &format!(
            "`IpcWorker::start` with a timeout of {timeout:?} hung: `accept` waits for a \
             worker to connect and has no timeout of its own. Run it on a thread of its \
             own, wait for its result with `recv_timeout` until the deadline, and when you \
             give up, unblock it (connect to the server yourself and hang up) before you \
             join it"
        ),
        move || IpcWorker::start(&worker, timeout),
    )
}

/// `shut_down`, failing the check if it hangs.
fn shut_down(ipc: IpcWorker) -> io::Result<std::process::ExitStatus> {
    returns_within(
        Duration::from_secs(10),
        "`shut_down` hung: the worker stops only when its `recv` says `Disconnected`, so \
         drop both channels (`requests` and `replies`) *before* you `wait` for it",
        move || ipc.shut_down(),
    )
}

#[test]
fn the_worker_answers_requests() {
    let _one = serial();
    let ipc = start(&["ipc"], TIMEOUT).expect("the worker starts");
    for n in [0, 7, u64::MAX] {
        assert_eq!(
            ipc.call(Request::Square(n)).unwrap(),
            Reply::Square(n.wrapping_mul(n))
        );
    }
    shut_down(ipc).unwrap();
}

#[test]
fn the_worker_is_a_child_process_of_ours() {
    let _one = serial();
    let ipc = start(&["ipc"], TIMEOUT).expect("the worker starts");
    let pid = ipc.pid();
    assert_ne!(
        pid,
        std::process::id(),
        "`pid` is the worker's, from its `Hello`"
    );
    assert_eq!(
        children(),
        vec![pid],
        "the one child we started, which said hello"
    );
    shut_down(ipc).unwrap();
}

#[test]
fn a_large_buffer_travels_as_shared_memory() {
    let _one = serial();
    let ipc = start(&["ipc"], TIMEOUT).expect("the worker starts");
    let bytes = payload(8 << 20);
    let reply = ipc.call(Request::Checksum(IpcSharedMemory::from_bytes(&bytes)));
    assert_eq!(reply.unwrap(), Reply::Checksum(checksum(&bytes)));
    shut_down(ipc).unwrap();
}

#[test]
fn shut_down_stops_the_worker_and_reaps_it() {
    let _one = serial();
    let ipc = start(&["ipc"], TIMEOUT).expect("the worker starts");
    let status = shut_down(ipc).unwrap();
    assert_eq!(
        status.code(),
        Some(0),
        "hanging up (dropping the request sender) is how the worker learns to stop; it \
         ended with {status}: do not kill it, drop the channels and `wait`"
    );
    assert_no_child_left("shut_down");
}

#[test]
fn dropping_the_worker_kills_and_reaps_it() {
    let _one = serial();
    let ipc = start(&["ipc"], TIMEOUT).expect("the worker starts");
    drop(ipc);
    assert_no_child_left("dropping the IpcWorker");
}

#[test]
fn a_worker_that_crashes_is_an_error_not_a_hang() {
    let _one = serial();
    let ipc = start(&["ipc"], TIMEOUT).expect("the worker starts");
    let (ipc, result) = returns_within(
        Duration::from_secs(10),
        "`call` to a worker that crashed hung: a dead worker's channel is closed, and \
         `recv` then returns an error",
        move || {
            let result = panic::catch_unwind(AssertUnwindSafe(|| ipc.call(Request::Crash)));
            (ipc, result)
        },
    );
    match result {
        Ok(Err(_)) => {}
        Ok(Ok(reply)) => panic!("the worker aborted without answering, yet got {reply:?}"),
        Err(_) => panic!(
            "`call` panicked on a worker that crashed: return its error instead \
             (`io::Error::other(error.to_string())`), the caller decides what to do"
        ),
    }
    drop(ipc);
    assert_no_child_left("a call to a worker that crashed");
}

#[test]
fn a_worker_that_never_connects_times_out() {
    let _one = serial();
    let started = Instant::now();
    let result = start(&["hang"], Duration::from_millis(300));
    let error = result
        .err()
        .expect("a worker that never connects is an error");
    assert_eq!(
        error.kind(),
        io::ErrorKind::TimedOut,
        "when the time runs out, the error is `ErrorKind::TimedOut`: {error}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?} for a timeout of 300 ms",
        started.elapsed()
    );
    assert_no_child_left("`start` with a worker that never connects");
}

#[test]
fn a_worker_that_connects_late_but_in_time_is_accepted() {
    let _one = serial();
    // The worker says hello after a second, well within the timeout: `start` must wait
    // for it until the deadline, not give up after a first look.
    let ipc = start(&["ipc-after", "1000"], Duration::from_secs(20));
    let ipc = match ipc {
        Ok(ipc) => ipc,
        Err(error) => panic!(
            "a worker that says hello after 1 s, with a timeout of 20 s, was refused: \
             {error}. Wait until the deadline (`Instant::now() + timeout`), looking again \
             and again; a `recv_timeout` of a few ms that times out only means \"not yet\""
        ),
    };
    assert_eq!(ipc.call(Request::Square(9)).unwrap(), Reply::Square(81));
    shut_down(ipc).unwrap();
    assert_no_child_left("`start` with a worker that connects late");
}

#[test]
fn a_worker_that_exits_before_connecting_is_an_error_at_once() {
    let _one = serial();
    let started = Instant::now();
    let result = start(&["exit", "3"], Duration::from_secs(12));
    assert!(result.is_err(), "a worker that exited cannot be called");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}: a worker that has exited will never connect, so do not wait for the \
         deadline (look at `try_wait` while waiting)",
        started.elapsed()
    );
    assert_no_child_left("`start` with a worker that exits at once");
}

#[test]
fn waiting_for_the_hello_burns_no_cpu() {
    let _one = serial();
    let Some(before) = process_cpu_time() else {
        println!("not checked: this check reads the CPU time in Linux's /proc");
        return;
    };
    let started = Instant::now();
    let result = start(&["hang"], Duration::from_secs(1));
    let waited = started.elapsed();
    let used = process_cpu_time().unwrap() - before;
    assert!(result.is_err(), "a worker that never connects is an error");
    assert_no_child_left("`start` with a worker that never connects");
    // A blocking wait uses next to nothing; a loop of `try_recv` keeps a core busy.
    assert!(
        used < waited / 5,
        "while `start` waited {waited:?} for a worker that never connected, this process \
         used {used:?} of CPU time: it spins. Wait by blocking: `recv_timeout` of a few \
         ms on the channel from the accepting thread, not a loop of `try_recv` or \
         `yield_now`"
    );
}

#[test]
fn a_failed_start_leaves_no_thread_behind() {
    let _one = serial();
    let cases: [(&[&str], u64); 2] = [(&["hang"], 300), (&["exit", "3"], 12_000)];
    for (task, timeout) in cases {
        // The worker writes the server's name (its last argument) into `note` first.
        let note = Note::new();
        let mut noting = vec!["note", note.path.to_str().unwrap()];
        noting.extend_from_slice(task);
        let result = start(&noting, Duration::from_millis(timeout));
        assert!(result.is_err(), "a `{}` worker is an error", task[0]);
        assert_no_child_left(&format!("`start` with a `{}` worker", task[0]));
        let name = note.server().expect("the worker noted the server's name");
        // On Linux the name is the path of the server's socket, removed when the server is
        // dropped: when `accept` has returned. A server still there after `start` has
        // returned belongs to a thread still blocked in `accept`. (Elsewhere the name is
        // not a path, and there is nothing to look at.) The deadline only turns that into
        // a message: a thread that was unblocked ends at once.
        let socket = Path::new(&name);
        let deadline = Instant::now() + Duration::from_secs(10);
        while socket.exists() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(
            !socket.exists(),
            "after `start` gave up on a `{}` worker, its one-shot server was still \
             listening ({name}): the thread blocked in `accept` was left behind. Unblock it \
             (connect to the server yourself and hang up at once: \
             `drop(IpcSender::<Hello>::connect(name))`), then join it",
            task[0]
        );
    }
}

/// A file of its own, for a `note` worker to write the server's name in. Dropped, it is
/// removed, and so is the server's socket if a thread left blocked in `accept` still
/// holds it (its process will never remove it).
struct Note {
    path: PathBuf,
}

impl Note {
    fn new() -> Note {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "course-04-{}-{}-server-name",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        Note { path }
    }

    /// The server name the worker noted.
    fn server(&self) -> Option<String> {
        std::fs::read_to_string(&self.path).ok()
    }
}

impl Drop for Note {
    fn drop(&mut self) {
        if let Some(name) = self.server() {
            let socket = Path::new(&name);
            // ipc-channel's server socket: `socket` in a temporary folder of its own.
            if socket.file_name() == Some("socket".as_ref())
                && let Some(folder) = socket.parent()
                && folder.starts_with(std::env::temp_dir())
            {
                let _ = std::fs::remove_dir_all(folder);
            }
        }
        let _ = std::fs::remove_file(&self.path);
    }
}

//! A child's life: try_wait, kill, a deadline, a zombie, and a guard that reaps.
//!
//! cargo run -p lesson-03-processes --example lifecycle

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use processes_lesson::lifecycle::{ChildGuard, run_with_deadline, wait_until};
use processes_lesson::worker::{self, Task, Worker};

fn quiet(mut command: Command) -> Command {
    command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

fn main() -> std::io::Result<()> {
    worker::serve_if_worker();
    let worker = Worker::current_exe()?;

    let mut hung = ChildGuard::spawn(&mut quiet(worker.command(&Task::Hang)))?;
    println!("Started a worker that never ends, pid {}.", hung.id());
    println!(
        "  try_wait() right away: {:?} (still running)",
        hung.try_wait()?
    );
    let start = Instant::now();
    let waited = wait_until(&mut hung, start + Duration::from_millis(200))?;
    println!(
        "  wait_until(200 ms): {waited:?} after {:.0?}: the deadline passed",
        start.elapsed()
    );
    let status = hung.kill_and_reap()?;
    println!("  kill() then wait(): {status}\n");

    let start = Instant::now();
    let timed = run_with_deadline(
        &mut quiet(worker.command(&Task::Exit(0))),
        Duration::from_secs(10),
    )?;
    println!(
        "run_with_deadline(10 s) on a quick worker: {timed:?}, after {:.1?}, not 10 s",
        start.elapsed()
    );
    let start = Instant::now();
    let timed = run_with_deadline(
        &mut quiet(worker.command(&Task::Hang)),
        Duration::from_millis(300),
    )?;
    println!(
        "run_with_deadline(300 ms) on a hung worker: {timed:?}, after {:.0?}\n",
        start.elapsed()
    );

    show_a_zombie(&worker)?;

    let pid = {
        let guard = ChildGuard::spawn(&mut quiet(worker.command(&Task::Hang)))?;
        guard.id()
        // The guard is dropped here, at the end of the block: it kills and reaps the child.
    };
    println!("A ChildGuard went out of scope with its child running: pid {pid} was killed and");
    println!("reaped by its drop, as it would be on a `?` or a panic.");
    Ok(())
}

#[cfg(target_os = "linux")]
fn show_a_zombie(worker: &Worker) -> std::io::Result<()> {
    use processes_lesson::lifecycle::{process_state, wait_without_reaping};

    let mut child = ChildGuard::spawn(&mut quiet(worker.command(&Task::Exit(0))))?;
    let pid = child.id();
    wait_without_reaping(&child)?;
    println!("A worker exited, and nobody has waited for it yet. /proc/{pid}/stat says its");
    println!(
        "state is {:?}: a zombie, holding its pid and exit status for its parent.",
        process_state(pid)
    );
    let status = child.wait()?;
    println!(
        "After wait() ({status}), the state is {:?}: reaped, gone from the process table.\n",
        process_state(pid)
    );
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn show_a_zombie(_: &Worker) -> std::io::Result<()> {
    println!("(The zombie demonstration reads /proc, which only Linux has.)\n");
    Ok(())
}

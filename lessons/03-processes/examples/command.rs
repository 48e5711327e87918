//! `Command`: arguments, environment, the three `Stdio`s, and how a process ended.
//!
//! cargo run -p lesson-03-processes --example command
//!
//! Like every example of this lesson, this program is also its own worker: it re-runs
//! itself with `--worker TASK` (`std::env::current_exe()`), and the first line of `main`
//! sends such a copy off to do its task.

use std::process::Stdio;

use processes_lesson::command::{
    capture, environment_seen_by_child, run_inherited, upper_case_through_child,
};
use processes_lesson::faults::Fault;
use processes_lesson::worker::{self, Task, Worker};

fn main() -> std::io::Result<()> {
    worker::serve_if_worker();
    let worker = Worker::current_exe()?;

    println!("status(): the worker shares our terminal (inherited stdio) and we get its ending.");
    println!("A worker asked to exit with code 3 writes its reason on the shared stderr:\n");
    let ending = run_inherited(&worker, &Task::Exit(3))?;
    println!("\n  -> {ending}\n");

    println!("output(): stdout and stderr captured through pipes, stdin connected to nothing.");
    let whoami = capture(&mut worker.command(&Task::Whoami))?;
    println!(
        "  whoami printed {:?} (its pid, then its parent's: ours is {})",
        whoami.stdout.trim(),
        std::process::id()
    );
    let upper = capture(&mut worker.command(&Task::Upper))?;
    println!(
        "  an upper-casing worker with a null stdin read end-of-file at once: {}, output {:?}",
        upper.ending, upper.stdout
    );

    println!("\nArguments go to the program one by one, with no shell in between:");
    let args = ["two words", "$HOME", "; rm -rf /", "*"]
        .map(String::from)
        .to_vec();
    let echoed = capture(&mut worker.command(&Task::Echo(args)))?;
    for line in echoed.stdout.lines() {
        println!("  {line:?}");
    }

    println!("\nThe environment: a copy of ours, with LESSON_GREETING set and HOME removed:");
    let names = ["LESSON_GREETING", "HOME", "PATH"];
    let inherited = environment_seen_by_child(&worker, &names, false)?;
    let cleared = environment_seen_by_child(&worker, &names, true)?;
    // Long values (PATH) are cut short: what matters is which variables are there.
    let show = |value: &Option<String>| match value {
        Some(text) if text.chars().count() > 24 => {
            format!("{:?}...", text.chars().take(24).collect::<String>())
        }
        Some(text) => format!("{text:?}"),
        None => "unset".to_owned(),
    };
    for (i, name) in names.iter().enumerate() {
        println!(
            "  {name:<16} inherited: {:<32} after env_clear: {}",
            show(&inherited[i]),
            show(&cleared[i])
        );
    }

    println!("\nPipes both ways: 100 000 lines through an upper-casing worker, written from one");
    println!("thread while this one reads, so neither side can fill a pipe and block the other.");
    let input = "a line of input\n".repeat(100_000);
    let output = upper_case_through_child(&worker, &input)?;
    println!(
        "  {} bytes in, {} bytes out, first line {:?}",
        input.len(),
        output.len(),
        output.lines().next().unwrap_or("")
    );

    println!("\nA signal is not an exit code. A worker that aborts:");
    let aborted = capture(
        worker
            .command(&Task::Fault(Fault::Abort))
            .stderr(Stdio::null()),
    )?;
    println!("  ended by {} (no exit code at all)", aborted.ending);
    let missing = Worker::at("/no/such/program");
    match missing.command(&Task::Whoami).status() {
        Ok(status) => println!("  a missing program ran?! {status}"),
        Err(error) => println!("\nA program that cannot start is an Err from spawn: {error}"),
    }
    Ok(())
}

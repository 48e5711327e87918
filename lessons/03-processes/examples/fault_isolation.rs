//! The same four faults in a thread and in a child process: which ones the parent survives.
//!
//! cargo run -p lesson-03-processes --example fault_isolation
//!
//! Every fault that ends a process runs in a child worker, so that this program lives to
//! print the table: "in a thread" means a thread of a worker process, which then lives or
//! dies as a whole.

use processes_lesson::faults::{Fault, Observed, Outcome, in_child, in_thread, in_thread_of_child};
use processes_lesson::worker::{self, Worker};

fn describe(observed: &Observed) -> String {
    match &observed.outcome {
        Outcome::Survived(_) => "survives (join returned Err)".to_owned(),
        Outcome::Died(ending) => format!("dies: {ending}"),
    }
}

fn main() -> std::io::Result<()> {
    worker::serve_if_worker();
    let worker = Worker::current_exe()?;

    println!("A panic in a thread of this very process:");
    println!(
        "  join() returned {:?}; we are still here.\n",
        in_thread(Fault::Panic)
    );

    println!(
        "{:<16} {:<40} a child process it happens in",
        "fault", "its process, when it happens in a thread"
    );
    let mut reports = Vec::new();
    for fault in Fault::ALL {
        let threaded = in_thread_of_child(&worker, fault)?;
        let alone = in_child(&worker, fault)?;
        println!(
            "{:<16} {:<40} {}",
            fault.name(),
            describe(&threaded),
            describe(&alone)
        );
        reports.push((fault, alone.stderr));
    }
    println!("\nThis process, the parent of every child above, survived all of them.");
    println!("What the children wrote on stderr as they died:");
    for (fault, stderr) in reports {
        let first = stderr
            .lines()
            .find(|line| !line.trim().is_empty())
            .unwrap_or("(nothing: a signal gives no chance to say anything)");
        println!("  {:<16} {first}", fault.name());
    }
    Ok(())
}

//! The memory of a worker: one more process against one more thread (Linux).
//!
//! cargo run --release -p lesson-03-processes --example memory

use processes_lesson::memory::{Footprint, measure};
use processes_lesson::worker::{self, Worker};

const WORKERS: usize = 16;

fn main() -> std::io::Result<()> {
    worker::serve_if_worker();
    if !cfg!(target_os = "linux") {
        println!("This example reads /proc/PID/smaps_rollup, which only Linux has.");
        return Ok(());
    }

    let memory = measure(&Worker::current_exe()?, WORKERS)?;
    let kib = |bytes: u64| format!("{:>10} KiB", bytes / 1024);
    let row = |what: &str, f: Footprint| {
        println!(
            "  {what:<34} {} {} {} {}",
            kib(f.rss),
            kib(f.pss),
            kib(f.private_dirty),
            kib(f.page_tables)
        );
    };
    println!("{WORKERS} idle workers, each waiting for work, as processes and as threads:\n");
    println!(
        "  {:<34} {:>14} {:>14} {:>14} {:>14}",
        "", "RSS", "PSS", "private dirty", "page tables"
    );
    row(&format!("{WORKERS} processes, added up"), memory.processes);
    row(
        &format!("1 process with {WORKERS} extra threads"),
        memory.threads,
    );
    println!(
        "\nOne more worker adds about {} (its own pages and page tables) as a process,",
        kib(memory.per_process()).trim()
    );
    println!("and about {} as a thread.", kib(memory.per_thread()).trim());
    println!("\nRSS counts the pages processes share (the program's code, the C library) once per");
    println!("process; PSS shares them out, so the PSS of all the processes adds up to what they");
    println!("really use. The private dirty pages (written by this process alone) and the page");
    println!("tables are what the system gets back when a worker exits. A thread's stack is");
    println!("reserved (2 MiB of address space), but only the pages it touches are resident.");
    Ok(())
}

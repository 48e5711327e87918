//! Processes counting in one shared memory segment; then what a crash leaves in
//! `/dev/shm`, and how to clean it up. This program is its own worker.
//!
//! cargo run -p lesson-04-ipc --example shared_counter

use std::io::{self, BufRead, BufReader};
use std::process::Stdio;

use ipc_lesson::shm::{self, count_in_processes, dev_shm_path, remove_stale, unique_os_id};
use ipc_lesson::worker::{self, Task, Worker};

fn main() -> io::Result<()> {
    worker::serve_if_worker();
    let worker = Worker::current_exe()?;

    let os_id = unique_os_id("counter");
    let total = count_in_processes(&worker, &os_id, 4, 250_000, false)?;
    println!("4 processes added 1 250000 times each to an AtomicU64 in {os_id}: {total}");
    println!("the segment is gone: {}", !dev_shm_path(&os_id).exists());

    let os_id = unique_os_id("counter");
    let crashed = count_in_processes(&worker, &os_id, 2, 250_000, true).unwrap_err();
    println!("\nwith a worker that aborts halfway: {crashed}");
    println!(
        "the segment is gone all the same: {}",
        !dev_shm_path(&os_id).exists()
    );

    let flink = std::env::temp_dir().join(format!("course-04-{}.flink", std::process::id()));
    let mut child = worker
        .command(&Task::CreateAndCrash {
            flink: flink.clone(),
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let mut created = String::new();
    BufReader::new(child.stdout.take().expect("piped")).read_line(&mut created)?;
    let status = child.wait()?;
    println!("\na worker created {} and ended: {status}", created.trim());
    println!("left in /dev/shm: {:?}", shm::leftovers());
    println!("its file link is still there: {}", flink.exists());
    let removed = remove_stale(&flink)?;
    println!("remove_stale took ownership and dropped it: {removed:?}");
    println!("left in /dev/shm now: {:?}", shm::leftovers());
    Ok(())
}

//! `thread::Builder`: a name, a stack size, a spawn that can fail; and how many threads
//! this machine offers.
//!
//! cargo run -p lesson-01-threads --example builder

use std::thread;

use threads_lesson::builder::{current_thread_name, spawn_named, worker_count};

fn main() {
    println!(
        "This is the thread named {:?}.",
        current_thread_name().unwrap_or_default()
    );

    // 256 KiB instead of the default 2 MiB: enough for this shallow work.
    match spawn_named("report-writer", 256 * 1024, || {
        format!(
            "Hello from the thread named {:?}, started with a 256 KiB stack.",
            current_thread_name().unwrap_or_default()
        )
    }) {
        Ok(handle) => {
            println!(
                "The handle knows the name too: {:?}.",
                handle.thread().name()
            );
            println!("{}", handle.join().expect("the named thread panicked"));
        }
        // `thread::spawn` would panic here; with the builder, the failure is ours to handle.
        Err(error) => println!("The OS refused to start the thread: {error}."),
    }

    let unnamed = thread::spawn(current_thread_name)
        .join()
        .expect("the unnamed thread panicked");
    println!("A thread from thread::spawn has no name ({unnamed:?}); its panics say '<unnamed>'.");

    match thread::available_parallelism() {
        Ok(n) => println!(
            "\navailable_parallelism() = {n}: at most {n} threads can compute at the same time \
             in this process. It may be fewer than the machine's cores, if a container quota \
             or CPU affinity limits the process."
        ),
        Err(error) => println!("\navailable_parallelism() could not tell: {error}."),
    }
    println!(
        "worker_count() = {}: the number of threads to use for CPU-bound work (1 if the \
         platform cannot tell).",
        worker_count()
    );
}

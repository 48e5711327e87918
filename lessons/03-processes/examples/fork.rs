//! Why a program with threads must not fork and carry on.
//!
//! cargo run -p lesson-03-processes --example fork

use processes_lesson::fork::fork_while_a_thread_holds_a_lock;

fn main() -> std::io::Result<()> {
    let after = fork_while_a_thread_holds_a_lock()?;
    let count = |n: Option<usize>| n.map_or("?".to_owned(), |n| n.to_string());
    println!("A second thread took a lock; then the main thread called fork().");
    println!(
        "  threads in the parent: {}",
        count(after.threads_in_parent)
    );
    println!("  threads in the child:  {}", count(after.threads_in_child));
    println!(
        "  the lock, in the child: {}",
        if after.lock_free_in_child {
            "free"
        } else {
            "held, by a thread that does not exist in the child"
        }
    );
    println!("\nThe child's copy of the lock will never be released: a lock() there would wait");
    println!("forever. The same goes for the allocator's and stdout's locks, which is why the");
    println!("child only used try_lock, read and _exit. Rust programs start workers by running");
    println!("an executable (Command::spawn, which execs at once) instead of forking themselves.");
    Ok(())
}

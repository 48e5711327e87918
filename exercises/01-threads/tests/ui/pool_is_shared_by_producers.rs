// Compiles (and runs) only if `ThreadPool` is `Sync`, so that producers on several threads
// can share one pool, and `Send`, so that it can be moved to another thread.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use threads_exercise::ThreadPool;

fn main() {
    let pool = ThreadPool::new(2);
    let (sender, receiver) = mpsc::channel();

    // Three producer threads borrow the pool (`&ThreadPool: Send` needs `ThreadPool: Sync`).
    thread::scope(|scope| {
        for producer in 0..3 {
            let (pool, sender) = (&pool, sender.clone());
            scope.spawn(move || {
                for i in 0..10 {
                    let sender = sender.clone();
                    pool.execute(move || sender.send(producer * 10 + i).unwrap());
                }
            });
        }
    });

    // The pool is moved to another thread and shut down there (`ThreadPool: Send`). A
    // shutdown that never returns fails this case at once rather than at the deadline.
    let (done, shut_down) = mpsc::channel();
    thread::spawn(move || {
        drop(pool);
        done.send(()).unwrap();
    });
    match shut_down.recv_timeout(Duration::from_secs(10)) {
        Ok(()) => {}
        Err(mpsc::RecvTimeoutError::Timeout) => {
            eprintln!("dropping the pool has not returned after 10 s: close the queue first");
            std::process::exit(1);
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("dropping the pool panicked"),
    }

    let mut ran: Vec<i32> = receiver.try_iter().collect();
    ran.sort_unstable();
    assert_eq!(ran, (0..30).collect::<Vec<_>>());
}

// Compiles (and runs) only if `ThreadPool` is `Sync`, so that producers on several threads
// can share one pool, and `Send`, so that it can be moved to another thread.

use std::sync::mpsc;
use std::thread;

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

    // The pool is moved to another thread and shut down there (`ThreadPool: Send`).
    thread::spawn(move || drop(pool)).join().unwrap();

    let mut ran: Vec<i32> = receiver.try_iter().collect();
    ran.sort_unstable();
    assert_eq!(ran, (0..30).collect::<Vec<_>>());
}

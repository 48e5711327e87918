//! `Arc<Mutex<T>>`, how long a guard holds the lock, poisoning, and `RwLock`.
//!
//! cargo run -p lesson-02-shared-state --example locks

use std::collections::VecDeque;
use std::sync::Mutex;
use std::thread;

use shared_state_lesson::arc_mutex::{Ledger, count_with_mutex, drain, drain_holding_the_lock};
use shared_state_lesson::rwlock::PriceList;

fn main() {
    println!("Arc<Mutex<u64>>: 4 threads add 1, 10 000 times each.");
    println!("  total: {}", count_with_mutex(4, 10_000));

    println!(
        "\nHow long a guard lives. Each job checks whether the queue is locked while it runs:"
    );
    let queue = Mutex::new(VecDeque::from(["a", "b"]));
    drain(&queue, |job| {
        println!(
            "  `let next = queue.lock().unwrap().pop_front();` then job {job}: locked = {}",
            queue.try_lock().is_err()
        );
    });
    let queue = Mutex::new(VecDeque::from(["a", "b"]));
    drain_holding_the_lock(&queue, |job| {
        println!(
            "  `while let Some(job) = queue.lock().unwrap().pop_front()`, job {job}: locked = {}",
            queue.try_lock().is_err()
        );
    });

    println!("\nPoisoning. A transfer of 10 panics after the debit, before the credit");
    println!("(the panic message printed below is that transfer's; the program goes on):");
    let ledger = Ledger::new(vec![100, u32::MAX - 5]);
    println!("  total before: {:?}", ledger.total());
    let outcome = thread::scope(|s| s.spawn(|| ledger.transfer(0, 1, 10)).join());
    println!("  the transferring thread panicked: {}", outcome.is_err());
    println!(
        "  total after:  {:?} (the lock is poisoned)",
        ledger.total()
    );
    ledger.repair(|balances| {
        println!("  repair sees {balances:?}: 10 cents debited and never credited; refunding");
        balances[0] += 10;
    });
    println!("  total after the repair: {:?}", ledger.total());

    println!("\nRwLock: a writer cannot get in while a reader is inside.");
    let prices = PriceList::new([("tea".to_owned(), 250)]);
    prices.read(|list| {
        let tried = thread::scope(|s| s.spawn(|| prices.try_set_price("tea", 300)).join().unwrap());
        println!(
            "  reader sees tea at {}; a writer's try_write meanwhile: {tried:?}",
            list["tea"]
        );
    });
    println!(
        "  after the reader is done: {:?}, tea now {:?}",
        prices.try_set_price("tea", 300),
        prices.price("tea")
    );
}

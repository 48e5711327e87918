//! The dining philosophers: the circular wait shown without hanging, then a dinner in
//! which every philosopher takes the lower-numbered fork first.
//!
//! cargo run -p lesson-02-shared-state --example philosophers

use shared_state_lesson::philosophers::Table;

const SEATS: usize = 5;
const MEALS: u32 = 1_000;

fn main() {
    let table = Table::new(SEATS);
    println!("{SEATS} philosophers each take their left fork, then try for the right one:");
    let got_both = table.all_hold_their_left_fork();
    println!("  {got_both} of {SEATS} got both forks. Each right fork is a neighbour's left");
    println!("  fork: with `lock()` instead of `try_lock()` they would all wait forever.");

    println!("\nNow each takes the lower-numbered of its forks first, {MEALS} meals each:");
    table.dinner(MEALS);
    for fork in 0..SEATS {
        println!("  fork {fork} was used {} times", table.uses_of(fork));
    }
    println!(
        "No deadlock: philosopher {} reaches for fork 0 first, like philosopher 0, so",
        SEATS - 1
    );
    println!("the two compete for one fork instead of each holding one. No cycle can form.");
}

//! Scoped threads borrow local data: no `move`, no `Arc`, no copies.
//!
//! cargo run -p lesson-01-threads --example scoped

use threads_lesson::scoped::{count_even_and_odd, min_and_max, scale_in_place};

fn main() {
    let temperatures = [12, -3, 25, 7, 31, -9, 18];
    if let Some((min, max)) = min_and_max(&temperatures) {
        println!("Two scoped threads read the same borrowed array at once: min {min}, max {max}.");
    }
    // The array was only borrowed, so it is still here.
    println!("The array is still ours afterwards: {temperatures:?}");

    let mut prices = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0];
    scale_in_place(&mut prices, 1.1, 3);
    println!(
        "\nThree scoped threads each scaled their own chunk of one array, in place \
         (chunks_mut gives each thread a disjoint &mut):"
    );
    println!("  {prices:.1?}");

    let numbers: Vec<u64> = (1..=10).collect();
    let (even, odd) = count_even_and_odd(&numbers);
    println!(
        "\nTwo scoped threads wrote into two local variables of the function: {even} even, \
         {odd} odd. No join was written; thread::scope joined both before returning."
    );
}

// Compiles only if `parallel_sum` takes borrowed data and a closure that borrows a local:
// its signature must not require `'static`, which scoped threads do not need.

use threads_exercise::{parallel_sum, sequential_sum};

fn main() {
    let data: Vec<u64> = (1..=1_000).collect();
    // Not `Copy`: the closure below borrows it.
    let weights: Vec<u64> = vec![3, 5];
    let weighted = |x: u64| x * weights[(x % 2) as usize];

    let total = parallel_sum(&data, 4, weighted);

    assert_eq!(total, sequential_sum(&data, weighted));
    // Both locals are still ours: `parallel_sum` borrowed them, it did not take them.
    assert_eq!(data.len() + weights.len(), 1_002);
}

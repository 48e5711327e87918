//! Task `stats` (with the loom models `stats::*` in `tests/loom.rs`): many threads
//! recording at once lose no request, no byte and no maximum.

use shared_state_exercise::Stats;

use crate::support::on_threads;

#[test]
fn many_threads_count_exactly() {
    const THREADS: usize = 4;
    const RECORDS: u64 = 20_000;
    let stats = Stats::new();
    // Thread `t` records sizes t, t + 4, t + 8, ...: every size from 0 to 79 999 once.
    on_threads(THREADS, |t| {
        for i in 0..RECORDS {
            stats.record(i * THREADS as u64 + t as u64);
        }
    });
    let n = THREADS as u64 * RECORDS;
    let lost = n - stats.requests();
    assert_eq!(
        stats.requests(),
        n,
        "{lost} of {n} requests were lost: two threads read the same count and both wrote \
         it back plus one. Count with one atomic read-modify-write (`fetch_add`)"
    );
    assert_eq!(
        stats.bytes(),
        n * (n - 1) / 2,
        "bytes were lost: add them with `fetch_add`, not a load followed by a store"
    );
    assert_eq!(
        stats.largest(),
        n - 1,
        "the largest request was overwritten by a smaller one: between your check and your \
         store, another thread stored a larger value. `fetch_max` checks and stores in one \
         step"
    );
}

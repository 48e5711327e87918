//! Task `tuner`: `tune` measures every candidate `rounds` times, interleaved, chooses by
//! medians, prefers the smaller of two candidates within the tolerance, and refuses bad
//! input; `time_on_pool` runs the job on a pool of exactly that size; `tune_pool` ties the
//! two together. The measurements here are made up, so nothing is timed.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use hybrid_exercise::{TuneError, time_on_pool, tune, tune_pool};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// A made-up measurement: `times[threads]`, one sample after another.
fn from_table(times: &[(usize, &[u64])]) -> impl FnMut(usize) -> Duration {
    let mut samples: BTreeMap<usize, Vec<u64>> = times
        .iter()
        .map(|&(threads, t)| (threads, t.iter().rev().copied().collect()))
        .collect();
    move |threads| {
        let next = samples
            .get_mut(&threads)
            .and_then(Vec::pop)
            .unwrap_or_else(|| panic!("{threads} threads measured more often than asked"));
        ms(next)
    }
}

#[test]
fn the_fastest_median_wins() {
    let tuning = tune(
        &[1, 2, 4],
        3,
        from_table(&[(1, &[90, 91, 92]), (2, &[50, 52, 51]), (4, &[70, 71, 72])]),
    )
    .expect("a choice");
    assert_eq!(tuning.best, 2);
    assert_eq!(tuning.medians, [(1, ms(91)), (2, ms(51)), (4, ms(71))]);
}

#[test]
fn one_disturbed_measurement_does_not_decide() {
    // 2 threads is faster, but one of its runs was slowed by another program: its median
    // still says so, where its mean would not.
    let tuning = tune(
        &[1, 2],
        5,
        from_table(&[(1, &[80, 81, 80, 82, 81]), (2, &[40, 41, 400, 40, 42])]),
    )
    .unwrap();
    assert_eq!(tuning.best, 2);
    assert_eq!(tuning.medians[1], (2, ms(41)));
}

#[test]
fn the_candidates_are_measured_round_after_round() {
    let calls = Mutex::new(Vec::new());
    tune(&[8, 1, 2], 3, |threads| {
        calls.lock().unwrap().push(threads);
        ms(10)
    })
    .unwrap();
    assert_eq!(
        calls.into_inner().unwrap(),
        [8, 1, 2, 8, 1, 2, 8, 1, 2],
        "every candidate once per round, in the order given, round after round"
    );
}

#[test]
fn a_smaller_pool_within_the_tolerance_is_chosen() {
    // 16 threads is 3% faster than 4: within 5%, so 4 wins. 2 is 20% slower: out.
    let tuning = tune(
        &[16, 2, 4],
        1,
        from_table(&[(16, &[100]), (2, &[124]), (4, &[103])]),
    )
    .unwrap();
    assert_eq!(tuning.best, 4);
    // 6% is out of the tolerance.
    let tuning = tune(&[4, 16], 1, from_table(&[(4, &[106]), (16, &[100])])).unwrap();
    assert_eq!(tuning.best, 16);
}

#[test]
fn bad_input_is_refused() {
    let never = |_| -> Duration { panic!("nothing should be measured") };
    assert_eq!(tune(&[], 3, never), Err(TuneError::NoCandidates));
    assert_eq!(tune(&[2, 0], 3, never), Err(TuneError::ZeroThreads));
    assert_eq!(tune(&[2], 0, never), Err(TuneError::NoRounds));
}

#[test]
fn time_on_pool_runs_the_job_on_a_pool_of_that_size() {
    for threads in [1, 3] {
        let seen = Mutex::new(None);
        time_on_pool(threads, &|| {
            *seen.lock().unwrap() = Some((
                rayon::current_num_threads(),
                rayon::current_thread_index().is_some(),
            ));
        });
        assert_eq!(
            seen.into_inner().unwrap(),
            Some((threads, true)),
            "the job runs once, on a thread of a pool of {threads}"
        );
    }
}

#[test]
fn tune_pool_measures_every_candidate_on_its_own_pool() {
    let runs = Mutex::new(BTreeMap::<usize, usize>::new());
    let total = AtomicUsize::new(0);
    let tuning = tune_pool(&[1, 2, 3], 4, || {
        total.fetch_add(1, Ordering::Relaxed);
        *runs
            .lock()
            .unwrap()
            .entry(rayon::current_num_threads())
            .or_default() += 1;
    })
    .unwrap();
    assert_eq!(total.into_inner(), 12);
    assert_eq!(
        runs.into_inner().unwrap(),
        BTreeMap::from([(1, 4), (2, 4), (3, 4)])
    );
    assert!([1, 2, 3].contains(&tuning.best));
}

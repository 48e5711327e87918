//! Task `tuner`: `tune` measures every candidate `rounds` times, interleaved, chooses by
//! medians, prefers the smaller of two candidates within the tolerance, and refuses bad
//! input; `time_on_pool` runs the job on a pool of exactly that size; `tune_pool` ties the
//! two together. The measurements here are made up, so nothing is timed.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use hybrid_exercise::{TuneError, time_on_pool, tune, tune_pool};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn us(n: u64) -> Duration {
    Duration::from_micros(n)
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
    assert_eq!(
        tuning.medians,
        [(1, ms(91)), (2, ms(51)), (4, ms(71))],
        "each candidate's median (sort its samples, take the middle one), in the order of \
         the candidates"
    );
    assert_eq!(tuning.best, 2, "2 threads has the fastest median");
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
    assert_eq!(
        tuning.medians[1],
        (2, ms(41)),
        "the median of 40, 41, 400, 40, 42 is 41: sort the samples, then take the middle \
         one (a mean lets one disturbed run decide)"
    );
    assert_eq!(
        tuning.medians[0],
        (1, ms(81)),
        "the median of 80, 81, 80, 82, 81"
    );
    assert_eq!(tuning.best, 2, "2 threads has the fastest median");
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
    assert_eq!(
        tuning.best, 4,
        "16 threads is fastest, 4 is within 5% of it and 2 is not: choose the smallest \
         candidate within the tolerance (not the first one given, nor the fastest)"
    );
    // 6% is out of the tolerance.
    let tuning = tune(&[4, 16], 1, from_table(&[(4, &[106]), (16, &[100])])).unwrap();
    assert_eq!(
        tuning.best, 16,
        "4 threads is 6% slower than 16: out of the 5% tolerance"
    );
}

#[test]
fn bad_input_is_refused() {
    let never = |_| -> Duration { panic!("nothing should be measured") };
    assert_eq!(tune(&[], 3, never), Err(TuneError::NoCandidates));
    assert_eq!(tune(&[2, 0], 3, never), Err(TuneError::ZeroThreads));
    assert_eq!(tune(&[2], 0, never), Err(TuneError::NoRounds));
    // Several faults at once: the first in the order no candidates, a candidate of 0,
    // 0 rounds is the one reported.
    assert_eq!(
        tune(&[], 0, never),
        Err(TuneError::NoCandidates),
        "no candidates and 0 rounds: `NoCandidates` is checked first"
    );
    assert_eq!(
        tune(&[0, 2], 0, never),
        Err(TuneError::ZeroThreads),
        "a candidate of 0 and 0 rounds: `ZeroThreads` is checked before `NoRounds`"
    );
}

#[test]
fn the_tolerance_is_five_percent_of_the_fastest_median() {
    // Relative to the fastest median, at any scale: 4.9% slower is within it, at a
    // second as at a millisecond.
    let tuning = tune(&[8, 2], 1, |threads| match threads {
        8 => ms(1_000),
        _ => ms(1_049),
    })
    .unwrap();
    assert_eq!(
        tuning.best, 2,
        "1 049 ms is within 5% of 1 000 ms: the smaller candidate wins. The tolerance is \
         a fraction of the fastest median (`fastest.mul_f64(1.0 + TOLERANCE)`), not a \
         fixed duration"
    );
    // 5.2% slower than the fastest is out, although the fastest is within 5% of it.
    let tuning = tune(&[8, 2], 1, |threads| match threads {
        8 => us(100_000),
        _ => us(105_200),
    })
    .unwrap();
    assert_eq!(
        tuning.best, 8,
        "105.2 ms is 5.2% slower than 100 ms: out of the tolerance, which is 5% of the \
         fastest median (not of the candidate's own)"
    );
    // The medians stay in the order of the candidates, whatever is chosen.
    assert_eq!(tuning.medians, [(8, us(100_000)), (2, us(105_200))]);
}

#[test]
fn time_on_pool_runs_the_job_on_a_pool_of_that_size() {
    for threads in [1, 3] {
        let seen = Mutex::new(Vec::new());
        let took = time_on_pool(threads, &|| {
            let start = Instant::now();
            // A job that takes a little while, and measures itself.
            std::thread::sleep(ms(20));
            seen.lock().unwrap().push((
                rayon::current_num_threads(),
                rayon::current_thread_index().is_some(),
                start.elapsed(),
            ));
        });
        let seen = seen.into_inner().unwrap();
        assert_eq!(
            seen.len(),
            1,
            "time_on_pool runs the job once (it ran {} times)",
            seen.len()
        );
        let (size, on_the_pool, job_took) = seen[0];
        assert_eq!(
            (size, on_the_pool),
            (threads, true),
            "the job runs on a thread of a pool of {threads} (`pool.install(job)`)"
        );
        assert!(
            took >= job_took,
            "time_on_pool returned {took:?}, but the job itself took {job_took:?}: start the \
             clock after building the pool and read it after `pool.install(job)` returns"
        );
    }
}

#[test]
fn tune_pool_measures_every_candidate_on_its_own_pool() {
    let runs = Mutex::new(BTreeMap::<usize, usize>::new());
    let order = Mutex::new(Vec::new());
    let total = AtomicUsize::new(0);
    let tuning = tune_pool(&[1, 2, 3], 4, || {
        total.fetch_add(1, Ordering::Relaxed);
        order.lock().unwrap().push(rayon::current_num_threads());
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
    assert_eq!(
        order.into_inner().unwrap(),
        [1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3],
        "tune_pool measures round after round, like tune: call `tune` with `time_on_pool` \
         as its measurement"
    );
    assert!([1, 2, 3].contains(&tuning.best));
}

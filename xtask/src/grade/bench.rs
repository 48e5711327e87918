//! Benchmark checks: two criterion benchmarks measured in one run of the bench binary,
//! compared as a ratio of their medians against a threshold that depends on the cores.
//!
//! Ratios measured in the same run cancel out most of what makes absolute times noisy
//! (a slower machine, a busy neighbour): both sides are slowed alike. What they do not
//! cancel is load that comes and goes between the two sides, so each round is metered
//! (`sys::cpu_load`), and a round during which other programs were busy, or the machine
//! could not run two threads at once, is measured again.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};

use crate::course::{BenchSpec, Crate};
use crate::grade::libtest;
use crate::sys::cpu_load;
use crate::sys::process::{self, Outcome};

/// How many rounds a benchmark check judges. Criterion measures all samples of one
/// benchmark, then all of the other, so a burst of load from another program can slow one
/// side only; the verdict uses the round with the median ratio, so that one disturbed
/// round cannot decide it.
pub const ROUNDS: usize = 3;

/// Other programs' use of the CPU, in cores on average, above which a round is set aside
/// and measured again: a quarter of a core taken for the whole round is enough to slow
/// one side of a comparison of parallel code. (A compiler running under `nice` beside the
/// grader takes little while the benchmark keeps the cores busy, and does not count.)
pub const BUSY: f64 = 0.25;

/// The most rounds a benchmark check measures while it looks for [`ROUNDS`] quiet ones. If
/// the machine stays busy, the check gives no verdict (it is skipped, and says why).
pub const MAX_ROUNDS: usize = 3 * ROUNDS;

/// What one benchmark check measured: the round with the median speedup, every judged
/// round's speedup, and the rounds set aside because they were disturbed.
#[derive(Debug)]
pub struct Measured {
    pub candidate_ns: f64,
    pub baseline_ns: f64,
    pub round_speedups: Vec<f64>,
    /// Rounds measured in all, and how many of them were quiet (neither busy nor serial).
    /// Fewer than [`ROUNDS`] quiet means disturbed rounds were judged.
    pub measured_rounds: usize,
    pub quiet_rounds: usize,
    /// Rounds during which other programs used more than [`BUSY`] cores.
    pub busy_rounds: usize,
    /// Rounds before or after which two threads computed less than
    /// [`cpu_load::PARALLEL`] times as fast as one.
    pub serial_rounds: usize,
}

impl Measured {
    /// How many times faster the candidate is than the baseline (the median round).
    pub fn speedup(&self) -> f64 {
        self.baseline_ns / self.candidate_ns
    }
}

/// How long one round of a bench run may take before it is treated as hung.
pub fn deadline(spec: &BenchSpec, timeout: Duration) -> Duration {
    // Warm-up and measurement for each of the two benchmarks, then criterion's analysis.
    Duration::from_secs_f64(2.0 * (spec.warm_up + spec.measure) + 10.0) + timeout
}

/// One run of the bench binary: the two medians, other programs' load meanwhile, and the
/// machine's own speedup on two threads around it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Round {
    candidate_ns: f64,
    baseline_ns: f64,
    /// Cores' worth of CPU other programs used during the round (0 where unknown).
    others: f64,
    /// The lesser [`cpu_load::pair_speedup`] measured just before and just after the round
    /// (`None` on fewer than two cores, where no check relies on two).
    pair: Option<f64>,
}

impl Round {
    fn speedup(&self) -> f64 {
        self.baseline_ns / self.candidate_ns
    }

    fn busy(&self) -> bool {
        self.others > BUSY
    }

    fn serial(&self) -> bool {
        self.pair.is_some_and(|pair| pair < cpu_load::PARALLEL)
    }

    fn quiet(&self) -> bool {
        !self.busy() && !self.serial()
    }
}

/// Measures the two benchmarks of `spec`, one run of the bench binary per round (each with
/// its own deadline), until [`ROUNDS`] rounds were quiet or [`MAX_ROUNDS`] were measured,
/// and keeps the judged round with the median speedup. Two quiet rounds on the same side
/// of `spec`'s bounds on a machine with `cores` cores are enough: a third could not move
/// the median of three across a bound, so it is not measured. On two cores or more, the
/// machine's speedup on two threads is measured between rounds (the one after a round is
/// the one before the next).
pub fn run(
    exe: &Path,
    krate: &Crate,
    spec: &BenchSpec,
    cores: usize,
    scratch: &Path,
    deadline: Duration,
) -> Result<(Outcome, Option<Measured>)> {
    let filter = format!(
        "^({}|{})$",
        regex_escape(&spec.candidate),
        regex_escape(&spec.baseline)
    );
    let settings = Settings {
        warm_up: spec.warm_up,
        measure: spec.measure,
    };
    let mut rounds: Vec<Round> = Vec::new();
    let mut last = None;
    let side = |speedup: f64| spec.side(speedup, cores);
    let pair_speedup = || (cores >= 2).then(cpu_load::pair_speedup);
    let mut pair_before = pair_speedup();
    while rounds.len() < MAX_ROUNDS && !decided(&rounds, side) {
        let meter = cpu_load::Meter::start();
        let (outcome, medians) =
            run_filtered(exe, krate, Some(&filter), settings, scratch, deadline)?;
        let others = meter.others().unwrap_or(0.0);
        let pair_after = pair_speedup();
        let pair = pair_before.zip(pair_after).map(|(a, b)| a.min(b));
        pair_before = pair_after;
        match (medians.get(&spec.candidate), medians.get(&spec.baseline)) {
            (Some(&candidate_ns), Some(&baseline_ns)) => rounds.push(Round {
                candidate_ns,
                baseline_ns,
                others,
                pair,
            }),
            // A crash, a hang or a missing benchmark: no use measuring again.
            _ => return Ok((outcome, None)),
        }
        last = Some(outcome);
    }
    Ok((
        last.expect("at least one round ran"),
        Some(judge(rounds, side)),
    ))
}

/// Do the quiet rounds so far settle the verdict: [`ROUNDS`] of them, or two that fall on
/// the same `side` of the bounds (the median of three is then on that side too)?
fn decided(rounds: &[Round], side: impl Fn(f64) -> Ordering) -> bool {
    let quiet: Vec<Ordering> = rounds
        .iter()
        .filter(|r| r.quiet())
        .map(|r| side(r.speedup()))
        .collect();
    quiet.len() >= ROUNDS || matches!(quiet[..], [a, b] if a == b)
}

/// The verdict's rounds: the quiet ones if they settle it (see [`decided`]), else the
/// [`ROUNDS`] least disturbed (quiet first, then by other programs' load); and of those,
/// the one with the median speedup (of two that agree, the slower: the verdict is the
/// same, and the figure the more modest).
fn judge(mut rounds: Vec<Round>, side: impl Fn(f64) -> Ordering) -> Measured {
    let measured_rounds = rounds.len();
    let count = |f: fn(&Round) -> bool| rounds.iter().filter(|r| f(r)).count();
    let (quiet_rounds, busy_rounds, serial_rounds) = (
        count(Round::quiet),
        count(Round::busy),
        count(Round::serial),
    );
    if decided(&rounds, side) {
        rounds.retain(Round::quiet);
    } else {
        rounds.sort_by(|a, b| {
            let quiet_first = b.quiet().cmp(&a.quiet());
            quiet_first.then(a.others.total_cmp(&b.others))
        });
    }
    rounds.truncate(ROUNDS);
    rounds.sort_by(|a, b| a.speedup().total_cmp(&b.speedup()));
    let median = rounds[(rounds.len() - 1) / 2];
    Measured {
        candidate_ns: median.candidate_ns,
        baseline_ns: median.baseline_ns,
        round_speedups: rounds.iter().map(Round::speedup).collect(),
        measured_rounds,
        quiet_rounds,
        busy_rounds,
        serial_rounds,
    }
}

/// Criterion's timing settings, in seconds per benchmark.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    pub warm_up: f64,
    pub measure: f64,
}

/// Runs the bench binary (every benchmark, or those `filter` matches) with results in a
/// fresh directory under `scratch` (removed afterwards). Returns the median time per
/// iteration of each benchmark, by id (`group/function`).
pub fn run_filtered(
    exe: &Path,
    krate: &Crate,
    filter: Option<&str>,
    settings: Settings,
    scratch: &Path,
    deadline: Duration,
) -> Result<(Outcome, BTreeMap<String, f64>)> {
    let home = scratch.join(format!("bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&home);
    std::fs::create_dir_all(&home).with_context(|| format!("creating {}", home.display()))?;
    let mut cmd = libtest::command(exe, krate);
    cmd.env("CRITERION_HOME", &home).args([
        "--bench",
        "--noplot",
        // Criterion bootstraps confidence intervals from 100 000 resamples by default,
        // which takes longer than measuring a fast benchmark; only the median is read
        // here, and criterion computes it from the samples themselves.
        "--nresamples",
        "1000",
        "--sample-size",
        "20",
        "--warm-up-time",
        &settings.warm_up.to_string(),
        "--measurement-time",
        &settings.measure.to_string(),
    ]);
    cmd.args(filter);
    let outcome = process::run(cmd, deadline)?;
    let medians = medians(&home);
    let _ = std::fs::remove_dir_all(&home);
    Ok((outcome, medians))
}

/// The median time per iteration criterion estimated for each benchmark, read from
/// `<home>/**/new/benchmark.json` (which names the benchmark) and `estimates.json`.
fn medians(home: &Path) -> BTreeMap<String, f64> {
    let read = |dir: &Path| -> Option<(String, f64)> {
        let about: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("benchmark.json")).ok()?).ok()?;
        let estimates: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("estimates.json")).ok()?).ok()?;
        Some((
            about["full_id"].as_str()?.to_owned(),
            estimates["median"]["point_estimate"].as_f64()?,
        ))
    };
    benchmark_dirs(home)
        .iter()
        .filter_map(|d| read(d))
        .collect()
}

/// Every `new` folder under `home` that holds a `benchmark.json`.
fn benchmark_dirs(home: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![home.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n == "new")
                    && path.join("benchmark.json").is_file()
                {
                    found.push(path);
                } else {
                    stack.push(path);
                }
            }
        }
    }
    found
}

fn regex_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A round whose candidate took 1 ms and whose baseline took `speedup` ms.
    fn round(speedup: f64, others: f64) -> Round {
        Round {
            candidate_ns: 1e6,
            baseline_ns: speedup * 1e6,
            others,
            pair: Some(1.95),
        }
    }

    /// A round with no other program's load, around which two threads computed `pair`
    /// times as fast as one.
    fn round_paired(speedup: f64, pair: Option<f64>) -> Round {
        Round {
            pair,
            ..round(speedup, 0.0)
        }
    }

    /// The side of a bound of 2x a speedup falls on.
    fn at_least_2(speedup: f64) -> Ordering {
        if speedup < 2.0 {
            Ordering::Less
        } else {
            Ordering::Equal
        }
    }

    #[test]
    fn two_quiet_rounds_on_one_side_settle_it_and_two_apart_do_not() {
        let measure = |speedups: &[(f64, f64)]| {
            let mut rounds = Vec::new();
            for &(speedup, others) in speedups {
                if decided(&rounds, at_least_2) {
                    break;
                }
                rounds.push(round(speedup, others));
            }
            rounds.len()
        };
        // Two passes, two fails: no third round.
        assert_eq!(measure(&[(3.0, 0.0), (4.0, 0.0), (9.0, 0.0)]), 2);
        assert_eq!(measure(&[(1.0, 0.0), (1.5, 0.0), (9.0, 0.0)]), 2);
        // A pass and a fail: the third round decides.
        assert_eq!(
            measure(&[(3.0, 0.0), (1.0, 0.0), (9.0, 0.0), (9.0, 0.0)]),
            3
        );
        // A busy round does not count towards the two.
        assert_eq!(
            measure(&[(3.0, 0.0), (1.0, 0.9), (4.0, 0.0), (9.0, 0.0)]),
            3
        );
        let judged = judge(
            vec![round(3.0, 0.0), round(1.0, 0.9), round(4.0, 0.0)],
            at_least_2,
        );
        // Of two that agree, the slower is the figure; the busy round was set aside.
        assert_eq!(judged.round_speedups, [3.0, 4.0]);
        assert_eq!(judged.speedup(), 3.0);
        assert_eq!((judged.measured_rounds, judged.quiet_rounds), (3, 2));
    }

    #[test]
    fn quiet_rounds_are_judged_by_their_median() {
        let judged = judge(
            vec![round(4.0, 0.0), round(5.0, 0.1), round(3.0, 0.0)],
            at_least_2,
        );
        assert_eq!(judged.speedup(), 4.0);
        assert_eq!(judged.round_speedups, [3.0, 4.0, 5.0]);
        assert_eq!((judged.measured_rounds, judged.quiet_rounds), (3, 3));
    }

    #[test]
    fn busy_rounds_are_set_aside_when_enough_rounds_are_quiet() {
        // Two rounds disturbed by another program (a core taken: the parallel side lost
        // its advantage), then three quiet ones.
        let judged = judge(
            vec![
                round(0.9, 1.0),
                round(4.0, 0.0),
                round(0.5, 0.8),
                round(4.5, 0.2),
                round(5.0, 0.0),
            ],
            at_least_2,
        );
        assert_eq!(judged.round_speedups, [4.0, 4.5, 5.0]);
        assert_eq!(judged.speedup(), 4.5);
        assert_eq!((judged.measured_rounds, judged.quiet_rounds), (5, 3));
    }

    #[test]
    fn rounds_when_two_threads_ran_as_one_are_set_aside() {
        // A correct parallel solution measured while the host ran the machine's two CPUs
        // as one (a speedup near 1) would fail; those rounds do not count.
        let rounds = vec![
            round_paired(1.1, Some(1.02)),
            round_paired(1.2, Some(1.3)),
            round_paired(1.9, Some(1.95)),
            round_paired(1.8, Some(1.6)),
        ];
        let measure = |rounds: &[Round]| {
            (1..=rounds.len())
                .find(|&n| decided(&rounds[..n], at_least_2))
                .unwrap_or(rounds.len())
        };
        assert_eq!(measure(&rounds), 4);
        let judged = judge(rounds, at_least_2);
        assert_eq!(judged.round_speedups, [1.8, 1.9]);
        assert_eq!(
            (
                judged.quiet_rounds,
                judged.busy_rounds,
                judged.serial_rounds
            ),
            (2, 0, 2)
        );
        // On one core no pair is measured, and nothing is set aside for it.
        let judged = judge(
            vec![round_paired(1.0, None), round_paired(1.1, None)],
            at_least_2,
        );
        assert_eq!((judged.quiet_rounds, judged.serial_rounds), (2, 0));
    }

    #[test]
    fn a_machine_that_stays_busy_is_judged_on_its_quietest_rounds() {
        let rounds: Vec<Round> = (0..MAX_ROUNDS)
            .map(|i| round(1.0 + i as f64, 2.0 - i as f64 / 10.0))
            .collect();
        let judged = judge(rounds, at_least_2);
        // The last three rounds were the least busy.
        assert_eq!(judged.round_speedups, [7.0, 8.0, 9.0]);
        assert_eq!(judged.speedup(), 8.0);
        assert_eq!(
            (judged.measured_rounds, judged.quiet_rounds),
            (MAX_ROUNDS, 0)
        );
    }

    #[test]
    fn ids_are_escaped_for_criterions_filter() {
        assert_eq!(regex_escape("sum/par.v2 (x)"), r"sum/par\.v2 \(x\)");
    }
}

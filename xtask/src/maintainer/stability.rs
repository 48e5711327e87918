//! `cargo xtask stability`: grade the same tasks N times and count each check's verdicts,
//! with the spread of the measured speedups. Benchmark checks must give the same verdict
//! every time on a 2-core machine; this is how that is measured.

use std::collections::BTreeMap;

use anyhow::Result;

use crate::report::{Report, Status};

/// Runs `grade` (a grading or a claims check) `runs` times and prints, per check, how
/// often each verdict came and the spread of measured speedups.
pub fn run(runs: usize, what: &str, grade: impl Fn() -> Result<Report>) -> Result<()> {
    // (task, check) -> (verdicts, speedups)
    let mut seen: BTreeMap<String, (BTreeMap<&'static str, usize>, Vec<f64>)> = BTreeMap::new();
    // Benchmark rounds measured, and how many of them other programs left quiet.
    let (mut rounds, mut quiet) = (0, 0);
    // What every verdict other than a pass said, by run: what a maintainer reads first.
    let mut not_passed: Vec<String> = Vec::new();
    for run in 1..=runs {
        let report = grade()?;
        for task in &report.tasks {
            for check in &task.checks {
                let key = format!("{} · {} {}", task.full_id(), check.kind, check.name);
                let entry = seen.entry(key.clone()).or_default();
                *entry.0.entry(check.status.as_str()).or_default() += 1;
                if check.status != Status::Pass {
                    not_passed.push(format!(
                        "run {run}, {key}: {} — {}",
                        check.status.as_str(),
                        check.message.lines().next().unwrap_or_default()
                    ));
                }
                if let Some(m) = check.measurement {
                    entry.1.push(m.speedup);
                    rounds += m.rounds;
                    quiet += m.quiet_rounds;
                }
            }
        }
        eprintln!("run {run}/{runs} done");
    }
    println!("{runs} runs, {what}, {} cores", crate::sys::cores::cores());
    for (check, (verdicts, mut speedups)) in seen {
        let verdicts: Vec<String> = verdicts
            .iter()
            .map(|(s, n)| format!("{s} {n}/{runs}"))
            .collect();
        print!("{check}: {}", verdicts.join(", "));
        if !speedups.is_empty() {
            speedups.sort_by(f64::total_cmp);
            print!(
                "; speedup min {:.2}x, median {:.2}x, max {:.2}x",
                speedups[0],
                speedups[speedups.len() / 2],
                speedups[speedups.len() - 1]
            );
        }
        println!();
    }
    for line in &not_passed {
        println!("  {line}");
    }
    if rounds > 0 {
        println!(
            "{rounds} benchmark rounds measured, {quiet} of them quiet; {} set aside or judged \
             busy because other programs kept more than {} of a core busy or two threads \
             computed less than {}x as fast as one",
            rounds - quiet,
            crate::grade::bench::BUSY,
            crate::sys::cpu_load::PARALLEL
        );
    }
    Ok(())
}

//! Benchmark checks: two criterion benchmarks measured in one run of the bench binary,
//! compared as a ratio of their medians against a threshold that depends on the cores.
//!
//! Ratios measured in the same run cancel out most of what makes absolute times noisy
//! (a slower machine, a busy neighbour): both sides are slowed alike.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};

use crate::course::{BenchSpec, Crate};
use crate::libtest;
use crate::process::{self, Outcome};

/// The cores the grader may count on: `COURSE_CORES` if set (to test the rule),
/// else what the OS grants this process.
pub fn cores() -> usize {
    std::env::var("COURSE_CORES")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// What one benchmark check measured.
#[derive(Debug)]
pub struct Measured {
    pub candidate_ns: f64,
    pub baseline_ns: f64,
}

impl Measured {
    /// How many times faster the candidate is than the baseline.
    pub fn speedup(&self) -> f64 {
        self.baseline_ns / self.candidate_ns
    }
}

/// How long a bench run may take before it is treated as hung.
pub fn deadline(spec: &BenchSpec, timeout: Duration) -> Duration {
    // Warm-up and measurement for each of the two benchmarks, then criterion's analysis.
    Duration::from_secs_f64(2.0 * (spec.warm_up + spec.measure) + 10.0) + timeout
}

/// Runs the bench binary for the two benchmarks of `spec` and reads their medians.
pub fn run(
    exe: &Path,
    krate: &Crate,
    spec: &BenchSpec,
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
    let (outcome, medians) = run_filtered(exe, krate, Some(&filter), settings, scratch, deadline)?;
    let measured = match (medians.get(&spec.candidate), medians.get(&spec.baseline)) {
        (Some(&candidate_ns), Some(&baseline_ns)) => Some(Measured {
            candidate_ns,
            baseline_ns,
        }),
        _ => None,
    };
    Ok((outcome, measured))
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

/// A duration in ns, readable: `812 ns`, `3.41 µs`, `7.62 ms`, `1.20 s`.
pub fn human_ns(ns: f64) -> String {
    match ns {
        n if n < 1e3 => format!("{n:.0} ns"),
        n if n < 1e6 => format!("{:.2} µs", n / 1e3),
        n if n < 1e9 => format!("{:.2} ms", n / 1e6),
        n => format!("{:.2} s", n / 1e9),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_escaped_for_criterions_filter() {
        assert_eq!(regex_escape("sum/par.v2 (x)"), r"sum/par\.v2 \(x\)");
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(human_ns(812.0), "812 ns");
        assert_eq!(human_ns(7_620_000.0), "7.62 ms");
    }
}

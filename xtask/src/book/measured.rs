//! A lesson's measurements as `cargo xtask bench-report` recorded them
//! (`book/src/LESSON/measured.json`), and the book pages made from them: the table
//! (`measured.md`) and the chart (`measured.svg`). The JSON file is the one source: the pages
//! are rendered from it by `cargo xtask book-pages` and checked current by `cargo xtask test`,
//! so no measured number in the book is typed by hand.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};

use crate::course::{CheckSpec, Course, Lesson};
use crate::report::human;
use crate::sys::cores;

/// One run of a lesson's benchmarks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measured {
    pub lesson: String,
    /// `YYYY-MM-DD`, UTC.
    pub date: String,
    pub machine: Machine,
    /// Criterion's warm-up and measurement time per benchmark, in seconds.
    pub warm_up: f64,
    pub measure: f64,
    /// Median time per iteration, in nanoseconds, by benchmark id (`group/function`).
    pub medians_ns: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Machine {
    pub os: String,
    pub arch: String,
    /// The cores the course counts (`available_parallelism`, capped at physical cores).
    pub cores: usize,
    pub cpu: String,
    pub rustc: String,
}

#[cfg(test)]
impl Machine {
    /// The machine the tests' records say they were measured on.
    pub fn example(cpu: &str) -> Machine {
        Machine {
            os: "Linux 6.1.0".to_owned(),
            arch: "x86_64".to_owned(),
            cores: 2,
            cpu: cpu.to_owned(),
            rustc: "1.95.0".to_owned(),
        }
    }
}

impl Machine {
    /// The machine this process runs on.
    pub fn this_one() -> Machine {
        let os = std::fs::read_to_string("/proc/sys/kernel/osrelease")
            .map(|r| format!("{} {}", capitalised(std::env::consts::OS), r.trim()))
            .unwrap_or_else(|_| capitalised(std::env::consts::OS));
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|info| {
                info.lines()
                    .find(|l| l.starts_with("model name"))
                    .and_then(|l| l.split(':').nth(1))
                    .map(|m| m.trim().to_owned())
            })
            .or_else(|| sysctl("machdep.cpu.brand_string"))
            .unwrap_or_else(|| "CPU model unknown".to_owned());
        let rustc = Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
            .arg("--version")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|v| v.split_whitespace().nth(1).map(str::to_owned))
            .unwrap_or_else(|| "unknown".to_owned());
        Machine {
            os,
            arch: std::env::consts::ARCH.to_owned(),
            cores: cores::cores(),
            cpu,
            rustc,
        }
    }
}

impl Measured {
    /// `on 2026-11-24, Linux 6.1.0 x86_64, 2 cores (Intel(R) Xeon(R) Processor), rustc 1.95.0`.
    pub fn stamp(&self) -> String {
        let m = &self.machine;
        format!(
            "on {}, {} {}, {} cores ({}), rustc {}",
            self.date, m.os, m.arch, m.cores, m.cpu, m.rustc
        )
    }

    /// `baseline / candidate`: how many times as fast the candidate ran.
    pub fn speedup(&self, candidate: &str, baseline: &str) -> Option<f64> {
        let c = self.medians_ns.get(candidate)?;
        let b = self.medians_ns.get(baseline)?;
        Some(b / c)
    }

    /// The benchmark a group's others are compared with: `GROUP/sequential` if there is one.
    pub fn baseline_of(&self, id: &str) -> Option<String> {
        let group = id.split('/').next()?;
        let baseline = format!("{group}/sequential");
        self.medians_ns.contains_key(&baseline).then_some(baseline)
    }
}

/// Where a lesson's measurements and their pages live: `book/src/LESSON/`.
pub fn dir(course: &Course, lesson: &str) -> PathBuf {
    course.root.join("book/src").join(lesson)
}

pub fn load(course: &Course, lesson: &str) -> Result<Option<Measured>> {
    load_record(
        &dir(course, lesson).join("measured.json"),
        "a measurement record",
    )
}

pub fn save(course: &Course, measured: &Measured) -> Result<PathBuf> {
    let path = dir(course, &measured.lesson).join("measured.json");
    save_record(&path, measured)?;
    Ok(path)
}

/// A JSON record kept in the book's sources (`what` names it in errors), or `None` if it
/// was never made.
pub fn load_record<T: serde::de::DeserializeOwned>(path: &Path, what: &str) -> Result<Option<T>> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .with_context(|| format!("{} is not {what}", path.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

/// Writes a JSON record, pretty-printed with a final newline (so diffs stay readable).
pub fn save_record<T: serde::Serialize>(path: &Path, record: &T) -> Result<()> {
    std::fs::create_dir_all(path.parent().expect("has a parent"))?;
    let json = serde_json::to_string_pretty(record)? + "\n";
    std::fs::write(path, json).with_context(|| format!("writing {}", path.display()))
}

/// The page `measured.md`: the chart, the table of medians, and the lesson's claims judged
/// on the same run (with the cores of the machine that ran it).
pub fn render_page(lesson: &Lesson, measured: &Measured) -> String {
    let mut md = format!(
        "<!-- Generated from measured.json by `cargo xtask book-pages`; measure again with \
         `cargo xtask bench-report {}`. Do not edit. -->\n\n",
        lesson.name
    );
    let _ = writeln!(
        md,
        "Measured {}, with criterion (median of 20 samples, {} s warm-up and {} s of \
         measurement per benchmark).\n",
        measured.stamp(),
        measured.warm_up,
        measured.measure
    );
    // The chart is inlined so that it takes the page's colours and fonts (dark themes too).
    md.push_str("{{#include measured.svg}}\n\n");
    md.push_str(&table(measured));
    if !lesson.claims.is_empty() {
        md.push_str("\nThe lesson's claims, checked on the same run:\n\n");
        md.push_str("| claim | measured | required | holds |\n|---|---:|---:|:---:|\n");
        let cores = measured.machine.cores;
        for claim in &lesson.claims {
            let CheckSpec::Bench(spec) = &claim.check.spec else {
                continue;
            };
            let low = spec.rule.threshold(cores);
            let required = match spec.max_speedup {
                Some(high) => format!("{low:.2}× to {high:.2}×"),
                None => format!("≥ {low:.2}×"),
            };
            let (shown, holds) = match measured.speedup(&spec.candidate, &spec.baseline) {
                _ if cores < spec.min_cores => ("—".to_owned(), "needs more cores"),
                Some(r) if spec.holds(r, cores) => (format!("{r:.2}×"), "yes"),
                Some(r) => (format!("{r:.2}×"), "**no**"),
                None => ("—".to_owned(), "not measured"),
            };
            let _ = writeln!(
                md,
                "| {} (`{}` vs `{}`) | {shown} | {required} | {holds} |",
                claim.text, spec.candidate, spec.baseline
            );
        }
    }
    md
}

/// The table of medians: with a column "relative to `sequential`" when some group has a
/// `sequential` run to compare with; a lesson without one compares its benchmarks in its
/// claims only, and gets no column to leave empty.
fn table(measured: &Measured) -> String {
    let relative_to_sequential = measured
        .medians_ns
        .keys()
        .any(|id| measured.baseline_of(id).is_some());
    let mut table = if relative_to_sequential {
        "| benchmark | median time | relative to `sequential` |\n|---|---:|---:|\n".to_owned()
    } else {
        "| benchmark | median time |\n|---|---:|\n".to_owned()
    };
    for (id, ns) in &measured.medians_ns {
        let _ = write!(table, "| `{id}` | {} |", human::human_ns(*ns));
        if relative_to_sequential {
            let relative = measured
                .baseline_of(id)
                .and_then(|b| measured.speedup(id, &b))
                .map(|s| format!("{s:.2}× as fast"))
                .unwrap_or_default();
            let _ = write!(table, " {relative} |");
        }
        table.push('\n');
    }
    table
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn sysctl(name: &str) -> Option<String> {
    let out = Command::new("sysctl").args(["-n", name]).output().ok()?;
    let value = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (!value.is_empty()).then_some(value)
}

/// A file name relative to the workspace root, for messages.
pub fn shown(course: &Course, path: &Path) -> String {
    path.strip_prefix(&course.root)
        .unwrap_or(path)
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn measured(medians: &[(&str, f64)]) -> Measured {
        Measured {
            lesson: "01-mini".to_owned(),
            date: "2026-11-24".to_owned(),
            machine: Machine::example("CPU"),
            warm_up: 1.0,
            measure: 3.0,
            medians_ns: medians
                .iter()
                .map(|&(id, ns)| (id.to_owned(), ns))
                .collect(),
        }
    }

    #[test]
    fn the_table_compares_with_sequential_where_a_group_has_one() {
        let table = table(&measured(&[
            ("cpu/parallel", 5e6),
            ("cpu/sequential", 10e6),
            ("spawn/thread", 1e3),
        ]));
        assert_eq!(
            table,
            "| benchmark | median time | relative to `sequential` |\n|---|---:|---:|\n\
             | `cpu/parallel` | 5.00 ms | 2.00× as fast |\n\
             | `cpu/sequential` | 10.00 ms | 1.00× as fast |\n\
             | `spawn/thread` | 1.00 µs |  |\n"
        );
    }

    #[test]
    fn a_table_without_sequential_runs_has_no_empty_column() {
        let table = table(&measured(&[
            ("counter/atomic", 3e6),
            ("counter/mutex", 12e6),
        ]));
        assert_eq!(
            table,
            "| benchmark | median time |\n|---|---:|\n\
             | `counter/atomic` | 3.00 ms |\n\
             | `counter/mutex` | 12.00 ms |\n"
        );
    }
}

//! Running one check of each kind against a built crate and judging its outcome.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::Result;

use crate::bench;
use crate::build::{Build, Executable};
use crate::course::{BenchSpec, Check, CheckKind, CheckSpec, Crate};
use crate::libtest;
use crate::load;
use crate::process::{self, Outcome};
use crate::report::{CheckReport, Measurement, Status};

pub const TIMEOUT_MESSAGE: &str = "timeout (possible deadlock or infinite loop)";

/// What running checks needs: the builds, the settings, and a cache of test lists. Checks
/// may run side by side, each on a thread of its own, with one `Runner`.
pub struct Runner<'a> {
    pub tests: Option<&'a Build>,
    pub loom: Option<&'a Build>,
    pub benches: Option<&'a Build>,
    /// The default deadline for test and loom checks.
    pub timeout: Duration,
    pub cores: usize,
    /// Where benchmark runs write their scratch files.
    pub scratch: PathBuf,
    listed: Mutex<HashMap<PathBuf, Vec<String>>>,
}

/// How a test check's process ran among the others (see `process::Outcome`).
#[derive(Debug, Clone, Copy)]
pub struct Ran {
    pub span: process::Span,
    /// It left something behind while other checks ran: its verdict, and theirs, may
    /// rest on what another check did.
    pub unsure: bool,
}

impl<'a> Runner<'a> {
    pub fn new(
        tests: Option<&'a Build>,
        loom: Option<&'a Build>,
        benches: Option<&'a Build>,
        timeout: Duration,
        cores: usize,
        scratch: PathBuf,
    ) -> Self {
        Runner {
            tests,
            loom,
            benches,
            timeout,
            cores,
            scratch,
            listed: Mutex::new(HashMap::new()),
        }
    }

    /// Runs one check; says how its process ran among others where it was a test's.
    pub fn run(&self, krate: &Crate, check: &Check) -> (CheckReport, Option<Ran>) {
        let start = std::time::Instant::now();
        let mut ran = None;
        let (status, message, measurement) = match &check.spec {
            CheckSpec::Test {
                target,
                max_preemptions,
            } => self
                .run_test(krate, check, target.as_deref(), *max_preemptions)
                .map(|(status, message, how)| {
                    ran = how;
                    (status, message, None)
                }),
            CheckSpec::Bench(spec) => self.run_bench(krate, check, spec),
        }
        .unwrap_or_else(|e| (Status::Error, format!("{e:#}"), None));
        let mut report = CheckReport::new(
            check.kind.as_str(),
            &check.name,
            check.points,
            status,
            message,
        );
        report.duration_ms = start.elapsed().as_millis() as u64;
        report.measurement = measurement;
        (report, ran)
    }

    fn run_test(
        &self,
        krate: &Crate,
        check: &Check,
        target: Option<&str>,
        max_preemptions: Option<u32>,
    ) -> Result<(Status, String, Option<Ran>)> {
        let build = match check.kind {
            CheckKind::Loom => self.loom,
            _ => self.tests,
        };
        let Some(build) = build else {
            return Ok((Status::Error, "this build was not made".into(), None));
        };
        let exe = match self.find_test(build, krate, &check.name, target)? {
            Found::Exe(exe) => exe,
            Found::BuildFailed(error) => return Ok((Status::CompileError, error, None)),
            Found::Missing(why) => return Ok((Status::Error, why, None)),
        };
        let deadline = Duration::from_secs(check.timeout.unwrap_or(match check.kind {
            // trybuild runs the compiler; its first run also checks the dependencies.
            CheckKind::Trybuild => self.timeout.as_secs().max(300),
            _ => self.timeout.as_secs(),
        }));
        let mut cmd = libtest::command(&exe.path, krate);
        if let Some(n) = max_preemptions {
            cmd.env("LOOM_MAX_PREEMPTIONS", n.to_string());
        }
        let outcome = libtest::run_one(cmd, &check.name, deadline)?;
        let (status, message) = judge_test(&outcome, &check.name);
        let ran = Ran {
            span: outcome.span,
            unsure: outcome.attribution_unsure(),
        };
        Ok((status, message, Some(ran)))
    }

    fn run_bench(
        &self,
        krate: &Crate,
        check: &Check,
        spec: &BenchSpec,
    ) -> Result<(Status, String, Option<Measurement>)> {
        if self.cores < spec.min_cores {
            return Ok((
                Status::Skipped,
                format!(
                    "needs at least {} cores to show the effect; this machine has {}",
                    spec.min_cores, self.cores
                ),
                None,
            ));
        }
        let Some(build) = self.benches else {
            return Ok((
                Status::Skipped,
                "benchmarks were not run (--no-bench)".into(),
                None,
            ));
        };
        let exes = build
            .executables
            .get(&krate.dir)
            .cloned()
            .unwrap_or_default();
        let Some(exe) = exes.iter().find(|e| e.target == spec.target) else {
            return Ok(match build.failure_for(krate, &spec.target) {
                Some(error) => (Status::CompileError, error, None),
                None => (
                    Status::Error,
                    format!("{} has no bench target `{}`", krate.package, spec.target),
                    None,
                ),
            });
        };
        let timeout = Duration::from_secs(check.timeout.unwrap_or(self.timeout.as_secs()));
        let (outcome, measured) = bench::run(
            &exe.path,
            krate,
            spec,
            self.cores,
            &self.scratch,
            bench::deadline(spec, timeout),
        )?;
        let Some(measured) = measured else {
            let (status, output) = match outcome.status {
                process::Status::TimedOut => (Status::Timeout, TIMEOUT_MESSAGE.to_owned()),
                process::Status::Signaled(sig) => (Status::Crashed, crashed(sig, &outcome.output)),
                process::Status::Exited(_) => (
                    Status::Fail,
                    format!(
                        "the benchmark did not produce both `{}` and `{}`:\n{}",
                        spec.candidate,
                        spec.baseline,
                        libtest::plain(&outcome.output).trim()
                    ),
                ),
            };
            return Ok((status, output, None));
        };
        let (status, verdict, measurement) = judge_bench(spec, self.cores, &measured);
        Ok((status, verdict, Some(measurement)))
    }

    /// The executable that holds test `name`, listing test binaries as needed.
    fn find_test(
        &self,
        build: &Build,
        krate: &Crate,
        name: &str,
        target: Option<&str>,
    ) -> Result<Found> {
        let exes: Vec<Executable> = build
            .executables
            .get(&krate.dir)
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|e| target.is_none_or(|t| e.target == t))
            .collect();
        let mut holders = Vec::new();
        for exe in &exes {
            let known = process::lock(&self.listed).get(&exe.path).cloned();
            let names = match known {
                Some(names) => names,
                // Listed without the lock held: two checks listing one binary at once
                // only list it twice.
                None => {
                    let names = libtest::list(&exe.path, krate)?;
                    process::lock(&self.listed).insert(exe.path.clone(), names.clone());
                    names
                }
            };
            if names.iter().any(|n| n == name) {
                holders.push(exe.clone());
            }
        }
        match holders.len() {
            1 => Ok(Found::Exe(holders.remove(0))),
            0 => {
                // A target that failed to build cannot be listed: that is the answer.
                let failure = match target {
                    Some(t) => build.failure_for(krate, t),
                    None => build.failure_for(krate, "lib"),
                };
                Ok(match failure {
                    Some(error) => Found::BuildFailed(error),
                    None => Found::Missing(format!(
                        "no test named `{name}` in {}{}",
                        krate.package,
                        target
                            .map(|t| format!(" (target `{t}`)"))
                            .unwrap_or_default()
                    )),
                })
            }
            _ => Ok(Found::Missing(format!(
                "test `{name}` exists in several targets of {} ({}); name one with `target`",
                krate.package,
                holders
                    .iter()
                    .map(|e| e.target.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }
}

enum Found {
    Exe(Executable),
    BuildFailed(String),
    Missing(String),
}

/// The verdict on what a benchmark check measured on a machine with `cores` cores: pass
/// or fail by its threshold, or skipped when too few rounds were quiet to judge.
fn judge_bench(
    spec: &BenchSpec,
    cores: usize,
    measured: &bench::Measured,
) -> (Status, String, Measurement) {
    let threshold = spec.rule.threshold(cores);
    let speedup = measured.speedup();
    let needs = match spec.max_speedup {
        Some(max) => format!("needs {threshold:.2}x to {max:.2}x"),
        None => format!("needs >= {threshold:.2}x"),
    };
    let rounds: Vec<String> = measured
        .round_speedups
        .iter()
        .map(|r| format!("{r:.2}x"))
        .collect();
    let of_rounds = if rounds.len() == 2 {
        format!("the slower of 2 rounds that agree: {}", rounds.join(", "))
    } else {
        format!(
            "the median of {} rounds: {}",
            rounds.len(),
            rounds.join(", ")
        )
    };
    let mut verdict = format!(
        "{} is {speedup:.2}x as fast as {} ({needs} on {} cores); medians {} vs {} \
         ({of_rounds})",
        spec.candidate,
        spec.baseline,
        cores,
        bench::human_ns(measured.candidate_ns),
        bench::human_ns(measured.baseline_ns),
    );
    let set_aside = measured.measured_rounds - rounds.len();
    let busy = measured.quiet_rounds < rounds.len();
    if busy {
        // Other programs, or a host that runs two CPUs as one, slow one side of the
        // comparison or both, by an amount that has nothing to do with the code: neither
        // a pass nor a fail would be true.
        verdict = format!(
            "not judged: the machine was busy. Of {} rounds, {}, and a speedup measured \
             then says nothing about the code. Close other programs and grade again (on a \
             virtual machine whose host runs its CPUs as one for a while, a minute later). \
             (Measured anyway: {verdict}.)",
            measured.measured_rounds,
            disturbances(measured),
        );
    } else if set_aside > 0 {
        verdict += &format!(
            "; {set_aside} more round(s) were set aside: {}",
            disturbances(measured)
        );
    }
    let status = if busy {
        Status::Skipped
    } else if spec.holds(speedup, cores) {
        Status::Pass
    } else {
        Status::Fail
    };
    let measurement = Measurement {
        candidate_ns: measured.candidate_ns,
        baseline_ns: measured.baseline_ns,
        speedup,
        threshold,
        ceiling: spec.max_speedup,
        rounds: measured.measured_rounds,
        quiet_rounds: measured.quiet_rounds,
    };
    (status, verdict, measurement)
}

/// What disturbed the rounds that were not quiet, as a clause: `in 2 other programs kept
/// more than 0.25 of a core busy; in 1 two threads computed less than 1.6x as fast as one`.
fn disturbances(measured: &bench::Measured) -> String {
    let mut what = Vec::new();
    if measured.busy_rounds > 0 {
        what.push(format!(
            "in {} other programs kept more than {} of a core busy",
            measured.busy_rounds,
            bench::BUSY
        ));
    }
    if measured.serial_rounds > 0 {
        what.push(format!(
            "in {} two threads computed less than {}x as fast as one (as if the machine \
             had a single core)",
            measured.serial_rounds,
            load::PARALLEL
        ));
    }
    what.join("; ")
}

/// Reads a test process's outcome as a check status and a message for the learner.
fn judge_test(outcome: &Outcome, name: &str) -> (Status, String) {
    let mut message = match outcome.status {
        process::Status::TimedOut => (Status::Timeout, TIMEOUT_MESSAGE.to_owned()),
        process::Status::Signaled(sig) => (Status::Crashed, crashed(sig, &outcome.output)),
        process::Status::Exited(0) if libtest::passed_one(&outcome.output) => {
            match libtest::not_checked(&outcome.output, name) {
                Some(why) => (Status::Skipped, why),
                None => (Status::Pass, String::new()),
            }
        }
        process::Status::Exited(0) => (
            Status::Error,
            format!(
                "the test `{name}` did not run:\n{}",
                libtest::plain(&outcome.output).trim()
            ),
        ),
        process::Status::Exited(_) => (Status::Fail, libtest::failure_text(&outcome.output, name)),
    };
    if !outcome.leftovers.is_empty() {
        let list: Vec<String> = outcome
            .leftovers
            .iter()
            .map(|l| format!("{} (pid {})", l.command, l.pid))
            .collect();
        let note = format!(
            "note: the test left {} process(es) running, which the grader killed: {}",
            list.len(),
            list.join(", ")
        );
        add_note(&mut message.1, &note);
    }
    if !outcome.segments.is_empty() {
        let note = format!(
            "note: the test left {} shared-memory segment(s) in /dev/shm, which the grader \
             removed: {} (unlink a segment when its last user is done, also on error paths)",
            outcome.segments.len(),
            outcome.segments.join(", ")
        );
        add_note(&mut message.1, &note);
    }
    message
}

fn add_note(message: &mut String, note: &str) {
    if !message.is_empty() {
        message.push('\n');
    }
    message.push_str(note);
}

fn crashed(signal: i32, output: &str) -> String {
    let mut text = format!(
        "the test process was killed by {}",
        process::signal_name(signal)
    );
    let output = libtest::plain(output);
    let output = output.trim();
    if !output.is_empty() {
        text.push_str(":\n");
        text.push_str(output);
    }
    text
}

/// Removes a scratch directory when grading ends.
pub fn clean_scratch(path: &Path) {
    let _ = std::fs::remove_dir_all(path);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::SpeedupRule;

    fn spec() -> BenchSpec {
        BenchSpec {
            target: "speedup".into(),
            candidate: "sum/parallel".into(),
            baseline: "sum/sequential".into(),
            rule: SpeedupRule::Fixed(1.4),
            max_speedup: None,
            min_cores: 1,
            warm_up: 1.0,
            measure: 1.0,
        }
    }

    /// Three judged rounds whose median is `speedup`, of `measured` rounds in all, `quiet`
    /// of them quiet.
    fn measured(speedup: f64, measured: usize, quiet: usize) -> bench::Measured {
        bench::Measured {
            candidate_ns: 1000.0,
            baseline_ns: 1000.0 * speedup,
            round_speedups: vec![speedup; 3],
            measured_rounds: measured,
            quiet_rounds: quiet,
            busy_rounds: measured - quiet,
            serial_rounds: 0,
        }
    }

    #[test]
    fn quiet_rounds_give_a_pass_or_a_fail_by_the_threshold() {
        let (status, message, _) = judge_bench(&spec(), 2, &measured(1.9, 3, 3));
        assert_eq!(status, Status::Pass, "{message}");
        let (status, message, _) = judge_bench(&spec(), 2, &measured(1.0, 4, 3));
        assert_eq!(status, Status::Fail, "{message}");
        assert!(message.contains("1 more round(s)"), "{message}");
        assert!(message.contains("in 1 other programs kept"), "{message}");
    }

    #[test]
    fn rounds_when_two_threads_ran_as_one_are_named() {
        let serial = bench::Measured {
            busy_rounds: 0,
            serial_rounds: 7,
            ..measured(1.1, 9, 2)
        };
        let (status, message, _) = judge_bench(&spec(), 2, &serial);
        assert_eq!(status, Status::Skipped, "{message}");
        assert!(
            message.contains("in 7 two threads computed less than 1.6x as fast as one"),
            "{message}"
        );
        assert!(!message.contains("other programs kept"), "{message}");
    }

    #[test]
    fn a_machine_that_stays_busy_gets_no_verdict_either_way() {
        for speedup in [0.9, 1.9] {
            let (status, message, measurement) = judge_bench(&spec(), 2, &measured(speedup, 9, 2));
            assert_eq!(status, Status::Skipped, "{message}");
            assert!(
                message.starts_with("not judged: the machine was busy"),
                "{message}"
            );
            assert!(
                message.contains("Of 9 rounds, in 7 other programs"),
                "{message}"
            );
            assert!(message.contains("Close other programs"), "{message}");
            assert_eq!(measurement.quiet_rounds, 2);
        }
    }
}

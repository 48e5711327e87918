//! Running one check of each kind against a built crate; `judge` reads what it captured.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use anyhow::Result;

use crate::course::{BenchSpec, Check, CheckKind, CheckSpec, Crate};
use crate::grade::bench;
use crate::grade::build::{Build, Executable};
use crate::grade::{judge, libtest};
use crate::report::{CheckReport, Measurement, Status};
use crate::sys::process;

/// The builds checks run from: one per profile, each absent when not made.
#[derive(Default, Clone, Copy)]
pub struct Builds<'a> {
    pub tests: Option<&'a Build>,
    pub loom: Option<&'a Build>,
    pub benches: Option<&'a Build>,
}

/// What running checks needs: the builds, the settings, and a cache of test lists. Checks
/// may run side by side, each on a thread of its own, with one `Runner`.
pub struct Runner<'a> {
    pub builds: Builds<'a>,
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
    pub fn new(builds: Builds<'a>, timeout: Duration, cores: usize, scratch: PathBuf) -> Self {
        Runner {
            builds,
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
            CheckKind::Loom => self.builds.loom,
            _ => self.builds.tests,
        };
        let Some(build) = build else {
            return Ok((Status::Error, "this build was not made".into(), None));
        };
        let exe = match self.find_test(build, krate, &check.name, target)? {
            Found::Exe(exe) => exe,
            Found::BuildFailed(error) => {
                let (status, message) = judge::build_failed(error);
                return Ok((status, message, None));
            }
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
        let (status, message) = judge::test(&outcome, &check.name);
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
        if let Some(why) = judge::too_few_cores(spec, self.cores) {
            return Ok((Status::Skipped, why, None));
        }
        let Some(build) = self.builds.benches else {
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
                Some(error) => {
                    let (status, message) = judge::build_failed(error);
                    (status, message, None)
                }
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
            let (status, why) = judge::unmeasured(&outcome, spec);
            return Ok((status, why, None));
        };
        let (status, verdict, measurement) = judge::bench(spec, self.cores, &measured);
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

/// Removes a scratch directory when grading ends.
pub fn clean_scratch(path: &Path) {
    let _ = std::fs::remove_dir_all(path);
}

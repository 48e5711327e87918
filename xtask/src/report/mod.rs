//! The grading report: what every format (human, JSON, JUnit) is rendered from.
//!
//! The JSON form is this structure, serialized; its schema is versioned and documented in
//! `book/src/reference/report.md`. Change it only together with `SCHEMA_VERSION`.

pub mod human;

use serde::{Deserialize, Serialize};

use crate::xml::escape;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Fail,
    /// The deadline passed; the process tree was killed.
    Timeout,
    /// Killed by a signal: abort, segfault, stack overflow.
    Crashed,
    CompileError,
    /// Not run, for a reason given in the message (e.g. one core for a speedup check).
    Skipped,
    /// The check could not be run: a missing test, a broken manifest.
    Error,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Timeout => "timeout",
            Status::Crashed => "crashed",
            Status::CompileError => "compile error",
            Status::Skipped => "skipped",
            Status::Error => "error",
        }
    }

    /// Skipped checks neither pass nor fail a task.
    pub fn is_failure(self) -> bool {
        !matches!(self, Status::Pass | Status::Skipped)
    }

    /// Which status describes a task best when its checks differ: the one that most
    /// needs the learner's attention first.
    fn precedence(self) -> u8 {
        match self {
            Status::CompileError => 6,
            Status::Timeout => 5,
            Status::Crashed => 4,
            Status::Fail => 3,
            Status::Error => 2,
            Status::Pass => 1,
            Status::Skipped => 0,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Report {
    pub schema_version: u32,
    /// `exercises` (the learner's code) or `solutions` (the reference solutions).
    pub mode: String,
    pub machine: Machine,
    pub summary: Summary,
    pub tasks: Vec<TaskReport>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Machine {
    /// The cores benchmark thresholds were derived from.
    pub cores: usize,
    pub os: String,
    pub arch: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Summary {
    pub tasks: usize,
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub points: u32,
    pub max_points: u32,
    /// The points of skipped checks: not in `max_points`, and not lost either.
    #[serde(default)]
    pub skipped_points: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TaskReport {
    pub exercise: String,
    pub task: String,
    pub title: String,
    pub status: Status,
    pub points: u32,
    pub max_points: u32,
    /// The points of skipped checks: not in `max_points`, and not lost either.
    #[serde(default)]
    pub skipped_points: u32,
    pub checks: Vec<CheckReport>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CheckReport {
    pub kind: String,
    pub name: String,
    pub status: Status,
    pub points: u32,
    pub max_points: u32,
    /// A skipped check's points (0 for any other): not in `max_points`.
    #[serde(default)]
    pub skipped_points: u32,
    /// Empty for a pass; else why: the compiler's error, the failed assertion, loom's
    /// report, the measured speedup.
    pub message: String,
    pub duration_ms: u64,
    /// What a benchmark check measured; absent for other checks and unmeasured runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measurement: Option<Measurement>,
}

/// A benchmark check's numbers: medians per iteration, and the ratio against its threshold.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq)]
pub struct Measurement {
    pub candidate_ns: f64,
    pub baseline_ns: f64,
    /// `baseline_ns / candidate_ns`.
    pub speedup: f64,
    /// The least speedup that passes.
    pub threshold: f64,
    /// The most speedup that passes, for claims of no speedup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ceiling: Option<f64>,
    /// Rounds measured, and how many of them were quiet (other programs used at most a
    /// quarter of a core, and two threads computed at least 1.6 times as fast as one
    /// before and after); the verdict judged three. (Absent from reports written before
    /// rounds were metered.)
    #[serde(default)]
    pub rounds: usize,
    #[serde(default)]
    pub quiet_rounds: usize,
}

impl TaskReport {
    /// A task's status and points follow from its checks.
    pub fn new(exercise: &str, task: &str, title: &str, checks: Vec<CheckReport>) -> Self {
        let status = if checks.iter().all(|c| c.status == Status::Skipped) {
            Status::Skipped
        } else {
            checks
                .iter()
                .map(|c| c.status)
                .max_by_key(|s| s.precedence())
                .unwrap_or(Status::Error)
        };
        TaskReport {
            exercise: exercise.to_owned(),
            task: task.to_owned(),
            title: title.to_owned(),
            status,
            points: checks.iter().map(|c| c.points).sum(),
            max_points: checks.iter().map(|c| c.max_points).sum(),
            skipped_points: checks.iter().map(|c| c.skipped_points).sum(),
            checks,
        }
    }

    pub fn full_id(&self) -> String {
        format!("{}/{}", self.exercise, self.task)
    }
}

impl CheckReport {
    /// A check's points: all of them for a pass, none otherwise; a skipped check counts
    /// for neither the learner nor the maximum.
    pub fn new(kind: &str, name: &str, points: u32, status: Status, message: String) -> Self {
        CheckReport {
            kind: kind.to_owned(),
            name: name.to_owned(),
            status,
            points: if status == Status::Pass { points } else { 0 },
            max_points: if status == Status::Skipped { 0 } else { points },
            skipped_points: if status == Status::Skipped { points } else { 0 },
            message,
            duration_ms: 0,
            measurement: None,
        }
    }
}

impl Report {
    pub fn new(solutions: bool, cores: usize, tasks: Vec<TaskReport>) -> Self {
        let summary = Summary {
            tasks: tasks.len(),
            passed: tasks.iter().filter(|t| t.status == Status::Pass).count(),
            failed: tasks.iter().filter(|t| t.status.is_failure()).count(),
            skipped: tasks.iter().filter(|t| t.status == Status::Skipped).count(),
            points: tasks.iter().map(|t| t.points).sum(),
            max_points: tasks.iter().map(|t| t.max_points).sum(),
            skipped_points: tasks.iter().map(|t| t.skipped_points).sum(),
        };
        Report {
            schema_version: SCHEMA_VERSION,
            mode: if solutions { "solutions" } else { "exercises" }.to_owned(),
            machine: Machine {
                cores,
                os: std::env::consts::OS.to_owned(),
                arch: std::env::consts::ARCH.to_owned(),
            },
            summary,
            tasks,
        }
    }

    /// The process exit code: 0 only when no graded task failed.
    pub fn exit_code(&self) -> i32 {
        if self.summary.failed == 0 { 0 } else { 1 }
    }

    /// The first check that did not pass, with its task: shown in full.
    pub fn first_failure(&self) -> Option<(&TaskReport, &CheckReport)> {
        self.tasks.iter().find_map(|t| {
            t.checks
                .iter()
                .find(|c| c.status.is_failure())
                .map(|c| (t, c))
        })
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report always serializes")
    }

    /// JUnit XML: one `testsuite` per exercise, one `testcase` per check.
    pub fn to_junit(&self) -> String {
        let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let count = |pred: &dyn Fn(&CheckReport) -> bool| -> usize {
            self.tasks
                .iter()
                .flat_map(|t| &t.checks)
                .filter(|c| pred(c))
                .count()
        };
        xml.push_str(&format!(
            "<testsuites name=\"course\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n",
            count(&|_| true),
            count(&|c| is_junit_failure(c.status)),
            count(&|c| is_junit_error(c.status)),
            count(&|c| c.status == Status::Skipped),
        ));
        let mut exercises: Vec<&str> = self.tasks.iter().map(|t| t.exercise.as_str()).collect();
        exercises.dedup();
        for exercise in exercises {
            let checks: Vec<(&TaskReport, &CheckReport)> = self
                .tasks
                .iter()
                .filter(|t| t.exercise == exercise)
                .flat_map(|t| t.checks.iter().map(move |c| (t, c)))
                .collect();
            let n = |pred: &dyn Fn(Status) -> bool| {
                checks.iter().filter(|(_, c)| pred(c.status)).count()
            };
            xml.push_str(&format!(
                "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3}\">\n",
                escape(exercise),
                checks.len(),
                n(&is_junit_failure),
                n(&is_junit_error),
                n(&|s| s == Status::Skipped),
                checks.iter().map(|(_, c)| c.duration_ms).sum::<u64>() as f64 / 1000.0,
            ));
            for (task, check) in checks {
                xml.push_str(&format!(
                    "    <testcase classname=\"{}\" name=\"{} {}\" time=\"{:.3}\"",
                    escape(&task.full_id()),
                    escape(&check.kind),
                    escape(&check.name),
                    check.duration_ms as f64 / 1000.0,
                ));
                let element = match check.status {
                    Status::Pass => {
                        xml.push_str("/>\n");
                        continue;
                    }
                    Status::Skipped => "skipped",
                    s if is_junit_failure(s) => "failure",
                    _ => "error",
                };
                let first_line = check.message.lines().next().unwrap_or_default();
                xml.push_str(&format!(
                    ">\n      <{element} type=\"{}\" message=\"{}\">{}</{element}>\n    </testcase>\n",
                    check.status.as_str(),
                    escape(first_line),
                    escape(&check.message),
                ));
            }
            xml.push_str("  </testsuite>\n");
        }
        xml.push_str("</testsuites>\n");
        xml
    }
}

/// In JUnit terms a failure is the code's fault; an error is that it could not be judged.
fn is_junit_failure(s: Status) -> bool {
    matches!(s, Status::Fail | Status::Timeout | Status::Crashed)
}

fn is_junit_error(s: Status) -> bool {
    matches!(s, Status::CompileError | Status::Error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(status: Status) -> CheckReport {
        CheckReport::new("test", "t", 2, status, String::new())
    }

    #[test]
    fn a_task_takes_the_most_urgent_status_of_its_checks() {
        let t = TaskReport::new("e", "t", "", vec![check(Status::Pass), check(Status::Fail)]);
        assert_eq!((t.status, t.points, t.max_points), (Status::Fail, 2, 4));
        let t = TaskReport::new(
            "e",
            "t",
            "",
            vec![check(Status::Timeout), check(Status::CompileError)],
        );
        assert_eq!(t.status, Status::CompileError);
    }

    #[test]
    fn skipped_checks_do_not_fail_a_task_nor_count_points() {
        let t = TaskReport::new(
            "e",
            "t",
            "",
            vec![check(Status::Pass), check(Status::Skipped)],
        );
        assert_eq!((t.status, t.points, t.max_points), (Status::Pass, 2, 2));
        let t = TaskReport::new("e", "t", "", vec![check(Status::Skipped)]);
        assert_eq!(t.status, Status::Skipped);
        let report = Report::new(false, 1, vec![t]);
        assert_eq!(report.exit_code(), 0);
    }

    #[test]
    fn any_failed_task_makes_the_exit_code_non_zero() {
        let bad = TaskReport::new("e", "t", "", vec![check(Status::Crashed)]);
        assert_eq!(Report::new(false, 2, vec![bad]).exit_code(), 1);
    }

    #[test]
    fn junit_escapes_and_classifies() {
        let mut c = check(Status::Fail);
        c.message = "left <4> & \"5\"\u{1b}[31m".into();
        let t = TaskReport::new("ex", "t", "", vec![c, check(Status::CompileError)]);
        let xml = Report::new(false, 2, vec![t]).to_junit();
        assert!(xml.contains("failures=\"1\" errors=\"1\""), "{xml}");
        assert!(
            xml.contains("left &lt;4&gt; &amp; &quot;5&quot;[31m"),
            "{xml}"
        );
        assert!(!xml.contains('\u{1b}'));
    }
}

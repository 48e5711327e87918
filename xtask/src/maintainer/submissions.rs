//! `cargo xtask submissions`: the course's own suite of wrong and right submissions.
//!
//! Each solution crate may hold a `submissions.toml`: submissions a learner could write,
//! each a small edit of the reference solution. A *wrong* one breaks one rule of its task
//! and names the check that must catch it (and words its message must contain); a *right*
//! one is written differently from the reference and must pass. The format is documented
//! in `book/src/reference/submissions.md`.
//!
//! They are graded in a scratch course in the temporary folder: one copy of the
//! exercise whose `src/` is the solution's, the way a learner's finished exercise looks.
//! Each submission's edits are applied to that copy, its task is graded by this grader (a
//! child process, as a learner runs it), and the files are put back before the next one.
//! One copy for all, edited in place, keeps the rebuilds incremental: a few seconds each.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use serde_json::Value;

use crate::course::{CheckKind, Course, Exercise};
use crate::maintainer::scratch::{
    copy_dir, include_given_files_beside, replace_in_files, workspace,
};

/// The file of submissions in a solution crate.
pub const FILE: &str = "submissions.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    wrong: Vec<RawSubmission>,
    #[serde(default)]
    right: Vec<RawSubmission>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawSubmission {
    task: String,
    name: String,
    caught_by: Option<OneOrMore>,
    says: Option<String>,
    edit: Vec<Edit>,
}

/// `caught-by = "check"`, or `caught-by = ["check", "benchmark check"]`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMore {
    One(String),
    More(Vec<String>),
}

impl OneOrMore {
    fn into_vec(self) -> Vec<String> {
        match self {
            OneOrMore::One(name) => vec![name],
            OneOrMore::More(names) => names,
        }
    }
}

/// Replace the one occurrence of `find` in `file` (a path inside the graded crate).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edit {
    pub file: String,
    pub find: String,
    pub replace: String,
}

/// What grading a submission must show.
#[derive(Debug, Clone, PartialEq)]
pub enum Expect {
    /// Its task passes.
    Pass,
    /// Its task fails, and so does every check of `caught_by`, the first with `says` in
    /// its message.
    Fail {
        caught_by: Vec<String>,
        says: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub struct Submission {
    pub exercise: String,
    pub task: String,
    pub name: String,
    pub expect: Expect,
    /// The benchmark checks among `caught_by`: verified only when benchmarks are run.
    pub benchmarks: Vec<String>,
    pub edits: Vec<Edit>,
}

impl Submission {
    /// Only a benchmark check catches it: it is graded only when benchmarks are.
    fn bench_only(&self) -> bool {
        match &self.expect {
            Expect::Pass => false,
            Expect::Fail { caught_by, .. } => caught_by.iter().all(|c| self.benchmarks.contains(c)),
        }
    }

    /// What grading must show in a run with or without benchmarks: the benchmark checks
    /// of `caught_by` are not run without them.
    fn expect(&self, bench: bool) -> Expect {
        match &self.expect {
            Expect::Fail { caught_by, says } if !bench => Expect::Fail {
                caught_by: caught_by
                    .iter()
                    .filter(|c| !self.benchmarks.contains(c))
                    .cloned()
                    .collect(),
                says: says.clone(),
            },
            expect => expect.clone(),
        }
    }

    fn label(&self) -> String {
        let kind = match self.expect {
            Expect::Pass => "right",
            Expect::Fail { .. } => "wrong",
        };
        format!("{kind} {}/{}: {}", self.exercise, self.task, self.name)
    }
}

/// The submissions of `exercise`, checked against its tasks and checks: a file that names
/// a task or a check that does not exist is an error, not a submission that passes.
pub fn load(exercise: &Exercise) -> Result<Vec<Submission>> {
    let Some(solution) = &exercise.solution else {
        return Ok(Vec::new());
    };
    let path = solution.dir.join(FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let raw: RawFile =
        toml::from_str(&text).with_context(|| format!("reading {}", path.display()))?;
    let mut found = Vec::new();
    let kinds = [(false, raw.wrong), (true, raw.right)];
    for (right, list) in kinds {
        for s in list {
            let at = format!("{} ({:?})", path.display(), s.name);
            let Some(task) = exercise.task(&s.task) else {
                bail!("{at}: exercise {} has no task {:?}", exercise.name, s.task);
            };
            if s.edit.is_empty() {
                bail!("{at}: a submission needs at least one [[edit]]");
            }
            let mut benchmarks = Vec::new();
            let expect = match (right, s.caught_by.map(OneOrMore::into_vec), s.says) {
                (true, None, None) => Expect::Pass,
                (true, ..) => bail!("{at}: a right submission has no `caught-by` or `says`"),
                (false, None, _) => bail!("{at}: a wrong submission names its `caught-by` check"),
                (false, Some(caught_by), _) if caught_by.is_empty() => {
                    bail!("{at}: `caught-by` names no check")
                }
                (false, Some(caught_by), says) => {
                    for name in &caught_by {
                        let Some(check) = task.checks.iter().find(|c| &c.name == name) else {
                            let names: Vec<&str> =
                                task.checks.iter().map(|c| c.name.as_str()).collect();
                            bail!(
                                "{at}: task {} has no check {name:?}; its checks: {names:?}",
                                task.id
                            );
                        };
                        if check.kind == CheckKind::Bench {
                            benchmarks.push(name.clone());
                        }
                    }
                    // `says` is about the first check, the one a run without benchmarks
                    // also grades.
                    if benchmarks.len() < caught_by.len() && benchmarks.contains(&caught_by[0]) {
                        bail!("{at}: `caught-by` lists its benchmark checks last");
                    }
                    Expect::Fail { caught_by, says }
                }
            };
            found.push(Submission {
                exercise: exercise.name.clone(),
                task: s.task,
                name: s.name,
                expect,
                benchmarks,
                edits: s.edit,
            });
        }
    }
    Ok(found)
}

#[derive(Debug, Clone)]
pub struct Options {
    /// `EXERCISE` or `EXERCISE/TASK` names; empty means all.
    pub selection: Vec<String>,
    /// Grade benchmark checks too, and the submissions only they catch.
    pub bench: bool,
    /// Only the first wrong and the first right submission of each exercise.
    pub sample: bool,
    /// Deadline of each test process, in seconds.
    pub timeout: u64,
    /// Times each submission is graded; it is as expected only if it is every time.
    pub runs: u32,
}

/// How one submission came out.
#[derive(Debug)]
pub struct Outcome {
    pub submission: Submission,
    pub verdict: Verdict,
}

#[derive(Debug, PartialEq)]
pub enum Verdict {
    /// As expected; what the learner would read (the catching check's message).
    AsExpected(String),
    /// Not as expected, and why.
    Unexpected(String),
    /// Not graded: only a benchmark catches it and benchmarks were not run.
    NeedsBench,
}

/// Grades the selected submissions and prints, per submission, expected vs got. Exit code
/// 0 when every graded submission came out as expected.
pub fn run(course: &Course, options: &Options) -> Result<ExitCode> {
    let outcomes = grade_all(course, options)?;
    let unexpected = outcomes
        .iter()
        .filter(|o| matches!(o.verdict, Verdict::Unexpected(_)))
        .count();
    let skipped = outcomes
        .iter()
        .filter(|o| o.verdict == Verdict::NeedsBench)
        .count();
    println!(
        "\nsubmissions: {} as expected, {unexpected} not, {skipped} not graded (need --bench)",
        outcomes.len() - unexpected - skipped
    );
    Ok(if unexpected == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Grades the selected submissions, printing each outcome as it comes.
pub fn grade_all(course: &Course, options: &Options) -> Result<Vec<Outcome>> {
    let selected = course.select(&options.selection)?;
    // The selected tasks, by exercise, in course order.
    let mut tasks: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for s in &selected {
        tasks
            .entry(s.exercise.name.as_str())
            .or_default()
            .push(s.task.id.as_str());
    }
    let mut outcomes = Vec::new();
    for exercise in &course.exercises {
        let Some(chosen) = tasks.get(exercise.name.as_str()) else {
            continue;
        };
        let mut submissions: Vec<Submission> = load(exercise)?
            .into_iter()
            .filter(|s| chosen.contains(&s.task.as_str()))
            .collect();
        if options.sample {
            submissions = sample(submissions);
        }
        if submissions.is_empty() {
            continue;
        }
        let scratch = Scratch::new(course, exercise)?;
        for submission in submissions {
            let started = Instant::now();
            let verdict = if submission.bench_only() && !options.bench {
                Verdict::NeedsBench
            } else {
                grade_runs(&scratch, &submission, options)?
            };
            let seconds = started.elapsed().as_secs_f64();
            print_outcome(&submission, &verdict, seconds, options.runs);
            outcomes.push(Outcome {
                submission,
                verdict,
            });
        }
        scratch.remove();
    }
    Ok(outcomes)
}

/// Grades `submission` `options.runs` times: as expected only if every run is. The
/// first unexpected run ends it (one is enough to show the check is not stable).
fn grade_runs(scratch: &Scratch, submission: &Submission, options: &Options) -> Result<Verdict> {
    let mut last = None;
    for run in 1..=options.runs {
        match scratch.grade(submission, options)? {
            Verdict::Unexpected(why) if options.runs > 1 => {
                return Ok(Verdict::Unexpected(format!(
                    "run {run} of {}: {why}",
                    options.runs
                )));
            }
            verdict => last = Some(verdict),
        }
    }
    last.context("at least one run")
}

/// The first wrong and the first right submission: a part of the suite that runs in the
/// time of the project's test command.
fn sample(submissions: Vec<Submission>) -> Vec<Submission> {
    let first = |right: bool| {
        submissions
            .iter()
            .find(|s| (s.expect == Expect::Pass) == right && !s.bench_only())
            .cloned()
    };
    [first(false), first(true)].into_iter().flatten().collect()
}

fn print_outcome(submission: &Submission, verdict: &Verdict, seconds: f64, runs: u32) {
    let label = submission.label();
    match verdict {
        Verdict::AsExpected(message) => {
            if runs > 1 {
                println!("ok          {label} ({runs} runs out of {runs}, {seconds:.0} s)");
            } else {
                println!("ok          {label} ({seconds:.0} s)");
            }
            if let Some(said) = gist(message) {
                println!("            says: {said}");
            }
        }
        Verdict::Unexpected(why) => {
            println!("UNEXPECTED  {label} ({seconds:.0} s)");
            for line in why.lines() {
                println!("            {line}");
            }
        }
        Verdict::NeedsBench => {
            println!("not graded  {label} (only a benchmark catches it: --bench)")
        }
    }
}

/// The line of a failure message that says what went wrong: the first one, or the one
/// after a test's `thread '...' panicked at FILE:LINE:` line.
fn gist(message: &str) -> Option<&str> {
    let mut lines = message.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next()?;
    if first.contains("panicked at") {
        lines.next().or(Some(first))
    } else {
        Some(first)
    }
}

/// A scratch course with one copy of an exercise whose `src/` is its solution's.
struct Scratch {
    root: PathBuf,
    /// The copy's crate folder.
    krate: PathBuf,
    /// The copy's name in the grader's selections (the exercise's own name).
    exercise: String,
    /// The course's target directory.
    target_dir: PathBuf,
}

impl Scratch {
    fn new(course: &Course, exercise: &Exercise) -> Result<Scratch> {
        let solution = exercise
            .solution
            .as_ref()
            .context("submissions are edits of a solution")?;
        // Outside the target directory: trybuild takes any path under it for a build
        // path and would not match the compile-fail cases' expected output. One folder
        // per run, so that two runs never edit each other's copy.
        let root = std::env::temp_dir()
            .join(format!("course-submissions-{}", std::process::id()))
            .join(&exercise.name);
        let krate = root.join("exercises").join(&exercise.name);
        workspace(
            &course.root,
            &root,
            &[&format!("exercises/{}", exercise.name)],
        )?;
        copy_dir(&exercise.starter.dir, &krate)?;
        copy_dir(&solution.dir.join("src"), &krate.join("src"))?;
        include_given_files_beside(&krate.join("src"))?;
        rename(&krate, &exercise.starter.package)?;
        Ok(Scratch {
            root,
            krate,
            exercise: exercise.name.clone(),
            target_dir: course.target_dir.clone(),
        })
    }

    /// Applies the submission's edits, grades its task, and puts the files back.
    fn grade(&self, submission: &Submission, options: &Options) -> Result<Verdict> {
        let mut originals: Vec<(PathBuf, String)> = Vec::new();
        let edited = self.apply(&submission.edits, &mut originals);
        let verdict = match edited {
            Ok(()) => self.grade_edited(submission, options),
            Err(e) => Ok(Verdict::Unexpected(format!("{e:#}"))),
        };
        for (path, text) in originals.into_iter().rev() {
            std::fs::write(&path, text).with_context(|| format!("restoring {}", path.display()))?;
        }
        verdict
    }

    fn apply(&self, edits: &[Edit], originals: &mut Vec<(PathBuf, String)>) -> Result<()> {
        for edit in edits {
            let path = self.krate.join(&edit.file);
            let text = std::fs::read_to_string(&path)
                .with_context(|| format!("the edit's file {} is not in the solution", edit.file))?;
            let found = text.matches(edit.find.as_str()).count();
            if found != 1 {
                bail!(
                    "the edit's `find` occurs {found} times in {} (it must occur once): \
                     the solution changed, or the edit is ambiguous:\n{}",
                    edit.file,
                    edit.find
                );
            }
            std::fs::write(&path, text.replacen(&edit.find, &edit.replace, 1))?;
            originals.push((path, text));
        }
        Ok(())
    }

    fn grade_edited(&self, submission: &Submission, options: &Options) -> Result<Verdict> {
        let mut cmd = Command::new(own_program()?);
        cmd.arg("--manifest-path")
            .arg(self.root.join("Cargo.toml"))
            .args(["grade", "--quiet", "--format", "json", "--timeout"])
            .arg(options.timeout.to_string())
            .arg(format!("{}/{}", self.exercise, submission.task))
            .stdin(Stdio::null())
            // The copy shares the course's builds of its dependencies.
            .env("CARGO_TARGET_DIR", &self.target_dir)
            .env("RUST_BACKTRACE", "0");
        if !options.bench {
            cmd.arg("--no-bench");
        }
        let output = cmd.output().context("running the grader")?;
        let report: Value = match serde_json::from_slice(&output.stdout) {
            Ok(report) => report,
            Err(_) => bail!(
                "the grader could not grade {} ({}):\n{}",
                submission.label(),
                output.status,
                String::from_utf8_lossy(&output.stderr)
            ),
        };
        Ok(judge(
            &submission.expect(options.bench),
            &report,
            &submission.task,
        ))
    }

    fn remove(self) {
        let _ = std::fs::remove_dir_all(&self.root);
        if let Some(run) = self.root.parent() {
            // The run's folder, once its last exercise is gone.
            let _ = std::fs::remove_dir(run);
        }
    }
}

/// This program, to run again as the grader. `cargo xtask test` runs `cargo test`
/// before it grades submissions, and that rebuilds this program's file under the
/// running process: the path `current_exe` gives is then gone. On Linux the running
/// program stays reachable as `/proc/self/exe` (a child started from it runs the
/// same file), so that is the path to use there.
fn own_program() -> Result<PathBuf> {
    let exe = std::env::current_exe().context("finding the grader's own program")?;
    let running = Path::new("/proc/self/exe");
    if !exe.exists() && running.exists() {
        return Ok(running.to_path_buf());
    }
    Ok(exe)
}

/// Compares what the grader reported for `task` with what the submission expects.
pub fn judge(expect: &Expect, report: &Value, task: &str) -> Verdict {
    let Some(task) = report["tasks"]
        .as_array()
        .and_then(|tasks| tasks.iter().find(|t| t["task"] == task))
    else {
        return Verdict::Unexpected(format!("the report has no task {task}:\n{report:#}"));
    };
    let status = task["status"].as_str().unwrap_or("?");
    let checks = task["checks"].as_array().cloned().unwrap_or_default();
    let failures: Vec<String> = checks
        .iter()
        .filter(|c| !matches!(c["status"].as_str(), Some("pass" | "skipped")))
        .map(|c| {
            let first = c["message"]
                .as_str()
                .and_then(|m| m.lines().find(|l| !l.trim().is_empty()))
                .unwrap_or("")
                .trim();
            format!(
                "{} {} ({}): {first}",
                c["kind"].as_str().unwrap_or("?"),
                c["name"].as_str().unwrap_or("?"),
                c["status"].as_str().unwrap_or("?")
            )
        })
        .collect();
    match expect {
        Expect::Pass if status == "pass" => Verdict::AsExpected(String::new()),
        Expect::Pass => Verdict::Unexpected(format!(
            "expected: the task passes\ngot: {status}\n{}",
            failures.join("\n")
        )),
        Expect::Fail { caught_by, says } => {
            let mut first_message = None;
            for (i, name) in caught_by.iter().enumerate() {
                let caught = checks.iter().find(|c| c["name"] == name.as_str());
                let caught_status = caught
                    .and_then(|c| c["status"].as_str())
                    .unwrap_or("absent");
                let message = caught
                    .and_then(|c| c["message"].as_str())
                    .unwrap_or_default();
                // A check not run after an earlier one timed out counts as failing: the
                // task timed out, and the learner is told to fix that first.
                let after_timeout = message.starts_with(crate::grade::NOT_RUN_AFTER_TIMEOUT);
                let failed =
                    !matches!(caught_status, "pass" | "skipped" | "absent") || after_timeout;
                // The words are those of the first check: the message the learner reads.
                let words = says.as_ref().filter(|_| i == 0);
                let named = words
                    .is_none_or(|words| message.to_lowercase().contains(&words.to_lowercase()));
                let wanted = format!(
                    "expected: `{name}` fails{}",
                    words.map(|w| format!(", saying {w:?}")).unwrap_or_default()
                );
                if failed && !named {
                    return Verdict::Unexpected(format!(
                        "{wanted}\ngot: it fails ({caught_status}) without saying it:\n{message}"
                    ));
                }
                if !failed {
                    let others = if failures.is_empty() {
                        "every check passed".to_owned()
                    } else {
                        failures.join("\n")
                    };
                    return Verdict::Unexpected(format!(
                        "{wanted}\ngot: `{name}` {caught_status}; task {status}\n{others}"
                    ));
                }
                first_message.get_or_insert(message);
            }
            match first_message {
                Some(message) => Verdict::AsExpected(message.to_owned()),
                // Every check that catches it is a benchmark, and none was run.
                None => Verdict::NeedsBench,
            }
        }
    }
}

/// Gives the copy names of its own, so that its builds never overwrite the real exercise's:
/// `exercise-NN-...` becomes `submission-NN-...` in every file (the package, and the worker
/// program its checks find by name), and the manifest names no solution.
fn rename(krate: &Path, package: &str) -> Result<()> {
    let Some(prefix) = package
        .strip_prefix("exercise-")
        .and_then(|rest| rest.split('-').next())
        .map(|number| format!("exercise-{number}-"))
    else {
        bail!("an exercise's package is named `exercise-NN-...`, not {package:?}");
    };
    let renamed = prefix.replacen("exercise-", "submission-", 1);
    replace_in_files(krate, &prefix, &renamed)?;
    let manifest = krate.join("Cargo.toml");
    let text: String = std::fs::read_to_string(&manifest)?
        .lines()
        .filter(|line| !line.starts_with("solution = "))
        .map(|line| format!("{line}\n"))
        .collect();
    std::fs::write(&manifest, text)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn report(status: &str, checks: Value) -> Value {
        json!({"tasks": [{"task": "t", "status": status, "checks": checks}]})
    }

    fn wrong(caught_by: &str, says: Option<&str>) -> Expect {
        Expect::Fail {
            caught_by: vec![caught_by.to_owned()],
            says: says.map(str::to_owned),
        }
    }

    #[test]
    fn a_wrong_submission_is_caught_by_its_check_with_its_words() {
        let r = report(
            "fail",
            json!([
                {"kind": "test", "name": "a", "status": "pass", "message": ""},
                {"kind": "test", "name": "b", "status": "fail",
                 "message": "idle workers SPIN: use recv"},
            ]),
        );
        assert_eq!(
            judge(&wrong("b", Some("spin")), &r, "t"),
            Verdict::AsExpected("idle workers SPIN: use recv".into())
        );
        let Verdict::Unexpected(why) = judge(&wrong("b", Some("deadlock")), &r, "t") else {
            panic!("the words are missing from the message");
        };
        assert!(why.contains("without saying it"), "{why}");
        let Verdict::Unexpected(why) = judge(&wrong("a", None), &r, "t") else {
            panic!("check a passed");
        };
        assert!(why.contains("`a` pass"), "{why}");
    }

    #[test]
    fn every_check_of_caught_by_must_fail_and_the_first_says_the_words() {
        let r = report(
            "fail",
            json!([
                {"kind": "test", "name": "a", "status": "fail", "message": "runs in turn"},
                {"kind": "bench", "name": "b", "status": "pass", "message": "1.9x"},
            ]),
        );
        let both = Expect::Fail {
            caught_by: vec!["a".into(), "b".into()],
            says: Some("in turn".into()),
        };
        let Verdict::Unexpected(why) = judge(&both, &r, "t") else {
            panic!("check b passed");
        };
        assert!(why.contains("`b` pass"), "{why}");
        let only_a = Expect::Fail {
            caught_by: vec!["a".into()],
            says: Some("in turn".into()),
        };
        assert_eq!(
            judge(&only_a, &r, "t"),
            Verdict::AsExpected("runs in turn".into())
        );
    }

    #[test]
    fn a_timeout_or_a_crash_of_the_named_check_catches_it() {
        let r = report(
            "timeout",
            json!([{"kind": "test", "name": "b", "status": "timeout", "message": "timeout"}]),
        );
        assert!(matches!(
            judge(&wrong("b", None), &r, "t"),
            Verdict::AsExpected(_)
        ));
    }

    #[test]
    fn a_check_not_run_after_a_timeout_counts_as_caught_but_a_skipped_one_does_not() {
        let after_timeout = format!(
            "{}\ntest `a` timed out first",
            crate::grade::NOT_RUN_AFTER_TIMEOUT
        );
        let r = report(
            "timeout",
            json!([
                {"kind": "test", "name": "a", "status": "timeout", "message": "timeout"},
                {"kind": "test", "name": "b", "status": "skipped", "message": after_timeout},
                {"kind": "bench", "name": "c", "status": "skipped", "message": "not judged"},
            ]),
        );
        assert!(matches!(
            judge(&wrong("b", None), &r, "t"),
            Verdict::AsExpected(_)
        ));
        assert!(matches!(
            judge(&wrong("c", None), &r, "t"),
            Verdict::Unexpected(_)
        ));
    }

    #[test]
    fn a_right_submission_passes_its_task() {
        let passed = report("pass", json!([{"name": "a", "status": "pass"}]));
        assert_eq!(
            judge(&Expect::Pass, &passed, "t"),
            Verdict::AsExpected(String::new())
        );
        let failed = report(
            "fail",
            json!([{"kind": "test", "name": "a", "status": "fail", "message": "boom\nmore"}]),
        );
        let Verdict::Unexpected(why) = judge(&Expect::Pass, &failed, "t") else {
            panic!("a failed task is not a pass");
        };
        assert!(why.contains("test a (fail): boom"), "{why}");
    }

    #[test]
    fn a_missing_task_is_unexpected() {
        let r = json!({"tasks": []});
        assert!(matches!(
            judge(&Expect::Pass, &r, "t"),
            Verdict::Unexpected(_)
        ));
    }
}

//! Verdicts: what a check's captured outcome means for the learner, as a status and a
//! message. Pure functions of what was captured (libtest's output and exit, what the
//! sweep found left behind, what the benchmark rounds measured), so that every scenario
//! is tested below with a fixed input and the exact verdict it gets, the way exercism's
//! test runners are.

use crate::course::BenchSpec;
use crate::grade::{bench, libtest};
use crate::report::human::human_ns;
use crate::report::{Measurement, Status};
use crate::sys::cpu_load;
use crate::sys::process::{self, Outcome};

pub const TIMEOUT_MESSAGE: &str = "timeout (possible deadlock or infinite loop)";

/// A check whose code did not compile: the compiler's errors are the message.
pub fn build_failed(errors: String) -> (Status, String) {
    (Status::CompileError, errors)
}

/// Why a benchmark check that needs more cores than the machine has is skipped, if it is.
pub fn too_few_cores(spec: &BenchSpec, cores: usize) -> Option<String> {
    (cores < spec.min_cores).then(|| {
        format!(
            "needs at least {} cores to show the effect; this machine has {cores}",
            spec.min_cores
        )
    })
}

/// The verdict on a bench run that measured nothing to compare: it hung, crashed, or
/// did not produce both benchmarks.
pub fn unmeasured(outcome: &Outcome, spec: &BenchSpec) -> (Status, String) {
    match outcome.status {
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
    }
}

/// The verdict on what a benchmark check measured on a machine with `cores` cores: pass
/// or fail by its threshold, or skipped when too few rounds were quiet to judge.
pub fn bench(
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
        human_ns(measured.candidate_ns),
        human_ns(measured.baseline_ns),
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
            cpu_load::PARALLEL
        ));
    }
    what.join("; ")
}

/// Reads a test process's outcome as a check status and a message for the learner.
pub fn test(outcome: &Outcome, name: &str) -> (Status, String) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::SpeedupRule;

    /// What a test process's run captured: its exit and output, nothing left behind.
    fn outcome(status: process::Status, output: &str) -> Outcome {
        Outcome {
            status,
            output: output.to_owned(),
            leftovers: Vec::new(),
            segments: Vec::new(),
            span: process::Span { first: 1, last: 1 },
            alone: true,
        }
    }

    const NAME: &str = "chunked_sum::matches_sequential_sum";

    const PASSED: &str = "
running 1 test
test chunked_sum::matches_sequential_sum ... ok

successes:

successes:
    chunked_sum::matches_sequential_sum

test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 25 filtered out; finished in 0.01s
";

    /// libtest's output for a failed test with `--show-output`, the captured text
    /// being `captured`.
    fn failed(captured: &str) -> String {
        format!(
            "
running 1 test
test {NAME} ... FAILED

failures:

---- {NAME} stdout ----
{captured}

failures:
    {NAME}

test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 25 filtered out; \
             finished in 0.00s
"
        )
    }

    #[test]
    fn golden_pass() {
        let verdict = test(&outcome(process::Status::Exited(0), PASSED), NAME);
        assert_eq!(verdict, (Status::Pass, String::new()));
    }

    #[test]
    fn golden_assertion_failure() {
        let output = failed(
            "
thread 'chunked_sum::matches_sequential_sum' panicked at tests/checks/chunked_sum.rs:12:5:
assertion `left == right` failed: the sum of 0..1000
  left: 0
 right: 499500
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace
",
        );
        let verdict = test(&outcome(process::Status::Exited(101), &output), NAME);
        assert_eq!(
            verdict,
            (
                Status::Fail,
                "thread 'chunked_sum::matches_sequential_sum' panicked at \
                 tests/checks/chunked_sum.rs:12:5:\n\
                 assertion `left == right` failed: the sum of 0..1000\n  left: 0\n right: \
                 499500\nnote: run with `RUST_BACKTRACE=1` environment variable to display a \
                 backtrace"
                    .to_owned()
            )
        );
    }

    #[test]
    fn golden_todo_without_its_backtrace() {
        let output = failed(
            "
thread 'chunked_sum::matches_sequential_sum' panicked at src/lib.rs:20:5:
not yet implemented
stack backtrace:
   0: __rustc::rust_begin_unwind
             at /rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/std/src/panicking.rs:689:5
   1: threads_exercise::parallel_sum
             at ./src/lib.rs:20:5
note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.
",
        );
        let verdict = test(&outcome(process::Status::Exited(101), &output), NAME);
        assert_eq!(
            verdict,
            (
                Status::Fail,
                "thread 'chunked_sum::matches_sequential_sum' panicked at src/lib.rs:20:5:\n\
                 not yet implemented"
                    .to_owned()
            )
        );
    }

    #[test]
    fn golden_timeout() {
        let verdict = test(
            &outcome(process::Status::TimedOut, "running 1 test\n"),
            NAME,
        );
        assert_eq!(verdict, (Status::Timeout, TIMEOUT_MESSAGE.to_owned()));
    }

    #[test]
    fn golden_crash_by_signal() {
        let output = "running 1 test\n\x1b[31mfree(): double free detected\x1b[0m\n";
        let verdict = test(&outcome(process::Status::Signaled(6), output), NAME);
        assert_eq!(
            verdict,
            (
                Status::Crashed,
                "the test process was killed by SIGABRT (abort):\nrunning 1 test\n\
                 free(): double free detected"
                    .to_owned()
            )
        );
    }

    #[test]
    fn golden_compile_error() {
        let errors = "error[E0373]: closure may outlive the current function".to_owned();
        assert_eq!(build_failed(errors.clone()), (Status::CompileError, errors));
    }

    #[test]
    fn golden_leftovers_killed_and_segments_removed() {
        let mut ran = outcome(process::Status::Exited(0), PASSED);
        ran.leftovers = vec![crate::sys::process_tree::Leftover {
            pid: 4242,
            command: "solution-03-worker".into(),
            orphan: false,
        }];
        ran.segments = vec!["ring-4242".into()];
        let verdict = test(&ran, NAME);
        assert_eq!(
            verdict,
            (
                Status::Pass,
                "note: the test left 1 process(es) running, which the grader killed: \
                 solution-03-worker (pid 4242)\n\
                 note: the test left 1 shared-memory segment(s) in /dev/shm, which the grader \
                 removed: ring-4242 (unlink a segment when its last user is done, also on \
                 error paths)"
                    .to_owned()
            )
        );
    }

    #[test]
    fn golden_not_checked_on_this_platform() {
        let output = "
running 1 test
test chunked_sum::matches_sequential_sum ... ok

successes:

---- chunked_sum::matches_sequential_sum stdout ----
not checked: /proc is Linux's; this check reads it to count threads


successes:
    chunked_sum::matches_sequential_sum

test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 25 filtered out; finished in 0.01s
";
        let verdict = test(&outcome(process::Status::Exited(0), output), NAME);
        assert_eq!(
            verdict,
            (
                Status::Skipped,
                "not checked: /proc is Linux's; this check reads it to count threads".to_owned()
            )
        );
    }

    #[test]
    fn golden_a_test_that_did_not_run() {
        let output = "
running 0 tests

test result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 26 filtered out; finished in 0.00s
";
        let (status, message) = test(&outcome(process::Status::Exited(0), output), NAME);
        assert_eq!(status, Status::Error);
        assert!(
            message.starts_with(&format!("the test `{NAME}` did not run:\nrunning 0 tests")),
            "{message}"
        );
    }

    #[test]
    fn golden_benchmark_skipped_on_one_core() {
        let spec = BenchSpec {
            min_cores: 2,
            ..spec()
        };
        assert_eq!(
            too_few_cores(&spec, 1).as_deref(),
            Some("needs at least 2 cores to show the effect; this machine has 1")
        );
        assert_eq!(too_few_cores(&spec, 2), None);
    }

    #[test]
    fn golden_benchmark_below_threshold() {
        let (status, message, measurement) = bench(&spec(), 2, &measured(1.1, 3, 3));
        assert_eq!(status, Status::Fail);
        assert_eq!(
            message,
            "sum/parallel is 1.10x as fast as sum/sequential (needs >= 1.40x on 2 cores); \
             medians 1.00 µs vs 1.10 µs (the median of 3 rounds: 1.10x, 1.10x, 1.10x)"
        );
        assert_eq!((measurement.speedup, measurement.threshold), (1.1, 1.4));
    }

    #[test]
    fn golden_benchmark_that_measured_nothing() {
        let verdict = unmeasured(
            &outcome(process::Status::Exited(0), "Benchmarking sum/parallel\n"),
            &spec(),
        );
        assert_eq!(
            verdict,
            (
                Status::Fail,
                "the benchmark did not produce both `sum/parallel` and `sum/sequential`:\n\
                 Benchmarking sum/parallel"
                    .to_owned()
            )
        );
        let verdict = unmeasured(&outcome(process::Status::TimedOut, ""), &spec());
        assert_eq!(verdict, (Status::Timeout, TIMEOUT_MESSAGE.to_owned()));
    }

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
        let (status, message, _) = bench(&spec(), 2, &measured(1.9, 3, 3));
        assert_eq!(status, Status::Pass, "{message}");
        let (status, message, _) = bench(&spec(), 2, &measured(1.0, 4, 3));
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
        let (status, message, _) = bench(&spec(), 2, &serial);
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
            let (status, message, measurement) = bench(&spec(), 2, &measured(speedup, 9, 2));
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

// `pre_exec` runs a closure in the child, after `fork` and before `exec`: where a program
// with threads may only call async-signal-safe functions. Rust makes it an `unsafe fn`, so
// that calling it is a promise to keep to that rule.
use std::os::unix::process::CommandExt;
use std::process::Command;

fn main() {
    let mut command = Command::new("true");
    command.pre_exec(|| Ok(()));
    let _ = command.status();
}

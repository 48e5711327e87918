//! Given: the worker program of exercise 03. Your functions start it; you do not need to
//! change it. Cargo builds it as this crate's binary, and the checks find it through
//! `CARGO_BIN_EXE_...`.
//!
//! ```text
//! WORKER [--log FILE] TASK [ARGS...]
//!
//!   pid                 print this process's pid
//!   echo WORDS...       print the words, separated by spaces
//!   fail CODE MESSAGE   print MESSAGE on stderr, then exit with CODE
//!   latin1              print "café" in Latin-1, which is not valid UTF-8
//!   abort               print "aborting" on stderr, then abort: the process ends
//!                       with the signal SIGABRT
//!   hang                print "hanging", then wait forever, until killed
//!   sleep MS            sleep MS milliseconds, then print "slept" and exit
//!   chatty BYTES        print BYTES bytes of text, then exit
//!   grumble BYTES       print BYTES bytes of text on stderr, then exit with code 1
//!   flaky STEP...       (needs --log) attempt N, counted in FILE, does STEP N:
//!                       `abort`, `fail` (exit code 3), `hang`, or `ok` (print
//!                       "ok on attempt N" and exit 0); after the last step, `ok`
//!   serve [GATE]        a pool worker: for each line JOB read on stdin, write one
//!                       line with `work(JOB)` on stdout, until stdin closes. Three
//!                       jobs do something else (see `work.rs`): `CRASH` makes it
//!                       abort; `HOLD` makes it wait until the FIFO GATE is opened
//!                       for writing, then reply 0; `LAST` makes it close its stdin,
//!                       reply 0 and exit, so that no further job can be sent to it.
//! ```
//!
//! With `--log FILE`, the worker appends `started PID` to FILE when it starts, and
//! `job PID JOB` for each job it serves. That is how the checks see which processes your
//! code started, and which of them did which work.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::path::{Path, PathBuf};
use std::process::{self, ExitCode};
use std::thread;
use std::time::Duration;

use processes_exercise::work::{CRASH, HOLD, LAST, work};

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let log = if args.first().map(String::as_str) == Some("--log") && args.len() >= 2 {
        let file = args.remove(1);
        args.remove(0);
        Some(PathBuf::from(file))
    } else {
        None
    };
    let log = match Log::open(log).and_then(|log| {
        log.append(&format!("started {}", process::id()))?;
        Ok(log)
    }) {
        Ok(log) => log,
        Err(error) => return refuse(&format!("cannot write the log: {error}")),
    };
    let words: Vec<&str> = args.iter().map(String::as_str).collect();
    let outcome = match words.as_slice() {
        ["pid"] => say(&process::id().to_string()),
        ["echo", words @ ..] => say(&words.join(" ")),
        ["fail", code, message @ ..] => match code.parse::<u8>() {
            Ok(code) => {
                eprintln!("{}", message.join(" "));
                return ExitCode::from(code);
            }
            Err(_) => return refuse(&format!("`{code}` is not an exit code")),
        },
        ["latin1"] => {
            let mut out = io::stdout().lock();
            out.write_all(b"caf\xe9\n").and_then(|()| out.flush())
        }
        ["abort"] => {
            eprintln!("aborting");
            process::abort()
        }
        ["hang"] => {
            let _ = say("hanging");
            hang()
        }
        ["sleep", ms] => match ms.parse::<u64>() {
            Ok(ms) => {
                thread::sleep(Duration::from_millis(ms));
                say("slept")
            }
            Err(_) => return refuse(&format!("`{ms}` is not a number of milliseconds")),
        },
        ["chatty", bytes] => match bytes.parse::<usize>() {
            Ok(bytes) => chatty(io::stdout().lock(), bytes),
            Err(_) => return refuse(&format!("`{bytes}` is not a number of bytes")),
        },
        ["grumble", bytes] => match bytes.parse::<usize>() {
            Ok(bytes) => match chatty(io::stderr().lock(), bytes) {
                Ok(()) => return ExitCode::FAILURE,
                Err(error) => Err(error),
            },
            Err(_) => return refuse(&format!("`{bytes}` is not a number of bytes")),
        },
        ["flaky", steps @ ..] => match log.attempts() {
            Ok(attempt) => flaky(steps, attempt),
            Err(error) => return refuse(&format!("flaky needs --log: {error}")),
        },
        ["serve"] => serve(&log, None),
        ["serve", gate] => serve(&log, Some(Path::new(gate))),
        _ => return refuse(&format!("unknown task {words:?}")),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("worker {}: {error}", process::id());
            ExitCode::FAILURE
        }
    }
}

/// Exit code 2 and a reason, for arguments the worker does not understand.
fn refuse(why: &str) -> ExitCode {
    eprintln!("worker: {why}");
    ExitCode::from(2)
}

fn say(line: &str) -> io::Result<()> {
    let mut out = io::stdout().lock();
    writeln!(out, "{line}")?;
    out.flush()
}

fn hang() -> ! {
    loop {
        thread::park(); // `park` may wake up spuriously: park again
    }
}

fn chatty(out: impl Write, bytes: usize) -> io::Result<()> {
    let line = "chatty worker output, far more than a pipe holds at once\n";
    let mut out = io::BufWriter::new(out);
    let mut left = bytes;
    while left > 0 {
        let n = left.min(line.len());
        out.write_all(&line.as_bytes()[..n])?;
        left -= n;
    }
    out.flush()
}

fn flaky(steps: &[&str], attempt: usize) -> io::Result<()> {
    match steps.get(attempt - 1).copied().unwrap_or("ok") {
        "abort" => process::abort(),
        "fail" => {
            eprintln!("attempt {attempt} failed, as planned");
            process::exit(3)
        }
        "hang" => hang(),
        "ok" => say(&format!("ok on attempt {attempt}")),
        other => Err(io::Error::other(format!("unknown step `{other}`"))),
    }
}

fn serve(log: &Log, gate: Option<&Path>) -> io::Result<()> {
    let mut replies = io::stdout().lock();
    for line in io::stdin().lock().lines() {
        let line = line?;
        let job: u64 = line
            .trim()
            .parse()
            .map_err(|_| io::Error::other(format!("`{line}` is not a job")))?;
        log.append(&format!("job {} {job}", process::id()))?;
        let reply = match job {
            // Silently: the pool's workers share the stderr of the checks, whose failure
            // messages a line of its own would come before.
            CRASH => process::abort(),
            // Opening a FIFO for reading blocks until someone opens it for writing.
            HOLD => match gate {
                Some(gate) => File::open(gate).map(|_| 0)?,
                None => return Err(io::Error::other("the job HOLD needs a GATE")),
            },
            LAST => {
                // Close stdin before replying: when the pool has this reply, the next
                // job it sends already finds the pipe closed.
                // SAFETY: fd 0 is open (it is stdin), and the `OwnedFd` is the only
                // thing that uses it from here on: the stdin lock of this loop reads
                // nothing more (the function returns right after the reply), nothing
                // else in this process reads stdin, and std never closes fd 0 itself.
                drop(unsafe { OwnedFd::from_raw_fd(0) });
                writeln!(replies, "0")?;
                return replies.flush();
            }
            job => work(job),
        };
        writeln!(replies, "{reply}")?;
        replies.flush()?; // the pool is waiting for this line
    }
    Ok(())
}

/// The log file named by `--log`, if any, open for appending.
struct Log(Option<(PathBuf, File)>);

impl Log {
    fn open(path: Option<PathBuf>) -> io::Result<Log> {
        let Some(path) = path else {
            return Ok(Log(None));
        };
        let file = OpenOptions::new().append(true).create(true).open(&path)?;
        Ok(Log(Some((path, file))))
    }

    /// Appends one line, in one `write` call to a file opened for appending, so that the
    /// lines of several workers never interleave.
    fn append(&self, line: &str) -> io::Result<()> {
        match &self.0 {
            Some((_, file)) => (&*file).write_all(format!("{line}\n").as_bytes()),
            None => Ok(()),
        }
    }

    /// How many workers have started with this log, this one included.
    fn attempts(&self) -> io::Result<usize> {
        let (path, _) = self.0.as_ref().ok_or_else(|| io::Error::other("no log"))?;
        let text = std::fs::read_to_string(path)?;
        Ok(text.lines().filter(|l| l.starts_with("started ")).count())
    }
}

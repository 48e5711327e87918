//! `spawn`: join returns the thread's value; a panic comes back from `join` as `Err`, and
//! `panic_message` recovers its text.

use std::panic;
use std::thread;

use threads_lesson::spawn::{divide_on_thread, greet_all, panic_message, sum_on_thread};

#[test]
fn join_returns_the_value_the_thread_computed() {
    let numbers: Vec<u64> = (1..=1000).collect();
    let expected: u64 = numbers.iter().sum();
    assert_eq!(sum_on_thread(numbers), expected);
    assert_eq!(sum_on_thread(Vec::new()), 0);
}

#[test]
fn the_value_comes_from_the_spawned_thread() {
    // The handle's value is whatever the closure returned, computed on the new thread:
    // here, that thread's id, which is not ours.
    let handle = thread::spawn(|| thread::current().id());
    let theirs = handle.join().expect("the thread does not panic");
    assert_ne!(theirs, thread::current().id());
}

#[test]
fn moved_values_come_back_in_input_order() {
    let names: Vec<String> = ["ada", "grace", "barbara", "edsger"]
        .map(String::from)
        .to_vec();
    let expected: Vec<String> = names.iter().map(|n| format!("hello, {n}")).collect();
    assert_eq!(greet_all(names), expected);
}

#[test]
fn a_panicking_thread_joins_as_err_with_its_message() {
    assert_eq!(
        divide_on_thread(7, 0),
        Err("cannot divide 7 by zero".to_owned())
    );
}

#[test]
fn a_thread_that_does_not_panic_joins_as_ok() {
    assert_eq!(divide_on_thread(7, 2), Ok(3));
}

#[test]
fn panic_message_reads_str_and_string_payloads() {
    // `panic!` with a literal carries a `&'static str`...
    let literal = thread::spawn(|| panic!("a literal message")).join();
    let literal = literal.expect_err("the thread panicked");
    assert!(literal.is::<&'static str>());
    assert_eq!(panic_message(&literal), "a literal message");

    // ...with formatting, a `String`.
    let code = 42;
    let formatted = thread::spawn(move || panic!("error code {code}")).join();
    let formatted = formatted.expect_err("the thread panicked");
    assert!(formatted.is::<String>());
    assert_eq!(panic_message(&formatted), "error code 42");
}

#[test]
fn panic_message_describes_other_payloads() {
    let payload = thread::spawn(|| panic::panic_any(7_u8))
        .join()
        .expect_err("the thread panicked");
    assert_eq!(
        panic_message(&payload),
        "a panic payload that is not a string"
    );
}

#[test]
fn a_panic_in_one_thread_leaves_the_others_running() {
    let failing = thread::spawn(|| -> u32 { panic!("only this thread fails") });
    let working = thread::spawn(|| 6 * 7);
    assert!(failing.join().is_err());
    assert_eq!(working.join().expect("this thread does not panic"), 42);
}

//! `frame`: messages come back as they were sent, however the bytes are cut; a stream that
//! ends between frames is the end, and anything else that is wrong is a clear error.

use std::io::{self, ErrorKind, Read};

use hybrid_lesson::frame::{MAX_FRAME, read_frame, write_frame};
use hybrid_lesson::work::{Job, Work};
use hybrid_lesson::worker::Report;

fn jobs() -> Vec<Job> {
    vec![
        Job {
            id: 0,
            work: Work::Checksum { start: 0, end: 10 },
        },
        Job {
            id: u64::MAX,
            work: Work::Wait { millis: 3 },
        },
        Job {
            id: 7,
            work: Work::Crash,
        },
    ]
}

fn framed(jobs: &[Job]) -> Vec<u8> {
    let mut bytes = Vec::new();
    for job in jobs {
        write_frame(&mut bytes, job).expect("a Vec takes any frame");
    }
    bytes
}

/// A reader that hands out one byte per `read`: the worst a pipe can do.
struct Trickle<'a>(&'a [u8]);

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match (self.0.split_first(), buf.first_mut()) {
            (Some((&byte, rest)), Some(slot)) => {
                *slot = byte;
                self.0 = rest;
                Ok(1)
            }
            _ => Ok(0),
        }
    }
}

#[test]
fn messages_come_back_as_sent_however_the_bytes_arrive() {
    let bytes = framed(&jobs());
    for mut input in [
        Box::new(&bytes[..]) as Box<dyn Read>,
        Box::new(Trickle(&bytes)),
    ] {
        let mut read = Vec::new();
        while let Some(job) = read_frame::<Job>(&mut input).expect("well-formed frames") {
            read.push(job);
        }
        assert_eq!(read, jobs());
    }
}

#[test]
fn a_frame_is_a_length_then_a_json_body() {
    let mut bytes = Vec::new();
    write_frame(&mut bytes, &Report::Started { job: 5 }).unwrap();
    let body = br#"{"Started":{"job":5}}"#;
    assert_eq!(&bytes[..4], &(body.len() as u32).to_le_bytes());
    assert_eq!(&bytes[4..], body);
}

#[test]
fn a_stream_cut_inside_a_frame_is_an_error_not_an_end() {
    let bytes = framed(&jobs()[..1]);
    for cut in [2, 4, bytes.len() - 1] {
        let error = read_frame::<Job>(&mut &bytes[..cut]).expect_err("a cut frame");
        assert_eq!(error.kind(), ErrorKind::UnexpectedEof, "cut at {cut}");
        assert!(
            error.to_string().contains("ended inside a frame"),
            "{error}"
        );
    }
    assert!(read_frame::<Job>(&mut &bytes[..0]).unwrap().is_none());
}

#[test]
fn a_huge_length_is_refused_before_anything_is_allocated() {
    let mut bytes = u32::MAX.to_le_bytes().to_vec();
    bytes.extend_from_slice(b"{}");
    let error = read_frame::<Job>(&mut &bytes[..]).expect_err("4 GiB announced");
    assert_eq!(error.kind(), ErrorKind::InvalidData);
    assert!(error.to_string().contains("not a frame"), "{error}");
}

#[test]
fn a_body_that_is_not_the_message_is_an_error() {
    let mut bytes = Vec::new();
    write_frame(&mut bytes, &"a string, not a job").unwrap();
    let error = read_frame::<Job>(&mut &bytes[..]).expect_err("wrong message");
    assert_eq!(error.kind(), ErrorKind::InvalidData);
    assert!(error.to_string().starts_with("a bad frame:"), "{error}");
}

#[test]
fn a_message_longer_than_a_frame_is_not_sent() {
    let huge = "x".repeat(MAX_FRAME);
    let mut bytes = Vec::new();
    let error = write_frame(&mut bytes, &huge).expect_err("too long");
    assert_eq!(error.kind(), ErrorKind::InvalidInput);
    assert!(bytes.is_empty(), "nothing of it was written");
}

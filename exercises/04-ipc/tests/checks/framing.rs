//! Task `framing`: frames on byte streams, in this process and through a worker process.

use std::io::{self, BufReader, Cursor, Write};
use std::process::Stdio;

use ipc_exercise::{MAX_FRAME, read_frame, recv, send, write_frame};
use serde::{Deserialize, Serialize};

use crate::support::{Stingy, Trickle, assert_no_child_left, payload, serial, worker};

fn frames(payloads: &[&[u8]]) -> Vec<u8> {
    let mut stream = Vec::new();
    for payload in payloads {
        write_frame(&mut stream, payload).expect("writing to a Vec does not fail");
    }
    stream
}

#[test]
fn a_frame_is_its_length_then_its_bytes() {
    assert_eq!(frames(&[b"hi"]), [2, 0, 0, 0, b'h', b'i']);
    assert_eq!(
        frames(&[b""]),
        [0, 0, 0, 0],
        "an empty frame is its length, 0"
    );
}

#[test]
fn a_frame_split_across_reads_arrives_whole() {
    let big = payload(1000);
    let mut reader = Trickle {
        inner: Cursor::new(frames(&[b"first", &big])),
        step: 1,
    };
    let mut buffer = Vec::new();
    assert!(read_frame(&mut reader, &mut buffer).unwrap());
    assert_eq!(buffer, b"first");
    assert!(read_frame(&mut reader, &mut buffer).unwrap());
    assert_eq!(buffer, big, "one byte per `read` call, put back together");
}

#[test]
fn a_partial_write_is_completed() {
    let mut writer = Stingy {
        inner: Vec::new(),
        step: 3,
    };
    write_frame(&mut writer, b"a frame of 22 bytes...").unwrap();
    assert_eq!(
        writer.inner,
        frames(&[b"a frame of 22 bytes..."]),
        "`write` took 3 bytes at a time: all of them must be written"
    );
}

#[test]
fn end_of_file_between_frames_is_a_clean_end() {
    let mut reader = Cursor::new(frames(&[b"only"]));
    let mut buffer = Vec::new();
    assert!(read_frame(&mut reader, &mut buffer).unwrap());
    assert!(
        !read_frame(&mut reader, &mut buffer).unwrap(),
        "end of file after a whole frame: Ok(false)"
    );
    assert_eq!(
        recv::<u32>(&mut Cursor::new(Vec::new()), &mut buffer).unwrap(),
        None
    );
}

#[test]
fn end_of_file_inside_a_frame_is_an_error() {
    let stream = frames(&[b"cut short"]);
    for cut in [1, 3, 4, 8] {
        let result = read_frame(&mut Cursor::new(&stream[..cut]), &mut Vec::new());
        let error = result.expect_err(&format!(
            "a stream cut after {cut} bytes ends inside a frame: an error, not Ok"
        ));
        assert_eq!(
            error.kind(),
            io::ErrorKind::UnexpectedEof,
            "cut after {cut} bytes"
        );
    }
}

#[test]
fn a_length_above_the_limit_is_refused_without_allocating() {
    let too_long = ((MAX_FRAME + 1) as u32).to_le_bytes().to_vec();
    let mut buffer = Vec::new();
    let error = read_frame(&mut Cursor::new(too_long), &mut buffer).unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::InvalidData, "{error}");
    assert_eq!(
        buffer.capacity(),
        0,
        "nothing may be allocated for a length refused"
    );

    let error = write_frame(&mut Vec::new(), &vec![0; MAX_FRAME + 1]).unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::InvalidInput, "{error}");
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
enum Message {
    Hello { name: String, times: u32 },
    Numbers(Vec<u64>),
    Bye,
}

#[test]
fn typed_messages_round_trip() {
    let messages = [
        Message::Hello {
            name: "worker".into(),
            times: 3,
        },
        Message::Numbers(vec![1, u64::MAX, 0]),
        Message::Bye,
    ];
    let mut stream = Vec::new();
    for message in &messages {
        send(&mut stream, message).unwrap();
    }
    let mut reader = Trickle {
        inner: Cursor::new(stream),
        step: 2,
    };
    let mut buffer = Vec::new();
    for message in messages {
        assert_eq!(recv(&mut reader, &mut buffer).unwrap(), Some(message));
    }
    assert_eq!(recv::<Message>(&mut reader, &mut buffer).unwrap(), None);

    // A frame that is not a `Message`: variant 9 of an enum of three.
    let error = recv::<Message>(&mut Cursor::new(frames(&[&[9]])), &mut buffer).unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::InvalidData, "{error}");
}

#[test]
fn frames_round_trip_through_a_worker_process() {
    let _one = serial();
    // The worker reads frames with its own code and writes each back: your `write_frame`
    // must produce what it reads, and your `read_frame` must read what it writes, through
    // real pipes that split a megabyte into many pieces.
    let mut child = worker(&["echo-frames"])
        .command()
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the worker starts");
    let mut to_worker = child.stdin.take().unwrap();
    let mut from_worker = BufReader::new(child.stdout.take().unwrap());
    let sent: Vec<Vec<u8>> = vec![b"small".to_vec(), Vec::new(), payload(1 << 20)];
    let mut buffer = Vec::new();
    let mut outcome = Ok(());
    for frame in &sent {
        let echoed = write_frame(&mut to_worker, frame)
            .and_then(|()| to_worker.flush())
            .and_then(|()| read_frame(&mut from_worker, &mut buffer));
        match echoed {
            Ok(true) if buffer == *frame => {}
            other => {
                outcome = Err(format!(
                    "a frame of {} bytes came back as {other:?}",
                    frame.len()
                ));
                break;
            }
        }
    }
    drop(to_worker); // end of file: the worker stops
    let status = child.wait().expect("the worker is reaped");
    assert_eq!(outcome, Ok(()));
    assert!(status.success(), "the worker ended with {status}");
    assert!(
        !read_frame(&mut from_worker, &mut buffer).unwrap(),
        "then a clean end"
    );
    assert_no_child_left("the round trip");
}

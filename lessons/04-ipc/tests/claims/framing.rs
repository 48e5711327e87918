//! `framing`: a frame arrives whole however the stream splits it; a partial write is
//! completed; end of file between frames is a clean end and inside one an error; a bad
//! length is refused before anything is allocated; typed messages round-trip.

use std::io::{self, Cursor, Read, Write};
use std::thread;

use ipc_lesson::framing::{MAX_FRAME, read_frame, recv, send, write_frame};
use serde::{Deserialize, Serialize};

use crate::support::{Stingy, Trickle};

/// Two frames, as bytes on a stream.
fn two_frames() -> Vec<u8> {
    let mut stream = Vec::new();
    write_frame(&mut stream, b"first").unwrap();
    write_frame(&mut stream, &[7; 300]).unwrap();
    stream
}

#[test]
fn a_frame_split_across_many_reads_arrives_whole() {
    // One byte per `read`: the length and the body arrive in pieces.
    let mut reader = Trickle {
        inner: Cursor::new(two_frames()),
        step: 1,
        reads: 0,
    };
    let mut buffer = Vec::new();
    assert!(read_frame(&mut reader, &mut buffer).unwrap());
    assert_eq!(buffer, b"first");
    assert!(read_frame(&mut reader, &mut buffer).unwrap());
    assert_eq!(buffer, [7; 300]);
    assert!(
        reader.reads >= 4 + 5 + 4 + 300,
        "every byte was a read of its own"
    );
    assert!(
        !read_frame(&mut reader, &mut buffer).unwrap(),
        "then the stream ends"
    );
}

#[test]
fn on_a_real_pipe_a_large_frame_arrives_in_several_reads() {
    // A frame larger than the pipe (64 KiB on Linux) cannot arrive in one read: the writer
    // blocks until the reader has taken the first part out.
    let (reader, mut writer) = io::pipe().expect("the OS makes a pipe");
    let frame: Vec<u8> = (0..1 << 20).map(|i| (i % 253) as u8).collect();
    let sent = frame.clone();
    let writing = thread::spawn(move || {
        write_frame(&mut writer, &sent).unwrap();
        // Dropping the writer closes the pipe: end of file for the reader.
    });
    let mut reader = Trickle {
        inner: reader,
        step: usize::MAX,
        reads: 0,
    };
    let mut buffer = Vec::new();
    assert!(read_frame(&mut reader, &mut buffer).unwrap());
    assert_eq!(buffer, frame);
    assert!(reader.reads > 2, "only {} reads", reader.reads);
    assert!(
        !read_frame(&mut reader, &mut buffer).unwrap(),
        "closed: a clean end"
    );
    writing.join().unwrap();
}

#[test]
fn a_partial_write_is_completed() {
    let mut writer = Stingy {
        inner: Vec::new(),
        step: 3,
        writes: 0,
    };
    write_frame(&mut writer, b"a frame of 22 bytes...").unwrap();
    assert!(writer.writes > 2, "the writer took 3 bytes at a time");
    let mut expected = 22u32.to_le_bytes().to_vec();
    expected.extend_from_slice(b"a frame of 22 bytes...");
    assert_eq!(writer.inner, expected);
}

#[test]
fn an_interrupted_read_is_tried_again() {
    /// Fails its first `read` with `Interrupted` (a signal arrived), then reads.
    struct Interrupted<R>(bool, R);
    impl<R: Read> Read for Interrupted<R> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if std::mem::replace(&mut self.0, false) {
                return Err(io::ErrorKind::Interrupted.into());
            }
            self.1.read(buf)
        }
    }
    let mut reader = Interrupted(true, Cursor::new(two_frames()));
    let mut buffer = Vec::new();
    assert!(read_frame(&mut reader, &mut buffer).unwrap());
    assert_eq!(buffer, b"first");
}

#[test]
fn end_of_file_between_frames_is_a_clean_end() {
    let mut empty = Cursor::new(Vec::new());
    assert!(!read_frame(&mut empty, &mut Vec::new()).unwrap());
    assert_eq!(recv::<u32>(&mut empty, &mut Vec::new()).unwrap(), None);
}

#[test]
fn end_of_file_inside_a_frame_is_an_error() {
    let stream = two_frames();
    // Cut inside the first length, then inside the first body.
    for cut in [2, 7] {
        let mut reader = Cursor::new(&stream[..cut]);
        let error = read_frame(&mut reader, &mut Vec::new()).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof, "cut at {cut}");
    }
}

#[test]
fn a_length_above_the_limit_is_refused_before_allocating() {
    let mut reader = Cursor::new(u32::MAX.to_le_bytes().to_vec());
    let mut buffer = Vec::new();
    let error = read_frame(&mut reader, &mut buffer).unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::InvalidData);
    assert_eq!(
        error.to_string(),
        format!(
            "a frame announces {} bytes, more than the {MAX_FRAME} allowed",
            u32::MAX
        )
    );
    assert_eq!(buffer.capacity(), 0, "nothing was allocated for it");
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
enum Greeting {
    Hello { name: String, times: u32 },
    Bye,
}

#[test]
fn typed_messages_round_trip_through_frames() {
    let mut stream = Vec::new();
    let hello = Greeting::Hello {
        name: "worker".into(),
        times: 3,
    };
    send(&mut stream, &hello).unwrap();
    send(&mut stream, &Greeting::Bye).unwrap();
    stream.flush().unwrap();
    let mut reader = Trickle {
        inner: Cursor::new(stream),
        step: 2,
        reads: 0,
    };
    let mut buffer = Vec::new();
    assert_eq!(recv(&mut reader, &mut buffer).unwrap(), Some(hello));
    assert_eq!(recv(&mut reader, &mut buffer).unwrap(), Some(Greeting::Bye));
    assert_eq!(recv::<Greeting>(&mut reader, &mut buffer).unwrap(), None);
}

#[test]
fn a_frame_that_is_not_the_expected_type_is_an_error() {
    let mut stream = Vec::new();
    // Variant number 9 of an enum that has two.
    write_frame(&mut stream, &[9]).unwrap();
    let error = recv::<Greeting>(&mut Cursor::new(stream), &mut Vec::new()).unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::InvalidData);
}

//! Task `framing`: frames on byte streams, in this process and through a worker process.

use std::io::{self, BufReader, Cursor, Read, Write};
use std::process::Stdio;

use ipc_exercise::{MAX_FRAME, read_frame, recv, send, write_frame};
use serde::{Deserialize, Serialize};

use crate::support::{Failing, Stingy, Trickle, assert_no_child_left, payload, serial, worker};

fn frames(payloads: &[&[u8]]) -> Vec<u8> {
    let mut stream = Vec::new();
    for payload in payloads {
        write_frame(&mut stream, payload).expect("writing to a Vec does not fail");
    }
    stream
}

/// A frame made here, not by `write_frame`: 4 bytes of little-endian length, the bytes.
fn frame_by_hand(payload: &[u8]) -> Vec<u8> {
    let mut frame = (payload.len() as u32).to_le_bytes().to_vec();
    frame.extend_from_slice(payload);
    frame
}

#[test]
fn a_frame_is_its_length_then_its_bytes() {
    assert_eq!(
        frames(&[b"hi"]),
        [2, 0, 0, 0, b'h', b'i'],
        "a frame is its length as 4 little-endian bytes (`(len as u32).to_le_bytes()`), \
         then its bytes"
    );
    assert_eq!(
        frames(&[b""]),
        [0, 0, 0, 0],
        "an empty frame is its length, 0"
    );
    let long = payload(300);
    assert_eq!(
        frames(&[&long])[..4],
        [44, 1, 0, 0],
        "300 bytes: the length 300 = 0x012C as 4 little-endian bytes, low byte first"
    );

    // Reading a frame written by hand, not by your `write_frame`.
    let mut buffer = Vec::new();
    let read = read_frame(&mut Cursor::new(frame_by_hand(&long)), &mut buffer);
    assert!(
        matches!(read, Ok(true)) && buffer == long,
        "a frame of 300 bytes written by hand (length [44, 1, 0, 0], little-endian) came \
         out as {read:?} with {} bytes: read the length with `u32::from_le_bytes` from 4 \
         bytes",
        buffer.len()
    );
}

#[test]
fn a_frame_split_across_reads_arrives_whole() {
    let big = payload(1000);
    for step in [1, 7] {
        let mut reader = Trickle::new(Cursor::new(frame_by_hand(b"first")), step);
        let mut buffer = Vec::new();
        let read = read_frame(&mut reader, &mut buffer);
        assert!(
            matches!(read, Ok(true)) && buffer == b"first",
            "a frame of 5 bytes, given {step} byte(s) per `read` call, came out as {read:?} \
             with {buffer:?}: one `read` may return fewer bytes than asked for, even of \
             the length; `read_exact` calls `read` until the buffer is full"
        );
        let mut reader = Trickle::new(Cursor::new(frame_by_hand(&big)), step);
        let read = read_frame(&mut reader, &mut buffer);
        assert!(
            matches!(read, Ok(true)) && buffer == big,
            "a frame of 1000 bytes, given {step} byte(s) per `read` call, came out as \
             {read:?} with {} bytes: one `read` may return fewer bytes than asked for; \
             `read_exact` calls `read` until the buffer is full",
            buffer.len()
        );
    }
}

#[test]
fn an_interrupted_read_is_retried() {
    // Every `read` call is interrupted once before it succeeds, the first byte and the
    // end of the stream included.
    let big = payload(1000);
    let mut stream = frame_by_hand(b"first");
    stream.extend(frame_by_hand(&big));
    stream.extend(frame_by_hand(b""));
    let mut reader = Trickle::new(Cursor::new(stream), 3).interrupted();
    let mut buffer = Vec::new();
    for expected in [&b"first"[..], &big, b""] {
        let read = read_frame(&mut reader, &mut buffer);
        assert!(
            matches!(read, Ok(true)) && buffer == expected,
            "a frame of {} bytes whose reads were interrupted came out as {read:?}: a \
             `read` that a signal interrupts fails with `ErrorKind::Interrupted`, and must \
             be tried again (`read_exact` does; a `read` of your own needs a loop)",
            expected.len()
        );
    }
    let end = read_frame(&mut reader, &mut buffer);
    assert!(
        matches!(end, Ok(false)),
        "the stream then ends (after an interrupted `read`): Ok(false), got {end:?}: a \
         `read` that fails with `ErrorKind::Interrupted` must be tried again"
    );
}

#[test]
fn a_read_error_is_returned_not_taken_for_the_end() {
    for good in [Vec::new(), vec![5, 0], frame_by_hand(b"one")[..6].to_vec()] {
        let mut reader = Failing {
            good: Cursor::new(good.clone()),
        };
        let read = read_frame(&mut reader, &mut Vec::new());
        assert!(
            matches!(&read, Err(e) if e.kind() == io::ErrorKind::ConnectionReset),
            "the stream failed with ConnectionReset after {} bytes, and `read_frame` \
             returned {read:?}: an error other than `Interrupted` is returned as it is, not \
             taken for the end of the stream",
            good.len()
        );
    }
}

#[test]
fn a_partial_write_is_completed() {
    let mut writer = Stingy::new(Vec::new(), 3);
    let written = write_frame(&mut writer, b"a frame of 22 bytes...");
    assert!(written.is_ok(), "{written:?}");
    assert_eq!(
        writer.inner,
        frame_by_hand(b"a frame of 22 bytes..."),
        "`write` took 3 bytes at a time: all of them must be written (`write_all` calls \
         `write` until every byte is taken)"
    );
}

#[test]
fn an_interrupted_write_is_retried() {
    let mut writer = Stingy::new(Vec::new(), 5).interrupted();
    let written = write_frame(&mut writer, b"a frame of 22 bytes...");
    assert!(
        written.is_ok() && writer.inner == frame_by_hand(b"a frame of 22 bytes..."),
        "every `write` call was interrupted once before it took 5 bytes, and \
         `write_frame` returned {written:?} after writing {:?}: a `write` that fails with \
         `ErrorKind::Interrupted` must be tried again (`write_all` does)",
        writer.inner
    );
}

#[test]
fn write_frame_does_not_flush() {
    let mut writer = Stingy::new(Vec::new(), usize::MAX);
    write_frame(&mut writer, b"one").unwrap();
    write_frame(&mut writer, b"two").unwrap();
    assert_eq!(
        writer.flushes, 0,
        "`write_frame` flushed the writer: it does not (its doc says so); the caller \
         flushes when it has written what the other side must see, so that several \
         frames through a `BufWriter` go out in one system call"
    );
}

#[test]
fn end_of_file_between_frames_is_a_clean_end() {
    let mut buffer = Vec::new();
    let empty = read_frame(&mut Cursor::new(Vec::new()), &mut buffer);
    assert!(
        matches!(empty, Ok(false)),
        "an empty stream: Ok(false), got {empty:?}"
    );
    let mut reader = Cursor::new(frames(&[b"only", b""]));
    assert!(read_frame(&mut reader, &mut buffer).unwrap());
    assert!(read_frame(&mut reader, &mut buffer).unwrap());
    let end = read_frame(&mut reader, &mut buffer);
    assert!(
        matches!(end, Ok(false)),
        "end of file after a whole frame: Ok(false), got {end:?}"
    );
    let none = recv::<u32>(&mut Cursor::new(Vec::new()), &mut buffer);
    assert!(
        matches!(none, Ok(None)),
        "`recv` at the end of the stream: Ok(None), got {none:?}"
    );
}

#[test]
fn end_of_file_inside_a_frame_is_an_error() {
    let stream = frame_by_hand(b"cut short");
    for cut in [1, 2, 3, 4, 8, stream.len() - 1] {
        for step in [usize::MAX, 1] {
            let mut reader = Trickle::new(Cursor::new(&stream[..cut]), step);
            let result = read_frame(&mut reader, &mut Vec::new());
            assert!(
                matches!(&result, Err(e) if e.kind() == io::ErrorKind::UnexpectedEof),
                "a stream cut after {cut} of the frame's {} bytes (read {} at a time) ends \
                 inside a frame (in its {}): `ErrorKind::UnexpectedEof`, got {result:?}. \
                 Only 0 bytes *before* a frame is a clean end",
                stream.len(),
                if step == 1 { "1 byte" } else { "all bytes" },
                if cut < 4 { "length" } else { "body" },
            );
        }
    }
    let result = recv::<u64>(&mut Cursor::new(&stream[..6]), &mut Vec::new());
    assert!(
        matches!(&result, Err(e) if e.kind() == io::ErrorKind::UnexpectedEof),
        "`recv` on a stream cut inside a frame: `read_frame`'s UnexpectedEof, as it is; \
         got {result:?}"
    );
}

#[test]
fn a_length_above_the_limit_is_refused_without_allocating() {
    let too_long = ((MAX_FRAME + 1) as u32).to_le_bytes().to_vec();
    let mut buffer = Vec::new();
    let result = read_frame(&mut Cursor::new(too_long), &mut buffer);
    assert!(
        matches!(&result, Err(e) if e.kind() == io::ErrorKind::InvalidData),
        "a frame announcing MAX_FRAME + 1 bytes: `ErrorKind::InvalidData`, got {result:?}"
    );
    assert_eq!(
        buffer.capacity(),
        0,
        "nothing may be allocated for a length refused: check it against MAX_FRAME before \
         `buffer.resize`"
    );

    let mut written = Vec::new();
    let result = write_frame(&mut written, &vec![0; MAX_FRAME + 1]);
    assert!(
        matches!(&result, Err(e) if e.kind() == io::ErrorKind::InvalidInput),
        "`write_frame` of MAX_FRAME + 1 bytes: `ErrorKind::InvalidInput`, got {result:?}"
    );
    assert!(
        written.is_empty(),
        "`write_frame` refused a payload above MAX_FRAME but wrote {} bytes first: refuse \
         it before writing anything, or the stream is broken",
        written.len()
    );
}

#[test]
fn a_frame_of_exactly_max_frame_bytes_is_accepted() {
    let _one = serial(); // it fills 64 MiB
    let written = write_frame(&mut io::sink(), &vec![0; MAX_FRAME]);
    assert!(
        written.is_ok(),
        "`write_frame` of exactly MAX_FRAME bytes: Ok, got {written:?}: only a longer \
         payload is refused"
    );
    let mut stream =
        Cursor::new((MAX_FRAME as u32).to_le_bytes()).chain(io::repeat(7).take(MAX_FRAME as u64));
    let mut buffer = Vec::new();
    let read = read_frame(&mut stream, &mut buffer);
    assert!(
        matches!(read, Ok(true)) && buffer.len() == MAX_FRAME,
        "a frame of exactly MAX_FRAME bytes: Ok(true) with all of them, got {read:?} with \
         {} bytes: only a longer one is refused",
        buffer.len()
    );
}

#[test]
fn read_frame_takes_only_its_own_bytes() {
    let frames = [&b"a longer first frame"[..], b"two", b"", b"last"];
    let mut stream = Vec::new();
    for frame in frames {
        stream.extend(frame_by_hand(frame));
    }
    let mut reader = Cursor::new(stream);
    let mut buffer = b"left over from before".to_vec();
    let mut end = 0;
    for frame in frames {
        end += 4 + frame.len() as u64;
        let read = read_frame(&mut reader, &mut buffer);
        assert!(
            matches!(read, Ok(true)),
            "frames back to back: {read:?} where the frame {frame:?} starts"
        );
        assert!(
            reader.position() <= end,
            "`read_frame` read {} bytes past the end of its frame, out of the next one: \
             read exactly the frame's bytes (a `BufReader` made inside `read_frame` reads \
             ahead, and what it holds is lost when it is dropped)",
            reader.position() - end
        );
        assert_eq!(
            buffer, frame,
            "`buffer` must hold exactly the frame just read, replacing what it held"
        );
    }
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
    let mut by_hand = Vec::new();
    for message in &messages {
        send(&mut stream, message).unwrap();
        by_hand.extend(frame_by_hand(&postcard::to_stdvec(message).unwrap()));
    }
    assert_eq!(
        stream, by_hand,
        "`send` writes one frame holding postcard's bytes: `postcard::to_stdvec`, then \
         `write_frame`"
    );
    let mut reader = Trickle::new(Cursor::new(stream), 2);
    let mut buffer = Vec::new();
    for message in messages {
        assert_eq!(recv(&mut reader, &mut buffer).unwrap(), Some(message));
    }
    assert_eq!(recv::<Message>(&mut reader, &mut buffer).unwrap(), None);

    // A frame that is not a `Message`: variant 9 of an enum of three.
    let result = recv::<Message>(&mut Cursor::new(frame_by_hand(&[9])), &mut buffer);
    assert!(
        matches!(&result, Err(e) if e.kind() == io::ErrorKind::InvalidData),
        "a frame that is not a `Message`: `ErrorKind::InvalidData`, got {result:?}"
    );
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

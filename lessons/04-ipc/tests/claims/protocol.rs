//! `protocol`: the worker's loop answers each request and stops at end of input; a payload
//! announced but never sent is an error.

use std::io::Cursor;

use ipc_lesson::framing::{self, recv};
use ipc_lesson::protocol::{Reply, Request, checksum, serve};

#[test]
fn serve_answers_each_request_then_stops_at_end_of_input() {
    let mut input = Vec::new();
    framing::send(&mut input, &Request::Ping(41)).unwrap();
    framing::send(&mut input, &Request::Bulk { checksum: true }).unwrap();
    framing::write_frame(&mut input, b"payload").unwrap();
    framing::send(&mut input, &Request::Bulk { checksum: false }).unwrap();
    framing::write_frame(&mut input, &[]).unwrap();

    let mut output = Vec::new();
    serve(&mut Cursor::new(input), &mut output).expect("a clean end of input");

    let mut replies = Cursor::new(output);
    let mut buffer = Vec::new();
    let mut next = || recv::<Reply>(&mut replies, &mut buffer).unwrap();
    assert_eq!(next(), Some(Reply::Pong(41)));
    assert_eq!(
        next(),
        Some(Reply::Received {
            len: 7,
            checksum: Some(checksum(b"payload"))
        })
    );
    assert_eq!(
        next(),
        Some(Reply::Received {
            len: 0,
            checksum: None
        })
    );
    assert_eq!(next(), None);
}

#[test]
fn a_payload_that_never_comes_is_an_error() {
    let mut input = Vec::new();
    framing::send(&mut input, &Request::Bulk { checksum: false }).unwrap();
    let error = serve(&mut Cursor::new(input), &mut Vec::new()).unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::UnexpectedEof);
}

#[test]
fn the_checksum_sees_a_changed_or_moved_byte() {
    assert_ne!(checksum(b"ab"), checksum(b"ba"));
    assert_ne!(checksum(b"ab"), checksum(b"ac"));
    assert_eq!(checksum(b"ab"), checksum(b"ab"));
}

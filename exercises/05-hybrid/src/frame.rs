//! Given: messages between processes as length-prefixed frames of JSON, as in the lesson
//! (`lessons/05-hybrid/src/frame.rs`). You do not need to change it.
//!
//! A frame is the body's length as four bytes (little-endian), then the body: the message
//! serialized as JSON. [`write_frame`] sends one message and flushes it; [`read_frame`]
//! reads one back, `Ok(None)` when the stream ended cleanly between two frames (the other
//! side closed its end), and an error for a stream cut inside a frame or a body that is not
//! the expected message.

use std::io::{self, ErrorKind, Read, Write};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// The longest body a frame may have, 1 MiB: far more than any message of the lesson, and
/// small enough that a corrupt length cannot make the reader allocate gigabytes.
pub const MAX_FRAME: usize = 1 << 20;

/// Writes `message` as one frame and flushes it: the process at the other end may be
/// waiting for exactly this message.
pub fn write_frame<T: Serialize>(out: &mut impl Write, message: &T) -> io::Result<()> {
    let body = serde_json::to_vec(message).map_err(io::Error::other)?;
    if body.len() > MAX_FRAME {
        return Err(io::Error::new(
            ErrorKind::InvalidInput,
            format!("a message of {} bytes is longer than a frame", body.len()),
        ));
    }
    let len = u32::try_from(body.len()).expect("MAX_FRAME fits in a u32");
    out.write_all(&len.to_le_bytes())?;
    out.write_all(&body)?;
    out.flush()
}

/// Reads one frame and deserializes it. `Ok(None)` means the stream ended cleanly, between
/// two frames; a stream that ends inside a frame is an error (`UnexpectedEof`).
pub fn read_frame<T: DeserializeOwned>(input: &mut impl Read) -> io::Result<Option<T>> {
    let mut len = [0u8; 4];
    if !fill_or_end(input, &mut len)? {
        return Ok(None);
    }
    let len = u32::from_le_bytes(len) as usize;
    if len > MAX_FRAME {
        return Err(io::Error::new(
            ErrorKind::InvalidData,
            format!("a frame of {len} bytes announced: longer than {MAX_FRAME}, not a frame"),
        ));
    }
    let mut body = vec![0u8; len];
    input
        .read_exact(&mut body)
        .map_err(|error| match error.kind() {
            ErrorKind::UnexpectedEof => io::Error::new(
                ErrorKind::UnexpectedEof,
                format!("the stream ended inside a frame of {len} bytes"),
            ),
            _ => error,
        })?;
    let message = serde_json::from_slice(&body)
        .map_err(|error| io::Error::new(ErrorKind::InvalidData, format!("a bad frame: {error}")))?;
    Ok(Some(message))
}

/// Fills `buf` completely and returns `true`, or returns `false` if the stream ended
/// before its first byte. A stream that ends after some of it is an error.
fn fill_or_end(input: &mut impl Read, buf: &mut [u8]) -> io::Result<bool> {
    let mut filled = 0;
    while filled < buf.len() {
        match input.read(&mut buf[filled..]) {
            Ok(0) if filled == 0 => return Ok(false),
            Ok(0) => {
                return Err(io::Error::new(
                    ErrorKind::UnexpectedEof,
                    "the stream ended inside a frame's length",
                ));
            }
            Ok(n) => filled += n,
            Err(error) if error.kind() == ErrorKind::Interrupted => {}
            Err(error) => return Err(error),
        }
    }
    Ok(true)
}

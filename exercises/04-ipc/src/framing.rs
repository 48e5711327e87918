//! Task `framing`: messages on a byte stream, as length-prefixed frames.
//!
//! A pipe carries bytes, not messages: one `write` of 100 bytes may be read as 60 and then
//! 40, and `write` itself may take only part of a buffer. A frame says where a message
//! ends: its length as 4 bytes (a little-endian `u32`), then its bytes.

use std::io::{self, Read, Write};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Given: the longest frame `read_frame` accepts (and `write_frame` writes): 64 MiB.
pub const MAX_FRAME: usize = 64 << 20;

/// Writes `payload` as one frame: its length as a little-endian `u32`, then its bytes.
///
/// A payload longer than [`MAX_FRAME`] is refused with `ErrorKind::InvalidInput`, before
/// anything is written. A `write` that takes only part of a buffer, or fails with
/// `ErrorKind::Interrupted`, is followed by another. It does not flush.
pub fn write_frame(writer: &mut impl Write, payload: &[u8]) -> io::Result<()> {
    // Write `write_frame` here:
    // 1. A payload longer than `MAX_FRAME` is refused before anything is written:
    //    `io::Error::new(io::ErrorKind::InvalidInput, ...)`.
    // 2. The length, `(payload.len() as u32).to_le_bytes()`, then the payload, each with
    //    `write_all` (plain `write` may take only part of the buffer, and says how much).
    // APIs: https://doc.rust-lang.org/std/io/trait.Write.html#method.write_all
    todo!("write the length, then the payload")
}

/// Reads one frame into `buffer`, replacing what it held. Returns `Ok(false)` if the stream
/// ended cleanly before the frame began, `Ok(true)` once a whole frame is in `buffer`.
///
/// It takes from `reader` the frame's bytes and no more: the next frame stays there. A
/// `read` may return fewer bytes than asked for, or fail with `ErrorKind::Interrupted`
/// (then it is tried again).
///
/// Errors: `ErrorKind::UnexpectedEof` if the stream ends inside a frame (in its length or
/// its body); `ErrorKind::InvalidData` if the length is above [`MAX_FRAME`], and then
/// nothing is allocated for it; or whatever reading failed with.
pub fn read_frame(reader: &mut impl Read, buffer: &mut Vec<u8>) -> io::Result<bool> {
    // Write `read_frame` here:
    // 1. Read the first byte of the length on its own with `reader.read(&mut len[..1])`:
    //    `Ok(0)` there is a clean end of the stream (`return Ok(false)`); retry on
    //    `ErrorKind::Interrupted`. Then `read_exact` the other three bytes: 0 bytes now is
    //    an end *inside* a frame, which `read_exact` reports as `UnexpectedEof`.
    // 2. `u32::from_le_bytes`; a length above `MAX_FRAME` is `ErrorKind::InvalidData`,
    //    refused *before* `buffer.resize(len, 0)` allocates for it.
    // 3. `read_exact(buffer)` fills it however many `read` calls it takes.
    // APIs: https://doc.rust-lang.org/std/io/trait.Read.html#method.read_exact
    todo!("read the length, check it, then read the frame")
}

/// Serializes `message` with postcard and writes it as one frame.
pub fn send<T: Serialize>(writer: &mut impl Write, message: &T) -> io::Result<()> {
    // `postcard::to_stdvec(message)`, then `write_frame`. A postcard error becomes
    // `io::Error::new(io::ErrorKind::InvalidData, error)`.
    todo!("serialize, then frame")
}

/// Reads one frame and deserializes it as a `T`: `Ok(None)` at a clean end of the stream,
/// `ErrorKind::InvalidData` if the frame is not a `T`. `buffer` is scratch space.
pub fn recv<T: DeserializeOwned>(
    reader: &mut impl Read,
    buffer: &mut Vec<u8>,
) -> io::Result<Option<T>> {
    // `read_frame`: `Ok(false)` is `Ok(None)`. Then `postcard::from_bytes(buffer)`; an error
    // (a frame that is not a `T`) becomes `ErrorKind::InvalidData`.
    todo!("read a frame, then deserialize it")
}

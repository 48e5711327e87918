//! Messages on a byte stream: length-prefixed frames, and typed messages inside them.
//!
//! A pipe carries bytes, not messages. A writer that writes 100 bytes may be read as 100,
//! or as 60 and then 40, or together with the next message: `read` returns whatever the
//! pipe holds, up to the buffer's size, and `write` may take only part of a buffer. So
//! both sides agree on where a message ends. The simplest agreement is a *frame*: the
//! length of the message as 4 bytes (little-endian `u32`), then the message.
//!
//! - The writer uses `write_all`, which calls `write` until every byte is taken: a partial
//!   write is not an error, only a reason to write the rest.
//! - The reader uses `read_exact` for the 4 bytes of the length, then for the message: it
//!   calls `read` until the buffer is full, however the bytes were split on the way.
//! - End of file (`read` returning 0) *between* two frames is the normal way a stream
//!   ends: the other side closed it. [`read_frame`] returns `Ok(None)` then. End of file
//!   *inside* a frame means the writer died mid-message, and is an error.
//! - A length is read from the other process, so it is input: a frame longer than
//!   [`MAX_FRAME`] is refused before anything is allocated for it.
//!
//! Typed messages are serialized into the frame with serde and postcard, a compact binary
//! format (the one ipc-channel uses): [`send`] and [`recv`]. Python's
//! `multiprocessing.Connection.send` does the same with pickle, and a 4-byte length too.

use std::io::{self, Read, Write};

use serde::Serialize;
use serde::de::DeserializeOwned;

/// The longest frame [`read_frame`] accepts: 64 MiB. A length above it is treated as
/// garbage (a stream that is not frames, or a peer that lost track of them).
pub const MAX_FRAME: usize = 64 << 20;

// ANCHOR: write_frame
/// Writes `payload` as one frame: its length as a little-endian `u32`, then its bytes.
///
/// It does not flush: a caller writing through a `BufWriter` flushes once the message
/// (or a batch of them) is complete.
pub fn write_frame(writer: &mut impl Write, payload: &[u8]) -> io::Result<()> {
    let len = u32::try_from(payload.len())
        .ok()
        .filter(|&len| len as usize <= MAX_FRAME)
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "a frame of {} bytes is longer than the {MAX_FRAME} allowed",
                    payload.len()
                ),
            )
        })?;
    // `write_all`, not `write`: `write` may take only part of the buffer (a pipe that is
    // nearly full, a signal), and says how much; `write_all` loops until all is taken.
    writer.write_all(&len.to_le_bytes())?;
    writer.write_all(payload)
}
// ANCHOR_END: write_frame

// ANCHOR: read_frame
/// Reads one frame into `buffer` (replacing what it held). Returns `Ok(false)` if the
/// stream ended cleanly before the frame began, `Ok(true)` once a whole frame is in
/// `buffer`.
///
/// Errors: `UnexpectedEof` if the stream ends inside a frame, `InvalidData` if the length
/// is above [`MAX_FRAME`], or what reading failed with.
pub fn read_frame(reader: &mut impl Read, buffer: &mut Vec<u8>) -> io::Result<bool> {
    let mut len = [0u8; 4];
    // The first byte on its own: 0 bytes here is a clean end of the stream, while a
    // length cut short is an error (`read_exact` on the rest says so).
    loop {
        match reader.read(&mut len[..1]) {
            Ok(0) => return Ok(false),
            Ok(_) => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    reader.read_exact(&mut len[1..])?;
    let len = u32::from_le_bytes(len) as usize;
    if len > MAX_FRAME {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("a frame announces {len} bytes, more than the {MAX_FRAME} allowed"),
        ));
    }
    // `resize` keeps the bytes a reused buffer already holds (`read_exact` writes over
    // them), so a large buffer is not zeroed again for every frame.
    buffer.resize(len, 0);
    // `read_exact` calls `read` until the buffer is full: the frame may arrive in any
    // number of pieces. End of file before that is `UnexpectedEof`.
    reader.read_exact(buffer)?;
    Ok(true)
}
// ANCHOR_END: read_frame

// ANCHOR: typed
/// Serializes `message` with postcard and writes it as one frame.
pub fn send<T: Serialize>(writer: &mut impl Write, message: &T) -> io::Result<()> {
    let bytes = postcard::to_stdvec(message).map_err(invalid_data)?;
    write_frame(writer, &bytes)
}

/// Reads one frame and deserializes it as a `T`; `Ok(None)` at a clean end of the stream.
/// `buffer` is scratch space, kept by the caller so that it is allocated once.
///
/// A frame that is not a `T` is an `InvalidData` error, not a panic: the bytes came from
/// another process.
pub fn recv<T: DeserializeOwned>(
    reader: &mut impl Read,
    buffer: &mut Vec<u8>,
) -> io::Result<Option<T>> {
    if !read_frame(reader, buffer)? {
        return Ok(None);
    }
    postcard::from_bytes(buffer).map(Some).map_err(invalid_data)
}
// ANCHOR_END: typed

fn invalid_data(error: postcard::Error) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, error)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_is_its_length_then_its_bytes() {
        let mut stream = Vec::new();
        write_frame(&mut stream, b"hi").unwrap();
        assert_eq!(stream, [2, 0, 0, 0, b'h', b'i']);
    }

    #[test]
    fn a_payload_longer_than_the_limit_is_refused_before_writing() {
        let mut stream = Vec::new();
        let error = write_frame(&mut stream, &vec![0; MAX_FRAME + 1]).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
        assert!(stream.is_empty(), "nothing half-written");
    }
}

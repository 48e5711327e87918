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
    if payload.len() > MAX_FRAME {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "a frame of {} bytes is longer than {MAX_FRAME}",
                payload.len()
            ),
        ));
    }
    writer.write_all(&(payload.len() as u32).to_le_bytes())?;
    writer.write_all(payload)
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
    let mut len = [0u8; 4];
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
            format!("a frame announces {len} bytes, more than {MAX_FRAME}"),
        ));
    }
    buffer.resize(len, 0);
    reader.read_exact(buffer)?;
    Ok(true)
}

/// Serializes `message` with postcard and writes it as one frame.
pub fn send<T: Serialize>(writer: &mut impl Write, message: &T) -> io::Result<()> {
    let bytes = postcard::to_stdvec(message).map_err(invalid_data)?;
    write_frame(writer, &bytes)
}

/// Reads one frame and deserializes it as a `T`: `Ok(None)` at a clean end of the stream,
/// `ErrorKind::InvalidData` if the frame is not a `T`. `buffer` is scratch space.
pub fn recv<T: DeserializeOwned>(
    reader: &mut impl Read,
    buffer: &mut Vec<u8>,
) -> io::Result<Option<T>> {
    if !read_frame(reader, buffer)? {
        return Ok(None);
    }
    postcard::from_bytes(buffer).map(Some).map_err(invalid_data)
}

fn invalid_data(error: postcard::Error) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, error)
}

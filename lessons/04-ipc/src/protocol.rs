//! One request/response protocol over any byte stream: the one the lesson's workers speak
//! on a pipe ([`crate::pipe`]) and on a ring buffer in shared memory ([`crate::ring`]).
//!
//! Every message is a frame ([`crate::framing`]). A request is a postcard-serialized
//! [`Request`]; a bulk payload travels as a raw frame of its own right after its request,
//! so that its bytes are copied as they are, not serialized one by one (serde sees a
//! `Vec<u8>` as a sequence of numbers, and encoding 16 MiB that way costs more than
//! moving them: [`crate::ipc`] measures it). The worker answers each request with one
//! [`Reply`], and stops when its input ends: the parent closing its end is the shutdown.

use std::io::{self, Read, Write};

use serde::{Deserialize, Serialize};

use crate::framing;

// ANCHOR: messages
/// What the parent asks a worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Request {
    /// Answer [`Reply::Pong`] with the same number: one round trip.
    Ping(u64),
    /// A raw frame follows with the payload. Answer [`Reply::Received`], with the
    /// payload's [`checksum`] if `checksum` is set (the tests ask for it; the benchmarks
    /// do not, so that they measure moving bytes, not adding them up).
    Bulk { checksum: bool },
}

/// What a worker answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reply {
    Pong(u64),
    Received { len: u64, checksum: Option<u64> },
}
// ANCHOR_END: messages

/// FNV-1a over `bytes`: a checksum that changes when any byte changes or moves.
pub fn checksum(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

// ANCHOR: serve
/// The worker's side: answers requests read from `input` on `output` until `input` ends.
pub fn serve(input: &mut impl Read, output: &mut impl Write) -> io::Result<()> {
    let mut scratch = Vec::new();
    let mut payload = Vec::new();
    while let Some(request) = framing::recv::<Request>(input, &mut scratch)? {
        let reply = match request {
            Request::Ping(n) => Reply::Pong(n),
            Request::Bulk { checksum: wanted } => {
                if !framing::read_frame(input, &mut payload)? {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the stream ended before the payload its request announced",
                    ));
                }
                Reply::Received {
                    len: payload.len() as u64,
                    checksum: wanted.then(|| checksum(&payload)),
                }
            }
        };
        framing::send(output, &reply)?;
        // The parent is blocked waiting for this reply: send it now.
        output.flush()?;
    }
    // End of input between two requests: the parent closed its end. Time to stop.
    Ok(())
}
// ANCHOR_END: serve

// ANCHOR: client
/// The parent's side: requests written to `requests`, replies read from `replies`.
pub struct Client<R: Read, W: Write> {
    replies: R,
    requests: W,
    scratch: Vec<u8>,
}

impl<R: Read, W: Write> Client<R, W> {
    pub fn new(replies: R, requests: W) -> Client<R, W> {
        Client {
            replies,
            requests,
            scratch: Vec::new(),
        }
    }

    /// One round trip: sends `n`, returns the number the worker sent back.
    pub fn ping(&mut self, n: u64) -> io::Result<u64> {
        framing::send(&mut self.requests, &Request::Ping(n))?;
        self.requests.flush()?;
        match self.reply()? {
            Reply::Pong(m) => Ok(m),
            other => Err(unexpected(other)),
        }
    }

    /// Sends `payload` to the worker; returns the length it received, and the checksum of
    /// what it received if `checksum` is set.
    pub fn send_bulk(&mut self, payload: &[u8], checksum: bool) -> io::Result<(u64, Option<u64>)> {
        framing::send(&mut self.requests, &Request::Bulk { checksum })?;
        framing::write_frame(&mut self.requests, payload)?;
        self.requests.flush()?;
        match self.reply()? {
            Reply::Received { len, checksum } => Ok((len, checksum)),
            other => Err(unexpected(other)),
        }
    }

    fn reply(&mut self) -> io::Result<Reply> {
        framing::recv(&mut self.replies, &mut self.scratch)?.ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the worker closed its end without replying: it died, or stopped",
            )
        })
    }

    /// Takes the client apart, so that the caller can close the request stream (its end
    /// of file tells the worker to stop).
    pub fn into_parts(self) -> (R, W) {
        (self.replies, self.requests)
    }
}
// ANCHOR_END: client

fn unexpected(reply: Reply) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("the worker answered {reply:?}, which does not answer the request"),
    )
}

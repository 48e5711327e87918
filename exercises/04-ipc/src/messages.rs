//! Given: what the parent and an ipc worker say to each other (task `ipc-worker`). You do
//! not need to change it; the worker program (`worker/main.rs`, task `ipc`) speaks it.

use ipc_channel::ipc::{IpcReceiver, IpcSender, IpcSharedMemory};
use serde::{Deserialize, Serialize};

/// The first message of a worker, sent through the parent's one-shot server: who it is,
/// and the two channels to talk to it (a sender and a receiver, sent over a channel).
#[derive(Debug, Serialize, Deserialize)]
pub struct Hello {
    pub pid: u32,
    /// The parent sends its requests here.
    pub requests: IpcSender<Request>,
    /// The parent reads the replies here.
    pub replies: IpcReceiver<Reply>,
}

/// What the parent asks.
#[derive(Debug, Serialize, Deserialize)]
pub enum Request {
    /// Answer `Reply::Square(n * n)` (wrapping).
    Square(u64),
    /// Answer `Reply::Checksum` of the bytes in the region.
    Checksum(IpcSharedMemory),
    /// Abort at once, without answering: a worker that crashes.
    Crash,
}

/// What the worker answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reply {
    Square(u64),
    Checksum(u64),
}

/// FNV-1a over `bytes`: a checksum that changes when any byte changes or moves.
pub fn checksum(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

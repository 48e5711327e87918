//! The two yardsticks every mechanism is measured against: a worker *thread* behind
//! crossbeam channels, and `memcpy`.
//!
//! A thread shares its process's memory, so a message to it is not copied at all: sending
//! a `Vec<u8>` through a channel moves three words (pointer, length, capacity), whatever
//! the vector's size, and the worker reads the very bytes the sender wrote. That is the
//! in-process baseline: [`ThreadWorker`].
//!
//! Between processes, the bytes must be copied at least once, into memory the other
//! process can see. The fastest conceivable copy is `memcpy` from one buffer to another in
//! one process, with no system call, no synchronisation and no waiting: [`copy`]. No
//! mechanism between processes can move bytes faster than that; the ratio to it says how
//! much of the limit each one reaches.

use std::thread::{self, JoinHandle};

use crossbeam::channel::{self, Receiver, Sender};

// ANCHOR: thread_worker
/// What is sent to the worker thread.
pub enum Message {
    Ping(u64),
    /// A buffer, moved to the worker and moved back: ownership travels, the bytes stay.
    Buffer(Vec<u8>),
}

/// A worker thread that answers [`Message`]s through crossbeam channels.
pub struct ThreadWorker {
    requests: Sender<Message>,
    replies: Receiver<Message>,
    thread: JoinHandle<()>,
}

impl ThreadWorker {
    pub fn start() -> ThreadWorker {
        let (requests, incoming) = channel::bounded::<Message>(1);
        let (outgoing, replies) = channel::bounded::<Message>(1);
        let thread = thread::spawn(move || {
            // Ends when the sender is dropped: `recv` then returns `Err`.
            for message in incoming {
                if outgoing.send(message).is_err() {
                    break;
                }
            }
        });
        ThreadWorker {
            requests,
            replies,
            thread,
        }
    }

    /// One round trip.
    pub fn ping(&self, n: u64) -> u64 {
        match self.round_trip(Message::Ping(n)) {
            Message::Ping(m) => m,
            Message::Buffer(_) => unreachable!("the worker sends back what it got"),
        }
    }

    /// Hands `buffer` to the worker thread and gets it back: no byte is copied.
    pub fn pass(&self, buffer: Vec<u8>) -> Vec<u8> {
        match self.round_trip(Message::Buffer(buffer)) {
            Message::Buffer(buffer) => buffer,
            Message::Ping(_) => unreachable!("the worker sends back what it got"),
        }
    }

    fn round_trip(&self, message: Message) -> Message {
        self.requests
            .send(message)
            .expect("the worker thread runs until shut down");
        self.replies
            .recv()
            .expect("the worker thread runs until shut down")
    }

    /// Hangs up and joins the thread.
    pub fn shut_down(self) {
        drop(self.requests);
        self.thread
            .join()
            .expect("the worker thread does not panic");
    }
}
// ANCHOR_END: thread_worker

// ANCHOR: copy
/// The physical limit: copies `from` into `to` (of the same length) in this process.
pub fn copy(to: &mut [u8], from: &[u8]) {
    to.copy_from_slice(from);
}
// ANCHOR_END: copy

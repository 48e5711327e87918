//! Frames on a real pipe: a message larger than the pipe arrives in pieces and is put back
//! together; end of file between frames ends the stream; a bad length is refused.
//!
//! cargo run -p lesson-04-ipc --example framing

use std::io::{self, Cursor, Read};
use std::thread;

use ipc_lesson::framing::{read_frame, write_frame};

/// Counts the `read` calls that brought bytes.
struct Counting<R>(R, usize);

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.0.read(buf)?;
        self.1 += usize::from(n > 0);
        Ok(n)
    }
}

fn main() -> io::Result<()> {
    let (reader, mut writer) = io::pipe()?;
    let writing = thread::spawn(move || -> io::Result<()> {
        write_frame(&mut writer, b"a small frame")?;
        write_frame(&mut writer, &vec![42u8; 1 << 20])?;
        // `writer` is dropped here: the pipe is closed, the reader will see end of file.
        Ok(())
    });

    let mut reader = Counting(reader, 0);
    let mut frame = Vec::new();
    while read_frame(&mut reader, &mut frame)? {
        println!(
            "a frame of {} bytes (after {} reads with data so far)",
            frame.len(),
            reader.1
        );
    }
    println!("end of file between frames: the writer closed the pipe, a clean end");
    writing.join().expect("the writer does not panic")?;
    println!("(a pipe holds 64 KiB: the megabyte had to arrive in many pieces)\n");

    let cut = {
        let mut stream = Vec::new();
        write_frame(&mut stream, b"cut short")?;
        stream.truncate(7);
        stream
    };
    let error = read_frame(&mut Cursor::new(cut), &mut frame).unwrap_err();
    println!("a frame cut short: {:?}: {error}", error.kind());

    let garbage = Cursor::new(b"GET / HTTP/1.1\r\n".to_vec());
    let error = read_frame(&mut garbage.clone(), &mut frame).unwrap_err();
    println!("a stream that is not frames: {:?}: {error}", error.kind());
    Ok(())
}

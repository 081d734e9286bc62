//! JSON-RPC over a byte stream: `Content-Length` framing, both ways.
//!
//! lsp-server's own stdio transport ends the session at the first frame
//! that is not a valid message, and sizes its buffer from the
//! `Content-Length` it is sent (a lying header would allocate that much).
//! This reader answers a bad frame with the JSON-RPC error for it and reads
//! on, and never holds more than `MAX_BODY` bytes of one frame.

use std::io::{self, BufRead, Read, Write};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use lsp_server::{ErrorCode, Message};
use serde_json::{Value, json};

/// The largest message read: a document of the linter's largest file
/// (64 MiB), JSON-escaped, with room to spare.
const MAX_BODY: u64 = 256 * 1024 * 1024;

/// The longest header line read (real ones are under 100 bytes).
const MAX_HEADER_LINE: u64 = 8 * 1024;

/// What the reader passes on.
#[derive(Debug)]
pub enum Incoming {
    Message(Message),
    /// A frame that is no JSON-RPC message, to be answered with this error
    /// (`id` is null unless the frame had a usable one).
    Malformed {
        id: Value,
        code: ErrorCode,
        message: String,
    },
}

/// Reads frames from `input` on a thread of its own, so the server can wait
/// for a message and for a debounce deadline at once. The channel closes
/// at the end of the input or after `exit`.
pub fn spawn_reader(input: impl BufRead + Send + 'static) -> Receiver<Incoming> {
    // Bounded: a client that floods the server waits instead of filling
    // memory while a lint runs.
    let (sender, receiver) = sync_channel(64);
    let spawned = std::thread::Builder::new()
        .name("schema-lint-lsp-reader".to_string())
        .spawn(move || read_all(input, &sender));
    if let Err(error) = spawned {
        // The receiver sees a closed channel: the server ends.
        eprintln!("schema-lint server: cannot start the reader thread: {error}");
    }
    receiver
}

fn read_all(mut input: impl BufRead, sender: &SyncSender<Incoming>) {
    loop {
        let incoming = match read_frame(&mut input) {
            Ok(Frame::Body(body)) => decode(&body),
            Ok(Frame::Bad(message)) => Incoming::Malformed {
                id: Value::Null,
                code: ErrorCode::ParseError,
                message,
            },
            Ok(Frame::End) | Err(_) => return,
        };
        let is_exit =
            matches!(&incoming, Incoming::Message(Message::Notification(n)) if n.method == "exit");
        if sender.send(incoming).is_err() || is_exit {
            return;
        }
    }
}

enum Frame {
    Body(Vec<u8>),
    /// Not a frame; reading goes on with the next line.
    Bad(String),
    End,
}

fn read_frame(input: &mut impl BufRead) -> io::Result<Frame> {
    let mut length: Option<u64> = None;
    let mut saw_header = false;
    loop {
        let mut line = Vec::new();
        input
            .by_ref()
            .take(MAX_HEADER_LINE)
            .read_until(b'\n', &mut line)?;
        if line.is_empty() {
            return Ok(Frame::End);
        }
        if line.last() != Some(&b'\n') {
            return skip_line(input, "header line too long or not ended");
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if text.is_empty() {
            if saw_header {
                break;
            }
            // Blank lines between frames are noise, not a frame.
            continue;
        }
        saw_header = true;
        let Some((name, value)) = text.split_once(':') else {
            return Ok(Frame::Bad(format!("not a header: {}", shorten(text))));
        };
        if name.trim().eq_ignore_ascii_case("Content-Length") {
            match value.trim().parse::<u64>() {
                Ok(n) => length = Some(n),
                Err(_) => {
                    let value = shorten(value.trim());
                    return Ok(Frame::Bad(format!("bad Content-Length: {value}")));
                }
            }
        }
    }
    let Some(length) = length else {
        return Ok(Frame::Bad("no Content-Length header".to_string()));
    };
    if length > MAX_BODY {
        io::copy(&mut input.by_ref().take(length), &mut io::sink())?;
        return Ok(Frame::Bad(format!(
            "message of {length} bytes, over the {MAX_BODY}-byte limit"
        )));
    }
    // Grown as bytes arrive, not allocated from the header.
    let mut body = Vec::new();
    input.by_ref().take(length).read_to_end(&mut body)?;
    if (body.len() as u64) < length {
        return Ok(Frame::End);
    }
    Ok(Frame::Body(body))
}

/// The rest of an over-long line is skipped, so reading resumes at a line
/// start.
fn skip_line(input: &mut impl BufRead, why: &str) -> io::Result<Frame> {
    loop {
        let buffer = input.fill_buf()?;
        if buffer.is_empty() {
            return Ok(Frame::End);
        }
        match buffer.iter().position(|&b| b == b'\n') {
            Some(at) => {
                input.consume(at + 1);
                return Ok(Frame::Bad(why.to_string()));
            }
            None => {
                let all = buffer.len();
                input.consume(all);
            }
        }
    }
}

/// A frame's body as a message, or the JSON-RPC error that answers it.
fn decode(body: &[u8]) -> Incoming {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(error) => {
            return Incoming::Malformed {
                id: Value::Null,
                code: ErrorCode::ParseError,
                message: format!("not JSON: {error}"),
            };
        }
    };
    // An id is echoed only when it is one JSON-RPC allows.
    let id = match value.get("id") {
        Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
        _ => Value::Null,
    };
    match serde_json::from_value::<Message>(value) {
        Ok(message) => Incoming::Message(message),
        Err(error) => Incoming::Malformed {
            id,
            code: ErrorCode::InvalidRequest,
            message: format!("not a JSON-RPC request, response or notification: {error}"),
        },
    }
}

fn shorten(text: &str) -> String {
    let mut text = text.to_string();
    crate::diagnostic::shorten(&mut text, 80);
    text
}

/// Where the server writes its messages.
pub struct Output<W: Write> {
    out: W,
}

impl<W: Write> Output<W> {
    pub fn new(out: W) -> Self {
        Output { out }
    }

    pub fn send(&mut self, message: impl Into<Message>) -> io::Result<()> {
        message.into().write(&mut self.out)
    }

    /// An error response to a frame that was no valid message: its id may
    /// be null, which `lsp_server::Response` cannot carry.
    pub fn send_malformed(&mut self, id: Value, code: ErrorCode, message: &str) -> io::Result<()> {
        let body = json!({
            "jsonrpc": "2.0",
            "id": id,
            "error": { "code": code as i32, "message": message },
        })
        .to_string();
        write!(self.out, "Content-Length: {}\r\n\r\n{body}", body.len())?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<String> {
        let mut reader = io::BufReader::new(input);
        let mut out = Vec::new();
        loop {
            match read_frame(&mut reader).unwrap() {
                Frame::Body(body) => out.push(String::from_utf8(body).unwrap()),
                Frame::Bad(why) => out.push(format!("bad: {why}")),
                Frame::End => return out,
            }
        }
    }

    #[test]
    fn reading_goes_on_after_a_bad_frame() {
        let input = b"garbage\r\nContent-Length: 2\r\n\r\n{}Content-Length: x\r\n\r\nContent-Length: 1\r\n\r\n1";
        assert_eq!(
            frames(input),
            [
                "bad: not a header: garbage",
                "{}",
                "bad: bad Content-Length: x",
                "1"
            ]
        );
    }

    #[test]
    fn a_lying_length_allocates_nothing_and_ends_the_input() {
        let input = b"Content-Length: 99999999999\r\n\r\n{}";
        assert_eq!(
            frames(input),
            ["bad: message of 99999999999 bytes, over the 268435456-byte limit"]
        );
        assert!(frames(b"Content-Length: 10\r\n\r\n{}").is_empty());
    }

    #[test]
    fn bodies_that_are_no_message_get_their_error() {
        match decode(b"{\"id\": 7, \"params\": 1}") {
            Incoming::Malformed { id, code, .. } => {
                assert_eq!(id, json!(7));
                assert!(matches!(code, ErrorCode::InvalidRequest));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            decode(b"\xff{"),
            Incoming::Malformed {
                code: ErrorCode::ParseError,
                ..
            }
        ));
    }
}

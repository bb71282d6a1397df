//! The connection over standard input and output: `lsp-server` frames and parses every message
//! (`Content-Length` headers, JSON-RPC), these threads only move them. Unlike `lsp-server`'s own stdio
//! threads, a message that is not valid JSON-RPC does not end the connection: its frame has been
//! read whole, so the stream is still in step, and the server is told about it and goes on.

use crossbeam_channel::{Receiver, Sender, bounded, unbounded};
use lsp_server::{Message, Notification};
use std::io::{ErrorKind, Write};
use std::thread::JoinHandle;

/// The method of the notification the reader hands over in place of a message it could not parse.
/// Clients cannot mean it: `$/` methods are the protocol's, and no protocol method has this name.
pub const MALFORMED: &str = "$/huashu/malformed";

pub struct Transport {
    pub sender: Sender<Message>,
    pub receiver: Receiver<Message>,
    writer: JoinHandle<()>,
}

impl Transport {
    pub fn stdio() -> Transport {
        let (to_server, receiver) = unbounded::<Message>();
        std::thread::Builder::new()
            .name("huashu-lsp-reader".into())
            .spawn(move || {
                let mut input = std::io::stdin().lock();
                loop {
                    let message = match Message::read(&mut input) {
                        Ok(Some(m)) => m,
                        // The client closed its end.
                        Ok(None) => break,
                        Err(e) if e.kind() == ErrorKind::InvalidData => Message::Notification(
                            Notification::new(MALFORMED.to_string(), e.to_string()),
                        ),
                        Err(_) => break,
                    };
                    let exit = matches!(&message, Message::Notification(n) if n.method == "exit");
                    if to_server.send(message).is_err() || exit {
                        break;
                    }
                }
            })
            .expect("a thread can be started");
        let (sender, from_server) = bounded::<Message>(64);
        let writer = std::thread::Builder::new()
            .name("huashu-lsp-writer".into())
            .spawn(move || {
                let mut out = std::io::stdout().lock();
                for message in from_server {
                    if message.write(&mut out).is_err() {
                        break;
                    }
                }
                let _ = out.flush();
            })
            .expect("a thread can be started");
        Transport {
            sender,
            receiver,
            writer,
        }
    }

    /// Waits until everything sent has been written. (The reader may still be waiting on standard
    /// input; it ends with the process.)
    pub fn finish(self) {
        drop(self.sender);
        let _ = self.writer.join();
    }
}

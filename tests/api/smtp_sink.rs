//! A real SMTP server on 127.0.0.1, in the test's process: it speaks the
//! part of RFC 5321 a client needs to hand over a mail (EHLO, MAIL, RCPT,
//! DATA, RSET, NOOP, QUIT), keeps every message it is given, and decodes
//! their headers and parts for the tests to read. No TLS: nido sends in
//! clear text only to a server on this machine.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// One message as the server took it.
#[derive(Debug, Clone)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    /// The message as sent, headers and body.
    pub data: String,
}

impl Received {
    /// A header's value, unfolded and decoded (RFC 2047 words).
    pub fn header(&self, name: &str) -> Option<String> {
        let head = self.data.split("\r\n\r\n").next().unwrap_or_default();
        let unfolded = head.replace("\r\n ", " ").replace("\r\n\t", " ");
        unfolded.split("\r\n").find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name)
                .then(|| decode_words(value.trim()))
        })
    }

    /// The decoded body of the first part of this content type.
    pub fn part(&self, content_type: &str) -> Option<String> {
        self.data.split("\r\n--").find_map(|part| {
            let (head, body) = part.split_once("\r\n\r\n")?;
            let head = head.to_ascii_lowercase();
            if !head.contains(&format!("content-type: {content_type}")) {
                return None;
            }
            let body = body.trim_end_matches("\r\n");
            Some(if head.contains("content-transfer-encoding: base64") {
                let joined: String = body.split_whitespace().collect();
                String::from_utf8(
                    base64::engine::general_purpose::STANDARD
                        .decode(joined)
                        .expect("base64"),
                )
                .expect("utf-8")
            } else if head.contains("content-transfer-encoding: quoted-printable") {
                quoted_printable(body)
            } else {
                body.to_owned()
            })
        })
    }

    /// The plain text.
    pub fn text(&self) -> String {
        self.part("text/plain").expect("a text/plain part")
    }
}

/// Decodes RFC 2047 encoded words (`=?utf-8?b?…?=`, `=?utf-8?q?…?=`).
fn decode_words(value: &str) -> String {
    let mut decoded = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("=?") {
        let Some(end) = rest[start + 2..].find("?=").map(|end| start + 2 + end) else {
            break;
        };
        let between = &rest[..start];
        if !between.trim().is_empty() || decoded.is_empty() {
            decoded.push_str(between);
        }
        let word = &rest[start + 2..end];
        let mut pieces = word.splitn(3, '?');
        let (_, encoding, text) = (pieces.next(), pieces.next(), pieces.next());
        match (encoding.map(str::to_ascii_lowercase).as_deref(), text) {
            (Some("b"), Some(text)) => decoded.push_str(
                &String::from_utf8(
                    base64::engine::general_purpose::STANDARD
                        .decode(text)
                        .expect("base64 word"),
                )
                .expect("utf-8"),
            ),
            (Some("q"), Some(text)) => decoded.push_str(&quoted_printable(&text.replace('_', " "))),
            _ => decoded.push_str(word),
        }
        rest = &rest[end + 2..];
    }
    decoded.push_str(rest);
    decoded
}

fn quoted_printable(text: &str) -> String {
    let joined = text.replace("=\r\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
            if let Ok(byte) = u8::from_str_radix(hex, 16) {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).expect("utf-8")
}

/// The server; it stops when dropped.
pub struct SmtpSink {
    pub port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    task: JoinHandle<()>,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A port nothing listens on now (as a server that is down).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("a free port")
        .local_addr()
        .expect("bound")
        .port()
}

impl SmtpSink {
    pub async fn start() -> Self {
        Self::start_on(0).await
    }

    /// On `port` (0: any free port).
    pub async fn start_on(port: u16) -> Self {
        let listener = TcpListener::bind(("127.0.0.1", port))
            .await
            .expect("the SMTP sink listens");
        let port = listener.local_addr().expect("bound").port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let kept = received.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let kept = kept.clone();
                tokio::spawn(async move {
                    let _ = converse(stream, kept).await;
                });
            }
        });
        Self {
            port,
            received,
            task,
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("not poisoned").clone()
    }

    /// Waits (30 s at most) until `count` messages arrived; answers them all.
    pub async fn wait_for(&self, count: usize) -> Vec<Received> {
        for _ in 0..300 {
            let received = self.received();
            if received.len() >= count {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("{count} mails expected, {} arrived", self.received().len());
    }
}

/// The path of `MAIL FROM:<a@b> SIZE=…` or `RCPT TO:<a@b>`: `<a@b>`.
fn path_of(command: &str) -> String {
    let after = command.split_once(':').map_or("", |(_, path)| path).trim();
    after
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned()
}

async fn converse(
    stream: tokio::net::TcpStream,
    kept: Arc<Mutex<Vec<Received>>>,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 sink.test ESMTP\r\n").await?;
    let mut mail_from = String::new();
    let mut rcpt_to = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_owned();
        let verb = command
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" => {
                write
                    .write_all(b"250-sink.test\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
                    .await?
            }
            "HELO" => write.write_all(b"250 sink.test\r\n").await?,
            "MAIL" => {
                mail_from = path_of(&command);
                rcpt_to.clear();
                write.write_all(b"250 OK\r\n").await?;
            }
            "RCPT" => {
                rcpt_to.push(path_of(&command));
                write.write_all(b"250 OK\r\n").await?;
            }
            "DATA" => {
                write.write_all(b"354 go ahead\r\n").await?;
                let mut data = String::new();
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" {
                        break;
                    }
                    // A line that starts with a dot was doubled.
                    data.push_str(line.strip_prefix('.').unwrap_or(&line));
                }
                kept.lock().expect("not poisoned").push(Received {
                    mail_from: mail_from.clone(),
                    rcpt_to: rcpt_to.clone(),
                    data,
                });
                write.write_all(b"250 OK kept\r\n").await?;
            }
            "RSET" | "NOOP" => write.write_all(b"250 OK\r\n").await?,
            "QUIT" => {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(());
            }
            _ => write.write_all(b"502 not implemented\r\n").await?,
        }
    }
}

//! A real SMTP server on 127.0.0.1 for the email tests: it speaks enough SMTP for lettre
//! (EHLO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), keeps every message it accepts, and can be
//! stopped and started again on the same port to play an outage.

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
    task::JoinHandle,
};

/// One accepted email.
#[derive(Clone, Debug)]
pub struct Received {
    /// `RCPT TO` addresses.
    pub to: Vec<String>,
    /// The message as sent (headers and body, dot-unstuffed).
    pub data: String,
}

/// The server; stopped when dropped.
pub struct SmtpServer {
    pub addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    task: Option<JoinHandle<()>>,
}

impl SmtpServer {
    /// Listens on a free port.
    pub async fn start() -> Self {
        Self::start_on("127.0.0.1:0".parse().expect("address")).await
    }

    /// Listens on `addr`, keeping what an earlier incarnation received.
    async fn listen(addr: SocketAddr, received: Arc<Mutex<Vec<Received>>>) -> Self {
        let listener = TcpListener::bind(addr).await.expect("bind the SMTP port");
        let addr = listener.local_addr().expect("address");
        let store = Arc::clone(&received);
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(session(stream, Arc::clone(&store)));
            }
        });
        Self {
            addr,
            received,
            task: Some(task),
        }
    }

    async fn start_on(addr: SocketAddr) -> Self {
        Self::listen(addr, Arc::default()).await
    }

    /// A mailer sending to this server, configured as `confab serve --smtp-url` would be.
    pub fn mailer(&self) -> domain::mail::Mailer {
        mailer_for(&self.url())
    }

    /// `smtp://127.0.0.1:PORT` (no TLS), for `CONFAB_SMTP_URL`.
    pub fn url(&self) -> String {
        format!("smtp://{}", self.addr)
    }

    /// Everything accepted so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }

    /// Stops listening (connections are refused) and returns what starts it again.
    pub fn stop(mut self) -> Stopped {
        if let Some(task) = self.task.take() {
            task.abort();
        }
        Stopped {
            addr: self.addr,
            received: Arc::clone(&self.received),
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// A stopped server, to be started again on its port.
pub struct Stopped {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Stopped {
    pub async fn restart(self) -> SmtpServer {
        SmtpServer::listen(self.addr, self.received).await
    }
}

async fn session(stream: tokio::net::TcpStream, store: Arc<Mutex<Vec<Received>>>) {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    let _ = write.write_all(b"220 confab-test ESMTP\r\n").await;
    let mut to = Vec::new();
    while let Ok(Some(line)) = lines.next_line().await {
        let command = line.to_ascii_uppercase();
        let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
            b"250 confab-test\r\n"
        } else if command.starts_with("MAIL FROM") {
            to.clear();
            b"250 OK\r\n"
        } else if command.starts_with("RCPT TO") {
            let address = line[8..]
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>');
            to.push(address.to_owned());
            b"250 OK\r\n"
        } else if command.starts_with("DATA") {
            let _ = write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await;
            let mut data = String::new();
            while let Ok(Some(line)) = lines.next_line().await {
                if line == "." {
                    break;
                }
                data.push_str(line.strip_prefix('.').unwrap_or(&line));
                data.push_str("\r\n");
            }
            store.lock().expect("lock").push(Received {
                to: std::mem::take(&mut to),
                data,
            });
            b"250 OK queued\r\n"
        } else if command.starts_with("QUIT") {
            let _ = write.write_all(b"221 bye\r\n").await;
            return;
        } else {
            // RSET, NOOP and anything else a client may send between messages.
            b"250 OK\r\n"
        };
        if write.write_all(reply).await.is_err() {
            return;
        }
    }
}

/// A mailer sending to `smtp_url`, configured as `confab serve --smtp-url` would be.
pub fn mailer_for(smtp_url: &str) -> domain::mail::Mailer {
    use clap::Parser;
    let args = server::config::Cli::try_parse_from(["confab", "--smtp-url", smtp_url])
        .expect("flags")
        .serve;
    domain::mail::Mailer::from_settings(&args.transport_settings()).expect("mailer")
}

/// The message with quoted-printable soft line breaks and `=3D` undone, so text can be found.
pub fn decoded(data: &str) -> String {
    data.replace("=\r\n", "").replace("=3D", "=")
}

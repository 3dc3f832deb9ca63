//! A real SMTP server for the tests (mailin-embedded, on a free local port, in a thread of its
//! own): every mail it accepts is kept, envelope and text, for the test to read.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mailin_embedded::{Handler, Response, Server, SslConfig, response};

/// A mail as the server received it.
#[derive(Debug, Clone, Default)]
pub struct Received {
    pub to: Vec<String>,
    pub data: String,
}

impl Received {
    /// The message's text, decoded (quoted-printable or base64, UTF-8).
    pub fn body(&self) -> String {
        mailparse::parse_mail(self.data.as_bytes()).unwrap().get_body().unwrap()
    }

    /// The message's subject, decoded.
    pub fn subject(&self) -> String {
        use mailparse::MailHeaderMap;
        mailparse::parse_mail(self.data.as_bytes())
            .unwrap()
            .headers
            .get_first_value("Subject")
            .unwrap_or_default()
    }
}

#[derive(Clone, Default)]
struct Keep {
    current: Received,
    all: Arc<Mutex<Vec<Received>>>,
}

impl Handler for Keep {
    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current = Received { to: to.to_vec(), data: String::new() };
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current.data.push_str(&String::from_utf8_lossy(buf));
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        self.all.lock().unwrap().push(std::mem::take(&mut self.current));
        response::OK
    }
}

pub struct SmtpServer {
    pub url: String,
    mails: Arc<Mutex<Vec<Received>>>,
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("smtp://{}", listener.local_addr().unwrap());
        let keep = Keep::default();
        let mails = keep.all.clone();
        let mut server = Server::new(keep);
        server.with_name("smtp.test").with_ssl(SslConfig::None).unwrap().with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        SmtpServer { url, mails }
    }

    /// Every mail received so far.
    pub fn mails(&self) -> Vec<Received> {
        self.mails.lock().unwrap().clone()
    }

    /// Waits (up to 10 s) until at least `n` mails have arrived, and returns them all.
    pub fn wait_for(&self, n: usize) -> Vec<Received> {
        let until = Instant::now() + Duration::from_secs(10);
        while self.mails().len() < n && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(20));
        }
        self.mails()
    }
}

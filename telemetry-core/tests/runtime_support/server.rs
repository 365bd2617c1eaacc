//! A collector on loopback for the tests: a small HTTP/1.1 server that records every
//! connection and request, and answers with given statuses, or hangs, or closes the
//! connection without answering, or is down.
//! It stops when dropped, and by itself after a minute at most.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a server runs at most.
const LIFETIME: Duration = Duration::from_secs(60);

/// One request as received.
#[derive(Clone, Debug)]
pub struct Request {
    /// `POST`, normally.
    pub method: String,
    /// The path asked for.
    pub path: String,
    /// Header names in lower case, with their values.
    pub headers: Vec<(String, String)>,
    /// The body, as text.
    pub body: String,
    /// The body, as received.
    pub bytes: Vec<u8>,
}

impl Request {
    /// The value of header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The records of the body, each as the text it was sent as (a record starts
    /// with `{"event":`, which appears nowhere else in a record).
    pub fn record_texts(&self) -> Vec<String> {
        let inner = self
            .body
            .strip_prefix('[')
            .and_then(|b| b.strip_suffix(']'))
            .expect("a JSON array");
        inner
            .split(",{\"event\":")
            .enumerate()
            .map(|(i, part)| {
                if i == 0 {
                    part.to_owned()
                } else {
                    format!("{{\"event\":{part}")
                }
            })
            .collect()
    }

    /// The body as a JSON array of records.
    pub fn records(&self) -> Vec<serde_json::Value> {
        match serde_json::from_str(&self.body).expect("the body is JSON") {
            serde_json::Value::Array(records) => records,
            other => panic!("the body is not an array: {other}"),
        }
    }
}

#[derive(Default)]
struct State {
    connections: usize,
    requests: Vec<Request>,
    /// The statuses of the next answers; when empty, `then` decides.
    statuses: VecDeque<u16>,
    /// The status after `statuses`, or `None` to hang without answering; status
    /// [`CLOSE`] closes the connection without an answer.
    then: Option<u16>,
}

/// A status that is no answer: the server closes the connection.
pub const CLOSE: u16 = 0;

/// A collector listening on 127.0.0.1.
pub struct Server {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// A collector answering every request with 200.
    pub fn ok() -> Server {
        Server::start(&[], Some(200))
    }

    /// A collector that reads each request and never answers.
    pub fn hanging() -> Server {
        Server::start(&[], None)
    }

    /// A collector that reads each request and closes the connection without an
    /// answer: it refuses every request.
    pub fn refusing() -> Server {
        Server::start(&[], Some(CLOSE))
    }

    /// A collector answering with `statuses` in turn, then with `then` (or hanging).
    pub fn start(statuses: &[u16], then: Option<u16>) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("address");
        let state = Arc::new(Mutex::new(State {
            statuses: statuses.iter().copied().collect(),
            then,
            ..State::default()
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (state, stop) = (Arc::clone(&state), Arc::clone(&stop));
            std::thread::spawn(move || accept(&listener, &state, &stop))
        };
        Server {
            addr,
            state,
            stop,
            thread: Some(thread),
        }
    }

    /// The collector's URL.
    pub fn url(&self) -> String {
        format!("http://{}/v1/records", self.addr)
    }

    /// A URL on loopback where nothing listens.
    pub fn down_url() -> String {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let addr = listener.local_addr().expect("address");
        drop(listener);
        format!("http://{addr}/v1/records")
    }

    /// How many connections were accepted.
    pub fn connections(&self) -> usize {
        self.state.lock().expect("lock").connections
    }

    /// The requests received, in order.
    pub fn requests(&self) -> Vec<Request> {
        self.state.lock().expect("lock").requests.clone()
    }

    /// Waits up to `timeout` for `n` requests; returns the requests then.
    pub fn wait_for(&self, n: usize, timeout: Duration) -> Vec<Request> {
        let end = Instant::now() + timeout;
        while self.requests().len() < n && Instant::now() < end {
            std::thread::sleep(Duration::from_millis(5));
        }
        self.requests()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn accept(listener: &TcpListener, state: &Arc<Mutex<State>>, stop: &Arc<AtomicBool>) {
    let started = Instant::now();
    let mut handlers = Vec::new();
    while !stop.load(Ordering::Relaxed) && started.elapsed() < LIFETIME {
        match listener.accept() {
            Ok((stream, _)) => {
                state.lock().expect("lock").connections += 1;
                let (state, stop) = (Arc::clone(state), Arc::clone(stop));
                handlers.push(std::thread::spawn(move || serve(stream, &state, &stop)));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(2)),
        }
    }
    stop.store(true, Ordering::Relaxed);
    for handler in handlers {
        let _ = handler.join();
    }
}

/// Reads one request on a connection and answers it (or hangs), then closes it.
fn serve(stream: TcpStream, state: &Mutex<State>, stop: &AtomicBool) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    if reader.read_line(&mut line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_owned();
    let path = parts.next().unwrap_or_default().to_owned();
    let mut headers = Vec::new();
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 {
            return;
        }
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    let length = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let status = {
        let mut state = state.lock().expect("lock");
        state.requests.push(Request {
            method,
            path,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
            bytes: body,
        });
        state.statuses.pop_front().or(state.then)
    };
    match status {
        Some(CLOSE) => {}
        Some(status) => {
            let answer = format!(
                "HTTP/1.1 {status} Status\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
            let _ = writer.write_all(answer.as_bytes());
        }
        // Hang: hold the connection, answer nothing.
        None => {
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }
}

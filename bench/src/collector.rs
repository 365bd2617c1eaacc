//! Collectors on loopback for figure 5: one that answers every request with 200,
//! one that reads each request and closes the connection without answering
//! (refusing), one that reads each request and never answers (hanging), and the
//! address of one that is down (nothing listens). Each stops when dropped, and by
//! itself after ten minutes at most; it only ever listens on 127.0.0.1.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// How long a collector runs at most.
const LIFETIME: Duration = Duration::from_secs(600);

/// What a collector does with a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Behaviour {
    /// Answers 200.
    Ok,
    /// Closes the connection without an answer.
    Refusing,
    /// Holds the connection and never answers.
    Hanging,
}

/// A collector listening on 127.0.0.1.
pub struct Collector {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    requests: Arc<AtomicUsize>,
    thread: Option<JoinHandle<()>>,
}

impl Collector {
    /// Starts a collector that behaves as `behaviour`.
    ///
    /// # Errors
    /// When no loopback port can be bound.
    pub fn start(behaviour: Behaviour) -> std::io::Result<Collector> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let requests = Arc::new(AtomicUsize::new(0));
        let thread = {
            let (stop, requests) = (Arc::clone(&stop), Arc::clone(&requests));
            std::thread::spawn(move || accept(&listener, behaviour, &stop, &requests))
        };
        Ok(Collector {
            addr,
            stop,
            requests,
            thread: Some(thread),
        })
    }

    /// The collector's URL.
    pub fn url(&self) -> String {
        format!("http://{}/v1/records", self.addr)
    }

    /// How many requests it has read.
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }

    /// A URL on loopback where nothing listens.
    ///
    /// # Errors
    /// When no loopback port can be bound.
    pub fn down_url() -> std::io::Result<String> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        drop(listener);
        Ok(format!("http://{addr}/v1/records"))
    }
}

impl Drop for Collector {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn accept(
    listener: &TcpListener,
    behaviour: Behaviour,
    stop: &AtomicBool,
    requests: &Arc<AtomicUsize>,
) {
    let started = Instant::now();
    let stop_all = Arc::new(AtomicBool::new(false));
    let mut handlers = Vec::new();
    while !stop.load(Ordering::Relaxed) && started.elapsed() < LIFETIME {
        match listener.accept() {
            Ok((stream, _)) => {
                let (requests, stop_all) = (Arc::clone(requests), Arc::clone(&stop_all));
                handlers.push(std::thread::spawn(move || {
                    serve(stream, behaviour, &requests, &stop_all);
                }));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(1)),
        }
    }
    stop_all.store(true, Ordering::Relaxed);
    for handler in handlers {
        let _ = handler.join();
    }
}

/// Reads one request (head and `Content-Length` bytes of body), then answers,
/// closes or hangs.
fn serve(stream: TcpStream, behaviour: Behaviour, requests: &AtomicUsize, stop: &AtomicBool) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Ok(mut writer) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(stream);
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse::<usize>().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    requests.fetch_add(1, Ordering::Relaxed);
    match behaviour {
        Behaviour::Ok => {
            let _ = writer
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
        Behaviour::Refusing => {}
        Behaviour::Hanging => {
            while !stop.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }
}

//! The HTTP sink (feature `http`): records queued in memory and POSTed in batches,
//! as a JSON array with `Content-Type: application/json`, by a background thread.
//!
//! - The queue holds at most [`HttpOptions::queue_bound`] records; a record that
//!   finds it full is dropped and counted, so memory stays bounded however slow or
//!   absent the collector is. Queuing never waits for the network.
//! - A batch holds at most [`HttpOptions::batch_max`] records. A batch that fails
//!   (no connection, a timeout, a 408, 429 or 5xx answer) is retried after
//!   [`HttpOptions::backoff_initial`], doubling up to [`HttpOptions::backoff_max`],
//!   at most [`HttpOptions::max_attempts`] times in all; another answer (a 4xx) is
//!   not retried. Redirects are not followed.
//! - Requests carry no `User-Agent` and no cookies; connect and whole-request
//!   timeouts are short.
//! - Shutdown sends what it can, retries included, until its deadline, and returns
//!   by then, giving up what is left; a request still running is left to its own
//!   timeout on the background thread, which ends with the process.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::{Counters, Sink};

/// Settings of the HTTP sink; [`HttpOptions::default`] gives the documented values.
#[derive(Clone, Debug)]
pub struct HttpOptions {
    /// The most records waiting in memory; further records are dropped and counted.
    /// Default 1,000.
    pub queue_bound: usize,
    /// The most records in one request. Default 100.
    pub batch_max: usize,
    /// The longest wait for a connection (TCP and TLS). Default 2 s.
    pub connect_timeout: Duration,
    /// The longest time one request may take in all. Default 5 s.
    pub request_timeout: Duration,
    /// How many times a batch is tried before it is given up. Default 4.
    pub max_attempts: u32,
    /// The wait before the first retry; it doubles with each retry. Default 200 ms.
    pub backoff_initial: Duration,
    /// The longest wait between two tries. Default 5 s.
    pub backoff_max: Duration,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            queue_bound: 1_000,
            batch_max: 100,
            connect_timeout: Duration::from_secs(2),
            request_timeout: Duration::from_secs(5),
            max_attempts: 4,
            backoff_initial: Duration::from_millis(200),
            backoff_max: Duration::from_secs(5),
        }
    }
}

struct State {
    queue: VecDeque<String>,
    /// Whether the worker holds a batch it has not finished with.
    busy: bool,
    /// Set by shutdown: stop retrying, and give up on what is left at this time.
    deadline: Option<Instant>,
    /// Whether the worker thread has ended.
    ended: bool,
}

struct Shared {
    state: Mutex<State>,
    /// Wakes the worker: records arrived, or shutdown began.
    wake: Condvar,
    /// Wakes shutdown: the worker finished a batch or ended.
    idle: Condvar,
    options: HttpOptions,
    counters: Arc<Counters>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The HTTP sink.
pub(crate) struct HttpSink {
    shared: Arc<Shared>,
    worker: Mutex<Option<JoinHandle<()>>>,
}

/// What one try of a batch came to.
enum Outcome {
    Sent,
    /// Worth another try: no connection, a timeout, 408, 429 or 5xx.
    Retry,
    /// Not worth another try: another 4xx, or a bad endpoint.
    Reject,
}

impl HttpSink {
    /// Starts the background thread that POSTs to `endpoint`.
    ///
    /// # Errors
    /// When the thread cannot be started; the caller then sends nothing.
    pub(crate) fn start(
        endpoint: String,
        options: HttpOptions,
        counters: Arc<Counters>,
    ) -> std::io::Result<Self> {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                queue: VecDeque::with_capacity(options.queue_bound.min(1_024)),
                busy: false,
                deadline: None,
                ended: false,
            }),
            wake: Condvar::new(),
            idle: Condvar::new(),
            options,
            counters,
        });
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_connect(Some(shared.options.connect_timeout))
            .timeout_global(Some(shared.options.request_timeout))
            .user_agent(ureq::config::AutoHeaderValue::None)
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        let worker_shared = Arc::clone(&shared);
        let worker = std::thread::Builder::new()
            .name("telemetry-http".to_owned())
            .spawn(move || run(&worker_shared, &agent, &endpoint))?;
        Ok(HttpSink {
            shared,
            worker: Mutex::new(Some(worker)),
        })
    }
}

impl Sink for HttpSink {
    fn deliver(&self, records: Vec<String>) {
        let mut state = self.shared.lock();
        if state.deadline.is_some() {
            Counters::add(&self.shared.counters.failed, records.len());
            return;
        }
        let room = self
            .shared
            .options
            .queue_bound
            .saturating_sub(state.queue.len());
        let dropped = records.len().saturating_sub(room);
        state.queue.extend(records.into_iter().take(room));
        drop(state);
        Counters::add(&self.shared.counters.dropped, dropped);
        self.shared.wake.notify_one();
    }

    fn shutdown(&self, deadline: Instant) {
        let mut state = self.shared.lock();
        state.deadline = Some(deadline);
        self.shared.wake.notify_one();
        while !state.ended {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            state = self
                .shared
                .idle
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        let ended = state.ended;
        // Past the deadline, what is still queued is given up now, and its memory
        // freed, whatever the worker is waiting for.
        let left = state.queue.len();
        state.queue = VecDeque::new();
        drop(state);
        Counters::add(&self.shared.counters.failed, left);
        let handle = self
            .worker
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        // A worker still in a request is left to finish by its own timeout; joining
        // it would make the program wait past the deadline.
        if ended && let Some(handle) = handle {
            let _ = handle.join();
        }
    }

    fn queued(&self) -> usize {
        self.shared.lock().queue.len()
    }
}

/// The worker: takes batches and sends them until shutdown leaves nothing to send.
fn run(shared: &Shared, agent: &ureq::Agent, endpoint: &str) {
    loop {
        let batch: Vec<String> = {
            let mut state = shared.lock();
            loop {
                if let Some(deadline) = state.deadline
                    && (state.queue.is_empty() || Instant::now() >= deadline)
                {
                    let left = state.queue.len();
                    state.queue.clear();
                    state.ended = true;
                    drop(state);
                    Counters::add(&shared.counters.failed, left);
                    shared.idle.notify_all();
                    return;
                }
                if !state.queue.is_empty() {
                    break;
                }
                state = shared
                    .wake
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            let take = state.queue.len().min(shared.options.batch_max.max(1));
            state.busy = true;
            state.queue.drain(..take).collect()
        };
        let sent = send_with_retries(shared, agent, endpoint, &batch);
        let counter = if sent {
            &shared.counters.delivered
        } else {
            &shared.counters.failed
        };
        Counters::add(counter, batch.len());
        shared.lock().busy = false;
        shared.idle.notify_all();
    }
}

/// Sends one batch, retrying with backoff; whether it was accepted.
fn send_with_retries(
    shared: &Shared,
    agent: &ureq::Agent,
    endpoint: &str,
    batch: &[String],
) -> bool {
    let mut body = String::with_capacity(2 + batch.iter().map(|r| r.len() + 1).sum::<usize>());
    body.push('[');
    body.push_str(&batch.join(","));
    body.push(']');
    let options = &shared.options;
    let mut backoff = options.backoff_initial;
    for attempt in 1..=options.max_attempts.max(1) {
        let deadline = shared.lock().deadline;
        let mut timeout = options.request_timeout;
        if let Some(deadline) = deadline {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            timeout = timeout.min(left);
        }
        match post(agent, endpoint, &body, timeout) {
            Outcome::Sent => return true,
            Outcome::Reject => return false,
            Outcome::Retry if attempt == options.max_attempts.max(1) => return false,
            Outcome::Retry => {}
        }
        // Wait before the next try, within the shutdown deadline once there is one.
        let until = Instant::now() + backoff;
        let mut state = shared.lock();
        loop {
            let end = state.deadline.map_or(until, |deadline| deadline.min(until));
            let now = Instant::now();
            if now >= end {
                break;
            }
            state = shared
                .wake
                .wait_timeout(state, end - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        if state
            .deadline
            .is_some_and(|deadline| Instant::now() >= deadline)
        {
            return false;
        }
        drop(state);
        backoff = (backoff * 2).min(options.backoff_max);
    }
    false
}

/// One POST of a batch.
fn post(agent: &ureq::Agent, endpoint: &str, body: &str, timeout: Duration) -> Outcome {
    let request = agent
        .post(endpoint)
        .config()
        .timeout_global(Some(timeout))
        .build()
        .header("Content-Type", "application/json");
    match request.send(body.as_bytes()) {
        Ok(response) => {
            let status = response.status().as_u16();
            if (200..300).contains(&status) {
                Outcome::Sent
            } else if status == 408 || status == 429 || status >= 500 {
                Outcome::Retry
            } else {
                Outcome::Reject
            }
        }
        Err(ureq::Error::BadUri(_) | ureq::Error::RequireHttpsOnly(_)) => Outcome::Reject,
        Err(_) => Outcome::Retry,
    }
}

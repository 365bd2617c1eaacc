//! The network sinks' one machinery: records queued in memory and POSTed in
//! batches by a background thread, through an [`HttpClient`], in a [`Format`] (our
//! JSON array, or OTLP with the `otlp` feature). It never makes the program wait.
//!
//! - **Queue.** At most [`HttpOptions::queue_bound`] records wait in memory; a
//!   record that finds the queue full is dropped and counted. Queuing never waits
//!   for the network.
//! - **Batches and retries.** A batch holds at most [`HttpOptions::batch_max`]
//!   records. A batch without answer, or with an answer the format calls
//!   retryable, is tried again after [`HttpOptions::backoff_initial`], doubling up
//!   to [`HttpOptions::backoff_max`], at most [`HttpOptions::max_attempts`] times in
//!   all. Then the collector counts as unreachable for this run: that batch and
//!   everything after it stay for the spool. A batch the collector rejects (another
//!   4xx) is given up and counted as failed, never retried.
//! - **No wait at exit.** Shutdown waits for delivery at most its timeout
//!   (`DEFAULT_SHUTDOWN`, 5 ms, by default), then takes what is not delivered (the
//!   batch in flight, the queue, what came from the spool) out of the sink and
//!   appends it to the spool file in one write, and returns. The background thread
//!   is not joined: a request still running ends with the process, or by its own
//!   timeout. A batch in flight at that moment may reach the collector and be sent
//!   again by the next run (at-least-once delivery).
//! - **Spool first.** At start, the background thread takes the records of the
//!   spool file (renaming it, so two runs never take the same records) and sends
//!   them before the records of this run. The spool file never grows past its size
//!   limit: at shutdown, records that would cross it are dropped and counted, the
//!   newest first. Below it, nothing is lost.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use super::client::HttpClient;
use super::endpoint::Endpoint;
use super::spool::Spool;
use super::{Counters, Sink};

/// Settings of the network sinks; [`HttpOptions::default`] gives the documented
/// values. The two timeouts configure the built-in client of the `http` feature; a
/// program's own [`HttpClient`] sets its own.
#[derive(Clone, Debug)]
pub struct HttpOptions {
    /// The most records waiting in memory; further records are dropped and counted.
    /// Default 1,000. Records taken from the spool at start come on top, bounded by
    /// the spool's size limit.
    pub queue_bound: usize,
    /// The most records in one request. Default 100.
    pub batch_max: usize,
    /// The longest wait for a connection (TCP and TLS), built-in client only.
    /// Default 2 s.
    pub connect_timeout: Duration,
    /// The longest time one request may take in all, built-in client only.
    /// Default 5 s.
    pub request_timeout: Duration,
    /// How many times a batch is tried before the collector counts as unreachable
    /// for the run. Default 4.
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

/// How a batch of records travels.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Format {
    /// Our records as one JSON array, `application/json`.
    Json,
    /// OTLP/HTTP: an `ExportLogsServiceRequest` in protobuf, with the service's name.
    #[cfg(feature = "otlp")]
    Otlp {
        /// `service.name`: the project's name.
        service: &'static str,
    },
}

impl Format {
    fn content_type(self) -> &'static str {
        match self {
            Format::Json => "application/json",
            #[cfg(feature = "otlp")]
            Format::Otlp { .. } => "application/x-protobuf",
        }
    }

    fn encode(self, batch: &[String]) -> Vec<u8> {
        match self {
            Format::Json => {
                let mut body =
                    String::with_capacity(2 + batch.iter().map(|r| r.len() + 1).sum::<usize>());
                body.push('[');
                body.push_str(&batch.join(","));
                body.push(']');
                body.into_bytes()
            }
            #[cfg(feature = "otlp")]
            Format::Otlp { service } => super::otlp::encode(batch, service),
        }
    }

    /// Whether an answer with `status` is worth another try. Ours: 408, 429 and
    /// 5xx. OTLP: 429, 502, 503 and 504, as the OTLP specification's "Failures"
    /// section for OTLP/HTTP lists them.
    fn retryable(self, status: u16) -> bool {
        match self {
            Format::Json => status == 408 || status == 429 || status >= 500,
            #[cfg(feature = "otlp")]
            Format::Otlp { .. } => matches!(status, 429 | 502 | 503 | 504),
        }
    }
}

struct State {
    /// Records taken from the spool at start, sent first.
    backlog: VecDeque<String>,
    /// Records of this run.
    queue: VecDeque<String>,
    /// The batch the worker is sending.
    in_flight: Vec<String>,
    /// Set when the worker has taken the spool's records (or found none).
    loaded: bool,
    /// Set when a batch ran out of tries: the worker sends nothing more in this run.
    unreachable: bool,
    /// Set by shutdown: what was left is in the spool now.
    stopped: bool,
}

impl State {
    fn idle(&self) -> bool {
        self.loaded
            && (self.unreachable
                || (self.backlog.is_empty() && self.queue.is_empty() && self.in_flight.is_empty()))
    }
}

struct Shared {
    state: Mutex<State>,
    /// Wakes the worker: records arrived, or shutdown began.
    wake: Condvar,
    /// Wakes shutdown: the worker finished a batch.
    idle: Condvar,
    options: HttpOptions,
    counters: Arc<Counters>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A network sink: the built-in HTTP sink, one over the program's own client, or
/// the OTLP sink.
pub(crate) struct NetworkSink {
    shared: Arc<Shared>,
    spool: Option<Spool>,
}

/// What one try of a batch came to.
enum Outcome {
    Sent,
    Retry,
    Reject,
}

impl NetworkSink {
    /// Starts the background thread that takes the spool's records and then POSTs
    /// batches to `endpoint`.
    ///
    /// # Errors
    /// When the thread cannot be started; the caller then sends nothing.
    pub(crate) fn start(
        endpoint: Endpoint,
        format: Format,
        client: Box<dyn HttpClient>,
        options: HttpOptions,
        spool: Option<Spool>,
        counters: Arc<Counters>,
    ) -> std::io::Result<Self> {
        let shared = Arc::new(Shared {
            state: Mutex::new(State {
                backlog: VecDeque::new(),
                queue: VecDeque::with_capacity(options.queue_bound.min(1_024)),
                in_flight: Vec::new(),
                loaded: false,
                unreachable: false,
                stopped: false,
            }),
            wake: Condvar::new(),
            idle: Condvar::new(),
            options,
            counters,
        });
        let worker = Worker {
            shared: Arc::clone(&shared),
            client,
            endpoint,
            format,
            spool: spool.clone(),
        };
        std::thread::Builder::new()
            .name("telemetry-sink".to_owned())
            .spawn(move || worker.run())?;
        Ok(NetworkSink { shared, spool })
    }
}

impl Sink for NetworkSink {
    fn deliver(&self, records: Vec<String>) {
        let mut state = self.shared.lock();
        if state.stopped {
            drop(state);
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
        while !state.idle() {
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
        state.stopped = true;
        let mut left = std::mem::take(&mut state.in_flight);
        left.extend(std::mem::take(&mut state.backlog));
        left.extend(std::mem::take(&mut state.queue));
        drop(state);
        self.shared.wake.notify_one();
        if left.is_empty() {
            return;
        }
        let counters = &self.shared.counters;
        match self.spool.as_ref().map(|spool| spool.append(&left)) {
            Some(Ok(appended)) => {
                Counters::add(&counters.spooled, appended.kept);
                Counters::add(&counters.dropped, appended.dropped);
            }
            Some(Err(_)) | None => Counters::add(&counters.failed, left.len()),
        }
    }

    fn queued(&self) -> usize {
        let state = self.shared.lock();
        state.backlog.len() + state.queue.len()
    }
}

/// The background thread's side.
struct Worker {
    shared: Arc<Shared>,
    client: Box<dyn HttpClient>,
    endpoint: Endpoint,
    format: Format,
    spool: Option<Spool>,
}

impl Worker {
    /// Takes the spool's records, then sends batches until shutdown.
    fn run(self) {
        let shared = &*self.shared;
        {
            // Under the lock: shutdown either comes first (and the spool is left
            // alone) or finds the records in the backlog (and puts them back).
            let mut state = shared.lock();
            if !state.stopped
                && let Some(spool) = &self.spool
            {
                state.backlog = spool.take().into();
            }
            state.loaded = true;
        }
        shared.idle.notify_all();
        loop {
            let body = {
                let mut state = shared.lock();
                loop {
                    if state.stopped {
                        return;
                    }
                    let waiting = !state.backlog.is_empty() || !state.queue.is_empty();
                    if waiting && !state.unreachable {
                        break;
                    }
                    state = shared
                        .wake
                        .wait(state)
                        .unwrap_or_else(PoisonError::into_inner);
                }
                let max = shared.options.batch_max.max(1);
                let from_backlog = state.backlog.len().min(max);
                let mut batch: Vec<String> = state.backlog.drain(..from_backlog).collect();
                let from_queue = state.queue.len().min(max - batch.len());
                batch.extend(state.queue.drain(..from_queue));
                let body = self.format.encode(&batch);
                state.in_flight = batch;
                body
            };
            let outcome = self.send_with_retries(&body);
            let mut state = shared.lock();
            if state.stopped {
                // Shutdown put the batch in the spool.
                return;
            }
            let batch = std::mem::take(&mut state.in_flight);
            match outcome {
                Some(Outcome::Sent) => Counters::add(&shared.counters.delivered, batch.len()),
                Some(Outcome::Reject) => Counters::add(&shared.counters.failed, batch.len()),
                // Out of tries: keep the batch, first in line, for the spool.
                Some(Outcome::Retry) | None => {
                    for record in batch.into_iter().rev() {
                        state.backlog.push_front(record);
                    }
                    state.unreachable = true;
                }
            }
            drop(state);
            shared.idle.notify_all();
        }
    }

    /// Sends one batch, retrying with backoff; the last try's outcome, or `None`
    /// when shutdown came first.
    fn send_with_retries(&self, body: &[u8]) -> Option<Outcome> {
        let shared = &*self.shared;
        let options = &shared.options;
        let attempts = options.max_attempts.max(1);
        let mut backoff = options.backoff_initial;
        for attempt in 1..=attempts {
            let outcome =
                match self
                    .client
                    .post(self.endpoint.as_str(), self.format.content_type(), body)
                {
                    Ok(status) if (200..300).contains(&status) => Outcome::Sent,
                    Ok(status) if self.format.retryable(status) => Outcome::Retry,
                    Ok(_) => Outcome::Reject,
                    Err(_) => Outcome::Retry,
                };
            if !matches!(outcome, Outcome::Retry) || attempt == attempts {
                return Some(outcome);
            }
            // Wait before the next try, unless shutdown comes.
            let until = Instant::now() + backoff;
            let mut state = shared.lock();
            loop {
                if state.stopped {
                    return None;
                }
                let now = Instant::now();
                if now >= until {
                    break;
                }
                state = shared
                    .wake
                    .wait_timeout(state, until - now)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
            }
            drop(state);
            backoff = (backoff * 2).min(options.backoff_max);
        }
        Some(Outcome::Retry)
    }
}

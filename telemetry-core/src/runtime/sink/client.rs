//! The HTTP client a network sink POSTs with: the program's own, through the small
//! [`HttpClient`] trait, or the built-in one of the `http` feature.

/// A failed request: no connection, a timeout, a TLS failure. The sink tries the
/// batch again later; the error's text is never shown to the user.
pub type HttpError = Box<dyn std::error::Error + Send + Sync>;

/// The program's own HTTP client, for the network sinks
/// ([`TelemetryBuilder::http_client`](crate::runtime::TelemetryBuilder::http_client),
/// and `otlp_client` with the `otlp` feature), so that telemetry brings no second
/// HTTP and TLS stack into a program that has one.
///
/// The sink calls [`post`](Self::post) from its own background thread, one request
/// at a time, never from the thread that records events, and never waits for it at
/// exit: a request still running then is abandoned, and its records are kept in the
/// spool for the next run. What the client should do:
///
/// - **Timeouts**: a connect timeout of about 2 s and a timeout for the whole
///   request of about 5 s (the built-in client's defaults, [`HttpOptions`](crate::runtime::HttpOptions)).
///   A client without them only delays delivery; it never delays the program.
/// - **No redirects, no cookies, no `User-Agent`** (or a generic one): a redirect
///   could send records where the manifest does not say, and the other two
///   identify the user's machine to the collector.
/// - **A status is an answer**: return `Ok(status)` for any HTTP answer, 4xx and
///   5xx included (the sink decides what to retry); return `Err` only when no
///   answer came.
///
/// Any `Fn(&str, &str, &[u8]) -> Result<u16, HttpError>` that is `Send + Sync` is an
/// `HttpClient`.
///
/// With reqwest's blocking client (feature `blocking`), whose `Client` is built
/// once and reused:
///
/// ```ignore
/// // Not compiled here: telemetry-core does not depend on reqwest.
/// struct Reqwest(reqwest::blocking::Client);
///
/// impl telemetry_core::runtime::HttpClient for Reqwest {
///     fn post(&self, url: &str, content_type: &str, body: &[u8]) -> Result<u16, HttpError> {
///         let response = self.0.post(url)
///             .header(reqwest::header::CONTENT_TYPE, content_type)
///             .body(body.to_vec())
///             .send()?;
///         Ok(response.status().as_u16())
///     }
/// }
///
/// let client = reqwest::blocking::Client::builder()
///     .connect_timeout(std::time::Duration::from_secs(2))
///     .timeout(std::time::Duration::from_secs(5))
///     .redirect(reqwest::redirect::Policy::none())
///     .build()?;
/// let builder = builder.http_client(endpoint, Reqwest(client), HttpOptions::default());
/// ```
///
/// With ureq 3 (the same code as the built-in client of the `http` feature, and
/// as `examples/acme` with its `own-client` feature):
///
/// ```ignore
/// // Not compiled here: ureq is only a dependency of the `http` feature.
/// struct Ureq(ureq::Agent);
///
/// impl telemetry_core::runtime::HttpClient for Ureq {
///     fn post(&self, url: &str, content_type: &str, body: &[u8]) -> Result<u16, HttpError> {
///         let response = self.0.post(url).header("Content-Type", content_type).send(body)?;
///         Ok(response.status().as_u16())
///     }
/// }
///
/// let agent: ureq::Agent = ureq::Agent::config_builder()
///     .timeout_connect(Some(std::time::Duration::from_secs(2)))
///     .timeout_global(Some(std::time::Duration::from_secs(5)))
///     .user_agent(ureq::config::AutoHeaderValue::None)
///     .http_status_as_error(false) // a 4xx or 5xx is an answer, not an error
///     .max_redirects(0)
///     .build()
///     .into();
/// let builder = builder.http_client(endpoint, Ureq(agent), HttpOptions::default());
/// ```
///
/// A closure works too; this one, for a test, accepts every request:
///
/// ```
/// use telemetry_core::runtime::{HttpClient, HttpError};
///
/// let client = |_url: &str, _content_type: &str, body: &[u8]| -> Result<u16, HttpError> {
///     assert!(!body.is_empty());
///     Ok(200)
/// };
/// assert_eq!(client.post("https://telemetry.example/v1/records", "application/json", b"[]").ok(), Some(200));
/// ```
pub trait HttpClient: Send + Sync + 'static {
    /// POSTs `body` to `url` with the header `Content-Type: <content_type>`, and
    /// returns the answer's status code (`200`, `503`, ...).
    ///
    /// # Errors
    /// When no answer came: no connection, a timeout, a TLS failure. The batch is
    /// tried again.
    fn post(&self, url: &str, content_type: &str, body: &[u8]) -> Result<u16, HttpError>;
}

impl<F> HttpClient for F
where
    F: Fn(&str, &str, &[u8]) -> Result<u16, HttpError> + Send + Sync + 'static,
{
    fn post(&self, url: &str, content_type: &str, body: &[u8]) -> Result<u16, HttpError> {
        self(url, content_type, body)
    }
}

/// The built-in client (feature `http`): ureq with rustls, configured as
/// [`HttpClient`] asks, with the timeouts of [`HttpOptions`](crate::runtime::HttpOptions).
#[cfg(feature = "http")]
pub(crate) struct Ureq(ureq::Agent);

#[cfg(feature = "http")]
impl Ureq {
    /// A client with the given connect and whole-request timeouts, no redirects and
    /// no `User-Agent`.
    pub(crate) fn new(connect: std::time::Duration, request: std::time::Duration) -> Ureq {
        Ureq(
            ureq::Agent::config_builder()
                .timeout_connect(Some(connect))
                .timeout_global(Some(request))
                .user_agent(ureq::config::AutoHeaderValue::None)
                .http_status_as_error(false)
                .max_redirects(0)
                .build()
                .into(),
        )
    }
}

#[cfg(feature = "http")]
impl HttpClient for Ureq {
    fn post(&self, url: &str, content_type: &str, body: &[u8]) -> Result<u16, HttpError> {
        let response = self
            .0
            .post(url)
            .header("Content-Type", content_type)
            .send(body)?;
        Ok(response.status().as_u16())
    }
}

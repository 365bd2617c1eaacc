//! A network sink's endpoint, checked when the sink is set: `https://`, or plain
//! `http://` only to a loopback host, so records never cross a network unencrypted.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The URL a network sink POSTs to, checked by [`Endpoint::new`]: an `https://` URL,
/// or an `http://` URL whose host is on loopback (`localhost`, `127.0.0.0/8`,
/// `[::1]`), for tests and a collector on the same machine.
///
/// The check reads the URL's host as written: a name other than `localhost` counts
/// as remote, even one that resolves to a loopback address.
///
/// ```
/// use telemetry_core::runtime::{Endpoint, EndpointError};
///
/// assert!(Endpoint::new("https://telemetry.acme.example/v1/records").is_ok());
/// assert!(Endpoint::new("http://127.0.0.1:4318/v1/logs").is_ok());
/// assert!(matches!(
///     Endpoint::new("http://telemetry.acme.example/v1/records"),
///     Err(EndpointError::PlainHttp { .. })
/// ));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    url: String,
}

/// Why a URL is refused as an endpoint. Its `Display` says what is wrong and the
/// fix, in one sentence without trailing period.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EndpointError {
    /// The URL is not `http://` or `https://` followed by a host.
    NotAUrl {
        /// The URL as given.
        url: String,
    },
    /// The URL carries a user name or password (`https://user:secret@host/`), which
    /// would be sent with every request and kept in logs.
    Credentials {
        /// The URL as given.
        url: String,
    },
    /// A plain `http://` URL to a host that is not on loopback: records would cross
    /// the network unencrypted.
    PlainHttp {
        /// The URL as given.
        url: String,
        /// The host named by the URL.
        host: String,
    },
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EndpointError::NotAUrl { url } => write!(
                f,
                "telemetry endpoint {url:?} is not an http:// or https:// URL with a host; give the collector's full URL, such as https://telemetry.example/v1/records"
            ),
            EndpointError::Credentials { url } => write!(
                f,
                "telemetry endpoint {url:?} carries a user name or password, which every request would expose; authenticate in the program's own HTTP client instead"
            ),
            EndpointError::PlainHttp { url, host } => write!(
                f,
                "telemetry endpoint {url:?} uses plain http:// to {host}, which is not on loopback, so records would cross the network unencrypted; use https://"
            ),
        }
    }
}

impl std::error::Error for EndpointError {}

impl Endpoint {
    /// Checks `url`: `https://` to any host, or `http://` to `localhost`,
    /// `127.0.0.0/8` or `[::1]`; the scheme and `localhost` in any case.
    ///
    /// # Errors
    /// [`EndpointError`]: not an `http(s)://` URL with a host, credentials in the
    /// URL, or plain `http://` to a host off loopback.
    pub fn new(url: &str) -> Result<Endpoint, EndpointError> {
        let not_a_url = || EndpointError::NotAUrl {
            url: url.to_owned(),
        };
        if url.is_empty() || !url.is_ascii() || url.bytes().any(|b| b.is_ascii_whitespace()) {
            return Err(not_a_url());
        }
        let (scheme, rest) = url.split_once("://").ok_or_else(not_a_url)?;
        let tls = if scheme.eq_ignore_ascii_case("https") {
            true
        } else if scheme.eq_ignore_ascii_case("http") {
            false
        } else {
            return Err(not_a_url());
        };
        let authority = rest
            .split(['/', '?', '#'])
            .next()
            .filter(|a| !a.is_empty())
            .ok_or_else(not_a_url)?;
        if authority.contains('@') {
            return Err(EndpointError::Credentials {
                url: url.to_owned(),
            });
        }
        let host = host_of(authority).ok_or_else(not_a_url)?;
        if !tls && !is_loopback(host) {
            return Err(EndpointError::PlainHttp {
                url: url.to_owned(),
                host: host.to_owned(),
            });
        }
        Ok(Endpoint {
            url: url.to_owned(),
        })
    }

    /// The URL, as given.
    pub fn as_str(&self) -> &str {
        &self.url
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url)
    }
}

impl TryFrom<&str> for Endpoint {
    type Error = EndpointError;

    fn try_from(url: &str) -> Result<Endpoint, EndpointError> {
        Endpoint::new(url)
    }
}

/// The host of an authority (`host`, `host:port`, `[v6]`, `[v6]:port`), or `None`
/// when it is malformed.
fn host_of(authority: &str) -> Option<&str> {
    let (host, port) = if let Some(bracketed) = authority.strip_prefix('[') {
        let (v6, after) = bracketed.split_once(']')?;
        v6.parse::<Ipv6Addr>().ok()?;
        let port = if after.is_empty() {
            None
        } else {
            Some(after.strip_prefix(':')?)
        };
        (v6, port)
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return None;
    }
    if let Some(port) = port
        && !(port.is_empty() || port.parse::<u16>().is_ok())
    {
        return None;
    }
    Some(host)
}

/// Whether `host` names this machine by its loopback interface: `localhost` (RFC
/// 6761, section 6.3, reserves it for loopback), `127.0.0.0/8` or `::1` (RFC 6890).
fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<Ipv4Addr>()
            .map(|ip| IpAddr::V4(ip).is_loopback())
            .or_else(|_| host.parse::<Ipv6Addr>().map(|ip| ip == Ipv6Addr::LOCALHOST))
            .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_anywhere_and_http_on_loopback_only() {
        for url in [
            "https://telemetry.acme.example/v1/records",
            "HTTPS://telemetry.acme.example:8443",
            "https://10.0.0.1/v1/logs",
            "http://127.0.0.1:4318/v1/logs",
            "http://127.8.9.10/x",
            "http://localhost:4318/v1/logs",
            "http://LocalHost/",
            "http://[::1]:4318/v1/logs",
            "http://[::1]",
        ] {
            assert_eq!(
                Endpoint::new(url).map(|e| e.to_string()),
                Ok(url.to_owned())
            );
        }
        for (url, host) in [
            (
                "http://telemetry.acme.example/v1/records",
                "telemetry.acme.example",
            ),
            ("http://10.0.0.1:4318/v1/logs", "10.0.0.1"),
            ("http://128.0.0.1/", "128.0.0.1"),
            ("http://localhost.acme.example/", "localhost.acme.example"),
            ("http://[::2]:80/", "::2"),
            ("http://0.0.0.0:4318/", "0.0.0.0"),
        ] {
            let error = Endpoint::new(url).expect_err(url);
            assert_eq!(
                error,
                EndpointError::PlainHttp {
                    url: url.to_owned(),
                    host: host.to_owned()
                }
            );
            assert!(error.to_string().contains("use https://"), "{error}");
        }
    }

    #[test]
    fn malformed_urls_and_credentials_are_refused() {
        for url in [
            "",
            "telemetry.acme.example",
            "ftp://telemetry.acme.example/",
            "https://",
            "https:///v1",
            "https://host:port/",
            "https://[::1/",
            "https://[::1]x/",
            "https://tele metry.example/",
            "https://télémétrie.example/",
        ] {
            assert!(
                matches!(Endpoint::new(url), Err(EndpointError::NotAUrl { .. })),
                "{url}"
            );
        }
        assert!(matches!(
            Endpoint::new("https://user:secret@telemetry.acme.example/"),
            Err(EndpointError::Credentials { .. })
        ));
    }
}

//! HTTP downloads: a blocking reqwest client with timeouts, a user agent, gzip decoded by
//! hand (so `Content-Length` is the progress total), conditional requests, size caps, a
//! bounded and never-downgrading redirect policy, and bounded retries. Nothing here prints:
//! progress goes through [`Progress`].

use std::fmt;
use std::fs::File;
use std::io::{self, Read, Seek, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow};
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{StatusCode, Url};
use sha2::{Digest, Sha256};

/// The largest body accepted by default, on the wire and decompressed (enterprise 18.1 is
/// 45 MB): the largest file attck would read afterwards, [`super::MAX_FILE_BYTES`].
/// [`HttpConfig::max_bytes`] holds the cap in force.
pub const MAX_BYTES: u64 = super::MAX_FILE_BYTES;

/// Redirects followed per request; one more (or a loop) is refused.
pub const MAX_REDIRECTS: usize = 5;

/// A whole transfer may take this many read timeouts (30 s each by default: 15 minutes),
/// so a server that trickles bytes forever is cut off even though no single read times out.
pub const DEADLINE_READS: u32 = 30;

/// How requests are made.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Limit for establishing a connection.
    pub connect_timeout: Duration,
    /// Limit for the response headers and for each read of the body.
    pub read_timeout: Duration,
    /// Attempts per request (connection errors, timeouts, cut bodies and 5xx are retried).
    pub attempts: u32,
    /// Wait before the first retry; doubled for each further one.
    pub backoff: Duration,
    /// The largest body accepted, on the wire and after gzip decoding.
    pub max_bytes: u64,
}

impl HttpConfig {
    /// The longest a whole transfer (headers and body) may take.
    #[must_use]
    pub fn deadline(&self) -> Duration {
        self.read_timeout * DEADLINE_READS
    }
}

impl Default for HttpConfig {
    fn default() -> Self {
        HttpConfig {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            attempts: 3,
            backoff: Duration::from_millis(500),
            max_bytes: MAX_BYTES,
        }
    }
}

/// Receives download progress (the command layer draws it).
pub trait Progress {
    /// Another process holds the data directory lock; this one waits.
    fn waiting_for_lock(&mut self, _lock: &Path) {}
    /// A body starts: `total` is the `Content-Length` (bytes on the wire), when known.
    fn start(&mut self, _url: &str, _total: Option<u64>) {}
    /// `n` more bytes arrived.
    fn advance(&mut self, _n: u64) {}
    /// The body ended (or failed).
    fn finish(&mut self) {}
    /// An attempt failed and another follows after `wait`.
    fn retry(&mut self, _url: &str, _cause: &str, _next_attempt: u32, _of: u32, _wait: Duration) {}
    /// `files` partial downloads (`bytes` in all) left by interrupted updates were removed.
    fn swept(&mut self, _files: usize, _bytes: u64) {}
}

/// Reports nothing.
pub struct Silent;

impl Progress for Silent {}

/// Validators from a previous download, for a conditional request.
#[derive(Debug, Clone, Default)]
pub struct Conditional {
    /// Sent as `If-None-Match`.
    pub etag: Option<String>,
    /// Sent as `If-Modified-Since`.
    pub last_modified: Option<String>,
}

/// What a GET produced.
#[derive(Debug, Clone)]
pub enum Fetched {
    /// 304: what we have is current.
    NotModified,
    /// The body was written to the file.
    Body(Body),
}

/// A body written to a file.
#[derive(Debug, Clone)]
pub struct Body {
    /// The response `ETag`.
    pub etag: Option<String>,
    /// The response `Last-Modified`.
    pub last_modified: Option<String>,
    /// Bytes received on the wire (compressed, when gzip).
    pub wire_bytes: u64,
    /// Bytes written (decompressed).
    pub size: u64,
    /// sha256 of the bytes written, lower-case hex.
    pub sha256: String,
    /// Time spent on the successful attempt.
    pub elapsed: Duration,
}

/// A failed attempt: retried when `transient`.
struct Failure {
    cause: String,
    transient: bool,
}

impl Failure {
    fn transient(cause: impl Into<String>) -> Failure {
        Failure {
            cause: cause.into(),
            transient: true,
        }
    }
    fn fatal(cause: impl Into<String>) -> Failure {
        Failure {
            cause: cause.into(),
            transient: false,
        }
    }
}

/// A blocking HTTP client for bundle and index downloads.
pub struct Client {
    http: reqwest::blocking::Client,
    config: HttpConfig,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// The innermost message of an error chain, which is the informative one for reqwest/hyper.
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

fn describe_reqwest(e: &reqwest::Error, timeout: Duration) -> String {
    if e.is_timeout() {
        format!(
            "timed out (nothing received for {} s)",
            timeout.as_secs_f32()
        )
    } else if e.is_connect() {
        format!("cannot connect ({})", root_cause(e))
    } else {
        root_cause(e)
    }
}

/// Describes a body read error: timeouts and resets read better than reqwest's wording.
fn describe_read(e: &io::Error, timeout: Duration) -> String {
    if let Some(r) = e.get_ref().and_then(|i| i.downcast_ref::<reqwest::Error>()) {
        return format!(
            "the connection failed mid-body: {}",
            describe_reqwest(r, timeout)
        );
    }
    match e.kind() {
        io::ErrorKind::TimedOut => format!(
            "timed out mid-body (nothing received for {} s)",
            timeout.as_secs_f32()
        ),
        io::ErrorKind::UnexpectedEof => "the body ends early (truncated gzip stream)".to_string(),
        io::ErrorKind::InvalidInput | io::ErrorKind::InvalidData => {
            format!("the gzip body is corrupt ({e})")
        }
        _ => format!("the connection failed mid-body: {e}"),
    }
}

fn header_string(h: &HeaderMap, name: header::HeaderName) -> Option<String> {
    h.get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// Counts bytes from the wire, reports them, and enforces the size cap and the deadline.
struct Counting<'a, R> {
    inner: R,
    count: u64,
    max: u64,
    deadline: Instant,
    progress: &'a mut dyn Progress,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if Instant::now() >= self.deadline {
            return Err(io::Error::other(Cutoff::Deadline));
        }
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        self.progress.advance(n as u64);
        if self.count > self.max {
            return Err(io::Error::other(Cutoff::TooLarge(self.max)));
        }
        Ok(n)
    }
}

/// Why a body was cut off on our side (never retried: the same server would do it again).
#[derive(Debug)]
enum Cutoff {
    /// More bytes on the wire than the cap.
    TooLarge(u64),
    /// The transfer outlasted [`HttpConfig::deadline`].
    Deadline,
}

impl fmt::Display for Cutoff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cutoff::TooLarge(max) => write!(f, "the body is larger than {}", cap_text(*max)),
            Cutoff::Deadline => f.write_str("the transfer took too long"),
        }
    }
}

impl std::error::Error for Cutoff {}

/// The size cap in words: MiB when it is a whole number of them, else bytes.
fn cap_text(max: u64) -> String {
    if max >= 1 << 20 && max.is_multiple_of(1 << 20) {
        format!("{} MiB", max >> 20)
    } else {
        format!("{max} bytes")
    }
}

/// Whether a redirect from the chain `previous` (the request URL first) to `next` is
/// followed: at most [`MAX_REDIRECTS`] hops, never back to a URL already visited, only to
/// http or https, and never from https down to plain http.
///
/// # Errors
/// The reason the redirect is refused, in words.
pub fn redirect_verdict(previous: &[Url], next: &Url) -> Result<(), String> {
    if previous.len() > MAX_REDIRECTS {
        return Err(format!(
            "more than {MAX_REDIRECTS} redirects (the last to {next})"
        ));
    }
    if previous.contains(next) {
        return Err(format!("a redirect loop (back to {next})"));
    }
    if !matches!(next.scheme(), "http" | "https") {
        return Err(format!("a redirect to a non-http URL ({next})"));
    }
    if next.scheme() == "http" && previous.last().is_some_and(|p| p.scheme() == "https") {
        return Err(format!(
            "refused a redirect from https to plain http ({next})"
        ));
    }
    Ok(())
}

impl Client {
    /// Builds the client: rustls with the ring provider, the `attck/<version>` user agent.
    pub fn new(config: HttpConfig) -> Result<Client> {
        // Installing twice (first-use download then update in one process) is harmless.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::blocking::Client::builder()
            .user_agent(concat!("attck/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(config.connect_timeout)
            .timeout(config.read_timeout)
            .redirect(reqwest::redirect::Policy::custom(
                |attempt| match redirect_verdict(attempt.previous(), attempt.url()) {
                    Ok(()) => attempt.follow(),
                    Err(why) => attempt.error(why),
                },
            ))
            .build()
            .map_err(|e| anyhow!("cannot set up the HTTP client: {}", root_cause(&e)))?;
        Ok(Client { http, config })
    }

    /// GETs `url` into `file` (truncated first), retrying transient failures.
    /// The error names the URL and the cause in one line.
    pub fn get_to_file(
        &self,
        url: &str,
        cond: Option<&Conditional>,
        file: &mut File,
        progress: &mut dyn Progress,
    ) -> Result<Fetched> {
        let attempts = self.config.attempts.max(1);
        let mut wait = self.config.backoff;
        for attempt in 1..=attempts {
            match self.attempt(url, cond, file, progress) {
                Ok(f) => return Ok(f),
                Err(f) if f.transient && attempt < attempts => {
                    progress.retry(url, &f.cause, attempt + 1, attempts, wait);
                    std::thread::sleep(wait);
                    wait *= 2;
                }
                Err(f) if f.transient => {
                    return Err(anyhow!(
                        "cannot download {url}: {} (after {attempts} attempts)",
                        f.cause
                    ));
                }
                Err(f) => return Err(anyhow!("cannot download {url}: {}", f.cause)),
            }
        }
        unreachable!("the loop returns on the last attempt")
    }

    fn attempt(
        &self,
        url: &str,
        cond: Option<&Conditional>,
        file: &mut File,
        progress: &mut dyn Progress,
    ) -> Result<Fetched, Failure> {
        let started = Instant::now();
        let timeout = self.config.read_timeout;
        let mut req = self
            .http
            .get(url)
            .header(header::ACCEPT_ENCODING, HeaderValue::from_static("gzip"));
        if let Some(c) = cond {
            if let Some(e) = &c.etag {
                req = req.header(header::IF_NONE_MATCH, e.as_str());
            }
            if let Some(m) = &c.last_modified {
                req = req.header(header::IF_MODIFIED_SINCE, m.as_str());
            }
        }
        let resp = req.send().map_err(|e| {
            if e.is_redirect() {
                Failure::fatal(root_cause(&e))
            } else {
                Failure::transient(describe_reqwest(&e, timeout))
            }
        })?;
        let status = resp.status();
        if status == StatusCode::NOT_MODIFIED && cond.is_some() {
            return Ok(Fetched::NotModified);
        }
        if status.is_server_error() {
            return Err(Failure::transient(format!("the server answered {status}")));
        }
        if status.is_redirection() && status != StatusCode::NOT_MODIFIED {
            // A redirect the client did not follow: one whose Location is not an http(s) URL
            // (those never reach the policy above). Say where it led, not just the status.
            let location = header_string(resp.headers(), header::LOCATION);
            let why = match &location {
                None => format!("the server answered {status} with no Location"),
                Some(l) => match Url::parse(url).and_then(|base| base.join(l)) {
                    Ok(next) => redirect_verdict(&[], &next).err().unwrap_or_else(|| {
                        format!("the server answered {status} to {next}, which was not followed")
                    }),
                    Err(_) => {
                        format!("the server answered {status} to an unreadable Location ({l})")
                    }
                },
            };
            return Err(Failure::fatal(why));
        }
        if !status.is_success() {
            return Err(Failure::fatal(format!("the server answered {status}")));
        }
        let headers = resp.headers().clone();
        let total = resp.content_length();
        let max = self.config.max_bytes;
        if let Some(t) = total.filter(|&t| t > max) {
            // Refused before a byte of the body is read.
            return Err(Failure::fatal(format!(
                "the body is larger than {} (Content-Length: {t})",
                cap_text(max)
            )));
        }
        let gzip = match header_string(&headers, header::CONTENT_ENCODING).as_deref() {
            None | Some("identity") => false,
            Some(e) if e.eq_ignore_ascii_case("gzip") => true,
            Some(other) => {
                return Err(Failure::fatal(format!(
                    "the server sent an unsupported Content-Encoding: {other}"
                )));
            }
        };

        file.set_len(0)
            .and_then(|()| file.rewind())
            .map_err(|e| Failure::fatal(format!("cannot write the temporary file: {e}")))?;
        progress.start(url, total);
        let mut counting = Counting {
            inner: resp,
            count: 0,
            max,
            deadline: started + self.config.deadline(),
            progress,
        };
        let copied = if gzip {
            copy_hashed(&mut flate2::read::GzDecoder::new(&mut counting), file, max)
        } else {
            copy_hashed(&mut counting, file, max)
        };
        let wire_bytes = counting.count;
        counting.progress.finish();
        let (size, sha256) = copied.map_err(|e| match e {
            CopyError::Read(e) => match e.get_ref().and_then(|i| i.downcast_ref::<Cutoff>()) {
                Some(Cutoff::Deadline) => Failure::fatal(format!(
                    "the transfer took longer than {} s",
                    self.config.deadline().as_secs()
                )),
                Some(c) => Failure::fatal(c.to_string()),
                None => Failure::transient(describe_read(&e, timeout)),
            },
            CopyError::TooLarge => Failure::fatal(format!(
                "the decompressed body is larger than {}",
                cap_text(max)
            )),
            CopyError::Write(e) => Failure::fatal(format!("cannot write the download: {e}")),
        })?;
        if let Some(t) = total
            && wire_bytes != t
        {
            return Err(Failure::transient(format!(
                "the body ends early: {wire_bytes} of {t} bytes"
            )));
        }
        file.sync_all()
            .map_err(|e| Failure::fatal(format!("cannot write the download: {e}")))?;
        Ok(Fetched::Body(Body {
            etag: header_string(&headers, header::ETAG),
            last_modified: header_string(&headers, header::LAST_MODIFIED),
            wire_bytes,
            size,
            sha256,
            elapsed: started.elapsed(),
        }))
    }
}

enum CopyError {
    Read(io::Error),
    Write(io::Error),
    TooLarge,
}

/// Copies while hashing; read and write failures stay apart (a full disk is not retried).
fn copy_hashed(from: &mut dyn Read, to: &mut File, max: u64) -> Result<(u64, String), CopyError> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut size = 0u64;
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(CopyError::Read(e)),
        };
        size += n as u64;
        if size > max {
            return Err(CopyError::TooLarge);
        }
        hasher.update(&buf[..n]);
        to.write_all(&buf[..n]).map_err(CopyError::Write)?;
    }
    Ok((size, hex(&hasher.finalize())))
}

/// Lower-case hex.
#[must_use]
pub fn hex(bytes: &[u8]) -> String {
    use fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// sha256 of bytes, lower-case hex.
#[must_use]
pub fn sha256(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_matches_a_known_vector() {
        assert_eq!(
            sha256(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    fn urls(list: &[&str]) -> Vec<Url> {
        list.iter().map(|u| Url::parse(u).unwrap()).collect()
    }

    #[test]
    fn redirects_are_bounded_and_never_downgrade() {
        let next = Url::parse("https://b.example/x").unwrap();
        // Up to MAX_REDIRECTS hops are followed.
        let mut chain = urls(&["https://a.example/0"]);
        for i in 1..MAX_REDIRECTS {
            chain.push(Url::parse(&format!("https://a.example/{i}")).unwrap());
        }
        assert_eq!(chain.len(), MAX_REDIRECTS);
        assert_eq!(redirect_verdict(&chain, &next), Ok(()));
        // One more is refused.
        chain.push(Url::parse("https://a.example/last").unwrap());
        let e = redirect_verdict(&chain, &next).unwrap_err();
        assert!(e.contains("more than 5 redirects"), "{e}");
        // A loop is refused at once.
        let e = redirect_verdict(
            &urls(&["https://a.example/0", "https://a.example/1"]),
            &Url::parse("https://a.example/0").unwrap(),
        )
        .unwrap_err();
        assert!(e.contains("loop"), "{e}");
        // https -> http is refused; http -> https and http -> http are followed.
        let e = redirect_verdict(
            &urls(&["https://a.example/0"]),
            &Url::parse("http://a.example/1").unwrap(),
        )
        .unwrap_err();
        assert!(e.contains("from https to plain http"), "{e}");
        let e = redirect_verdict(
            &urls(&["http://a.example/0", "https://a.example/1"]),
            &Url::parse("http://a.example/2").unwrap(),
        )
        .unwrap_err();
        assert!(e.contains("from https to plain http"), "{e}");
        assert_eq!(
            redirect_verdict(
                &urls(&["http://a.example/0"]),
                &Url::parse("https://a.example/1").unwrap()
            ),
            Ok(())
        );
        assert_eq!(
            redirect_verdict(
                &urls(&["http://127.0.0.1:1/a"]),
                &Url::parse("http://127.0.0.1:1/b").unwrap()
            ),
            Ok(())
        );
        // Other schemes are refused.
        let e = redirect_verdict(
            &urls(&["https://a.example/0"]),
            &Url::parse("file:///etc/passwd").unwrap(),
        )
        .unwrap_err();
        assert!(e.contains("non-http"), "{e}");
    }

    #[test]
    fn the_cap_is_said_in_mib_or_bytes() {
        assert_eq!(cap_text(MAX_BYTES), "256 MiB");
        assert_eq!(cap_text(1000), "1000 bytes");
        assert_eq!(cap_text((1 << 20) + 1), "1048577 bytes");
    }
}

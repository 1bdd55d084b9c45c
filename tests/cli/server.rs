//! A loopback HTTP/1.1 server for the download tests: binds 127.0.0.1 port 0, serves
//! `$ATTCK_TEST_DATA` in attack-stix-data's layout, injects faults, and logs requests.
//!
//! Hand-written on std's `TcpListener` rather than `tiny_http`: the faults (a body cut short,
//! a connection dropped mid-body, a stall) need the raw socket, which `tiny_http` keeps.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::JoinHandle;
use std::time::Duration;

/// What the server does wrong on one path.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Always answer this status.
    Status(u16),
    /// Answer this status to the first `n` requests, then serve normally.
    FailFirst(usize, u16),
    /// Announce the full Content-Length, send half the body, close cleanly.
    CutShort,
    /// Chunked body: send some chunks, then close without the final chunk.
    DropMidBody,
    /// Send the headers and part of the body, then go silent for this long.
    Stall(Duration),
    /// Serve these bytes instead of the file (invalid JSON, another domain's bundle).
    Body(Vec<u8>),
    /// Serve normally but trickle the body over about this long.
    Slow(Duration),
    /// Answer `302 Found` with this `Location` (a path on this server, or a whole URL).
    Redirect(String),
    /// Write these bytes as the whole response (status line, headers and body as given),
    /// then keep the connection open until the client closes it.
    Raw(Vec<u8>),
    /// A chunked `200` whose body never ends: 64 KiB chunks until the client hangs up.
    Endless,
    /// A chunked `200` that sends one byte per interval, forever.
    Trickle(Duration),
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Logged {
    pub path: String,
    pub headers: HashMap<String, String>,
    pub status: u16,
    pub gzip: bool,
}

struct State {
    root: PathBuf,
    base: String,
    faults: Mutex<HashMap<String, Fault>>,
    hits: Mutex<HashMap<String, usize>>,
    log: Mutex<Vec<Logged>>,
}

/// The running server; stopped and joined on drop.
pub struct Server {
    pub base: String,
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    state: Arc<State>,
    thread: Option<JoinHandle<()>>,
}

/// The `ETag` the server gives a body.
pub fn etag_of(body: &[u8]) -> String {
    format!(
        "\"{}\"",
        &attck_explorer::store::download::sha256(body)[..16]
    )
}

const LAST_MODIFIED: &str = "Thu, 13 Nov 2025 14:00:00 GMT";

/// File bytes and their gzip form, read once per test process.
fn cached(path: &Path, gzip: bool) -> Option<Arc<Vec<u8>>> {
    type Cache = Mutex<HashMap<(PathBuf, bool), Arc<Vec<u8>>>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(HashMap::new()));
    let key = (path.to_path_buf(), gzip);
    if let Some(b) = cache.lock().unwrap().get(&key) {
        return Some(b.clone());
    }
    let raw = std::fs::read(path).ok()?;
    let bytes = if gzip {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(&raw).unwrap();
        enc.finish().unwrap()
    } else {
        raw
    };
    let bytes = Arc::new(bytes);
    cache.lock().unwrap().insert(key, bytes.clone());
    Some(bytes)
}

impl Server {
    /// Starts serving `root` (the real bundles) on 127.0.0.1, port chosen by the OS.
    pub fn start(root: &Path) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().unwrap();
        assert!(addr.ip().is_loopback());
        let base = format!("http://{addr}");
        let state = Arc::new(State {
            root: root.to_path_buf(),
            base: base.clone(),
            faults: Mutex::new(HashMap::new()),
            hits: Mutex::new(HashMap::new()),
            log: Mutex::new(Vec::new()),
        });
        let stop = Arc::new(AtomicBool::new(false));
        let (st, sp) = (state.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if sp.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(conn) = conn else { continue };
                let (st, sp) = (st.clone(), sp.clone());
                std::thread::spawn(move || {
                    let _ = handle(conn, &st, &sp);
                });
            }
        });
        Server {
            base,
            addr,
            stop,
            state,
            thread: Some(thread),
        }
    }

    /// Makes `path` misbehave.
    pub fn fault(&self, path: &str, fault: Fault) {
        self.state
            .faults
            .lock()
            .unwrap()
            .insert(path.to_string(), fault);
    }

    /// Every request so far.
    pub fn log(&self) -> Vec<Logged> {
        self.state.log.lock().unwrap().clone()
    }

    /// Requests so far for one path.
    pub fn requests_for(&self, path: &str) -> Vec<Logged> {
        self.log().into_iter().filter(|l| l.path == path).collect()
    }

    /// Waits until `path` has been requested `n` times (or panics after 20 s).
    pub fn wait_for(&self, path: &str, n: usize) {
        for _ in 0..400 {
            if self
                .state
                .hits
                .lock()
                .unwrap()
                .get(path)
                .copied()
                .unwrap_or(0)
                >= n
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("{path} was not requested {n} times");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn handle(mut conn: TcpStream, st: &State, stop: &AtomicBool) -> std::io::Result<()> {
    conn.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h == "\r\n" || h == "\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    if stop.load(Ordering::SeqCst) {
        return Ok(());
    }
    let hit = {
        let mut hits = st.hits.lock().unwrap();
        let n = hits.entry(path.clone()).or_insert(0);
        *n += 1;
        *n
    };
    let fault = st.faults.lock().unwrap().get(&path).cloned();
    let accepts_gzip = headers
        .get("accept-encoding")
        .is_some_and(|v| v.contains("gzip"));
    let log = |status: u16, gzip: bool| {
        st.log.lock().unwrap().push(Logged {
            path: path.clone(),
            headers: headers.clone(),
            status,
            gzip,
        });
    };

    let status_only = |conn: &mut TcpStream, code: u16| -> std::io::Result<()> {
        let reason = match code {
            304 => "Not Modified",
            404 => "Not Found",
            500 => "Internal Server Error",
            503 => "Service Unavailable",
            _ => "Status",
        };
        write!(
            conn,
            "HTTP/1.1 {code} {reason}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        )
    };
    match &fault {
        Some(Fault::Status(code)) => {
            log(*code, false);
            return status_only(&mut conn, *code);
        }
        Some(Fault::Redirect(to)) => {
            log(302, false);
            return write!(
                conn,
                "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            );
        }
        Some(Fault::Raw(bytes)) => {
            log(0, false);
            conn.write_all(bytes)?;
            conn.flush()?;
            // Until the client closes (or the server stops): a client that reads past what
            // was sent waits here rather than seeing a clean end.
            conn.set_read_timeout(Some(Duration::from_millis(50)))?;
            let mut sink = [0u8; 1024];
            while !stop.load(Ordering::SeqCst) {
                match reader.read(&mut sink) {
                    Ok(0) => break,
                    Ok(_) => {}
                    Err(e)
                        if matches!(
                            e.kind(),
                            std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                        ) => {}
                    Err(_) => break,
                }
            }
            return Ok(());
        }
        Some(Fault::Endless) => {
            log(200, false);
            write!(
                conn,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            )?;
            let chunk = vec![b' '; 64 * 1024];
            while !stop.load(Ordering::SeqCst) {
                write!(conn, "{:x}\r\n", chunk.len())?;
                conn.write_all(&chunk)?;
                conn.write_all(b"\r\n")?;
            }
            return Ok(());
        }
        Some(Fault::Trickle(every)) => {
            log(200, false);
            write!(
                conn,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            )?;
            // Gives up after a minute (ending the body unfinished), so a client without a
            // deadline fails its test rather than hanging it.
            let until = std::time::Instant::now() + Duration::from_secs(60);
            while !stop.load(Ordering::SeqCst) && std::time::Instant::now() < until {
                conn.write_all(b"1\r\n \r\n")?;
                conn.flush()?;
                std::thread::sleep(*every);
            }
            return Ok(());
        }
        Some(Fault::FailFirst(n, code)) if hit <= *n => {
            log(*code, false);
            return status_only(&mut conn, *code);
        }
        _ => {}
    }

    // The plain body and its validators.
    // Routed only without a Body fault: a test mirror may have no files at all.
    let plain: Arc<Vec<u8>> = if let Some(Fault::Body(b)) = &fault {
        Arc::new(b.clone())
    } else if let Some(b) = route(st, &path) {
        b
    } else {
        log(404, false);
        return status_only(&mut conn, 404);
    };
    let etag = etag_of(&plain);
    // A faulty transfer is a changed body: only a healthy (or slow) server answers 304.
    let healthy = matches!(fault, None | Some(Fault::Slow(_) | Fault::FailFirst(..)));
    if healthy && headers.get("if-none-match") == Some(&etag) {
        log(304, false);
        return status_only(&mut conn, 304);
    }
    let gzip = accepts_gzip && !matches!(fault, Some(Fault::Body(_)));
    let body = if gzip {
        let Some(b) = route_gzip(st, &path) else {
            log(404, false);
            return status_only(&mut conn, 404);
        };
        b
    } else {
        plain
    };
    log(200, gzip);
    let enc = if gzip {
        "Content-Encoding: gzip\r\n"
    } else {
        ""
    };
    let common = format!(
        "ETag: {etag}\r\nLast-Modified: {LAST_MODIFIED}\r\n{enc}Content-Type: application/json\r\nConnection: close\r\n"
    );
    match fault {
        Some(Fault::CutShort) => {
            write!(
                conn,
                "HTTP/1.1 200 OK\r\n{common}Content-Length: {}\r\n\r\n",
                body.len()
            )?;
            conn.write_all(&body[..body.len() / 2])?;
            conn.flush()?;
            conn.shutdown(Shutdown::Both)?;
        }
        Some(Fault::DropMidBody) => {
            write!(
                conn,
                "HTTP/1.1 200 OK\r\n{common}Transfer-Encoding: chunked\r\n\r\n"
            )?;
            for chunk in body[..body.len() / 2].chunks(64 * 1024) {
                write!(conn, "{:x}\r\n", chunk.len())?;
                conn.write_all(chunk)?;
                conn.write_all(b"\r\n")?;
            }
            conn.flush()?;
            conn.shutdown(Shutdown::Both)?;
        }
        Some(Fault::Stall(d)) => {
            write!(
                conn,
                "HTTP/1.1 200 OK\r\n{common}Content-Length: {}\r\n\r\n",
                body.len()
            )?;
            conn.write_all(&body[..body.len() / 4])?;
            conn.flush()?;
            let until = std::time::Instant::now() + d;
            while std::time::Instant::now() < until && !stop.load(Ordering::SeqCst) {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        Some(Fault::Slow(d)) => {
            write!(
                conn,
                "HTTP/1.1 200 OK\r\n{common}Content-Length: {}\r\n\r\n",
                body.len()
            )?;
            let parts = 20;
            for chunk in body.chunks(body.len().div_ceil(parts)) {
                conn.write_all(chunk)?;
                conn.flush()?;
                std::thread::sleep(d / parts as u32);
            }
        }
        _ => {
            write!(
                conn,
                "HTTP/1.1 200 OK\r\n{common}Content-Length: {}\r\n\r\n",
                body.len()
            )?;
            conn.write_all(&body)?;
        }
    }
    // Drain anything left so the close is clean.
    let _ = reader.read(&mut [0u8; 1]);
    Ok(())
}

/// Maps a URL path to a file of the test data: `/<d>/<d>.json` is the 18.1 bundle.
fn route_file(st: &State, path: &str) -> Option<PathBuf> {
    let mut parts = path.trim_start_matches('/').split('/');
    let (dir, file) = (parts.next()?, parts.next()?);
    if parts.next().is_some() || file.contains("..") {
        return None;
    }
    if file == format!("{dir}.json") {
        return Some(st.root.join(format!("{dir}-18.1.json")));
    }
    if file.starts_with(dir) && Path::new(file).extension().is_some_and(|e| e == "json") {
        let p = st.root.join(file);
        return p.is_file().then_some(p);
    }
    None
}

fn index_bytes(st: &State) -> Vec<u8> {
    let text = std::fs::read_to_string(st.root.join("collection-index.json")).unwrap();
    text.replace(
        "https://raw.githubusercontent.com/mitre-attack/attack-stix-data/master",
        &st.base,
    )
    .into_bytes()
}

fn route(st: &State, path: &str) -> Option<Arc<Vec<u8>>> {
    if path == "/index.json" {
        return Some(Arc::new(index_bytes(st)));
    }
    cached(&route_file(st, path)?, false)
}

fn route_gzip(st: &State, path: &str) -> Option<Arc<Vec<u8>>> {
    if path == "/index.json" {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(&index_bytes(st)).unwrap();
        return Some(Arc::new(enc.finish().unwrap()));
    }
    cached(&route_file(st, path)?, true)
}

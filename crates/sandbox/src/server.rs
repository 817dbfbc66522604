//! The listener: hyper 1 (HTTP/2 or HTTP/1.1, chosen by ALPN) over tokio-rustls, on a tokio
//! runtime of its own thread. Each request is read whole, handed to the synchronous
//! `app::handle` on tokio's blocking pool (it locks the org only while it uses it), and
//! logged as one stderr line. Malformed HTTP is answered `400` by hyper; keep-alive follows
//! each protocol's rules.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderName, HeaderValue};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio_rustls::TlsAcceptor;

use crate::app;
use crate::config::{SandboxConfig, SandboxError};
use crate::http::{Request, Response};
use crate::org::State;
use crate::store::Store;
use crate::tls;

/// The largest request body accepted (the real APIs cap payloads far lower than this).
const MAX_BODY: usize = 32 * 1024 * 1024;
/// How long a connection may take to send a request's headers.
const HEADER_TIMEOUT: Duration = Duration::from_secs(120);

/// A started sandbox: its address, certificate and a handle to stop it.
pub struct RunningSandbox {
    addr: SocketAddr,
    data_dir: PathBuf,
    cert_pem: String,
    stop: Option<oneshot::Sender<()>>,
    serve_thread: Option<JoinHandle<()>>,
}

impl RunningSandbox {
    /// `https://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("https://127.0.0.1:{}", self.addr.port())
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// The data directory (SQLite file, `cert.pem`, `key.pem`).
    pub fn data_dir(&self) -> &std::path::Path {
        &self.data_dir
    }

    /// The self-signed certificate, PEM (trust it to talk to the sandbox).
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// Stops accepting connections and waits for the listener to end.
    pub fn shutdown(mut self) {
        self.stop_listener();
    }

    fn stop_listener(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(handle) = self.serve_thread.take() {
            let _ = handle.join();
        }
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        self.stop_listener();
    }
}

/// Opens the org, binds the port and starts serving.
pub fn start(config: SandboxConfig) -> Result<RunningSandbox, SandboxError> {
    let (data_dir, db_path) = config.resolve_paths()?;
    std::fs::create_dir_all(&data_dir)?;
    let (tls_config, cert_pem) = tls::server_config(&data_dir)?;
    let store = Store::open(&db_path)?;
    let listener = std::net::TcpListener::bind(("127.0.0.1", config.port))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let state = Arc::new(Mutex::new(State::new(
        store,
        config.token_ttl.as_millis() as i64,
        config.fixtures.clone(),
    )));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .thread_name("sandbox-worker")
        .enable_all()
        .build()?;
    let (stop_tx, stop_rx) = oneshot::channel();
    // The runtime lives and dies on its own thread, so a caller that is itself async (a
    // `#[tokio::test]`) can start and stop a sandbox without nesting runtimes.
    let serve_thread = std::thread::Builder::new()
        .name("sandbox-serve".into())
        .spawn(move || {
            runtime.block_on(serve(
                listener,
                TlsAcceptor::from(tls_config),
                state,
                stop_rx,
            ));
            runtime.shutdown_timeout(Duration::from_secs(2));
        })?;
    Ok(RunningSandbox {
        addr,
        data_dir,
        cert_pem,
        stop: Some(stop_tx),
        serve_thread: Some(serve_thread),
    })
}

/// Accepts connections until `stop` fires (or its sender is dropped).
async fn serve(
    listener: std::net::TcpListener,
    acceptor: TlsAcceptor,
    state: Arc<Mutex<State>>,
    mut stop: oneshot::Receiver<()>,
) {
    let listener = match TcpListener::from_std(listener) {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("sandbox: cannot listen: {e}");
            return;
        }
    };
    loop {
        let accepted = tokio::select! {
            _ = &mut stop => return,
            accepted = listener.accept() => accepted,
        };
        let Ok((stream, _)) = accepted else { continue };
        let _ = stream.set_nodelay(true);
        let acceptor = acceptor.clone();
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            // A failed handshake or a peer that goes away just ends the connection.
            let Ok(tls) = acceptor.accept(stream).await else {
                return;
            };
            let service = service_fn(move |request| answer(Arc::clone(&state), request));
            let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
            builder
                .http1()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT);
            let _ = builder.serve_connection(TokioIo::new(tls), service).await;
        });
    }
}

/// Reads one request whole, answers it on the blocking pool and logs it.
async fn answer(
    state: Arc<Mutex<State>>,
    request: hyper::Request<Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(_) => {
            let response = Response::text(413, "request body too large or cut short");
            return Ok(into_hyper(response));
        }
    };
    let request = from_parts(parts, body);
    let (request, response) = match tokio::task::spawn_blocking(move || {
        let response = app::handle(&state, &request);
        (request, response)
    })
    .await
    {
        Ok(done) => done,
        Err(_) => return Ok(into_hyper(Response::text(500, "sandbox handler failed"))),
    };
    log_line(&request, response.status, started.elapsed());
    Ok(into_hyper(response))
}

/// The handlers' view of a request. HTTP/2 carries the host as `:authority`, which becomes
/// the `host` header the routing reads.
fn from_parts(parts: hyper::http::request::Parts, body: Vec<u8>) -> Request {
    let mut headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(name, value)| {
            (
                name.as_str().to_string(),
                String::from_utf8_lossy(value.as_bytes()).trim().to_string(),
            )
        })
        .collect();
    if !headers.iter().any(|(name, _)| name == "host") {
        if let Some(authority) = parts.uri.authority() {
            headers.push(("host".into(), authority.as_str().to_string()));
        }
    }
    Request {
        method: parts.method.as_str().to_ascii_uppercase(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or_default().to_string(),
        headers,
        body,
    }
}

/// Turns a handler's response into hyper's (hyper adds `content-length` and leaves the body
/// out of HEAD answers itself). A header that is not valid HTTP is dropped.
fn into_hyper(response: Response) -> hyper::Response<Full<Bytes>> {
    let mut out = hyper::Response::new(Full::new(Bytes::from(response.body)));
    *out.status_mut() = hyper::StatusCode::from_u16(response.status)
        .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let headers = out.headers_mut();
    for (name, value) in response.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) {
            headers.append(name, value);
        }
    }
    out
}

/// One stderr line per request; token-bearing path segments are masked and queries dropped.
fn log_line(request: &Request, status: u16, elapsed: Duration) {
    let mut path = request.path.clone();
    for marker in ["/access-tokens/", "/refresh-tokens/"] {
        if let Some(pos) = path.find(marker) {
            path.truncate(pos + marker.len());
            path.push_str("***");
        }
    }
    eprintln!(
        "{} {}{} -> {} ({} ms)",
        request.method,
        request.host(),
        path,
        status,
        elapsed.as_millis()
    );
}

//! The listener: TLS over TCP, one thread per connection, keep-alive, one log line per request.

use std::io::{BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::app::{self, State};
use crate::http::{self, Request};
use crate::store::Store;
use crate::{tls, SandboxConfig, SandboxError};

/// A started sandbox: its address, certificate and a handle to stop it.
pub struct RunningSandbox {
    addr: SocketAddr,
    data_dir: PathBuf,
    cert_pem: String,
    stop: Arc<AtomicBool>,
    accept_thread: Option<JoinHandle<()>>,
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
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept.
        let _ = TcpStream::connect_timeout(
            &SocketAddr::from(([127, 0, 0, 1], self.addr.port())),
            Duration::from_millis(200),
        );
        if let Some(handle) = self.accept_thread.take() {
            let _ = handle.join();
        }
    }
}

impl Drop for RunningSandbox {
    fn drop(&mut self) {
        if self.accept_thread.is_some() {
            self.stop_listener();
        }
    }
}

/// Opens the org, binds the port and starts serving.
pub fn start(config: SandboxConfig) -> Result<RunningSandbox, SandboxError> {
    let (data_dir, db_path) = config.resolve_paths()?;
    std::fs::create_dir_all(&data_dir)?;
    let (tls_config, cert_pem) = tls::server_config(&data_dir)?;
    let store = Store::open(&db_path)?;
    let listener = TcpListener::bind(("127.0.0.1", config.port))?;
    let addr = listener.local_addr()?;
    let state = Arc::new(Mutex::new(State::new(
        store,
        config.token_ttl.as_millis() as i64,
        config.fixtures.clone(),
    )));
    let stop = Arc::new(AtomicBool::new(false));
    let stop_flag = Arc::clone(&stop);
    let accept_thread = std::thread::Builder::new()
        .name("sandbox-accept".into())
        .spawn(move || {
            for stream in listener.incoming() {
                if stop_flag.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let tls_config = Arc::clone(&tls_config);
                let state = Arc::clone(&state);
                let _ = std::thread::Builder::new()
                    .name("sandbox-conn".into())
                    .spawn(move || serve_connection(stream, tls_config, state));
            }
        })?;
    Ok(RunningSandbox {
        addr,
        data_dir,
        cert_pem,
        stop,
        accept_thread: Some(accept_thread),
    })
}

fn serve_connection(
    stream: TcpStream,
    tls_config: Arc<rustls::ServerConfig>,
    state: Arc<Mutex<State>>,
) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(120)));
    let _ = stream.set_nodelay(true);
    let Ok(conn) = rustls::ServerConnection::new(tls_config) else {
        return;
    };
    let mut reader = BufReader::new(rustls::StreamOwned::new(conn, stream));
    loop {
        let mut request = match http::read_head(&mut reader) {
            Ok(Some(request)) => request,
            Ok(None) | Err(_) => return,
        };
        if http::expects_continue(&request) {
            let stream = reader.get_mut();
            if stream
                .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                .and_then(|()| stream.flush())
                .is_err()
            {
                return;
            }
        }
        if http::read_body(&mut reader, &mut request).is_err() {
            return;
        }
        let started = Instant::now();
        let response = app::handle(&state, &request);
        let keep_alive = !request
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        log_line(&request, response.status, started.elapsed());
        let head_only = request.method == "HEAD";
        if http::write_response(reader.get_mut(), &response, head_only, keep_alive).is_err()
            || !keep_alive
        {
            let stream = reader.get_mut();
            stream.conn.send_close_notify();
            let _ = stream.conn.complete_io(&mut stream.sock);
            return;
        }
    }
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

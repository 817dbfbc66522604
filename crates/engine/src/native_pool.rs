//! The idle HTTPS connections of an [`crate::native::HttpsTransport`], kept for the next
//! request to the same host so that a save (a lookup, then a create) and the next save pay
//! the TCP and TLS handshakes once, not once per request.
//!
//! A connection is put back only after its answer was read whole (HTTP/1.1 keep-alive, one
//! request at a time). One taken back out is used only if hyper still sees it open and ready,
//! and a request it could not even start on it (the peer closed it meanwhile) is handed back
//! untouched by hyper (`try_send_request`) and sent on a new connection: a request is sent
//! once at most, so no create can reach the CRM twice through a retry of ours. Idle
//! connections older than the idle limit are dropped (servers close idle ones on their side).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::client::conn::http1::SendRequest;

/// How long an idle connection is kept by default (below the keep-alive limits of common
/// servers, so the peer rarely closes one just as it is reused).
pub const DEFAULT_IDLE_LIMIT: Duration = Duration::from_secs(30);
/// The most idle connections kept per host by default.
pub const DEFAULT_IDLE_PER_HOST: usize = 64;

/// A sender of requests on one open connection.
pub(crate) type Sender = SendRequest<Full<Bytes>>;

/// Where a connection goes: the URL's host and port, and the address it was opened to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Key {
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) addr: SocketAddr,
}

struct Idle {
    sender: Sender,
    since: Instant,
}

/// The idle connections, per [`Key`], most recently used last.
pub(crate) struct Pool {
    idle: Mutex<HashMap<Key, Vec<Idle>>>,
    idle_limit: Duration,
    per_host: usize,
    opened: AtomicU64,
}

impl std::fmt::Debug for Pool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pool")
            .field("idle_limit", &self.idle_limit)
            .field("per_host", &self.per_host)
            .field("opened", &self.opened())
            .finish_non_exhaustive()
    }
}

impl Pool {
    /// A pool keeping up to `per_host` idle connections per host for `idle_limit` each
    /// (`per_host` 0: none, every request opens its own connection).
    pub(crate) fn new(idle_limit: Duration, per_host: usize) -> Self {
        Self {
            idle: Mutex::new(HashMap::new()),
            idle_limit,
            per_host,
            opened: AtomicU64::new(0),
        }
    }

    /// An idle connection to `key` that is still open, if any (the most recent first).
    pub(crate) fn take(&self, key: &Key) -> Option<Sender> {
        let mut idle = self.idle.lock().ok()?;
        let list = idle.get_mut(key)?;
        let now = Instant::now();
        // Drop the stale ones first (oldest at the front).
        list.retain(|i| now.duration_since(i.since) < self.idle_limit && !i.sender.is_closed());
        let found = list.pop().map(|i| i.sender);
        if list.is_empty() {
            idle.remove(key);
        }
        found
    }

    /// Keeps a connection whose last answer was read whole, unless it is closed or the host
    /// has enough idle ones already.
    pub(crate) fn put(&self, key: Key, sender: Sender) {
        if self.per_host == 0 || sender.is_closed() {
            return;
        }
        let Ok(mut idle) = self.idle.lock() else {
            return;
        };
        let list = idle.entry(key).or_default();
        if list.len() < self.per_host {
            list.push(Idle {
                sender,
                since: Instant::now(),
            });
        }
    }

    /// Counts a newly opened connection.
    pub(crate) fn count_opened(&self) {
        self.opened.fetch_add(1, Ordering::Relaxed);
    }

    /// Connections opened so far.
    pub(crate) fn opened(&self) -> u64 {
        self.opened.load(Ordering::Relaxed)
    }
}

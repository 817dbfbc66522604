//! The org as the handlers share it: the SQLite store plus what lives only in memory (OAuth
//! grants in flight, injected faults and latency, request counts). One `Mutex<State>` guards
//! it; a handler holds it only while it runs.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use crate::grants::{AuthCode, LoginSession};
use crate::store::Store;

/// A pending injected fault.
#[derive(Debug, Clone)]
pub struct Fault {
    /// 503 or 429.
    pub status: u16,
    /// How many more requests fail.
    pub remaining: u64,
    /// Only paths starting with this (else every CRM API call).
    pub path_prefix: Option<String>,
    /// The `Retry-After` (seconds) each injected answer carries, when the test asks for one
    /// (a 429 carries 1 otherwise, a 5xx none).
    pub retry_after_secs: Option<u64>,
}

/// Everything the handlers share.
pub struct State {
    /// The org.
    pub store: Store,
    /// Issued, unused authorization codes.
    pub codes: HashMap<String, AuthCode>,
    /// Logged-in authorize sessions between the login and consent pages.
    pub sessions: HashMap<String, LoginSession>,
    /// Pending injected faults.
    pub faults: Vec<Fault>,
    /// Added latency per request.
    pub latency_ms: u64,
    /// Requests received and being held by that latency right now: a test that must act
    /// while a request is on the wire (received, not answered) waits for this to be non-zero.
    pub held: u64,
    /// CRM API calls per endpoint.
    pub counts: BTreeMap<String, u64>,
    /// CRM requests (OAuth and API) per Host name, so tests see which login host and
    /// instance the extension used.
    pub hosts: BTreeMap<String, u64>,
    /// Access-token lifetime.
    pub token_ttl_ms: i64,
    /// Fixture root.
    pub fixtures: Option<PathBuf>,
}

impl State {
    /// Fresh runtime state over an opened org.
    pub fn new(store: Store, token_ttl_ms: i64, fixtures: Option<PathBuf>) -> Self {
        State {
            store,
            codes: HashMap::new(),
            sessions: HashMap::new(),
            faults: Vec::new(),
            latency_ms: 0,
            held: 0,
            counts: BTreeMap::new(),
            hosts: BTreeMap::new(),
            token_ttl_ms,
            fixtures,
        }
    }
}

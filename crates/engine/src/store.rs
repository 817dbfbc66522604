//! What the engine persists, behind a small [`Store`] trait: the outbox entries (written before
//! their first request, rewritten at every step, removed only once the CRM has answered for
//! them), the journal of finished saves, and each connection's tokens.
//!
//! Implementations here: [`MemoryStore`] (tests, and a server that keeps nothing across
//! restarts) and [`crate::file_store::FileStore`] (feature `native`: one JSON file replaced
//! atomically). The extension's store is `core-wasm`'s `HostStore`: the worker's
//! `chrome.storage.local` layer (`storage.js`) called through wasm-bindgen.

use std::future::{ready, Future};
use std::sync::Mutex;

use saves::{OutboxEntry, Role, SaveResult, Tokens};
use serde::{Deserialize, Serialize};

/// Reading or writing the store failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the save store failed: {message}")]
pub struct StoreError {
    /// What failed (no token, no person's data).
    pub message: String,
}

impl StoreError {
    /// A store error with this message.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

/// The results of one finished outbox entry, as journalled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalLine {
    /// The save (click) the entry belonged to.
    pub save_id: String,
    /// The outbox entry that finished.
    pub entry_id: String,
    /// When it finished (ms since epoch, the engine's clock).
    pub at_ms: u64,
    /// One result per person of the entry.
    pub results: Vec<SaveResult>,
    /// Each result's person's dedupe key, in the same order (a lookup cache and the
    /// extension's journal of recent creates file the person under it).
    #[serde(default)]
    pub lookup_keys: Vec<Option<String>>,
}

/// The persistence the engine needs. Every method is one atomic write or read: a process
/// killed between two calls leaves the store consistent (an entry is either still in the
/// outbox, and resumes, or settled with its journal line).
pub trait Store {
    /// Every entry in the outbox, in insertion order.
    fn entries(&self) -> impl Future<Output = Result<Vec<OutboxEntry>, StoreError>>;
    /// One entry by id (`None`: not in the outbox, e.g. finished by another run).
    fn entry(&self, id: &str) -> impl Future<Output = Result<Option<OutboxEntry>, StoreError>>;
    /// Inserts or replaces entries by id (the per-step persistence hook: called before each
    /// request that may change the CRM with the entry marked in flight, and after its
    /// answer; a GET and its answer are not written).
    fn put_entries(&self, entries: &[OutboxEntry]) -> impl Future<Output = Result<(), StoreError>>;
    /// Removes a finished entry and journals its results, in one write.
    fn settle(&self, line: JournalLine) -> impl Future<Output = Result<(), StoreError>>;
    /// A connection's stored tokens.
    fn tokens(&self, role: Role) -> impl Future<Output = Result<Option<Tokens>, StoreError>>;
    /// Replaces a connection's tokens (after a refresh).
    fn set_tokens(
        &self,
        role: Role,
        tokens: &Tokens,
    ) -> impl Future<Output = Result<(), StoreError>>;

    /// Called before a refresh of `role`'s token reads the stored token, once this engine's
    /// own single flight is held: a store shared by several processes (the team server's
    /// database) takes its cross-process refresh lock here, so a refresh made meanwhile by
    /// another process is seen and not repeated. The default does nothing (one process).
    fn begin_refresh(&self, role: Role) -> impl Future<Output = Result<(), StoreError>> {
        let _ = role;
        ready(Ok(()))
    }

    /// Called when a refresh begun with [`Store::begin_refresh`] ends, whatever its outcome.
    fn end_refresh(&self, role: Role) -> impl Future<Output = ()> {
        let _ = role;
        ready(())
    }
}

/// Everything a store holds, as one JSON document (the file store's file).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StoreData {
    /// The outbox.
    pub outbox: Vec<OutboxEntry>,
    /// Finished entries.
    pub journal: Vec<JournalLine>,
    /// Team sync's tokens.
    pub team_sync: Option<Tokens>,
    /// The rep's own connection's tokens.
    pub personal: Option<Tokens>,
}

impl StoreData {
    /// Inserts or replaces entries by id.
    pub fn put(&mut self, entries: &[OutboxEntry]) {
        for e in entries {
            match self.outbox.iter_mut().find(|o| o.id == e.id) {
                Some(slot) => *slot = e.clone(),
                None => self.outbox.push(e.clone()),
            }
        }
    }

    /// Removes the line's entry and appends the line.
    pub fn settle(&mut self, line: JournalLine) {
        self.outbox.retain(|o| o.id != line.entry_id);
        self.journal.push(line);
    }

    /// A role's tokens.
    pub fn tokens(&self, role: Role) -> Option<&Tokens> {
        match role {
            Role::TeamSync => self.team_sync.as_ref(),
            Role::Personal => self.personal.as_ref(),
        }
    }

    /// A role's token slot.
    pub fn tokens_mut(&mut self, role: Role) -> &mut Option<Tokens> {
        match role {
            Role::TeamSync => &mut self.team_sync,
            Role::Personal => &mut self.personal,
        }
    }
}

/// A store in memory (nothing survives the process).
#[derive(Debug, Default)]
pub struct MemoryStore {
    data: Mutex<StoreData>,
}

impl MemoryStore {
    /// A store holding `data`.
    pub fn new(data: StoreData) -> Self {
        Self {
            data: Mutex::new(data),
        }
    }

    /// A copy of everything held.
    pub fn snapshot(&self) -> Result<StoreData, StoreError> {
        self.with(|d| d.clone())
    }

    fn with<R>(&self, f: impl FnOnce(&mut StoreData) -> R) -> Result<R, StoreError> {
        let mut guard = self
            .data
            .lock()
            .map_err(|_| StoreError::new("the memory store's lock was poisoned"))?;
        Ok(f(&mut guard))
    }
}

impl Store for MemoryStore {
    fn entries(&self) -> impl Future<Output = Result<Vec<OutboxEntry>, StoreError>> {
        ready(self.with(|d| d.outbox.clone()))
    }

    fn entry(&self, id: &str) -> impl Future<Output = Result<Option<OutboxEntry>, StoreError>> {
        ready(self.with(|d| d.outbox.iter().find(|e| e.id == id).cloned()))
    }

    fn put_entries(&self, entries: &[OutboxEntry]) -> impl Future<Output = Result<(), StoreError>> {
        ready(self.with(|d| d.put(entries)))
    }

    fn settle(&self, line: JournalLine) -> impl Future<Output = Result<(), StoreError>> {
        ready(self.with(|d| d.settle(line)))
    }

    fn tokens(&self, role: Role) -> impl Future<Output = Result<Option<Tokens>, StoreError>> {
        ready(self.with(|d| d.tokens(role).cloned()))
    }

    fn set_tokens(
        &self,
        role: Role,
        tokens: &Tokens,
    ) -> impl Future<Output = Result<(), StoreError>> {
        ready(self.with(|d| *d.tokens_mut(role) = Some(tokens.clone())))
    }
}

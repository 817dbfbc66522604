//! [`TeamStore`]: the engine's [`engine::Store`] over the server's database, for one team and
//! one team-held connection. Nothing lives in this process: the outbox is the ledger's
//! `save_outbox` rows, the tokens are the connection row's sealed columns, the refresh lock
//! is the `refresh_locks` row. A second server process on the same database sees it all.
//!
//! Only the connection's role [`Role::TeamSync`] has tokens here: the server pushes only with
//! connections the team holds (spec rule 11); a rep's own connection never reaches it.
//!
//! **A just-recorded save's push** ([`SavePush`], for the task that pushes it) reads no row the
//! request read already: the engine's token reads take the connection row of the request's one
//! snapshot read (milliseconds old, as a read before each request would be) until a refresh
//! starts, which reads the row afresh; and the ledger row its last settle wrote is kept for
//! the answer. Nothing outlives that task.

use std::cell::RefCell;
use std::sync::Arc;
use std::time::Duration;

use engine::clock::system_now_ms;
use engine::{JournalLine, StoreError};
use saves::{CrmKind, OutboxEntry, Role, Tokens};

use crate::app::now;
use crate::crypto::{secret_aad, SecretKey};
use crate::store::{OutboxRow, Store, SyncConnection};

use super::ledger;

/// How long one refresh may hold the cross-process refresh lock (seconds).
const REFRESH_LOCK_SECS: i64 = 45;
/// How long a refresh waits for another process's refresh before giving up for now.
const REFRESH_LOCK_WAIT: Duration = Duration::from_secs(60);

tokio::task_local! {
    /// What the push of one just-recorded save shares with its engine's store (see the
    /// module doc): set by [`SavePush::scope`] on that save's push task only.
    static SAVE_PUSH: RefCell<SavePush>;
}

/// A ledger row's status and outcome (JSON text).
pub type LedgerRow = (String, String);

/// The rows a just-recorded save's push task shares with the engine's store.
#[derive(Debug, Default)]
pub struct SavePush {
    /// The connection row the save's request read (tokens sealed); `None` once a refresh
    /// started (from then on the tokens are read from the database).
    connection: Option<SyncConnection>,
    /// The ledger row's status and outcome as this task last wrote them (a settle); `None`
    /// when it wrote none, or when the save moved since (`forget_ledger`).
    ledger: Option<LedgerRow>,
}

impl SavePush {
    /// Runs `push` with `connection` (read by the save's request) as its tokens' row; answers
    /// what `push` answers and the ledger row as the push last wrote it.
    pub async fn scope<T>(
        connection: SyncConnection,
        push: impl std::future::Future<Output = T>,
    ) -> (T, Option<LedgerRow>) {
        let shared = RefCell::new(SavePush {
            connection: Some(connection),
            ledger: None,
        });
        SAVE_PUSH
            .scope(shared, async move {
                let out = push.await;
                let ledger = SAVE_PUSH
                    .try_with(|s| s.borrow_mut().ledger.take())
                    .ok()
                    .flatten();
                (out, ledger)
            })
            .await
    }

    /// The ledger row was written outside a settle (moved to waiting, blocked…): the answer
    /// reads it from the database.
    pub fn forget_ledger() {
        let _ = SAVE_PUSH.try_with(|s| s.borrow_mut().ledger = None);
    }

    fn connection(id: &str) -> Option<SyncConnection> {
        SAVE_PUSH
            .try_with(|s| s.borrow().connection.clone())
            .ok()
            .flatten()
            .filter(|c| c.id == id)
    }

    fn refresh_started() {
        let _ = SAVE_PUSH.try_with(|s| s.borrow_mut().connection = None);
    }

    fn settled(ledger: Option<LedgerRow>) {
        let _ = SAVE_PUSH.try_with(|s| s.borrow_mut().ledger = ledger);
    }
}

/// The engine's store for one team's pushes through one connection.
#[derive(Debug, Clone)]
pub struct TeamStore {
    /// The team's CRM: a HubSpot team's stored token is its private-app token (or service
    /// key), used as the access token, with nothing to refresh it with.
    pub(crate) crm: CrmKind,
    pub(crate) store: Store,
    pub(crate) team_id: String,
    pub(crate) connection_id: String,
    pub(crate) data_key: SecretKey,
    /// This process (lease and lock holder).
    pub(crate) holder: Arc<str>,
    /// How long a lease on an entry lasts from each step.
    pub(crate) lease: Duration,
}

fn db(what: &str) -> impl Fn(sqlx::Error) -> StoreError + '_ {
    move |e| StoreError::new(format!("{what}: {e}"))
}

fn ms(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

impl TeamStore {
    fn open(&self, sealed: &[u8], field: &str) -> Result<String, StoreError> {
        let plain = self
            .data_key
            .open(
                sealed,
                &secret_aad(&self.team_id, &self.connection_id, field),
            )
            .map_err(|e| StoreError::new(e.to_string()))?;
        String::from_utf8(plain)
            .map_err(|_| StoreError::new(format!("the stored {field} is not text")))
    }

    fn seal(&self, plain: &str, field: &str) -> Result<Vec<u8>, StoreError> {
        self.data_key
            .seal(
                plain.as_bytes(),
                &secret_aad(&self.team_id, &self.connection_id, field),
            )
            .map_err(|e| StoreError::new(e.to_string()))
    }

    fn lease_until_ms(&self) -> i64 {
        ms(system_now_ms())
            .saturating_add(i64::try_from(self.lease.as_millis()).unwrap_or(i64::MAX))
    }
}

fn parse(entry: &str) -> Result<OutboxEntry, StoreError> {
    serde_json::from_str(entry).map_err(|e| StoreError::new(format!("a stored outbox entry: {e}")))
}

/// The save an entry belongs to and its connection, as an outbox row.
fn row(entry: &OutboxEntry, connection_id: &str) -> Result<OutboxRow, StoreError> {
    Ok(OutboxRow {
        entry_id: entry.id.clone(),
        save_id: entry.save_id.clone(),
        connection_id: connection_id.to_owned(),
        entry: serde_json::to_string(entry)
            .map_err(|e| StoreError::new(format!("an outbox entry: {e}")))?,
        next_at_ms: ms(entry.next_at_ms),
    })
}

/// Builds the outbox rows of a planned save.
pub fn outbox_rows(
    entries: &[OutboxEntry],
    connection_id: &str,
) -> Result<Vec<OutboxRow>, StoreError> {
    entries.iter().map(|e| row(e, connection_id)).collect()
}

impl engine::Store for TeamStore {
    async fn entries(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        let rows = self
            .store
            .outbox_entries(&self.team_id)
            .await
            .map_err(db("reading the outbox"))?;
        rows.iter().map(|r| parse(r)).collect()
    }

    async fn entry(&self, id: &str) -> Result<Option<OutboxEntry>, StoreError> {
        let row = self
            .store
            .outbox_entry(&self.team_id, id)
            .await
            .map_err(db("reading an outbox entry"))?;
        row.as_deref().map(parse).transpose()
    }

    async fn put_entries(&self, entries: &[OutboxEntry]) -> Result<(), StoreError> {
        let rows = outbox_rows(entries, &self.connection_id)?;
        self.store
            .put_outbox_entries(
                &self.team_id,
                &rows,
                &self.holder,
                self.lease_until_ms(),
                now(),
            )
            .await
            .map_err(db("writing the outbox"))
    }

    async fn settle(&self, line: JournalLine) -> Result<(), StoreError> {
        let mut written = None;
        self.store
            .settle_outbox_entry(
                &self.team_id,
                &line.entry_id,
                Some(&self.connection_id),
                now(),
                |entry, status, outcome, left| {
                    let update = ledger::settled(entry, status, outcome, left, &line);
                    written = Some(match &update {
                        Some(u) => (u.status.clone(), u.outcome.clone()),
                        None => (status.to_owned(), outcome.to_owned()),
                    });
                    update
                },
            )
            .await
            .map_err(db("settling a save"))?;
        // `None` when another run settled it meanwhile: the answer reads the row.
        SavePush::settled(written);
        Ok(())
    }

    async fn tokens(&self, role: Role) -> Result<Option<Tokens>, StoreError> {
        if role != Role::TeamSync {
            return Ok(None);
        }
        let read = match SavePush::connection(&self.connection_id) {
            Some(c) => Some(c),
            None => self
                .store
                .push_connection(&self.team_id, &self.connection_id)
                .await
                .map_err(db("reading the connection"))?,
        };
        let Some(c) = read else {
            return Ok(None);
        };
        if c.needs_reconnect {
            return Ok(None);
        }
        let instance_url = super::instance_url(self.crm, c.instance_url.as_deref());
        if self.crm == CrmKind::Hubspot {
            return Ok(Some(Tokens {
                access_token: self.open(&c.sealed_refresh_token, "refresh_token")?,
                refresh_token: None,
                instance_url,
                id: String::new(),
                credential: crate::store::credential_named(c.credential.as_deref()),
            }));
        }
        let access_token = match &c.sealed_access_token {
            Some(sealed) => self.open(sealed, "access_token")?,
            // No access token yet: the first call is refused with a 401 and refreshes.
            None => String::new(),
        };
        Ok(Some(Tokens {
            access_token,
            refresh_token: Some(self.open(&c.sealed_refresh_token, "refresh_token")?),
            instance_url,
            id: String::new(),
            credential: None,
        }))
    }

    async fn set_tokens(&self, role: Role, tokens: &Tokens) -> Result<(), StoreError> {
        if role != Role::TeamSync {
            return Err(StoreError::new("the server holds no personal connection"));
        }
        let Some(refresh) = tokens.refresh_token.as_deref() else {
            return Err(StoreError::new(
                "a refresh answered no refresh token to keep",
            ));
        };
        let access = self.seal(&tokens.access_token, "access_token")?;
        let refresh = self.seal(refresh, "refresh_token")?;
        let instance = Some(tokens.instance_url.as_str()).filter(|u| u.starts_with("https://"));
        self.store
            .store_refreshed_tokens(
                &self.team_id,
                &self.connection_id,
                &access,
                &refresh,
                instance,
                now(),
            )
            .await
            .map_err(db("storing refreshed tokens"))
    }

    async fn begin_refresh(&self, _role: Role) -> Result<(), StoreError> {
        // The refresh reads the tokens afresh (another one may have replaced them), and so
        // does every request after it.
        SavePush::refresh_started();
        let started = std::time::Instant::now();
        loop {
            let taken = self
                .store
                .take_refresh_lock(&self.connection_id, &self.holder, now(), REFRESH_LOCK_SECS)
                .await
                .map_err(db("taking the refresh lock"))?;
            if taken {
                return Ok(());
            }
            if started.elapsed() > REFRESH_LOCK_WAIT {
                return Err(StoreError::new(
                    "another server process has held the token refresh lock for too long",
                ));
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    async fn end_refresh(&self, _role: Role) {
        if let Err(e) = self
            .store
            .release_refresh_lock(&self.connection_id, &self.holder)
            .await
        {
            // It runs out by itself after REFRESH_LOCK_SECS.
            tracing::warn!(error = %e, "could not release the token refresh lock");
        }
    }
}

//! The push engine's statements (`crate::push`): the save ledger as the engine's outbox, the
//! team sync connection's sealed tokens and health, and per-entry leases between server
//! processes. Tables from migration 3 (`schema::PUSH_MIGRATION`).
//!
//! Like the rest of [`Store`], every statement is scoped by team, secrets arrive and leave
//! sealed, and every change that must not be half-done is one transaction on the writer.

use sqlx::Row;

use super::{insert_journal, LedgerEntry, Store};

/// One outbox entry row to write: `saves::OutboxEntry` as JSON, with its keys.
#[derive(Debug, Clone)]
pub struct OutboxRow {
    /// The entry's id (`<save_id>:<index>`).
    pub entry_id: String,
    /// The ledger row it belongs to.
    pub save_id: String,
    /// The team-held connection that pushes it.
    pub connection_id: String,
    /// The entry as JSON.
    pub entry: String,
    /// Not before this time (ms since epoch).
    pub next_at_ms: i64,
}

/// An entry that is due and not leased by a live process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueEntry {
    /// Its team.
    pub team_id: String,
    /// The entry.
    pub entry_id: String,
    /// Its save.
    pub save_id: String,
    /// The connection that pushes it.
    pub connection_id: String,
}

/// The team sync connection with its sealed secrets (opened only by `crate::push`).
#[derive(Debug, Clone)]
pub struct SyncConnection {
    /// The connection's id (part of its secrets' associated data).
    pub id: String,
    /// The member it belongs to.
    pub member_id: String,
    /// The connected CRM user.
    pub crm_user_id: String,
    /// That user's email.
    pub crm_email: String,
    /// `admin`, `standard` or `read_only`.
    pub permission: String,
    /// The CRM instance.
    pub instance_url: Option<String>,
    /// The sealed refresh token.
    pub sealed_refresh_token: Vec<u8>,
    /// The sealed access token, once a refresh gave one.
    pub sealed_access_token: Option<Vec<u8>>,
    /// The CRM refused the grant: the admin must reconnect.
    pub needs_reconnect: bool,
    /// For a pasted HubSpot token, its kind (`private_app_token` or `service_key`).
    pub credential: Option<String>,
}

/// What [`Store::settle_outbox_entry`]'s caller wants written to the ledger row.
#[derive(Debug, Clone)]
pub struct LedgerUpdate {
    /// The new status (`pushed`, `waiting`, …).
    pub status: String,
    /// The new outcome (JSON text).
    pub outcome: String,
    /// A journal line (`code`, `message`) to add in the same transaction, if any.
    pub journal: Option<(String, String)>,
}

/// A connection's push health beyond [`super::Connection`]: why it needs a reconnect, and
/// how many saves wait for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushHealth {
    /// The connection.
    pub connection_id: String,
    /// Why the CRM refused the grant (when it did).
    pub reconnect_reason: Option<String>,
}

impl Store {
    /// Offers a save to the ledger (the save id is its idempotency key): the first offer of a
    /// save id records the ledger row, its journal line and its outbox entries (none for a
    /// save that waits `queued`) in one transaction
    /// (leased to `lease`'s holder until its time, when the caller pushes them at once);
    /// a later or concurrent offer writes nothing and gets the stored row (`recorded: false`).
    #[allow(clippy::too_many_arguments)] // the ledger row's columns and its entries
    pub async fn record_save_with_outbox(
        &self,
        team_id: &str,
        save_id: &str,
        actor_id: &str,
        request_hash: &str,
        status: &str,
        outcome: &str,
        journal_message: &str,
        entries: &[OutboxRow],
        lease: Option<(&str, i64)>,
        now: i64,
    ) -> Result<LedgerEntry, sqlx::Error> {
        let mut tx = self.writer.begin().await?;
        // One round trip to the database's thread for the whole record: the ledger row, then
        // its journal line and its outbox entries (one multi-row insert), each written only
        // when the statement before it wrote (`changes()`), i.e. only when the save id was
        // new. The statements share their parameters by number; the transaction keeps them
        // all or none. (sqlx binds a statement's unused numbers as if they were anonymous `?`,
        // from the next argument on: every statement here leaves at most five gaps, fewer
        // than the ten shared arguments, so every used number gets its own value.)
        let mut sql = String::from(
            "INSERT INTO saves (team_id, save_id, actor_id, request_hash, status, outcome,
                created_at, updated_at)
             VALUES (?1, ?2, ?3, ?7, ?4, ?8, ?5, ?5)
             ON CONFLICT (team_id, save_id) DO NOTHING;
             INSERT INTO journal (team_id, at, kind, actor_id, save_id, code, message)
             SELECT ?1, ?5, 'save', ?3, ?2, ?4, ?6 WHERE changes() = 1;",
        );
        if !entries.is_empty() {
            // Only parameter numbers are formatted into the text; every value is bound.
            let rows: Vec<String> = (0..entries.len())
                .map(|i| {
                    let n = 11 + 4 * i; // after the ten shared parameters
                    format!("(?{n}, ?{}, ?{}, ?{})", n + 1, n + 2, n + 3)
                })
                .collect();
            sql.push_str(&format!(
                "INSERT INTO save_outbox (team_id, entry_id, save_id, connection_id, entry,
                    next_at_ms, lease_holder, lease_until_ms, created_at)
                 SELECT ?1, column1, ?2, column2, column3, column4, ?9, ?10, ?5
                 FROM (VALUES {}) WHERE changes() = 1;",
                rows.join(", ")
            ));
        }
        let mut record = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(team_id)
            .bind(save_id)
            .bind(actor_id)
            .bind(status)
            .bind(now)
            .bind(journal_message)
            .bind(request_hash)
            .bind(outcome)
            .bind(lease.map(|(holder, _)| holder))
            .bind(lease.map_or(0, |(_, until)| until));
        for e in entries {
            record = record
                .bind(&e.entry_id)
                .bind(&e.connection_id)
                .bind(&e.entry)
                .bind(e.next_at_ms);
        }
        let recorded = record.execute(&mut *tx).await?.rows_affected() > 0;
        if recorded {
            tx.commit().await?;
            return Ok(LedgerEntry {
                recorded,
                actor_id: actor_id.to_owned(),
                request_hash: request_hash.to_owned(),
                outcome: outcome.to_owned(),
            });
        }
        let row = sqlx::query(
            "SELECT actor_id, request_hash, outcome FROM saves WHERE team_id = ? AND save_id = ?",
        )
        .bind(team_id)
        .bind(save_id)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(LedgerEntry {
            recorded,
            actor_id: row.try_get("actor_id")?,
            request_hash: row.try_get("request_hash")?,
            outcome: row.try_get("outcome")?,
        })
    }

    /// A ledger row's status and outcome (JSON text).
    pub async fn save_outcome(
        &self,
        team_id: &str,
        save_id: &str,
    ) -> Result<Option<(String, String)>, sqlx::Error> {
        let row =
            sqlx::query("SELECT status, outcome FROM saves WHERE team_id = ? AND save_id = ?")
                .bind(team_id)
                .bind(save_id)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|r| Ok((r.try_get("status")?, r.try_get("outcome")?)))
            .transpose()
    }

    /// Rewrites a ledger row's status and outcome with `apply(status, outcome)`, read and
    /// written in one transaction (`None` from `apply`: no change).
    pub async fn update_save_outcome(
        &self,
        team_id: &str,
        save_id: &str,
        now: i64,
        apply: impl FnOnce(&str, &str) -> Option<LedgerUpdate> + Send,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.writer.begin().await?;
        // A no-op write first: SQLite takes the write lock before the read.
        sqlx::query("UPDATE saves SET updated_at = updated_at WHERE team_id = ? AND save_id = ?")
            .bind(team_id)
            .bind(save_id)
            .execute(&mut *tx)
            .await?;
        let row =
            sqlx::query("SELECT status, outcome FROM saves WHERE team_id = ? AND save_id = ?")
                .bind(team_id)
                .bind(save_id)
                .fetch_optional(&mut *tx)
                .await?;
        let Some(row) = row else {
            return Ok(());
        };
        let (status, outcome): (String, String) = (row.try_get("status")?, row.try_get("outcome")?);
        if let Some(update) = apply(&status, &outcome) {
            write_ledger(&mut tx, team_id, save_id, now, &update).await?;
        }
        tx.commit().await
    }

    /// Every outbox entry of a team (JSON), oldest first.
    pub async fn outbox_entries(&self, team_id: &str) -> Result<Vec<String>, sqlx::Error> {
        let rows = sqlx::query("SELECT entry FROM save_outbox WHERE team_id = ? ORDER BY rowid")
            .bind(team_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| r.try_get("entry")).collect()
    }

    /// One outbox entry (JSON).
    pub async fn outbox_entry(
        &self,
        team_id: &str,
        entry_id: &str,
    ) -> Result<Option<String>, sqlx::Error> {
        let row = sqlx::query("SELECT entry FROM save_outbox WHERE team_id = ? AND entry_id = ?")
            .bind(team_id)
            .bind(entry_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.try_get("entry")).transpose()
    }

    /// The outbox entries of one save: `(entry id, connection id)`.
    pub async fn outbox_of_save(
        &self,
        team_id: &str,
        save_id: &str,
    ) -> Result<Vec<(String, String)>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT entry_id, connection_id FROM save_outbox
             WHERE team_id = ? AND save_id = ? ORDER BY rowid",
        )
        .bind(team_id)
        .bind(save_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("entry_id")?, r.try_get("connection_id")?)))
            .collect()
    }

    /// Inserts or replaces outbox entries (the engine's per-step write), in one transaction,
    /// renewing `holder`'s lease on them until `lease_until_ms`.
    pub async fn put_outbox_entries(
        &self,
        team_id: &str,
        rows: &[OutboxRow],
        holder: &str,
        lease_until_ms: i64,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        // One row (a step of one entry, the common case) is one statement, atomic by itself:
        // no transaction around it (two round trips to the writer fewer).
        if let [e] = rows {
            return upsert_outbox_row(&self.writer, team_id, e, holder, lease_until_ms, now).await;
        }
        let mut tx = self.writer.begin().await?;
        for e in rows {
            upsert_outbox_row(&mut *tx, team_id, e, holder, lease_until_ms, now).await?;
        }
        tx.commit().await
    }

    /// Settles an outbox entry: in one transaction, deletes it, and rewrites its ledger row
    /// with `apply(entry, status, outcome, entries_left)` (the entry's JSON, the row's status
    /// and outcome, how many entries of the save remain after this one), and stamps the
    /// connection's last push.
    ///
    /// The delete answers everything `apply` reads (the ledger row and the entries left, by
    /// subqueries of its `RETURNING`); the writes (ledger row, journal line, and the stamp,
    /// only when the second changed) go as one statement list: a settle is two round trips
    /// to the database's thread between `BEGIN` and `COMMIT`.
    pub async fn settle_outbox_entry(
        &self,
        team_id: &str,
        entry_id: &str,
        connection_id: Option<&str>,
        now: i64,
        apply: impl FnOnce(&str, &str, &str, i64) -> Option<LedgerUpdate> + Send,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.writer.begin().await?;
        let gone = sqlx::query(
            "DELETE FROM save_outbox WHERE team_id = ?1 AND entry_id = ?2
             RETURNING save_id, entry,
                (SELECT status FROM saves s
                    WHERE s.team_id = ?1 AND s.save_id = save_outbox.save_id) AS status,
                (SELECT outcome FROM saves s
                    WHERE s.team_id = ?1 AND s.save_id = save_outbox.save_id) AS outcome,
                (SELECT COUNT(*) FROM save_outbox o WHERE o.team_id = ?1
                    AND o.save_id = save_outbox.save_id AND o.entry_id <> ?2) AS n,
                (SELECT last_push_at FROM connections c
                    WHERE c.team_id = ?1 AND c.id = ?3) AS last_push_at",
        )
        .bind(team_id)
        .bind(entry_id)
        .bind(connection_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(gone) = gone else {
            return Ok(()); // settled by another run meanwhile
        };
        let save_id: String = gone.try_get("save_id")?;
        let entry: String = gone.try_get("entry")?;
        // The ledger row outlives its entries (they reference it).
        let status: Option<String> = gone.try_get("status")?;
        let outcome: Option<String> = gone.try_get("outcome")?;
        let (Some(status), Some(outcome)) = (status, outcome) else {
            return Err(sqlx::Error::RowNotFound);
        };
        let left: i64 = gone.try_get("n")?;
        let last_push_at: Option<i64> = gone.try_get("last_push_at")?;
        let update = apply(&entry, &status, &outcome, left);
        let stamp = connection_id.filter(|_| last_push_at != Some(now));
        // The writes in one round trip: the ledger row, its journal line, the stamp.
        let mut sql = String::new();
        if let Some(update) = &update {
            sql.push_str(
                "UPDATE saves SET status = ?4, outcome = ?5, updated_at = ?3
                 WHERE team_id = ?1 AND save_id = ?2;",
            );
            if update.journal.is_some() {
                sql.push_str(
                    "INSERT INTO journal (team_id, at, kind, actor_id, save_id, code, message)
                     VALUES (?1, ?3, 'save', NULL, ?2, ?6, ?7);",
                );
            }
        }
        if stamp.is_some() {
            sql.push_str(
                "UPDATE connections SET last_push_at = ?3 WHERE team_id = ?1 AND id = ?8;",
            );
        }
        if !sql.is_empty() {
            let (code, message) = update
                .as_ref()
                .and_then(|u| u.journal.as_ref())
                .map(|(code, message)| (Some(code.as_str()), Some(message.as_str())))
                .unwrap_or_default();
            // The text is one of these fixed statement lists; every value is bound.
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .bind(team_id)
                .bind(&save_id)
                .bind(now)
                .bind(update.as_ref().map(|u| u.status.as_str()))
                .bind(update.as_ref().map(|u| u.outcome.as_str()))
                .bind(code)
                .bind(message)
                .bind(stamp)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await
    }

    /// Outbox entries due by `now_ms` whose lease has run out and whose connection is held
    /// and not waiting for a reconnect, across teams, oldest first.
    /// `only_crm`: only teams of that CRM (the others' saves stay queued on this server).
    pub async fn due_outbox(
        &self,
        now_ms: i64,
        limit: i64,
        only_crm: Option<&str>,
    ) -> Result<Vec<DueEntry>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT o.team_id, o.entry_id, o.save_id, o.connection_id FROM save_outbox o
             JOIN connections c ON c.team_id = o.team_id AND c.id = o.connection_id
             JOIN teams t ON t.id = o.team_id
             WHERE o.next_at_ms <= ? AND o.lease_until_ms <= ? AND c.needs_reconnect = 0
               AND (? IS NULL OR t.crm = ?)
             ORDER BY o.rowid LIMIT ?",
        )
        .bind(now_ms)
        .bind(now_ms)
        .bind(only_crm)
        .bind(only_crm)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(DueEntry {
                    team_id: r.try_get("team_id")?,
                    entry_id: r.try_get("entry_id")?,
                    save_id: r.try_get("save_id")?,
                    connection_id: r.try_get("connection_id")?,
                })
            })
            .collect()
    }

    /// Leases an outbox entry to `holder` until `until_ms`, unless another holder's lease is
    /// still running. One server process runs an entry at a time.
    pub async fn lease_outbox_entry(
        &self,
        team_id: &str,
        entry_id: &str,
        holder: &str,
        now_ms: i64,
        until_ms: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE save_outbox SET lease_holder = ?, lease_until_ms = ?
             WHERE team_id = ? AND entry_id = ? AND (lease_until_ms <= ? OR lease_holder = ?)",
        )
        .bind(holder)
        .bind(until_ms)
        .bind(team_id)
        .bind(entry_id)
        .bind(now_ms)
        .bind(holder)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives an entry's lease back (only its holder can).
    pub async fn release_outbox_entry(
        &self,
        team_id: &str,
        entry_id: &str,
        holder: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE save_outbox SET lease_holder = NULL, lease_until_ms = 0
             WHERE team_id = ? AND entry_id = ? AND lease_holder = ?",
        )
        .bind(team_id)
        .bind(entry_id)
        .bind(holder)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// A team-held connection with its secrets sealed (`None`: gone, e.g. replaced by a
    /// reconnect or removed with its member).
    pub async fn push_connection(
        &self,
        team_id: &str,
        connection_id: &str,
    ) -> Result<Option<SyncConnection>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT id, member_id, crm_user_id, crm_email, permission, instance_url,
                    refresh_token, access_token, needs_reconnect, credential
             FROM connections WHERE team_id = ? AND id = ?",
        )
        .bind(team_id)
        .bind(connection_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(SyncConnection {
                id: r.try_get("id")?,
                member_id: r.try_get("member_id")?,
                crm_user_id: r.try_get("crm_user_id")?,
                crm_email: r.try_get("crm_email")?,
                permission: r.try_get("permission")?,
                instance_url: r.try_get("instance_url")?,
                sealed_refresh_token: r.try_get("refresh_token")?,
                sealed_access_token: r.try_get("access_token")?,
                needs_reconnect: r.try_get::<i64, _>("needs_reconnect")? != 0,
                credential: r.try_get("credential")?,
            })
        })
        .transpose()
    }

    /// The team sync connections (`(team, connection)`) not waiting for a reconnect: the
    /// scheduled refresh keeps their tokens alive.
    pub async fn live_team_sync_connections(&self) -> Result<Vec<(String, String)>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT t.id AS team_id, c.id AS connection_id FROM teams t JOIN connections c
                ON c.team_id = t.id AND c.member_id = t.team_sync_member
             WHERE c.needs_reconnect = 0 ORDER BY t.id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("team_id")?, r.try_get("connection_id")?)))
            .collect()
    }

    /// Hands the outbox entries of a replaced connection to its replacement (an admin
    /// reconnected the same CRM user): the saves waiting for the reconnect go with it.
    pub async fn repoint_outbox(
        &self,
        team_id: &str,
        old_connection_id: &str,
        new_connection_id: &str,
    ) -> Result<u64, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE save_outbox SET connection_id = ? WHERE team_id = ? AND connection_id = ?",
        )
        .bind(new_connection_id)
        .bind(team_id)
        .bind(old_connection_id)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected())
    }

    /// Stores tokens a refresh gave (sealed), stamps the last refresh and clears a reconnect.
    pub async fn store_refreshed_tokens(
        &self,
        team_id: &str,
        connection_id: &str,
        sealed_access_token: &[u8],
        sealed_refresh_token: &[u8],
        instance_url: Option<&str>,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE connections SET access_token = ?, refresh_token = ?,
                instance_url = COALESCE(?, instance_url), last_refresh_at = ?,
                needs_reconnect = 0, reconnect_reason = NULL, updated_at = ?
             WHERE team_id = ? AND id = ?",
        )
        .bind(sealed_access_token)
        .bind(sealed_refresh_token)
        .bind(instance_url)
        .bind(now)
        .bind(now)
        .bind(team_id)
        .bind(connection_id)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// Marks a connection as needing a reconnect (the CRM refused its grant), with the reason
    /// and an error-log line, once.
    pub async fn mark_reconnect_needed(
        &self,
        team_id: &str,
        connection_id: &str,
        reason: &str,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.writer.begin().await?;
        let done = sqlx::query(
            "UPDATE connections SET needs_reconnect = 1, reconnect_reason = ?
             WHERE team_id = ? AND id = ? AND needs_reconnect = 0",
        )
        .bind(reason)
        .bind(team_id)
        .bind(connection_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 {
            insert_journal(
                &mut tx,
                team_id,
                now,
                "error",
                None,
                None,
                "reconnect_needed",
                &format!(
                    "the CRM refused the team sync connection's grant ({reason}); an admin must \
                     reconnect it, saves wait until then"
                ),
            )
            .await?;
        }
        tx.commit().await
    }

    /// The push health of the team's connections.
    pub async fn push_health(&self, team_id: &str) -> Result<Vec<PushHealth>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT id, reconnect_reason FROM connections WHERE team_id = ? ORDER BY rowid",
        )
        .bind(team_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PushHealth {
                    connection_id: r.try_get("id")?,
                    reconnect_reason: r.try_get("reconnect_reason")?,
                })
            })
            .collect()
    }

    /// How many saves of a team are not pushed yet, by ledger status.
    pub async fn unsettled_saves(&self, team_id: &str) -> Result<Vec<(String, i64)>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT status, COUNT(*) AS n FROM saves
             WHERE team_id = ? AND save_id IN (SELECT save_id FROM save_outbox WHERE team_id = ?)
             GROUP BY status ORDER BY status",
        )
        .bind(team_id)
        .bind(team_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("status")?, r.try_get("n")?)))
            .collect()
    }
}

async fn write_ledger(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    team_id: &str,
    save_id: &str,
    now: i64,
    update: &LedgerUpdate,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE saves SET status = ?, outcome = ?, updated_at = ? WHERE team_id = ? AND save_id = ?",
    )
    .bind(&update.status)
    .bind(&update.outcome)
    .bind(now)
    .bind(team_id)
    .bind(save_id)
    .execute(&mut **tx)
    .await?;
    if let Some((code, message)) = &update.journal {
        insert_journal(tx, team_id, now, "save", None, Some(save_id), code, message).await?;
    }
    Ok(())
}

/// Inserts or replaces one outbox entry row, renewing `holder`'s lease on it.
async fn upsert_outbox_row(
    db: impl sqlx::SqliteExecutor<'_>,
    team_id: &str,
    e: &OutboxRow,
    holder: &str,
    lease_until_ms: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO save_outbox (team_id, entry_id, save_id, connection_id, entry,
            next_at_ms, lease_holder, lease_until_ms, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (team_id, entry_id) DO UPDATE
            SET entry = excluded.entry, next_at_ms = excluded.next_at_ms,
                lease_until_ms = CASE WHEN save_outbox.lease_holder = excluded.lease_holder
                    THEN excluded.lease_until_ms ELSE save_outbox.lease_until_ms END",
    )
    .bind(team_id)
    .bind(&e.entry_id)
    .bind(&e.save_id)
    .bind(&e.connection_id)
    .bind(&e.entry)
    .bind(e.next_at_ms)
    .bind(holder)
    .bind(lease_until_ms)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

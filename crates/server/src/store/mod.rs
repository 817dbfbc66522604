//! The storage layer: every SQL statement of the server lives in this module, behind
//! [`Store`]'s methods, so a PostgreSQL backend is a second implementation of these methods
//! (same tables, same statements with `$n` placeholders), not a rewrite of the handlers.
//!
//! **Invariant:** every method that reads or changes team data takes the caller's `team_id`
//! and scopes its statement by it; a session of one team cannot name another team's rows.
//! Secrets arrive here already sealed (see `crypto`) and no method returns them except
//! [`Store::sealed_refresh_token`] and the push engine's `team_sync_connection` (`push.rs`:
//! the ledger's outbox, sealed tokens, leases), which `crate::push` opens in memory.

mod push;
mod schema;
mod snapshot;

pub use push::{DueEntry, LedgerUpdate, OutboxRow, PushHealth, SyncConnection};
pub use snapshot::SaveSnapshot;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use saves::CrmKind;
use serde::Serialize;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::Row;

pub use oauth::{NewOAuthState, OAuthPurpose, OAuthState, OneTimeRefusal};

/// The columns of a [`Team`] (a macro so `concat!` builds each query as one static string).
macro_rules! team_select {
    () => {
        "SELECT id, name, crm, data_key, team_sync_member, push_settings, crm_users FROM teams"
    };
}
/// The columns of a [`Member`].
macro_rules! member_select {
    () => {
        "SELECT m.id, m.team_id, m.email, m.role, m.crm_user_id, m.owner_mapping, m.created_at FROM members m"
    };
}

// After the column macros, which it uses too.
mod oauth;

/// The database file's name inside the data directory.
pub const DB_FILE: &str = "leadline.db";

/// The role of an app user on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages members, connections and settings.
    Admin,
    /// Saves prospects.
    Rep,
}

impl Role {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Rep => "rep",
        }
    }

    /// The role named `text`, if any.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "admin" => Some(Role::Admin),
            "rep" => Some(Role::Rep),
            _ => None,
        }
    }
}

/// A team as stored (its data key still wrapped).
#[derive(Debug, Clone)]
pub struct Team {
    /// The team's id.
    pub id: String,
    /// Its display name (unique on the server).
    pub name: String,
    /// The CRM the team syncs with (stored as its wire name, `salesforce` or `hubspot`).
    pub crm: CrmKind,
    /// The data key, wrapped by the master key.
    pub wrapped_data_key: Vec<u8>,
    /// The member whose team-held connection is the team sync.
    pub team_sync_member: Option<String>,
    /// The push settings (`saves::Settings` as JSON).
    pub push_settings: String,
    /// The CRM user directory (`crm::CrmUser` list as JSON; `[]` when never read).
    pub crm_users: String,
}

/// An app user of a team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    /// The app user id (the spec's `AppUser.id`).
    pub id: String,
    /// The team.
    #[serde(skip)]
    pub team_id: String,
    /// The login email.
    pub email: String,
    /// Admin or rep.
    pub role: Role,
    /// The member's own CRM user id, when known.
    pub crm_user_id: Option<String>,
    /// The owner mapping, when set.
    pub owner_mapping: Option<String>,
    /// When the member joined (Unix seconds).
    pub created_at: i64,
}

/// A team-held connection without its secrets: what the admin's health view shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Connection {
    /// The connection's id.
    pub id: String,
    /// The member it belongs to.
    pub member_id: String,
    /// The connected CRM user.
    pub crm_user_id: String,
    /// That CRM user's email.
    pub crm_email: String,
    /// `admin`, `standard` or `read_only`.
    pub permission: String,
    /// The CRM instance the token works against.
    pub instance_url: Option<String>,
    /// True when the CRM refused the token and the admin must reconnect.
    pub needs_reconnect: bool,
    /// Last successful token refresh (Unix seconds).
    pub last_refresh_at: Option<i64>,
    /// Last push made with it (Unix seconds).
    pub last_push_at: Option<i64>,
    /// Whether a client secret is stored with it (never the secret itself).
    pub has_client_secret: bool,
    /// For a pasted HubSpot token, its kind (`private_app_token` or `service_key`).
    pub credential: Option<String>,
    /// When it was last stored.
    pub updated_at: i64,
}

impl Connection {
    /// The kind of pasted HubSpot token it holds ([`credential_named`]).
    pub fn pasted(&self) -> Option<crm::Credential> {
        credential_named(self.credential.as_deref())
    }
}

/// A stored credential kind by its `crm::Credential` name (`None`: none stored, or a name this
/// version does not know, which then reads as the token's format says).
pub fn credential_named(name: Option<&str>) -> Option<crm::Credential> {
    name.and_then(|n| serde_json::from_value(serde_json::Value::from(n)).ok())
}

/// A connection to store, secrets already sealed with the team's data key.
#[derive(Debug, Clone)]
pub struct NewConnection {
    /// The connection's id (part of the secrets' associated data).
    pub id: String,
    /// The member whose connection it is.
    pub member_id: String,
    /// The connected CRM user.
    pub crm_user_id: String,
    /// That CRM user's email.
    pub crm_email: String,
    /// `admin`, `standard` or `read_only`.
    pub permission: String,
    /// The CRM instance.
    pub instance_url: Option<String>,
    /// The sealed refresh token (or private-app token).
    pub sealed_refresh_token: Vec<u8>,
    /// The sealed client secret, if the connection has its own.
    pub sealed_client_secret: Option<Vec<u8>>,
    /// For a pasted HubSpot token, its kind (`private_app_token` or `service_key`).
    pub credential: Option<String>,
}

/// Why an invite code did not let anyone join.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InviteRefusal {
    /// No such code (forged or mistyped).
    Unknown,
    /// Already used once.
    Used,
    /// Past its expiry.
    Expired,
    /// A member with that email is already on the team.
    AlreadyMember,
}

/// Who joined with an invite.
#[derive(Debug, Clone)]
pub struct Joined {
    /// The new member.
    pub member: Member,
    /// The team's name.
    pub team_name: String,
}

/// The result of offering a save to the ledger.
#[derive(Debug, Clone)]
pub struct LedgerEntry {
    /// True when this call recorded it; false when the save id was already there.
    pub recorded: bool,
    /// The actor stored with the save id.
    pub actor_id: String,
    /// The hash of the stored request.
    pub request_hash: String,
    /// The stored outcome (JSON text).
    pub outcome: String,
}

/// One line of the journal or error log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JournalEntry {
    /// Increasing id.
    pub id: i64,
    /// When (Unix seconds).
    pub at: i64,
    /// `save`, `error` or `admin`.
    pub kind: String,
    /// The member who acted, if any.
    pub actor_id: Option<String>,
    /// The save concerned, if any.
    pub save_id: Option<String>,
    /// A stable code (`queued`, `no_credentials`, `member_removed`, …).
    pub code: String,
    /// A sentence for the admin.
    pub message: String,
}

/// The server's database.
#[derive(Debug, Clone)]
pub struct Store {
    /// Reading connections.
    pool: SqlitePool,
    /// The one writing connection (every statement that changes rows, and transactions).
    writer: SqlitePool,
}

impl Store {
    /// Opens (creating if needed) the SQLite database in `data_dir` and applies migrations.
    ///
    /// Two pools on one file: readers (several connections; WAL lets them read while a write
    /// runs) and one writer connection. SQLite admits one writer at a time anyway; queueing
    /// writes on one connection in this process is fair and avoids the busy-wait back-off of
    /// many connections fighting over the write lock. Another process (the CLI, a second
    /// server) still coordinates through SQLite's own lock and the busy timeout.
    /// `synchronous = NORMAL` with WAL keeps every commit across a killed process; only a
    /// power loss can drop the last commits.
    pub async fn open(data_dir: &Path) -> Result<Self, sqlx::Error> {
        let options = SqliteConnectOptions::from_str("sqlite:")?
            .filename(data_dir.join(DB_FILE))
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        // No ping before each use: a connection to a local file does not drop like a network
        // one (a broken one still fails its statement, and the pool's ping when it is given
        // back still flushes an abandoned transaction). The ping cost a round trip to the
        // connection's thread per statement.
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .test_before_acquire(false)
            .connect_with(options.clone())
            .await?;
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .test_before_acquire(false)
            .connect_with(options)
            .await?;
        let store = Self { pool, writer };
        store.migrate().await?;
        Ok(store)
    }

    async fn migrate(&self) -> Result<(), sqlx::Error> {
        sqlx::query(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY, description TEXT NOT NULL)",
        )
        .execute(&self.writer)
        .await?;
        for (version, description, statements) in schema::MIGRATIONS {
            let mut tx = self.writer.begin().await?;
            let done = sqlx::query("SELECT 1 FROM schema_migrations WHERE version = ?")
                .bind(version)
                .fetch_optional(&mut *tx)
                .await?;
            if done.is_some() {
                continue;
            }
            for statement in *statements {
                sqlx::query(*statement).execute(&mut *tx).await?;
            }
            sqlx::query("INSERT INTO schema_migrations (version, description) VALUES (?, ?)")
                .bind(version)
                .bind(description)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            tracing::info!(version, description, "applied a database migration");
        }
        Ok(())
    }

    /// Closes the pool (waits for connections to finish), e.g. before a restart.
    pub async fn close(&self) {
        self.pool.close().await;
        self.writer.close().await;
    }

    /// A server-wide value.
    pub async fn meta(&self, name: &str) -> Result<Option<Vec<u8>>, sqlx::Error> {
        let row = sqlx::query("SELECT value FROM server_meta WHERE name = ?")
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.try_get("value")).transpose()
    }

    /// Stores a server-wide value unless one is already there.
    pub async fn put_meta_once(&self, name: &str, value: &[u8]) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO server_meta (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(value)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    // --- teams ----------------------------------------------------------------------------

    /// The team named `name`.
    pub async fn team_by_name(&self, name: &str) -> Result<Option<Team>, sqlx::Error> {
        let row = sqlx::query(concat!(team_select!(), " WHERE name = ?"))
            .bind(name)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| team_from(&r)).transpose()
    }

    /// The team with id `id`.
    pub async fn team(&self, id: &str) -> Result<Option<Team>, sqlx::Error> {
        team_by_id(&self.pool, id).await
    }

    /// A team's rows a save is decided from, read on one connection (one round trip to it
    /// fewer per query than separate reads): the team, its current members, its team-held
    /// connections and the members signed in with their own CRM identity.
    pub async fn team_snapshot(
        &self,
        team_id: &str,
    ) -> Result<Option<(Team, Vec<Member>, Vec<Connection>, Vec<String>)>, sqlx::Error> {
        let mut db = self.pool.acquire().await?;
        let Some(team) = team_by_id(&mut *db, team_id).await? else {
            return Ok(None);
        };
        Ok(Some((
            team,
            members_of(&mut *db, team_id).await?,
            connections_of(&mut *db, team_id).await?,
            crm_signed_in_of(&mut *db, team_id).await?,
        )))
    }

    /// Creates a team syncing with `crm`; `false` when the name is taken.
    pub async fn create_team(
        &self,
        id: &str,
        name: &str,
        crm: CrmKind,
        wrapped_data_key: &[u8],
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "INSERT INTO teams (id, name, crm, data_key, created_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(id)
        .bind(name)
        .bind(crm.as_str())
        .bind(wrapped_data_key)
        .bind(now)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Sets (or clears) the team sync member.
    pub async fn set_team_sync(
        &self,
        team_id: &str,
        member: Option<&str>,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE teams SET team_sync_member = ? WHERE id = ?")
            .bind(member)
            .bind(team_id)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// Replaces the push settings (JSON text, already validated).
    pub async fn set_push_settings(
        &self,
        team_id: &str,
        settings: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE teams SET push_settings = ? WHERE id = ?")
            .bind(settings)
            .bind(team_id)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// Stores the team's CRM user directory (`users`, JSON), read now.
    pub async fn set_crm_users(
        &self,
        team_id: &str,
        users: &str,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE teams SET crm_users = ?, crm_users_read_at = ?, crm_users_error = NULL
             WHERE id = ?",
        )
        .bind(users)
        .bind(now)
        .bind(team_id)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// Records why reading the team's CRM user directory failed; the directory is kept.
    pub async fn set_crm_users_error(&self, team_id: &str, error: &str) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE teams SET crm_users_error = ? WHERE id = ?")
            .bind(error)
            .bind(team_id)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// When the team's CRM user directory was last read, and why its last read failed.
    pub async fn crm_users_status(
        &self,
        team_id: &str,
    ) -> Result<(Option<i64>, Option<String>), sqlx::Error> {
        let row = sqlx::query("SELECT crm_users_read_at, crm_users_error FROM teams WHERE id = ?")
            .bind(team_id)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(r) => Ok((
                r.try_get("crm_users_read_at")?,
                r.try_get("crm_users_error")?,
            )),
            None => Ok((None, None)),
        }
    }

    // --- invites, members, sessions ---------------------------------------------------------

    /// Stores a new invite (its code hashed).
    pub async fn create_invite(
        &self,
        team_id: &str,
        code_hash: &str,
        role: Role,
        email: Option<&str>,
        now: i64,
        expires_at: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO invites (code_hash, team_id, role, email, created_at, expires_at)
             VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(code_hash)
        .bind(team_id)
        .bind(role.as_str())
        .bind(email)
        .bind(now)
        .bind(expires_at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// Uses an invite once: in one transaction, marks the code used, adds the member and
    /// stores their first session. Two joins racing on one code: exactly one wins.
    #[allow(clippy::too_many_arguments)] // one atomic step needs all of these
    pub async fn redeem_invite(
        &self,
        code_hash: &str,
        email: &str,
        member_id: &str,
        session_hash: &str,
        now: i64,
        session_expires_at: i64,
    ) -> Result<Result<Joined, InviteRefusal>, sqlx::Error> {
        let mut tx = self.writer.begin().await?;
        // The write comes first, so SQLite takes the write lock before any read.
        let claimed = sqlx::query(
            "UPDATE invites SET used_at = ?, used_by = ?
             WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?
             RETURNING team_id, role, email",
        )
        .bind(now)
        .bind(member_id)
        .bind(code_hash)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(claimed) = claimed else {
            let row = sqlx::query("SELECT used_at FROM invites WHERE code_hash = ?")
                .bind(code_hash)
                .fetch_optional(&mut *tx)
                .await?;
            let refusal = match row {
                None => InviteRefusal::Unknown,
                Some(row) if row.try_get::<Option<i64>, _>("used_at")?.is_some() => {
                    InviteRefusal::Used
                }
                Some(_) => InviteRefusal::Expired,
            };
            return Ok(Err(refusal));
        };
        let team_id: String = claimed.try_get("team_id")?;
        let role: String = claimed.try_get("role")?;
        let taken = sqlx::query(
            "SELECT 1 FROM members WHERE team_id = ? AND email = ? AND removed_at IS NULL",
        )
        .bind(&team_id)
        .bind(email)
        .fetch_optional(&mut *tx)
        .await?;
        if taken.is_some() {
            // Dropping the transaction rolls the claim back: the code stays usable.
            return Ok(Err(InviteRefusal::AlreadyMember));
        }
        sqlx::query(
            "INSERT INTO members (id, team_id, email, role, created_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(member_id)
        .bind(&team_id)
        .bind(email)
        .bind(&role)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        insert_session(
            &mut tx,
            session_hash,
            &team_id,
            member_id,
            now,
            session_expires_at,
        )
        .await?;
        let team_name: String = sqlx::query("SELECT name FROM teams WHERE id = ?")
            .bind(&team_id)
            .fetch_one(&mut *tx)
            .await?
            .try_get("name")?;
        tx.commit().await?;
        Ok(Ok(Joined {
            member: Member {
                id: member_id.into(),
                team_id,
                email: email.into(),
                role: Role::parse(&role).unwrap_or(Role::Rep),
                crm_user_id: None,
                owner_mapping: None,
                created_at: now,
            },
            team_name,
        }))
    }

    /// `None` when no invite has this code; else the email it was made for, if any.
    pub async fn invite_email(
        &self,
        code_hash: &str,
    ) -> Result<Option<Option<String>>, sqlx::Error> {
        let row = sqlx::query("SELECT email FROM invites WHERE code_hash = ?")
            .bind(code_hash)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.try_get("email")).transpose()
    }

    /// `None` when no invite has this code; else the role it admits (`admin` or `rep`),
    /// whether or not it is still usable (redeeming says why not).
    pub async fn invite_role(&self, code_hash: &str) -> Result<Option<Role>, sqlx::Error> {
        let row = sqlx::query("SELECT role FROM invites WHERE code_hash = ?")
            .bind(code_hash)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.try_get::<String, _>("role"))
            .transpose()
            .map(|role| role.and_then(|r| Role::parse(&r)))
    }

    /// Stores a new session for a current member of this team (the admin pages' sign-in
    /// with Salesforce); false when the member is not on the team.
    pub async fn create_session(
        &self,
        team_id: &str,
        member_id: &str,
        token_hash: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.writer.begin().await?;
        let current = sqlx::query(
            "SELECT 1 FROM members WHERE team_id = ? AND id = ? AND removed_at IS NULL",
        )
        .bind(team_id)
        .bind(member_id)
        .fetch_optional(&mut *tx)
        .await?;
        if current.is_none() {
            return Ok(false);
        }
        insert_session(&mut tx, token_hash, team_id, member_id, now, expires_at).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// The member behind a live session: not expired, not revoked, member not removed.
    pub async fn session_member(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<Member>, sqlx::Error> {
        let row = sqlx::query(concat!(
            member_select!(),
            " JOIN sessions s ON s.member_id = m.id AND s.team_id = m.team_id
             WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ?
               AND m.removed_at IS NULL"
        ))
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| member_from(&r)).transpose()
    }

    /// Revokes one session (sign-out).
    pub async fn revoke_session(&self, token_hash: &str, now: i64) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
        )
        .bind(now)
        .bind(token_hash)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// Revokes every session of a member of this team; answers how many were live.
    pub async fn revoke_member_sessions(
        &self,
        team_id: &str,
        member_id: &str,
        now: i64,
    ) -> Result<u64, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE sessions SET revoked_at = ?
             WHERE team_id = ? AND member_id = ? AND revoked_at IS NULL AND expires_at > ?",
        )
        .bind(now)
        .bind(team_id)
        .bind(member_id)
        .bind(now)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected())
    }

    /// The team's current members, oldest first (rule 3 breaks ties by this order).
    pub async fn members(&self, team_id: &str) -> Result<Vec<Member>, sqlx::Error> {
        members_of(&self.pool, team_id).await
    }

    /// The current members of this team who signed in with their own CRM identity (ids).
    pub async fn crm_signed_in_members(&self, team_id: &str) -> Result<Vec<String>, sqlx::Error> {
        crm_signed_in_of(&self.pool, team_id).await
    }

    /// One current member of this team.
    pub async fn member(
        &self,
        team_id: &str,
        member_id: &str,
    ) -> Result<Option<Member>, sqlx::Error> {
        let row = sqlx::query(concat!(
            member_select!(),
            " WHERE m.team_id = ? AND m.id = ? AND m.removed_at IS NULL"
        ))
        .bind(team_id)
        .bind(member_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| member_from(&r)).transpose()
    }

    /// Removes a member: revokes their sessions, drops their team-held connection and, if it
    /// was the team sync, clears it. `false` when no such member is on this team.
    pub async fn remove_member(
        &self,
        team_id: &str,
        member_id: &str,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.writer.begin().await?;
        let done = sqlx::query(
            "UPDATE members SET removed_at = ? WHERE team_id = ? AND id = ? AND removed_at IS NULL",
        )
        .bind(now)
        .bind(team_id)
        .bind(member_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query("UPDATE sessions SET revoked_at = ? WHERE team_id = ? AND member_id = ? AND revoked_at IS NULL")
            .bind(now)
            .bind(team_id)
            .bind(member_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM connections WHERE team_id = ? AND member_id = ?")
            .bind(team_id)
            .bind(member_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "UPDATE teams SET team_sync_member = NULL WHERE id = ? AND team_sync_member = ?",
        )
        .bind(team_id)
        .bind(member_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Sets a member's owner mapping and own CRM user id; `false` when no such member.
    pub async fn set_member_crm(
        &self,
        team_id: &str,
        member_id: &str,
        crm_user_id: Option<&str>,
        owner_mapping: Option<&str>,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE members SET crm_user_id = ?, owner_mapping = ?
             WHERE team_id = ? AND id = ? AND removed_at IS NULL",
        )
        .bind(crm_user_id)
        .bind(owner_mapping)
        .bind(team_id)
        .bind(member_id)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    // --- connections ----------------------------------------------------------------------

    /// Stores (or replaces) a member's team-held connection.
    pub async fn put_connection(
        &self,
        team_id: &str,
        connection: &NewConnection,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.writer.begin().await?;
        sqlx::query("DELETE FROM connections WHERE team_id = ? AND member_id = ?")
            .bind(team_id)
            .bind(&connection.member_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO connections (id, team_id, member_id, crm_user_id, crm_email, permission,
                instance_url, refresh_token, client_secret, credential, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&connection.id)
        .bind(team_id)
        .bind(&connection.member_id)
        .bind(&connection.crm_user_id)
        .bind(&connection.crm_email)
        .bind(&connection.permission)
        .bind(&connection.instance_url)
        .bind(&connection.sealed_refresh_token)
        .bind(&connection.sealed_client_secret)
        .bind(&connection.credential)
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await
    }

    /// The team's connections, without secrets.
    pub async fn connections(&self, team_id: &str) -> Result<Vec<Connection>, sqlx::Error> {
        connections_of(&self.pool, team_id).await
    }

    /// A connection's sealed refresh token, for the push engine (the one way a secret leaves
    /// the store; it is opened only in memory, with the team's data key).
    pub async fn sealed_refresh_token(
        &self,
        team_id: &str,
        connection_id: &str,
    ) -> Result<Option<Vec<u8>>, sqlx::Error> {
        let row = sqlx::query("SELECT refresh_token FROM connections WHERE team_id = ? AND id = ?")
            .bind(team_id)
            .bind(connection_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| r.try_get("refresh_token")).transpose()
    }

    /// Takes the refresh lock of a connection for `holder` until `now + ttl_secs`, unless
    /// another holder has it and it has not expired. Works across server processes.
    pub async fn take_refresh_lock(
        &self,
        connection_id: &str,
        holder: &str,
        now: i64,
        ttl_secs: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "INSERT INTO refresh_locks (connection_id, holder, expires_at) VALUES (?, ?, ?)
             ON CONFLICT (connection_id) DO UPDATE
                SET holder = excluded.holder, expires_at = excluded.expires_at
                WHERE refresh_locks.expires_at <= ? OR refresh_locks.holder = excluded.holder",
        )
        .bind(connection_id)
        .bind(holder)
        .bind(now + ttl_secs)
        .bind(now)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Gives a refresh lock back (only its holder can).
    pub async fn release_refresh_lock(
        &self,
        connection_id: &str,
        holder: &str,
    ) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM refresh_locks WHERE connection_id = ? AND holder = ?")
            .bind(connection_id)
            .bind(holder)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    // --- the save ledger and the journal ----------------------------------------------------

    /// The ledger entry of a save id, if the team has one (`recorded` is false).
    pub async fn save_entry(
        &self,
        team_id: &str,
        save_id: &str,
    ) -> Result<Option<LedgerEntry>, sqlx::Error> {
        let row = sqlx::query(
            "SELECT actor_id, request_hash, outcome FROM saves WHERE team_id = ? AND save_id = ?",
        )
        .bind(team_id)
        .bind(save_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(LedgerEntry {
                recorded: false,
                actor_id: r.try_get("actor_id")?,
                request_hash: r.try_get("request_hash")?,
                outcome: r.try_get("outcome")?,
            })
        })
        .transpose()
    }

    /// How many saves the ledger holds for a team (the tests count duplicates with it).
    pub async fn save_count(&self, team_id: &str) -> Result<i64, sqlx::Error> {
        sqlx::query("SELECT COUNT(*) AS n FROM saves WHERE team_id = ?")
            .bind(team_id)
            .fetch_one(&self.pool)
            .await?
            .try_get("n")
    }

    /// Adds a journal line.
    #[allow(clippy::too_many_arguments)] // the journal row's columns
    pub async fn journal_add(
        &self,
        team_id: &str,
        now: i64,
        kind: &str,
        actor_id: Option<&str>,
        save_id: Option<&str>,
        code: &str,
        message: &str,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.writer.begin().await?;
        insert_journal(
            &mut tx, team_id, now, kind, actor_id, save_id, code, message,
        )
        .await?;
        tx.commit().await
    }

    /// The newest `limit` journal lines of a kind, newest first.
    pub async fn journal(
        &self,
        team_id: &str,
        kind: &str,
        limit: i64,
    ) -> Result<Vec<JournalEntry>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT id, at, kind, actor_id, save_id, code, message FROM journal
             WHERE team_id = ? AND kind = ? ORDER BY id DESC LIMIT ?",
        )
        .bind(team_id)
        .bind(kind)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(JournalEntry {
                    id: r.try_get("id")?,
                    at: r.try_get("at")?,
                    kind: r.try_get("kind")?,
                    actor_id: r.try_get("actor_id")?,
                    save_id: r.try_get("save_id")?,
                    code: r.try_get("code")?,
                    message: r.try_get("message")?,
                })
            })
            .collect()
    }
}

/// A stored CRM name read back; anything but a wire name is a decode error.
fn crm_from(stored: &str) -> Result<CrmKind, sqlx::Error> {
    CrmKind::parse(stored).ok_or_else(|| sqlx::Error::ColumnDecode {
        index: "crm".to_owned(),
        source: format!("not a CRM ({}): {stored:?}", CrmKind::expected()).into(),
    })
}

/// The team with id `id`.
async fn team_by_id(
    db: impl sqlx::SqliteExecutor<'_>,
    id: &str,
) -> Result<Option<Team>, sqlx::Error> {
    let row = sqlx::query(concat!(team_select!(), " WHERE id = ?"))
        .bind(id)
        .fetch_optional(db)
        .await?;
    row.map(|r| team_from(&r)).transpose()
}

/// The current members of a team, oldest first.
async fn members_of(
    db: impl sqlx::SqliteExecutor<'_>,
    team_id: &str,
) -> Result<Vec<Member>, sqlx::Error> {
    let rows = sqlx::query(concat!(
        member_select!(),
        " WHERE m.team_id = ? AND m.removed_at IS NULL ORDER BY m.created_at, m.rowid"
    ))
    .bind(team_id)
    .fetch_all(db)
    .await?;
    rows.iter().map(member_from).collect()
}

/// The current members of a team who signed in with their own CRM identity (ids).
async fn crm_signed_in_of(
    db: impl sqlx::SqliteExecutor<'_>,
    team_id: &str,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM members
         WHERE team_id = ? AND removed_at IS NULL AND crm_signed_in_at IS NOT NULL",
    )
    .bind(team_id)
    .fetch_all(db)
    .await
}

/// A team's team-held connections, without their secrets.
async fn connections_of(
    db: impl sqlx::SqliteExecutor<'_>,
    team_id: &str,
) -> Result<Vec<Connection>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, member_id, crm_user_id, crm_email, permission, instance_url,
                needs_reconnect, last_refresh_at, last_push_at,
                client_secret IS NOT NULL AS has_client_secret, credential, updated_at
         FROM connections WHERE team_id = ? ORDER BY created_at, rowid",
    )
    .bind(team_id)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Connection {
                id: r.try_get("id")?,
                member_id: r.try_get("member_id")?,
                crm_user_id: r.try_get("crm_user_id")?,
                crm_email: r.try_get("crm_email")?,
                permission: r.try_get("permission")?,
                instance_url: r.try_get("instance_url")?,
                needs_reconnect: r.try_get::<i64, _>("needs_reconnect")? != 0,
                last_refresh_at: r.try_get("last_refresh_at")?,
                last_push_at: r.try_get("last_push_at")?,
                has_client_secret: r.try_get::<i64, _>("has_client_secret")? != 0,
                credential: r.try_get("credential")?,
                updated_at: r.try_get("updated_at")?,
            })
        })
        .collect()
}

fn team_from(row: &sqlx::sqlite::SqliteRow) -> Result<Team, sqlx::Error> {
    Ok(Team {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        crm: crm_from(row.try_get("crm")?)?,
        wrapped_data_key: row.try_get("data_key")?,
        team_sync_member: row.try_get("team_sync_member")?,
        push_settings: row.try_get("push_settings")?,
        crm_users: row.try_get("crm_users")?,
    })
}

fn member_from(row: &sqlx::sqlite::SqliteRow) -> Result<Member, sqlx::Error> {
    let role: String = row.try_get("role")?;
    Ok(Member {
        id: row.try_get("id")?,
        team_id: row.try_get("team_id")?,
        email: row.try_get("email")?,
        role: Role::parse(&role)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown role {role:?}").into()))?,
        crm_user_id: row.try_get("crm_user_id")?,
        owner_mapping: row.try_get("owner_mapping")?,
        created_at: row.try_get("created_at")?,
    })
}

async fn insert_session(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    token_hash: &str,
    team_id: &str,
    member_id: &str,
    now: i64,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, team_id, member_id, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(token_hash)
    .bind(team_id)
    .bind(member_id)
    .bind(now)
    .bind(expires_at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)] // the journal row's columns
async fn insert_journal(
    tx: &mut sqlx::Transaction<'_, sqlx::Sqlite>,
    team_id: &str,
    now: i64,
    kind: &str,
    actor_id: Option<&str>,
    save_id: Option<&str>,
    code: &str,
    message: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO journal (team_id, at, kind, actor_id, save_id, code, message)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(team_id)
    .bind(now)
    .bind(kind)
    .bind(actor_id)
    .bind(save_id)
    .bind(code)
    .bind(message)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

//! The database schema as numbered migrations, applied in order at start and recorded in
//! `schema_migrations`. Plain SQL that SQLite and PostgreSQL both accept (`BLOB` becomes
//! `BYTEA` in the PostgreSQL backend's copy); times are Unix seconds.
//!
//! Nothing a second server process would need lives in memory: sessions, the save ledger and
//! the refresh lock are tables here.

/// `(version, description, statements)`, oldest first. Never edit an applied migration: add one.
pub const MIGRATIONS: &[(i64, &str, &[&str])] = &[(
    1,
    "teams, members, connections, sessions, invites, saves, journal, refresh locks",
    &[
        // Server-wide values: `master_key_check` proves the master key matches this database.
        "CREATE TABLE server_meta (name TEXT PRIMARY KEY, value BLOB NOT NULL)",
        // One row per team; `data_key` is the team's AES key wrapped by the master key.
        "CREATE TABLE teams (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            crm TEXT NOT NULL DEFAULT 'salesforce',
            data_key BLOB NOT NULL,
            key_version INTEGER NOT NULL DEFAULT 1,
            team_sync_member TEXT,
            push_settings TEXT NOT NULL DEFAULT '{}',
            created_at INTEGER NOT NULL
        )",
        // App users. `crm_user_id` is the member's own CRM user (from sign-in or the admin);
        // `owner_mapping` the CRM user that owns their records (spec: owner mapping).
        "CREATE TABLE members (
            id TEXT PRIMARY KEY,
            team_id TEXT NOT NULL REFERENCES teams(id),
            email TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('admin', 'rep')),
            crm_user_id TEXT,
            owner_mapping TEXT,
            removed_at INTEGER,
            created_at INTEGER NOT NULL
        )",
        "CREATE UNIQUE INDEX members_email ON members (team_id, email) WHERE removed_at IS NULL",
        // Connections the team holds (spec rule 11: held by the team). Secrets are sealed
        // with the team's data key; everything else is plain so the admin can see health.
        "CREATE TABLE connections (
            id TEXT PRIMARY KEY,
            team_id TEXT NOT NULL REFERENCES teams(id),
            member_id TEXT NOT NULL REFERENCES members(id),
            crm_user_id TEXT NOT NULL,
            crm_email TEXT NOT NULL,
            permission TEXT NOT NULL CHECK (permission IN ('admin', 'standard', 'read_only')),
            instance_url TEXT,
            refresh_token BLOB NOT NULL,
            client_secret BLOB,
            needs_reconnect INTEGER NOT NULL DEFAULT 0,
            last_refresh_at INTEGER,
            last_push_at INTEGER,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            UNIQUE (team_id, member_id),
            UNIQUE (team_id, crm_user_id)
        )",
        // Server sessions: only the SHA-256 of the token is stored.
        "CREATE TABLE sessions (
            token_hash TEXT PRIMARY KEY,
            team_id TEXT NOT NULL REFERENCES teams(id),
            member_id TEXT NOT NULL REFERENCES members(id),
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            revoked_at INTEGER
        )",
        "CREATE INDEX sessions_member ON sessions (team_id, member_id)",
        // One-time invite codes, hashed like sessions.
        "CREATE TABLE invites (
            code_hash TEXT PRIMARY KEY,
            team_id TEXT NOT NULL REFERENCES teams(id),
            role TEXT NOT NULL CHECK (role IN ('admin', 'rep')),
            email TEXT,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            used_at INTEGER,
            used_by TEXT
        )",
        // The save ledger: the save id is the idempotency key within a team.
        "CREATE TABLE saves (
            team_id TEXT NOT NULL REFERENCES teams(id),
            save_id TEXT NOT NULL,
            actor_id TEXT NOT NULL,
            request_hash TEXT NOT NULL,
            status TEXT NOT NULL,
            outcome TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            PRIMARY KEY (team_id, save_id)
        )",
        // The team's journal (`kind` = 'save') and error log (`kind` = 'error'), and admin
        // changes (`kind` = 'admin').
        "CREATE TABLE journal (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            team_id TEXT NOT NULL REFERENCES teams(id),
            at INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('save', 'error', 'admin')),
            actor_id TEXT,
            save_id TEXT,
            code TEXT NOT NULL,
            message TEXT NOT NULL
        )",
        "CREATE INDEX journal_team ON journal (team_id, kind, id)",
        // Single-flight token refresh across server processes: one holder per connection
        // until `expires_at`.
        "CREATE TABLE refresh_locks (
            connection_id TEXT PRIMARY KEY,
            holder TEXT NOT NULL,
            expires_at INTEGER NOT NULL
        )",
    ],
), (
    2,
    "oauth: the team's CRM org, OAuth states, one-time sign-in codes",
    &[
        // The Salesforce org the team's connections and sign-ins belong to, set by the
        // admin's first connect.
        "ALTER TABLE teams ADD COLUMN crm_org_id TEXT",
        // An OAuth flow in flight: the state is stored hashed, the PKCE verifier sealed with
        // the master key, bound to who started it and what for; used once, expiring.
        "CREATE TABLE oauth_states (
            state_hash TEXT PRIMARY KEY,
            purpose TEXT NOT NULL CHECK (purpose IN ('connect', 'sign_in')),
            team_id TEXT REFERENCES teams(id),
            member_id TEXT REFERENCES members(id),
            sealed_verifier BLOB NOT NULL,
            return_to TEXT,
            return_state TEXT,
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            used_at INTEGER
        )",
        // The one-time code a sign-in hands the extension, exchanged once for a session.
        "CREATE TABLE sign_in_codes (
            code_hash TEXT PRIMARY KEY,
            team_id TEXT NOT NULL REFERENCES teams(id),
            member_id TEXT NOT NULL REFERENCES members(id),
            created_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            used_at INTEGER
        )",
    ],
), PUSH_MIGRATION, SIGN_IN_MIGRATION, CREDENTIAL_MIGRATION, DIRECTORY_MIGRATION];

/// Migration 3, the push engine (`crate::push`): the ledger becomes the outbox.
///
/// - `save_outbox`: the engine's outbox entries (`saves::OutboxEntry` as JSON), each tied to
///   its ledger row, written before the first request and at every step, deleted in the same
///   transaction that stores the CRM's answer in the ledger row; `connection_id` is the
///   team-held connection that pushes it (the decision's credential). `lease_holder` /
///   `lease_until_ms` let one server process run an entry at a time (a killed process's lease
///   runs out and another process, or the restarted one, resumes the entry).
/// - `connections.access_token`: the current access token, sealed like the refresh token, so
///   every server process uses (and refreshes) the same one.
/// - `connections.reconnect_reason`: why the CRM refused the grant, for the admin.
const PUSH_MIGRATION: (i64, &str, &[&str]) = (
    3,
    "push engine: outbox entries of the save ledger, sealed access tokens, reconnect reasons",
    &[
        "CREATE TABLE save_outbox (
            team_id TEXT NOT NULL,
            entry_id TEXT NOT NULL,
            save_id TEXT NOT NULL,
            connection_id TEXT NOT NULL,
            entry TEXT NOT NULL,
            next_at_ms INTEGER NOT NULL,
            lease_holder TEXT,
            lease_until_ms INTEGER NOT NULL DEFAULT 0,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (team_id, entry_id),
            FOREIGN KEY (team_id, save_id) REFERENCES saves(team_id, save_id)
        )",
        "CREATE INDEX save_outbox_save ON save_outbox (team_id, save_id)",
        "ALTER TABLE connections ADD COLUMN access_token BLOB",
        "ALTER TABLE connections ADD COLUMN reconnect_reason TEXT",
    ],
);

/// Migration 4, spec rule 11 on the server: `members.crm_signed_in_at` is when a member last
/// signed in with their own CRM identity (OpenID Connect, `crate::api::sign_in`). Such a
/// member's API connection lives in their own browser (the server never has it), and the
/// team state lists it as `held: own_browser`.
const SIGN_IN_MIGRATION: (i64, &str, &[&str]) = (
    4,
    "members' sign-ins with their CRM identity (their browser-held connections, rule 11)",
    &["ALTER TABLE members ADD COLUMN crm_signed_in_at INTEGER"],
);

/// Migration 5: `connections.credential` is what kind of pasted token a HubSpot connection
/// holds (`private_app_token` or `service_key`, as `crm::Credential` names them), decided when
/// it was checked ([`crm::Credential::of_hubspot_token`]); `NULL` for OAuth connections and
/// for tokens stored before it.
const CREDENTIAL_MIGRATION: (i64, &str, &[&str]) = (
    5,
    "the kind of pasted token a connection holds",
    &["ALTER TABLE connections ADD COLUMN credential TEXT"],
);

/// Migration 6: the team's CRM user directory (`crm::CrmUser` list as JSON: `{id, email,
/// active, name}`), read with the team sync connection (`crate::push::directory`), on the team
/// row so that it comes with the row every save already reads (spec rules 5 and 6 on the
/// server); `crm_users_read_at` is when it was last read, `crm_users_error` why the last read
/// failed (`NULL` after a read that worked; a failed read keeps the directory).
const DIRECTORY_MIGRATION: (i64, &str, &[&str]) = (
    6,
    "the team's CRM user directory, when it was read and why its last read failed",
    &[
        "ALTER TABLE teams ADD COLUMN crm_users TEXT NOT NULL DEFAULT '[]'",
        "ALTER TABLE teams ADD COLUMN crm_users_read_at INTEGER",
        "ALTER TABLE teams ADD COLUMN crm_users_error TEXT",
    ],
);

//! The org's persistent state in SQLite: Salesforce records, HubSpot objects, OAuth tokens and
//! settings. Created and seeded on first open.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Map, Value};

use crate::clock;
use crate::ids;
use crate::seed::{self, Profile};

/// A record's fields by API name.
pub type Fields = Map<String, Value>;

/// Storage failures are SQLite's.
pub type StoreResult<T> = Result<T, rusqlite::Error>;

/// An issued token.
#[derive(Debug, Clone)]
pub struct TokenRow {
    /// `sf_access`, `sf_refresh`, `hs_access`, `hs_refresh`.
    pub kind: String,
    /// Salesforce user id of the token's user.
    pub user_id: String,
    /// The OAuth client it was issued to.
    pub client_id: String,
    /// Granted scopes, space-separated.
    pub scope: String,
    /// Issue time.
    pub issued_ms: i64,
    /// Expiry, when it expires.
    pub expires_ms: Option<i64>,
    /// Whether it was revoked.
    pub revoked: bool,
}

/// One user's live approvals (refresh tokens) for one app.
#[derive(Debug, Clone)]
pub struct Approvals {
    /// Salesforce user id.
    pub user_id: String,
    /// The app.
    pub client_id: String,
    /// How many refresh tokens are live.
    pub count: i64,
    /// When the oldest was issued.
    pub oldest_ms: i64,
    /// When the newest was issued.
    pub newest_ms: i64,
}

/// The records a query has not returned yet.
#[derive(Debug, Clone)]
pub struct QueryCursor {
    /// Rendered records still to return.
    pub records: Vec<Value>,
    /// The query's totalSize.
    pub total: usize,
    /// Page size.
    pub batch: usize,
}

/// A stored HubSpot CRM object.
#[derive(Debug, Clone)]
pub struct HsObject {
    /// Numeric id.
    pub id: i64,
    /// `contacts`, `companies`, `notes`...
    pub object_type: String,
    /// Property values (strings).
    pub properties: Fields,
    /// `[{"toObjectType","toObjectId","associationTypeId"}]`.
    pub associations: Vec<Value>,
    /// Creation time.
    pub created_ms: i64,
    /// Last update time.
    pub updated_ms: i64,
    /// Archived (deleted).
    pub archived: bool,
}

/// HubSpot search's default indexing lag: objects created or updated in the last 2 s are not
/// found by search yet (reads by id or `idProperty` see them at once), as in a real portal
/// where the lag is "a few seconds".
pub const DEFAULT_HS_SEARCH_DELAY_MS: i64 = 2_000;

/// The org database.
pub struct Store {
    conn: Connection,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sf_records (
  id TEXT PRIMARY KEY, object TEXT NOT NULL, seq INTEGER NOT NULL, fields TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS sf_records_by_object ON sf_records(object, seq);
CREATE INDEX IF NOT EXISTS sf_records_by_seq ON sf_records(seq);
CREATE TABLE IF NOT EXISTS sf_keys (
  object TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS sf_keys_by_value ON sf_keys(object, field, value);
CREATE INDEX IF NOT EXISTS sf_keys_by_id ON sf_keys(id);
CREATE TABLE IF NOT EXISTS hs_keys (
  object_type TEXT NOT NULL, field TEXT NOT NULL, value TEXT NOT NULL, id INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS hs_keys_by_value ON hs_keys(object_type, field, value);
CREATE INDEX IF NOT EXISTS hs_keys_by_id ON hs_keys(id);
CREATE TABLE IF NOT EXISTS hs_objects (
  id INTEGER PRIMARY KEY, object_type TEXT NOT NULL, properties TEXT NOT NULL,
  associations TEXT NOT NULL, created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,
  archived INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS hs_objects_by_type ON hs_objects(object_type, archived, id);
CREATE TABLE IF NOT EXISTS query_cursors (
  locator TEXT PRIMARY KEY, records TEXT NOT NULL, total INTEGER NOT NULL, batch INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS tokens (
  token TEXT PRIMARY KEY, kind TEXT NOT NULL, user_id TEXT NOT NULL, client_id TEXT NOT NULL,
  scope TEXT NOT NULL, issued_ms INTEGER NOT NULL, expires_ms INTEGER,
  revoked INTEGER NOT NULL DEFAULT 0, parent TEXT);
";

impl Store {
    /// Opens (creating and seeding if new) the database at `path`.
    pub fn open(path: &Path) -> StoreResult<Store> {
        let conn = Connection::open(path)?;
        conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;")?;
        conn.execute_batch(SCHEMA)?;
        let store = Store { conn };
        if store.meta("seeded")?.is_none() {
            store.seed()?;
        }
        if store.meta("keys")?.as_deref() != Some(KEYS_VERSION) {
            store.rebuild_keys()?;
        }
        Ok(store)
    }

    fn seed(&self) -> StoreResult<()> {
        let now = clock::sf_datetime(clock::now_ms());
        let admin = seed::user_id(0);
        for profile in Profile::ALL {
            let mut f = Fields::new();
            f.insert("Id".into(), json!(profile.id()));
            f.insert("Name".into(), json!(profile.name()));
            f.insert("UserLicenseId".into(), Value::Null);
            f.insert(
                "PermissionsModifyAllData".into(),
                json!(profile.modify_all_data()),
            );
            f.insert(
                "PermissionsViewAllData".into(),
                json!(profile.modify_all_data()),
            );
            f.insert("PermissionsApiEnabled".into(), json!(true));
            f.insert(
                "PermissionsTransferAnyLead".into(),
                json!(profile.modify_all_data()),
            );
            self.insert_raw("Profile", &profile.id(), &f)?;
            // Each profile is backed by a permission set owned by it.
            let ps_id = permission_set_id(profile);
            let mut ps = f.clone();
            ps.insert("Id".into(), json!(ps_id));
            ps.insert("Name".into(), json!(format!("X{}", &profile.id()[..15])));
            ps.insert("Label".into(), json!(profile.name()));
            ps.insert("IsOwnedByProfile".into(), json!(true));
            ps.insert("ProfileId".into(), json!(profile.id()));
            self.insert_raw("PermissionSet", &ps_id, &ps)?;
        }
        for (i, user) in seed::USERS.iter().enumerate() {
            let id = seed::user_id(i);
            let mut f = Fields::new();
            f.insert("Id".into(), json!(id));
            f.insert("Username".into(), json!(user.email));
            f.insert("Email".into(), json!(user.email));
            f.insert("FirstName".into(), json!(user.first_name));
            f.insert("LastName".into(), json!(user.last_name));
            f.insert(
                "Name".into(),
                json!(format!("{} {}", user.first_name, user.last_name)),
            );
            f.insert(
                "Alias".into(),
                json!(user.email.split('@').next().unwrap_or("user")),
            );
            f.insert("IsActive".into(), json!(user.active));
            f.insert("UserType".into(), json!("Standard"));
            f.insert("ProfileId".into(), json!(user.profile.id()));
            f.insert("Title".into(), Value::Null);
            f.insert("CreatedById".into(), json!(admin));
            f.insert("CreatedDate".into(), json!(now));
            f.insert("LastModifiedById".into(), json!(admin));
            f.insert("LastModifiedDate".into(), json!(now));
            self.insert_raw("User", &id, &f)?;
            let psa_id = ids::sf_id("0Pa", i as u64 + 1);
            let mut a = Fields::new();
            a.insert("Id".into(), json!(psa_id));
            a.insert("AssigneeId".into(), json!(id));
            a.insert(
                "PermissionSetId".into(),
                json!(permission_set_id(user.profile)),
            );
            self.insert_raw("PermissionSetAssignment", &psa_id, &a)?;
        }
        for (key, value) in [
            ("api_limit", "15000"),
            ("api_disabled", "false"),
            ("lead_assignment_rule", "true"),
            ("duplicate_rule", "true"),
            ("api_usage", "0"),
            ("api_usage_day", "0"),
        ] {
            self.set_meta(key, value)?;
        }
        self.set_meta("seeded", &now)
    }

    fn insert_raw(&self, object: &str, id: &str, fields: &Fields) -> StoreResult<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO sf_records (id, object, seq, fields)
                 VALUES (?1, ?2, (SELECT COALESCE(MAX(seq), 0) + 1 FROM sf_records), ?3)",
            )?
            .execute(params![
                id,
                object,
                Value::Object(fields.clone()).to_string()
            ])?;
        self.index_sf(object, id, fields)
    }

    /// Replaces a Salesforce record's lookup keys (one per short text field).
    fn index_sf(&self, object: &str, id: &str, fields: &Fields) -> StoreResult<()> {
        self.conn
            .prepare_cached("DELETE FROM sf_keys WHERE id = ?1")?
            .execute([id])?;
        let mut insert = self.conn.prepare_cached(
            "INSERT INTO sf_keys (object, field, value, id) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (field, value) in fields {
            if let Some(key) = value.as_str().and_then(lookup_key) {
                insert.execute(params![object, field, key, id])?;
            }
        }
        Ok(())
    }

    /// Replaces a HubSpot object's lookup keys: its short text properties and, as
    /// `assoc:<type>`, the ids it is associated to.
    fn index_hs(&self, object: &HsObject) -> StoreResult<()> {
        self.conn
            .prepare_cached("DELETE FROM hs_keys WHERE id = ?1")?
            .execute([object.id])?;
        let mut insert = self.conn.prepare_cached(
            "INSERT INTO hs_keys (object_type, field, value, id) VALUES (?1, ?2, ?3, ?4)",
        )?;
        for (field, value) in &object.properties {
            if let Some(key) = value.as_str().and_then(lookup_key) {
                insert.execute(params![object.object_type, field, key, object.id])?;
            }
        }
        for association in &object.associations {
            let to_type = association.get("toObjectType").and_then(Value::as_str);
            let to_id = association.get("toObjectId").and_then(Value::as_str);
            if let (Some(to_type), Some(to_id)) = (to_type, to_id) {
                let field = format!("assoc:{to_type}");
                insert.execute(params![object.object_type, field, to_id, object.id])?;
            }
        }
        Ok(())
    }

    /// Fills the key tables from the records (a data dir written before they existed).
    fn rebuild_keys(&self) -> StoreResult<()> {
        self.conn
            .execute_batch("DELETE FROM sf_keys; DELETE FROM hs_keys;")?;
        let mut stmt = self
            .conn
            .prepare("SELECT id, object, fields FROM sf_records")?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?
            .collect::<StoreResult<Vec<_>>>()?;
        for (id, object, fields) in rows {
            self.index_sf(&object, &id, &parse_fields(&fields))?;
        }
        let mut stmt = self
            .conn
            .prepare("SELECT DISTINCT object_type FROM hs_objects")?;
        let types = stmt
            .query_map([], |r| r.get::<_, String>(0))?
            .collect::<StoreResult<Vec<_>>>()?;
        for object_type in types {
            for object in self.hs_all(&object_type)? {
                self.index_hs(&object)?;
            }
        }
        self.set_meta("keys", KEYS_VERSION)
    }

    /// A settings/meta value.
    pub fn meta(&self, key: &str) -> StoreResult<Option<String>> {
        self.conn
            .prepare_cached("SELECT value FROM meta WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()
    }

    /// Sets a settings/meta value.
    pub fn set_meta(&self, key: &str, value: &str) -> StoreResult<()> {
        self.conn
            .prepare_cached(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            )?
            .execute(params![key, value])?;
        Ok(())
    }

    /// A boolean setting.
    pub fn flag(&self, key: &str) -> StoreResult<bool> {
        Ok(self.meta(key)?.as_deref() == Some("true"))
    }

    /// A numeric setting (0 when unset).
    pub fn number(&self, key: &str) -> StoreResult<i64> {
        Ok(self.meta(key)?.and_then(|v| v.parse().ok()).unwrap_or(0))
    }

    /// HubSpot search's indexing lag in ms: the `hs_search_delay_ms` setting, or
    /// [`DEFAULT_HS_SEARCH_DELAY_MS`] when none was set (`0` turns the lag off).
    pub fn hs_search_delay_ms(&self) -> StoreResult<i64> {
        Ok(self
            .meta("hs_search_delay_ms")?
            .and_then(|v| v.parse().ok())
            .unwrap_or(DEFAULT_HS_SEARCH_DELAY_MS))
    }

    /// The next id for a Salesforce key prefix.
    pub fn next_sf_id(&self, prefix: &str) -> StoreResult<String> {
        let key = format!("seq:{prefix}");
        let next = self.number(&key)? + 1;
        self.set_meta(&key, &next.to_string())?;
        // Offset past the seeded ids.
        Ok(ids::sf_id(prefix, 1000 + next as u64))
    }

    /// Inserts a Salesforce record (fields must include `Id`).
    pub fn sf_insert(&self, object: &str, fields: &Fields) -> StoreResult<()> {
        let id = fields.get("Id").and_then(Value::as_str).unwrap_or_default();
        self.insert_raw(object, id, fields)
    }

    /// A record and its object name by id.
    pub fn sf_get(&self, id: &str) -> StoreResult<Option<(String, Fields)>> {
        let row: Option<(String, String)> = self
            .conn
            .prepare_cached("SELECT object, fields FROM sf_records WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        Ok(row.map(|(object, text)| (object, parse_fields(&text))))
    }

    /// Replaces a record's fields.
    pub fn sf_update(&self, id: &str, fields: &Fields) -> StoreResult<()> {
        let object: Option<String> = self
            .conn
            .prepare_cached("SELECT object FROM sf_records WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?;
        self.conn
            .prepare_cached("UPDATE sf_records SET fields = ?2 WHERE id = ?1")?
            .execute(params![id, Value::Object(fields.clone()).to_string()])?;
        match object {
            Some(object) => self.index_sf(&object, id, fields),
            None => Ok(()),
        }
    }

    /// Deletes a record.
    pub fn sf_delete(&self, id: &str) -> StoreResult<bool> {
        self.conn
            .prepare_cached("DELETE FROM sf_keys WHERE id = ?1")?
            .execute([id])?;
        Ok(self
            .conn
            .prepare_cached("DELETE FROM sf_records WHERE id = ?1")?
            .execute([id])?
            > 0)
    }

    /// The records of `object` whose `field` equals one of `values` (case-insensitively;
    /// text of at most [`MAX_KEY`] bytes), oldest first, each with its sequence number.
    pub fn sf_find(
        &self,
        object: &str,
        field: &str,
        values: &[String],
    ) -> StoreResult<Vec<(i64, Fields)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT r.seq, r.fields FROM sf_keys k JOIN sf_records r ON r.id = k.id
             WHERE k.object = ?1 AND k.field = ?2 AND k.value = ?3",
        )?;
        let mut found: Vec<(i64, String)> = Vec::new();
        for value in values.iter().filter_map(|v| lookup_key(v)) {
            let rows = stmt.query_map(params![object, field, value], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
            })?;
            for row in rows {
                found.push(row?);
            }
        }
        found.sort_by_key(|(seq, _)| *seq);
        found.dedup_by_key(|(seq, _)| *seq);
        Ok(found
            .into_iter()
            .map(|(seq, text)| (seq, parse_fields(&text)))
            .collect())
    }

    /// Every record of an object, oldest first.
    pub fn sf_all(&self, object: &str) -> StoreResult<Vec<Fields>> {
        let mut stmt = self
            .conn
            .prepare("SELECT fields FROM sf_records WHERE object = ?1 ORDER BY seq")?;
        let rows = stmt.query_map([object], |r| r.get::<_, String>(0))?;
        rows.map(|r| r.map(|text| parse_fields(&text))).collect()
    }

    /// Starts a rollback point (nestable).
    pub fn savepoint(&self, name: &str) -> StoreResult<()> {
        self.conn.execute_batch(&format!("SAVEPOINT {name}"))
    }

    /// Commits a rollback point.
    pub fn release(&self, name: &str) -> StoreResult<()> {
        self.conn.execute_batch(&format!("RELEASE {name}"))
    }

    /// Undoes everything since the rollback point and drops it.
    pub fn rollback(&self, name: &str) -> StoreResult<()> {
        self.conn
            .execute_batch(&format!("ROLLBACK TO {name}; RELEASE {name}"))
    }

    /// Keeps the rest of a query's records for `nextRecordsUrl`.
    pub fn cursor_save(&self, locator: &str, cursor: &QueryCursor) -> StoreResult<()> {
        self.conn.execute(
            "INSERT INTO query_cursors (locator, records, total, batch) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(locator) DO UPDATE SET records = excluded.records",
            params![
                locator,
                Value::Array(cursor.records.clone()).to_string(),
                cursor.total as i64,
                cursor.batch as i64
            ],
        )?;
        Ok(())
    }

    /// A kept query cursor.
    pub fn cursor(&self, locator: &str) -> StoreResult<Option<QueryCursor>> {
        self.conn
            .query_row(
                "SELECT records, total, batch FROM query_cursors WHERE locator = ?1",
                [locator],
                |r| {
                    Ok(QueryCursor {
                        records: serde_json::from_str(&r.get::<_, String>(0)?).unwrap_or_default(),
                        total: r.get::<_, i64>(1)? as usize,
                        batch: r.get::<_, i64>(2)? as usize,
                    })
                },
            )
            .optional()
    }

    /// Forgets a query cursor.
    pub fn cursor_delete(&self, locator: &str) -> StoreResult<()> {
        self.conn
            .execute("DELETE FROM query_cursors WHERE locator = ?1", [locator])?;
        Ok(())
    }

    /// Records an issued token.
    pub fn insert_token(
        &self,
        token: &str,
        row: &TokenRow,
        parent: Option<&str>,
    ) -> StoreResult<()> {
        self.conn.execute(
            "INSERT INTO tokens (token, kind, user_id, client_id, scope, issued_ms, expires_ms, revoked, parent)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8)",
            params![
                token,
                row.kind,
                row.user_id,
                row.client_id,
                row.scope,
                row.issued_ms,
                row.expires_ms,
                parent
            ],
        )?;
        Ok(())
    }

    /// Looks a token up.
    pub fn token(&self, token: &str) -> StoreResult<Option<TokenRow>> {
        self.conn
            .query_row(
                "SELECT kind, user_id, client_id, scope, issued_ms, expires_ms, revoked
                 FROM tokens WHERE token = ?1",
                [token],
                |r| {
                    Ok(TokenRow {
                        kind: r.get(0)?,
                        user_id: r.get(1)?,
                        client_id: r.get(2)?,
                        scope: r.get(3)?,
                        issued_ms: r.get(4)?,
                        expires_ms: r.get(5)?,
                        revoked: r.get::<_, i64>(6)? != 0,
                    })
                },
            )
            .optional()
    }

    /// Revokes a token and every token issued from it; false when unknown.
    pub fn revoke_token(&self, token: &str) -> StoreResult<bool> {
        let n = self.conn.execute(
            "UPDATE tokens SET revoked = 1 WHERE token = ?1 OR parent = ?1",
            [token],
        )?;
        Ok(n > 0)
    }

    /// A user's live (unrevoked) refresh tokens for an app, oldest first: their approvals.
    pub fn live_refresh_tokens(&self, user_id: &str, client_id: &str) -> StoreResult<Vec<String>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT token FROM tokens WHERE kind = 'sf_refresh' AND revoked = 0
             AND user_id = ?1 AND client_id = ?2 ORDER BY issued_ms, rowid",
        )?;
        let rows = stmt.query_map(params![user_id, client_id], |r| r.get(0))?;
        rows.collect()
    }

    /// Live approvals (refresh tokens) per `(user id, client id)`, with the oldest and newest
    /// issue times: what Salesforce Setup's "OAuth Usage" page counts, and HubSpot's live
    /// grants of its apps alike (the two CRMs' apps have their own client ids).
    pub fn approvals(&self) -> StoreResult<Vec<Approvals>> {
        let mut stmt = self.conn.prepare(
            "SELECT user_id, client_id, COUNT(*), MIN(issued_ms), MAX(issued_ms) FROM tokens
             WHERE kind IN ('sf_refresh', 'hs_refresh') AND revoked = 0
             GROUP BY user_id, client_id ORDER BY user_id, client_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(Approvals {
                user_id: r.get(0)?,
                client_id: r.get(1)?,
                count: r.get(2)?,
                oldest_ms: r.get(3)?,
                newest_ms: r.get(4)?,
            })
        })?;
        rows.collect()
    }

    /// Expires every access token now; returns how many.
    pub fn expire_access_tokens(&self, now_ms: i64) -> StoreResult<usize> {
        self.conn.execute(
            "UPDATE tokens SET expires_ms = ?1
             WHERE kind IN ('sf_access', 'hs_access') AND (expires_ms IS NULL OR expires_ms > ?1)",
            [now_ms],
        )
    }

    /// Inserts a HubSpot object and returns its id.
    pub fn hs_insert(
        &self,
        object_type: &str,
        properties: &Fields,
        associations: &[Value],
        now_ms: i64,
    ) -> StoreResult<i64> {
        self.conn
            .prepare_cached(
                "INSERT INTO hs_objects (id, object_type, properties, associations, created_ms, updated_ms)
                 VALUES ((SELECT COALESCE(MAX(id), 51000) + 1 FROM hs_objects), ?1, ?2, ?3, ?4, ?4)",
            )?
            .execute(params![
                object_type,
                Value::Object(properties.clone()).to_string(),
                Value::Array(associations.to_vec()).to_string(),
                now_ms
            ])?;
        let id = self.conn.last_insert_rowid();
        self.index_hs(&HsObject {
            id,
            object_type: object_type.to_string(),
            properties: properties.clone(),
            associations: associations.to_vec(),
            created_ms: now_ms,
            updated_ms: now_ms,
            archived: false,
        })?;
        Ok(id)
    }

    /// Saves a HubSpot object's properties and associations.
    pub fn hs_update(&self, object: &HsObject) -> StoreResult<()> {
        self.conn
            .prepare_cached(
                "UPDATE hs_objects SET properties = ?2, associations = ?3, updated_ms = ?4, archived = ?5
                 WHERE id = ?1",
            )?
            .execute(params![
                object.id,
                Value::Object(object.properties.clone()).to_string(),
                Value::Array(object.associations.clone()).to_string(),
                object.updated_ms,
                object.archived
            ])?;
        self.index_hs(object)
    }

    /// Every HubSpot object of a type (archived included), oldest first.
    pub fn hs_all(&self, object_type: &str) -> StoreResult<Vec<HsObject>> {
        self.hs_select("WHERE object_type = ?1 ORDER BY id", params![object_type])
    }

    /// At most `limit` HubSpot objects of a type after `after_id`, archived or not, oldest
    /// first.
    pub fn hs_page(
        &self,
        object_type: &str,
        archived: bool,
        after_id: i64,
        limit: usize,
    ) -> StoreResult<Vec<HsObject>> {
        self.hs_select(
            "WHERE object_type = ?1 AND archived = ?2 AND id > ?3 ORDER BY id LIMIT ?4",
            params![
                object_type,
                archived,
                after_id,
                i64::try_from(limit).unwrap_or(i64::MAX)
            ],
        )
    }

    /// One HubSpot object by id.
    pub fn hs_get(&self, object_type: &str, id: i64) -> StoreResult<Option<HsObject>> {
        Ok(self
            .hs_select(
                "WHERE object_type = ?1 AND id = ?2",
                params![object_type, id],
            )?
            .pop())
    }

    /// The HubSpot objects of a type (archived included) whose `field` equals `value`
    /// case-insensitively (`assoc:<type>` for the ids they are associated to), oldest first.
    pub fn hs_find(
        &self,
        object_type: &str,
        field: &str,
        value: &str,
    ) -> StoreResult<Vec<HsObject>> {
        let Some(key) = lookup_key(value) else {
            return Ok(Vec::new());
        };
        self.hs_select(
            "WHERE id IN (SELECT id FROM hs_keys WHERE object_type = ?1 AND field = ?2 AND value = ?3)
             AND object_type = ?1 ORDER BY id",
            params![object_type, field, key],
        )
    }

    fn hs_select(
        &self,
        clause: &str,
        params: &[&dyn rusqlite::ToSql],
    ) -> StoreResult<Vec<HsObject>> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT id, object_type, properties, associations, created_ms, updated_ms, archived
             FROM hs_objects {clause}"
        ))?;
        let rows = stmt.query_map(params, |r| {
            Ok(HsObject {
                id: r.get(0)?,
                object_type: r.get(1)?,
                properties: parse_fields(&r.get::<_, String>(2)?),
                associations: serde_json::from_str(&r.get::<_, String>(3)?).unwrap_or_default(),
                created_ms: r.get(4)?,
                updated_ms: r.get(5)?,
                archived: r.get::<_, i64>(6)? != 0,
            })
        })?;
        rows.collect()
    }
}

/// Which version of the key tables' contents a data dir holds.
const KEYS_VERSION: &str = "1";

/// The longest text value (in bytes) that gets a lookup key.
pub const MAX_KEY: usize = 255;

/// A text value's lookup key: lower-cased, `None` when empty or longer than [`MAX_KEY`].
pub fn lookup_key(value: &str) -> Option<String> {
    (!value.is_empty() && value.len() <= MAX_KEY).then(|| value.to_lowercase())
}

fn parse_fields(text: &str) -> Fields {
    match serde_json::from_str(text) {
        Ok(Value::Object(map)) => map,
        _ => Fields::new(),
    }
}

/// The permission set owned by a profile (`0PS...`).
pub fn permission_set_id(profile: Profile) -> String {
    let seq = Profile::ALL.iter().position(|p| *p == profile).unwrap_or(0) as u64 + 1;
    ids::sf_id("0PS", seq)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn temp_store() -> (Store, std::path::PathBuf) {
        let dir = std::env::temp_dir().join(format!("sandbox-store-{}", ids::random_token(6)));
        std::fs::create_dir_all(&dir).unwrap();
        (Store::open(&dir.join("org.sqlite3")).unwrap(), dir)
    }

    #[test]
    fn seeds_users_and_rolls_back() {
        let (store, dir) = temp_store();
        let users = store.sf_all("User").unwrap();
        assert_eq!(users.len(), seed::USERS.len());
        store.savepoint("t").unwrap();
        let mut f = Fields::new();
        f.insert("Id".into(), json!("003Hs0000000001AAA"));
        store.sf_insert("Contact", &f).unwrap();
        assert_eq!(store.sf_all("Contact").unwrap().len(), 1);
        store.rollback("t").unwrap();
        assert!(store.sf_all("Contact").unwrap().is_empty());
        std::fs::remove_dir_all(dir).unwrap();
    }

    fn contact(id: &str, email: &str) -> Fields {
        let mut f = Fields::new();
        f.insert("Id".into(), json!(id));
        f.insert("Email".into(), json!(email));
        f
    }

    fn ids_with_email(store: &Store, email: &str) -> Vec<String> {
        store
            .sf_find("Contact", "Email", &[email.to_string()])
            .unwrap()
            .into_iter()
            .map(|(_, f)| f["Id"].as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn lookup_keys_follow_every_write_and_are_rebuilt_for_an_old_data_dir() {
        let (store, dir) = temp_store();
        let (a, b) = ("003Hs0000000001AAA", "003Hs0000000002AAA");
        store
            .sf_insert("Contact", &contact(a, "Ada@Example.com"))
            .unwrap();
        store
            .sf_insert("Contact", &contact(b, "ada@example.com"))
            .unwrap();
        assert_eq!(ids_with_email(&store, "ADA@example.COM"), vec![a, b]);
        store
            .sf_update(a, &contact(a, "other@example.com"))
            .unwrap();
        assert_eq!(ids_with_email(&store, "ada@example.com"), vec![b]);
        assert_eq!(ids_with_email(&store, "other@example.com"), vec![a]);
        store.savepoint("t").unwrap();
        store.sf_delete(b).unwrap();
        assert!(ids_with_email(&store, "ada@example.com").is_empty());
        store.rollback("t").unwrap();
        assert_eq!(ids_with_email(&store, "ada@example.com"), vec![b]);

        let mut props = Fields::new();
        props.insert("email".into(), json!("Grace@Example.com"));
        let note_to = json!({"toObjectType": "contacts", "toObjectId": "51001"});
        let contact_id = store.hs_insert("contacts", &props, &[], 1).unwrap();
        let note_id = store
            .hs_insert("notes", &Fields::new(), &[note_to], 1)
            .unwrap();
        let found = store
            .hs_find("contacts", "email", "grace@example.com")
            .unwrap();
        assert_eq!(
            found.iter().map(|o| o.id).collect::<Vec<_>>(),
            vec![contact_id]
        );
        let linked = store.hs_find("notes", "assoc:contacts", "51001").unwrap();
        assert_eq!(
            linked.iter().map(|o| o.id).collect::<Vec<_>>(),
            vec![note_id]
        );

        // A data dir from before the key tables: reopening fills them.
        store
            .conn
            .execute_batch(
                "DELETE FROM sf_keys; DELETE FROM hs_keys; DELETE FROM meta WHERE key = 'keys';",
            )
            .unwrap();
        drop(store);
        let store = Store::open(&dir.join("org.sqlite3")).unwrap();
        assert_eq!(ids_with_email(&store, "ada@example.com"), vec![b]);
        assert_eq!(
            store
                .hs_find("contacts", "email", "GRACE@example.com")
                .unwrap()
                .len(),
            1
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}

//! What `POST /api/saves` reads before it decides, in one statement: the ledger row of the
//! save id (a repeat is answered from it), the team's rows the decision depends on (as
//! [`Store::team_snapshot`] reads them) and the team-held connections with their sealed
//! tokens (the push's). SQLite answers it as one JSON document, so the request costs one
//! round trip to the database's thread instead of one per table and per row.

use serde::Deserialize;
use sqlx::Row;

use super::{crm_from, Connection, LedgerEntry, Member, Role, Store, SyncConnection, Team};

/// A save's context, read in one statement ([`Store::save_snapshot`]).
#[derive(Debug, Clone)]
pub struct SaveSnapshot {
    /// The ledger row of the save id, when it was recorded already (`recorded: false`).
    pub ledger: Option<LedgerEntry>,
    /// The team.
    pub team: Team,
    /// Its current members, oldest first.
    pub members: Vec<Member>,
    /// Its team-held connections, without secrets, oldest first.
    pub connections: Vec<Connection>,
    /// The members signed in with their own CRM identity.
    pub crm_signed_in: Vec<String>,
    /// The same connections with their sealed tokens (only `crate::push` opens them).
    pub sealed: Vec<SyncConnection>,
}

/// The statement: `?1` the team, `?2` the save id. Blobs travel as hex; the arrays keep the
/// order [`super::members_of`] and [`super::connections_of`] read in.
const SAVE_SNAPSHOT: &str = "SELECT json_object(
    'ledger', (SELECT json_object('actor_id', actor_id, 'request_hash', request_hash,
            'outcome', outcome)
        FROM saves WHERE team_id = ?1 AND save_id = ?2),
    'team', (SELECT json_object('id', id, 'name', name, 'crm', crm, 'data_key', hex(data_key),
            'team_sync_member', team_sync_member, 'push_settings', push_settings,
            'crm_users', crm_users)
        FROM teams WHERE id = ?1),
    'members', (SELECT json_group_array(json_object('id', id, 'email', email, 'role', role,
            'crm_user_id', crm_user_id, 'owner_mapping', owner_mapping,
            'created_at', created_at, 'crm_signed_in', crm_signed_in_at IS NOT NULL)
            ORDER BY created_at, rowid)
        FROM members WHERE team_id = ?1 AND removed_at IS NULL),
    'connections', (SELECT json_group_array(json_object('id', id, 'member_id', member_id,
            'crm_user_id', crm_user_id, 'crm_email', crm_email, 'permission', permission,
            'instance_url', instance_url, 'needs_reconnect', needs_reconnect,
            'last_refresh_at', last_refresh_at, 'last_push_at', last_push_at,
            'has_client_secret', client_secret IS NOT NULL, 'credential', credential,
            'updated_at', updated_at, 'refresh_token', hex(refresh_token),
            'access_token', hex(access_token))
            ORDER BY created_at, rowid)
        FROM connections WHERE team_id = ?1)
) AS snapshot";

#[derive(Deserialize)]
struct Document {
    ledger: Option<LedgerRow>,
    team: Option<TeamRow>,
    members: Vec<MemberRow>,
    connections: Vec<ConnectionRow>,
}

#[derive(Deserialize)]
struct LedgerRow {
    actor_id: String,
    request_hash: String,
    outcome: String,
}

#[derive(Deserialize)]
struct TeamRow {
    id: String,
    name: String,
    crm: String,
    data_key: String,
    team_sync_member: Option<String>,
    push_settings: String,
    crm_users: String,
}

#[derive(Deserialize)]
struct MemberRow {
    id: String,
    email: String,
    role: String,
    crm_user_id: Option<String>,
    owner_mapping: Option<String>,
    created_at: i64,
    crm_signed_in: i64,
}

#[derive(Deserialize)]
struct ConnectionRow {
    id: String,
    member_id: String,
    crm_user_id: String,
    crm_email: String,
    permission: String,
    instance_url: Option<String>,
    needs_reconnect: i64,
    last_refresh_at: Option<i64>,
    last_push_at: Option<i64>,
    has_client_secret: i64,
    credential: Option<String>,
    updated_at: i64,
    refresh_token: String,
    access_token: String,
}

fn decode(what: &str, error: impl std::fmt::Display) -> sqlx::Error {
    sqlx::Error::Decode(format!("the save snapshot's {what}: {error}").into())
}

/// SQLite's `hex()` back to bytes (`hex(NULL)` is the empty text: no bytes).
fn unhex(what: &str, text: &str) -> Result<Vec<u8>, sqlx::Error> {
    let digit = |b: u8| {
        (b as char)
            .to_digit(16)
            .ok_or_else(|| decode(what, "not hex"))
    };
    text.as_bytes()
        .chunks(2)
        .map(|pair| match pair {
            [hi, lo] => Ok((digit(*hi)? * 16 + digit(*lo)?) as u8),
            _ => Err(decode(what, "an odd number of hex digits")),
        })
        .collect()
}

impl Store {
    /// A save's context in one statement (see the module doc). `None`: the team is gone.
    pub async fn save_snapshot(
        &self,
        team_id: &str,
        save_id: &str,
    ) -> Result<Option<SaveSnapshot>, sqlx::Error> {
        let row = sqlx::query(SAVE_SNAPSHOT)
            .bind(team_id)
            .bind(save_id)
            .fetch_one(&self.pool)
            .await?;
        let text: String = row.try_get("snapshot")?;
        let doc: Document = serde_json::from_str(&text).map_err(|e| decode("JSON", e))?;
        let Some(t) = doc.team else {
            return Ok(None);
        };
        let team = Team {
            crm: crm_from(&t.crm)?,
            wrapped_data_key: unhex("data key", &t.data_key)?,
            id: t.id,
            name: t.name,
            team_sync_member: t.team_sync_member,
            push_settings: t.push_settings,
            crm_users: t.crm_users,
        };
        let crm_signed_in = doc
            .members
            .iter()
            .filter(|m| m.crm_signed_in != 0)
            .map(|m| m.id.clone())
            .collect();
        let members = doc
            .members
            .into_iter()
            .map(|m| {
                Ok(Member {
                    role: Role::parse(&m.role)
                        .ok_or_else(|| decode("role", format_args!("{:?}", m.role)))?,
                    id: m.id,
                    team_id: team_id.to_owned(),
                    email: m.email,
                    crm_user_id: m.crm_user_id,
                    owner_mapping: m.owner_mapping,
                    created_at: m.created_at,
                })
            })
            .collect::<Result<_, sqlx::Error>>()?;
        let mut connections = Vec::with_capacity(doc.connections.len());
        let mut sealed = Vec::with_capacity(doc.connections.len());
        for c in doc.connections {
            let access = unhex("access token", &c.access_token)?;
            sealed.push(SyncConnection {
                id: c.id.clone(),
                member_id: c.member_id.clone(),
                crm_user_id: c.crm_user_id.clone(),
                crm_email: c.crm_email.clone(),
                permission: c.permission.clone(),
                instance_url: c.instance_url.clone(),
                sealed_refresh_token: unhex("refresh token", &c.refresh_token)?,
                sealed_access_token: (!access.is_empty()).then_some(access),
                needs_reconnect: c.needs_reconnect != 0,
                credential: c.credential.clone(),
            });
            connections.push(Connection {
                id: c.id,
                member_id: c.member_id,
                crm_user_id: c.crm_user_id,
                crm_email: c.crm_email,
                permission: c.permission,
                instance_url: c.instance_url,
                needs_reconnect: c.needs_reconnect != 0,
                last_refresh_at: c.last_refresh_at,
                last_push_at: c.last_push_at,
                has_client_secret: c.has_client_secret != 0,
                credential: c.credential,
                updated_at: c.updated_at,
            });
        }
        Ok(Some(SaveSnapshot {
            ledger: doc.ledger.map(|l| LedgerEntry {
                recorded: false,
                actor_id: l.actor_id,
                request_hash: l.request_hash,
                outcome: l.outcome,
            }),
            team,
            members,
            connections,
            crm_signed_in,
            sealed,
        }))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn hex_reads_back_what_sqlite_writes() {
        assert_eq!(unhex("x", "00FFa1").unwrap(), vec![0, 255, 0xa1]);
        assert_eq!(unhex("x", "").unwrap(), Vec::<u8>::new());
        assert!(unhex("x", "ABC").is_err());
        assert!(unhex("x", "zz").is_err());
    }
}

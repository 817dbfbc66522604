//! The storage of the server's OAuth flows: the team's CRM org, OAuth states in flight (used
//! once, expiring, bound to who started them), one-time sign-in codes, and members the admin
//! adds by their CRM user. Every method scopes by team where a team is known.

use sqlx::Row;

use super::{insert_session, member_from, Member, Store};

/// How long expired states and sign-in codes are kept (to tell "expired" from "unknown").
pub const FORGET_AFTER_SECS: i64 = 24 * 3600;

/// What an OAuth state was issued for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OAuthPurpose {
    /// An admin connects a team-held connection.
    Connect,
    /// A rep signs in with OpenID Connect.
    SignIn,
}

impl OAuthPurpose {
    fn as_str(self) -> &'static str {
        match self {
            OAuthPurpose::Connect => "connect",
            OAuthPurpose::SignIn => "sign_in",
        }
    }
}

/// A state to store when an OAuth flow starts.
#[derive(Debug, Clone)]
pub struct NewOAuthState<'a> {
    /// SHA-256 of the state value.
    pub state_hash: &'a str,
    /// What for.
    pub purpose: OAuthPurpose,
    /// The team (the admin's for a connect, the asked-for team of a sign-in, if any).
    pub team_id: Option<&'a str>,
    /// The admin who started a connect.
    pub member_id: Option<&'a str>,
    /// The PKCE verifier, sealed with the master key.
    pub sealed_verifier: &'a [u8],
    /// Where a sign-in returns (the extension's redirect URL).
    pub return_to: Option<&'a str>,
    /// The extension's own `state`, echoed back on return.
    pub return_state: Option<&'a str>,
}

/// A state taken back by the callback (now used).
#[derive(Debug, Clone)]
pub struct OAuthState {
    /// What for.
    pub purpose: OAuthPurpose,
    /// The team, if bound to one.
    pub team_id: Option<String>,
    /// The member who started it, if any.
    pub member_id: Option<String>,
    /// The sealed PKCE verifier.
    pub sealed_verifier: Vec<u8>,
    /// Where a sign-in returns.
    pub return_to: Option<String>,
    /// The extension's `state`.
    pub return_state: Option<String>,
}

/// Why a state or a one-time code was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OneTimeRefusal {
    /// Never issued (forged or mistyped).
    Unknown,
    /// Already used.
    Used,
    /// Past its expiry.
    Expired,
}

impl Store {
    /// Stores a new OAuth state (and forgets states and sign-in codes that expired more than
    /// [`FORGET_AFTER_SECS`] ago: until then a late callback still hears "expired").
    pub async fn create_oauth_state(
        &self,
        state: &NewOAuthState<'_>,
        now: i64,
        expires_at: i64,
    ) -> Result<(), sqlx::Error> {
        for statement in [
            "DELETE FROM oauth_states WHERE expires_at < ?",
            "DELETE FROM sign_in_codes WHERE expires_at < ?",
        ] {
            sqlx::query(statement)
                .bind(now - FORGET_AFTER_SECS)
                .execute(&self.writer)
                .await?;
        }
        sqlx::query(
            "INSERT INTO oauth_states (state_hash, purpose, team_id, member_id, sealed_verifier,
                return_to, return_state, created_at, expires_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(state.state_hash)
        .bind(state.purpose.as_str())
        .bind(state.team_id)
        .bind(state.member_id)
        .bind(state.sealed_verifier)
        .bind(state.return_to)
        .bind(state.return_state)
        .bind(now)
        .bind(expires_at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// Uses a state once: two callbacks racing on one state, exactly one gets it.
    pub async fn take_oauth_state(
        &self,
        state_hash: &str,
        now: i64,
    ) -> Result<Result<OAuthState, OneTimeRefusal>, sqlx::Error> {
        let taken = sqlx::query(
            "UPDATE oauth_states SET used_at = ?
             WHERE state_hash = ? AND used_at IS NULL AND expires_at > ?
             RETURNING purpose, team_id, member_id, sealed_verifier, return_to, return_state",
        )
        .bind(now)
        .bind(state_hash)
        .bind(now)
        .fetch_optional(&self.writer)
        .await?;
        let Some(row) = taken else {
            return self
                .one_time_refusal(
                    "SELECT used_at FROM oauth_states WHERE state_hash = ?",
                    state_hash,
                )
                .await
                .map(Err);
        };
        let purpose: String = row.try_get("purpose")?;
        Ok(Ok(OAuthState {
            purpose: if purpose == "connect" {
                OAuthPurpose::Connect
            } else {
                OAuthPurpose::SignIn
            },
            team_id: row.try_get("team_id")?,
            member_id: row.try_get("member_id")?,
            sealed_verifier: row.try_get("sealed_verifier")?,
            return_to: row.try_get("return_to")?,
            return_state: row.try_get("return_state")?,
        }))
    }

    /// Why a one-time value was refused: `statement` selects its `used_at` by hash.
    async fn one_time_refusal(
        &self,
        statement: &'static str,
        hash: &str,
    ) -> Result<OneTimeRefusal, sqlx::Error> {
        let row = sqlx::query(statement)
            .bind(hash)
            .fetch_optional(&self.writer)
            .await?;
        Ok(match row {
            None => OneTimeRefusal::Unknown,
            Some(row) if row.try_get::<Option<i64>, _>("used_at")?.is_some() => {
                OneTimeRefusal::Used
            }
            Some(_) => OneTimeRefusal::Expired,
        })
    }

    /// The CRM org the team belongs to, once known.
    pub async fn team_org(&self, team_id: &str) -> Result<Option<String>, sqlx::Error> {
        let row = sqlx::query("SELECT crm_org_id FROM teams WHERE id = ?")
            .bind(team_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row
            .map(|r| r.try_get::<Option<String>, _>("crm_org_id"))
            .transpose()?
            .flatten())
    }

    /// Binds the team to a CRM org unless it is bound already; answers the team's org after.
    pub async fn bind_team_org(&self, team_id: &str, org_id: &str) -> Result<String, sqlx::Error> {
        let row = sqlx::query(
            "UPDATE teams SET crm_org_id = COALESCE(crm_org_id, ?) WHERE id = ? RETURNING crm_org_id",
        )
        .bind(org_id)
        .bind(team_id)
        .fetch_one(&self.writer)
        .await?;
        row.try_get("crm_org_id")
    }

    /// Whether any team is bound to this org.
    pub async fn org_has_team(&self, org_id: &str) -> Result<bool, sqlx::Error> {
        Ok(
            sqlx::query("SELECT 1 FROM teams WHERE crm_org_id = ? LIMIT 1")
                .bind(org_id)
                .fetch_optional(&self.pool)
                .await?
                .is_some(),
        )
    }

    /// The HubSpot teams bound to the HubSpot account `hub_id` (only `team_id` when given),
    /// oldest first: where a rep's "Sign in with HubSpot" from that account may land.
    pub async fn hubspot_teams_of_hub(
        &self,
        hub_id: &str,
        team_id: Option<&str>,
    ) -> Result<Vec<String>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT id FROM teams WHERE crm = 'hubspot' AND crm_org_id = ?
               AND (? IS NULL OR id = ?) ORDER BY created_at, rowid",
        )
        .bind(hub_id)
        .bind(team_id)
        .bind(team_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| r.try_get("id")).collect()
    }

    /// The HubSpot teams bound to no HubSpot account yet (only `team_id` when given), oldest
    /// first: teams whose token was stored without the server asking HubSpot whose it is.
    pub async fn unbound_hubspot_teams(
        &self,
        team_id: Option<&str>,
    ) -> Result<Vec<String>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT id FROM teams WHERE crm = 'hubspot' AND crm_org_id IS NULL
               AND (? IS NULL OR id = ?) ORDER BY created_at, rowid",
        )
        .bind(team_id)
        .bind(team_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| r.try_get("id")).collect()
    }

    /// The current members, on teams bound to `org_id` (only `team_id`'s when given), whose
    /// own CRM user is `crm_user_id`.
    pub async fn members_by_crm_user(
        &self,
        org_id: &str,
        crm_user_id: &str,
        team_id: Option<&str>,
    ) -> Result<Vec<Member>, sqlx::Error> {
        let rows = sqlx::query(concat!(
            member_select!(),
            " JOIN teams t ON t.id = m.team_id
             WHERE t.crm_org_id = ? AND m.crm_user_id = ? AND m.removed_at IS NULL
               AND (? IS NULL OR t.id = ?)
             ORDER BY m.created_at, m.rowid"
        ))
        .bind(org_id)
        .bind(crm_user_id)
        .bind(team_id)
        .bind(team_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(member_from).collect()
    }

    /// Adds a member the admin names by their CRM user (they sign in; no invite). `false`
    /// when a current member has that email.
    pub async fn add_member(&self, member: &Member) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "INSERT INTO members (id, team_id, email, role, crm_user_id, created_at)
             SELECT ?, ?, ?, ?, ?, ?
             WHERE NOT EXISTS (SELECT 1 FROM members
                               WHERE team_id = ? AND email = ? AND removed_at IS NULL)",
        )
        .bind(&member.id)
        .bind(&member.team_id)
        .bind(&member.email)
        .bind(member.role.as_str())
        .bind(&member.crm_user_id)
        .bind(member.created_at)
        .bind(&member.team_id)
        .bind(&member.email)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Stores a one-time sign-in code (hashed) for a member.
    pub async fn create_sign_in_code(
        &self,
        code_hash: &str,
        team_id: &str,
        member_id: &str,
        now: i64,
        expires_at: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO sign_in_codes (code_hash, team_id, member_id, created_at, expires_at)
             VALUES (?, ?, ?, ?, ?)",
        )
        .bind(code_hash)
        .bind(team_id)
        .bind(member_id)
        .bind(now)
        .bind(expires_at)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    /// Uses a sign-in code once and stores the session it buys, in one transaction.
    pub async fn redeem_sign_in_code(
        &self,
        code_hash: &str,
        session_hash: &str,
        now: i64,
        session_expires_at: i64,
    ) -> Result<Result<Member, OneTimeRefusal>, sqlx::Error> {
        let mut tx = self.writer.begin().await?;
        let claimed = sqlx::query(
            "UPDATE sign_in_codes SET used_at = ?
             WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?
             RETURNING team_id, member_id",
        )
        .bind(now)
        .bind(code_hash)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(claimed) = claimed else {
            drop(tx);
            return self
                .one_time_refusal(
                    "SELECT used_at FROM sign_in_codes WHERE code_hash = ?",
                    code_hash,
                )
                .await
                .map(Err);
        };
        let team_id: String = claimed.try_get("team_id")?;
        let member_id: String = claimed.try_get("member_id")?;
        let row = sqlx::query(concat!(
            member_select!(),
            " WHERE m.team_id = ? AND m.id = ? AND m.removed_at IS NULL"
        ))
        .bind(&team_id)
        .bind(&member_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else {
            // Removed between sign-in and finish: the code is spent, no session.
            tx.commit().await?;
            return Ok(Err(OneTimeRefusal::Unknown));
        };
        let member = member_from(&row)?;
        // The member signed in with their CRM identity: their connection is their browser's.
        sqlx::query("UPDATE members SET crm_signed_in_at = ? WHERE team_id = ? AND id = ?")
            .bind(now)
            .bind(&team_id)
            .bind(&member_id)
            .execute(&mut *tx)
            .await?;
        insert_session(
            &mut tx,
            session_hash,
            &team_id,
            &member_id,
            now,
            session_expires_at,
        )
        .await?;
        tx.commit().await?;
        Ok(Ok(member))
    }
}

//! The team's CRM user directory (spec rules 5 and 6 need it: an owner the directory marks
//! inactive is never assigned, and a manual push matches the rep's login email in it), read
//! with the team sync connection through the push's engine: its transport, its stored tokens
//! and its one 401 policy (a 401 refreshes once, single flight, then the page is asked again).
//! The requests and parsers are the `crm` crate's, the ones the extension's connect flow uses:
//! Salesforce's `User` query pages (`IsActive`), HubSpot's owners pages, active and archived
//! (archived owners are the inactive ones). Stored on the team row
//! ([`crate::store::Store::set_crm_users`]); a failed read keeps the directory and records why.

use crm::{CrmUser, HttpRequest, HttpResponse};
use engine::{RefreshFailure, Store as _, Transport as _};
use saves::{CrmKind, Role, Tokens};

use super::{Pusher, TeamEngine};
use crate::app::{now, AppState};

/// Directory pages read at most per list (as the connect flow: 20 Salesforce pages are
/// 4,000 users).
const MAX_PAGES: usize = 20;

/// A directory read older than this is read again by the scheduled keep-alive.
pub const STALE_AFTER_SECS: i64 = 24 * 60 * 60;

impl Pusher {
    /// Reads the CRM user directory of `team_id` with its team sync connection and stores it.
    /// `Ok(n)`: `n` users stored. `Err(why)`: nothing was read (the previous directory is
    /// kept and `why` recorded for the admin); never a token in it.
    pub async fn read_crm_users(&self, state: &AppState, team_id: &str) -> Result<usize, String> {
        let read = self.read_directory(state, team_id).await;
        let stored = match &read {
            Ok(users) => {
                let text = serde_json::to_string(users).unwrap_or_else(|_| "[]".into());
                state.store.set_crm_users(team_id, &text, now()).await
            }
            Err(why) => state.store.set_crm_users_error(team_id, why).await,
        };
        if let Err(e) = stored {
            tracing::warn!(team = %team_id, error = %e, "could not store the CRM user directory");
            return Err("the server's database could not store it".into());
        }
        match read {
            Ok(users) => {
                tracing::info!(team = %team_id, users = users.len(), "CRM user directory read");
                Ok(users.len())
            }
            Err(why) => {
                tracing::warn!(team = %team_id, %why, "CRM user directory not read");
                Err(why)
            }
        }
    }

    /// After `member_id`'s team-held connection was connected: reads the directory with it
    /// when it is the team's team sync (`None`: it is not, nothing was read).
    pub async fn read_crm_users_after_connect(
        &self,
        state: &AppState,
        team_id: &str,
        member_id: &str,
    ) -> Option<Result<usize, String>> {
        let team = state.store.team(team_id).await.ok()??;
        if team.team_sync_member.as_deref() != Some(member_id) {
            return None;
        }
        Some(self.read_crm_users(state, team_id).await)
    }

    async fn read_directory(
        &self,
        state: &AppState,
        team_id: &str,
    ) -> Result<Vec<CrmUser>, String> {
        let db = |e: sqlx::Error| format!("the server's database failed ({e})");
        let (team, _, connections, _) = state
            .store
            .team_snapshot(team_id)
            .await
            .map_err(db)?
            .ok_or("the team is gone")?;
        let held = team
            .team_sync_member
            .as_deref()
            .and_then(|m| connections.iter().find(|c| c.member_id == m))
            .ok_or("the team has no team sync connection on the server")?;
        let connection = state
            .store
            .push_connection(team_id, &held.id)
            .await
            .map_err(db)?
            .ok_or("the team has no team sync connection on the server")?;
        if connection.needs_reconnect {
            return Err(format!(
                "{} refused the team sync connection: reconnect it first",
                team.crm.name()
            ));
        }
        let engine = self
            .engine_for(state, &team, &connection)
            .map_err(|e| e.to_string())?
            .ok_or("this server cannot reach the CRM (no CRM app or certificates configured)")?;
        let mut users = match team.crm {
            CrmKind::Salesforce => salesforce_users(&engine).await?,
            CrmKind::Hubspot => {
                let mut users = hubspot_owners(&engine, false).await?;
                users.extend(hubspot_owners(&engine, true).await?);
                users
            }
        };
        users.retain_mut(|u| {
            for text in [&mut u.email, &mut u.name] {
                if text.as_deref().is_some_and(|t| !fits(t)) {
                    *text = None;
                }
            }
            fits(&u.id)
        });
        Ok(users)
    }
}

/// What the attribution core accepts as a directory text (its text rules).
fn fits(text: &str) -> bool {
    !text.trim().is_empty()
        && text.chars().count() <= attribution::MAX_TEXT_CHARS
        && !text.chars().any(char::is_control)
}

async fn salesforce_users(engine: &TeamEngine) -> Result<Vec<CrmUser>, String> {
    let mut users = Vec::new();
    let mut next: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let response = send(engine, |tokens| {
            let mut session = crm::salesforce::SfSession::new(
                tokens.instance_url.clone(),
                tokens.access_token.clone(),
            );
            session.api_version = engine.team().config.api_version.clone();
            match &next {
                Some(url) => session.next_records_request(url),
                None => crm::salesforce::users::users_request(&session),
            }
        })
        .await?;
        let page = crm::salesforce::users::parse_users(&response)
            .map_err(|e| format!("Salesforce refused to list the org's users: {e}"))?;
        users.extend(page.users);
        match page.next_records_url {
            Some(url) => next = Some(url),
            None => break,
        }
    }
    Ok(users)
}

async fn hubspot_owners(engine: &TeamEngine, archived: bool) -> Result<Vec<CrmUser>, String> {
    let mut users = Vec::new();
    let mut after: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let response = send(engine, |tokens| {
            let mut session = crm::hubspot::HsSession::new(tokens.access_token.clone());
            if !tokens.instance_url.is_empty() {
                session.api_base = tokens.instance_url.clone();
            }
            crm::hubspot::owners::owners_request(&session, archived, after.as_deref())
        })
        .await?;
        let page = crm::hubspot::owners::parse_owners(&response)
            .map_err(|e| format!("HubSpot refused to list the team's owners: {e}"))?;
        users.extend(page.users.into_iter().map(|mut u| {
            u.active = u.active && !archived;
            u
        }));
        match page.after {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    Ok(users)
}

/// Sends the request `build` makes from the team sync's current tokens; a 401 refreshes the
/// token once through the engine (Salesforce; a HubSpot private-app token has no refresh) and
/// sends it again with the new one.
async fn send(
    engine: &TeamEngine,
    build: impl Fn(&Tokens) -> HttpRequest,
) -> Result<HttpResponse, String> {
    let crm = engine.team().config.crm;
    let mut refreshed = false;
    loop {
        let tokens = engine
            .store()
            .tokens(Role::TeamSync)
            .await
            .map_err(|e| e.to_string())?
            .ok_or("the team sync connection needs a reconnect")?;
        let response = engine
            .transport()
            .send(&build(&tokens))
            .await
            .map_err(|e| format!("{} could not be reached: {}", crm.name(), e.message))?;
        if response.status != 401 || refreshed || crm == CrmKind::Hubspot {
            return Ok(response);
        }
        refreshed = true;
        match engine.refresh(Role::TeamSync, &tokens.access_token).await {
            Ok(()) => {}
            Err(RefreshFailure::Reconnect(reason) | RefreshFailure::Later(reason)) => {
                return Err(format!(
                    "{} refused to refresh the team sync token ({}): {}",
                    crm.name(),
                    reason.code,
                    reason.message
                ))
            }
            Err(RefreshFailure::Store(e)) => return Err(e.to_string()),
        }
    }
}

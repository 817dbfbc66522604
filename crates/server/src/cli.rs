//! `leadline-server admin-invite --team NAME`: how the first admin gets in. Creates the team
//! (with a fresh data key) when it does not exist yet and prints a one-time admin invite code,
//! which the admin redeems with `POST /api/join`. Safe to run while the server runs (SQLite in
//! WAL mode).

use crate::api::create_admin_invite;
use crate::app::{now, AppState};
use crate::config::Config;
use crate::crypto::random_id;
use crate::store::Role;
use saves::CrmKind;

/// Creates the team (with CRM `crm`) if needed and returns `(team id, invite code, expires
/// at)`. An existing team keeps its CRM.
pub async fn admin_invite(
    config: Config,
    team_name: &str,
    crm: &str,
) -> Result<(String, String, i64), String> {
    let crm = CrmKind::parse(crm)
        .ok_or_else(|| format!("--crm is {}, not {crm:?}", CrmKind::expected()))?;
    let state = AppState::open(config).await.map_err(|e| e.to_string())?;
    let team_name = team_name.trim();
    let team = match state
        .store
        .team_by_name(team_name)
        .await
        .map_err(|e| e.to_string())?
    {
        Some(team) => team,
        None => {
            let id = random_id("t_").map_err(|e| e.to_string())?;
            let (_, wrapped) = state
                .master_key
                .new_wrapped_data_key(&id)
                .map_err(|e| e.to_string())?;
            state
                .store
                .create_team(&id, team_name, crm, &wrapped, now())
                .await
                .map_err(|e| e.to_string())?;
            state
                .store
                .team_by_name(team_name)
                .await
                .map_err(|e| e.to_string())?
                .ok_or("the team could not be created")?
        }
    };
    let (code, expires_at) = create_admin_invite(&state, &team.id, Role::Admin, None)
        .await
        .map_err(|e| e.message)?;
    Ok((team.id, code, expires_at))
}

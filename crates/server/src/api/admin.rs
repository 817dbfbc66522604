//! The admin's API: members and invites, owner mapping, team-held connections, the team sync
//! choice, push settings, and the team-wide journal and error log.
//!
//! Every handler takes an [`AdminMember`] and scopes every statement by that admin's team, so
//! an id from another team answers 404 exactly like an id that does not exist.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::app::{now, AppState};
use crate::crypto::{random_id, random_token, secret_aad, token_hash};
use crate::error::{ApiError, Json, Query};
use crate::store::{JournalEntry, Member, NewConnection, Role};

use super::team::TeamCopy;
use super::{text_field, AdminMember};

/// The prefix of invite codes.
pub const INVITE_PREFIX: &str = "lli_";

/// `GET /api/admin/members`.
pub async fn members(
    State(state): State<AppState>,
    AdminMember(admin): AdminMember,
) -> Result<Json<Value>, ApiError> {
    let members = state.store.members(&admin.team_id).await?;
    Ok(Json(json!({ "members": members })))
}

/// The body of `POST /api/admin/invites`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    /// `rep` (default) or `admin`.
    role: Option<String>,
    /// The email the code is for (optional: then the joiner gives one).
    email: Option<String>,
}

/// `POST /api/admin/invites`: a one-time invite code, shown once.
pub async fn invite(
    State(state): State<AppState>,
    AdminMember(admin): AdminMember,
    Json(body): Json<InviteRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let invite = new_invite(&state, &admin, body.role.as_deref(), body.email.as_deref()).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "code": invite.code,
            "role": invite.role,
            "email": invite.email,
            "expires_at": invite.expires_at,
        })),
    ))
}

/// A new invite code, as its creator sees it once.
#[derive(Debug, Clone)]
pub(crate) struct NewInvite {
    /// The code (shown once; only its hash is stored).
    pub code: String,
    /// The role it admits.
    pub role: Role,
    /// The email it is for, if any.
    pub email: Option<String>,
    /// When it expires (Unix seconds).
    pub expires_at: i64,
}

/// Checks an admin's invite request (`role` `rep` by default, optional `email`) and creates
/// the code: the API's `POST /api/admin/invites` and the members page alike.
pub(crate) async fn new_invite(
    state: &AppState,
    admin: &Member,
    role: Option<&str>,
    email: Option<&str>,
) -> Result<NewInvite, ApiError> {
    let role = parse_role(role)?;
    let email = email
        .map(|e| text_field(e, "email", 256).map(|e| e.to_lowercase()))
        .transpose()?;
    let (code, expires_at) = create_invite(state, &admin.team_id, role, email.as_deref()).await?;
    Ok(NewInvite {
        code,
        role,
        email,
        expires_at,
    })
}

/// `rep` (when absent) or `admin`.
pub(crate) fn parse_role(role: Option<&str>) -> Result<Role, ApiError> {
    match role {
        None => Ok(Role::Rep),
        Some(text) => Role::parse(text)
            .ok_or_else(|| ApiError::bad_request("invalid_body", "`role` is `rep` or `admin`")),
    }
}

/// Creates an invite code for a team (also used by `leadline-server admin-invite`).
pub async fn create_invite(
    state: &AppState,
    team_id: &str,
    role: Role,
    email: Option<&str>,
) -> Result<(String, i64), ApiError> {
    let code = random_token(INVITE_PREFIX).map_err(ApiError::internal)?;
    let now = now();
    let expires_at = now + state.config.invite_ttl.as_secs() as i64;
    state
        .store
        .create_invite(team_id, &token_hash(&code), role, email, now, expires_at)
        .await?;
    Ok((code, expires_at))
}

/// `DELETE /api/admin/members/{id}`: removes a member, revoking their sessions.
pub async fn remove_member(
    State(state): State<AppState>,
    AdminMember(admin): AdminMember,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    remove(&state, &admin, &id).await?;
    Ok(Json(json!({ "removed": id })))
}

/// Removes a member of the admin's team (their sessions end with them) and journals it.
pub(crate) async fn remove(state: &AppState, admin: &Member, id: &str) -> Result<(), ApiError> {
    if id == admin.id {
        return Err(ApiError::conflict(
            "cannot_remove_self",
            "an admin cannot remove themselves; ask another admin",
        ));
    }
    let now = now();
    let removed = state.store.member(&admin.team_id, id).await?;
    if !state.store.remove_member(&admin.team_id, id, now).await? {
        return Err(ApiError::not_found("no such member on your team"));
    }
    let who = removed.map(|m| m.email).unwrap_or_default();
    state
        .store
        .journal_add(
            &admin.team_id,
            now,
            "admin",
            Some(&admin.id),
            None,
            "member_removed",
            &format!("member {id} ({who}) removed"),
        )
        .await?;
    Ok(())
}

/// `POST /api/admin/members/{id}/revoke-sessions`: signs a member out everywhere.
pub async fn revoke_sessions(
    State(state): State<AppState>,
    AdminMember(admin): AdminMember,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let revoked = revoke(&state, &admin, &id).await?;
    Ok(Json(json!({ "member": id, "revoked": revoked })))
}

/// Revokes every live session of a member of the admin's team; answers how many there were.
pub(crate) async fn revoke(state: &AppState, admin: &Member, id: &str) -> Result<u64, ApiError> {
    if state.store.member(&admin.team_id, id).await?.is_none() {
        return Err(ApiError::not_found("no such member on your team"));
    }
    Ok(state
        .store
        .revoke_member_sessions(&admin.team_id, id, now())
        .await?)
}

/// The body of `PUT /api/admin/members/{id}/crm`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberCrmRequest {
    /// The member's own CRM user id (`null` to clear).
    crm_user_id: Option<String>,
    /// The owner mapping: the CRM user that owns the member's records (`null` to clear).
    owner_mapping: Option<String>,
}

/// `PUT /api/admin/members/{id}/crm`: a member's CRM user and owner mapping.
pub async fn member_crm(
    State(state): State<AppState>,
    AdminMember(admin): AdminMember,
    Path(id): Path<String>,
    Json(body): Json<MemberCrmRequest>,
) -> Result<Json<Value>, ApiError> {
    let member = set_crm(
        &state,
        &admin,
        &id,
        body.crm_user_id.as_deref(),
        body.owner_mapping.as_deref(),
    )
    .await?;
    Ok(Json(json!({ "member": member })))
}

/// Sets a member's CRM user and owner mapping (`None` clears each); answers the member.
pub(crate) async fn set_crm(
    state: &AppState,
    admin: &Member,
    id: &str,
    crm_user_id: Option<&str>,
    owner_mapping: Option<&str>,
) -> Result<Option<Member>, ApiError> {
    let crm_user_id = crm_user_id
        .map(|v| text_field(v, "crm_user_id", 256))
        .transpose()?;
    let owner_mapping = owner_mapping
        .map(|v| text_field(v, "owner_mapping", 256))
        .transpose()?;
    // A typed id the team's CRM user directory does not list, or lists as inactive, is
    // refused (only a value that changes: one already set stays until the admin changes it).
    let copy = TeamCopy::load(state, &admin.team_id).await?;
    let current = copy.members.iter().find(|m| m.id == id);
    if let Some(v) = crm_user_id.as_deref() {
        if current.and_then(|m| m.crm_user_id.as_deref()) != Some(v) {
            copy.check_directory_user("The CRM user", v)?;
        }
    }
    if let Some(v) = owner_mapping.as_deref() {
        if current.and_then(|m| m.owner_mapping.as_deref()) != Some(v) {
            copy.check_directory_user("The owner mapping", v)?;
        }
    }
    let found = state
        .store
        .set_member_crm(
            &admin.team_id,
            id,
            crm_user_id.as_deref(),
            owner_mapping.as_deref(),
        )
        .await?;
    if !found {
        return Err(ApiError::not_found("no such member on your team"));
    }
    Ok(state.store.member(&admin.team_id, id).await?)
}

/// `GET /api/admin/connections`: team-held connections and their health (`status`: `ok` or
/// `reconnect_needed`, with the reason; last push, last refresh), whether this server pushes,
/// and how many saves wait in the outbox by status. Never a secret.
pub async fn connections(
    State(state): State<AppState>,
    AdminMember(admin): AdminMember,
) -> Result<Json<Value>, ApiError> {
    let view = TeamHealth::load(&state, &admin.team_id).await?;
    Ok(Json(json!({
        "connections": crate::push::health::connections_json(&view.connections, &view.health),
        "pushing": view.pushing,
        "unsettled_saves": view
            .unsettled
            .into_iter()
            .map(|(status, n)| (status, Value::from(n)))
            .collect::<serde_json::Map<String, Value>>(),
    })))
}

/// The team's connections with their push health, whether this server pushes the team's
/// saves, and the saves waiting by status: what `GET /api/admin/connections` answers and the
/// overview page shows. Never a secret.
#[derive(Debug, Clone)]
pub(crate) struct TeamHealth {
    /// Team-held connections.
    pub connections: Vec<crate::store::Connection>,
    /// Why each needs a reconnect, if it does.
    pub health: Vec<crate::store::PushHealth>,
    /// Whether this server pushes this team's saves (a Salesforce team needs a Salesforce app).
    pub pushing: bool,
    /// Saves not pushed yet, by ledger status.
    pub unsettled: Vec<(String, i64)>,
}

impl TeamHealth {
    /// Reads it for a team.
    pub(crate) async fn load(state: &AppState, team_id: &str) -> Result<Self, ApiError> {
        let connections = state.store.connections(team_id).await?;
        let health = state.store.push_health(team_id).await?;
        let unsettled = state.store.unsettled_saves(team_id).await?;
        let pushing = match state.store.team(team_id).await? {
            Some(team) => state.pusher.pushes(team.crm),
            None => false,
        };
        Ok(Self {
            connections,
            health,
            pushing,
            unsettled,
        })
    }

    /// Why the CRM refused a connection's grant, if it did.
    pub(crate) fn reconnect_reason(&self, connection_id: &str) -> Option<&str> {
        self.health
            .iter()
            .find(|h| h.connection_id == connection_id)
            .and_then(|h| h.reconnect_reason.as_deref())
    }
}

/// The body of `PUT /api/admin/connections/{member}`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectionRequest {
    /// The connected CRM user.
    crm_user_id: String,
    /// That CRM user's email.
    crm_email: String,
    /// `admin`, `standard` or `read_only`.
    permission: String,
    /// The CRM instance (`https://…`).
    instance_url: Option<String>,
    /// The refresh token, or a HubSpot private-app token.
    refresh_token: String,
    /// The app's client secret, when the connection needs its own.
    client_secret: Option<String>,
    /// A checked HubSpot token's kind: set by [`store_private_app`] only, never by the body.
    #[serde(skip)]
    credential: Option<crm::Credential>,
}

/// `PUT /api/admin/connections/{member}`: stores a member's connection as held by the team.
/// The token and client secret are sealed with the team's data key before they reach the
/// database, and never answered back.
///
/// The connection's identity (CRM user, permission) is what the admin states here; checking
/// it against the CRM's identity URL comes with the server's own OAuth connect flow.
pub async fn put_connection(
    State(state): State<AppState>,
    AdminMember(admin): AdminMember,
    Path(member_id): Path<String>,
    Json(body): Json<ConnectionRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let stored = store_connection(&state, &admin, &member_id, body).await?;
    Ok((StatusCode::CREATED, Json(json!({ "connection": stored }))))
}

/// The body of `POST /api/admin/connections/{member}/private-app`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivateAppRequest {
    /// The HubSpot private-app token or service key.
    pub token: String,
    /// The HubSpot user the private app saves for (an active owner's email).
    pub email: String,
    /// What the admin says the token is: `private_app_token` (the default) or `service_key`.
    /// A token in the private-app format (`pat-…`) is one whatever is said; any other is
    /// refused unless said to be a service key ([`crm::Credential::of_hubspot_token`]).
    #[serde(default)]
    pub kind: Option<crm::Credential>,
}

/// `POST /api/admin/connections/{member}/private-app`: a HubSpot team's private-app token (or
/// service key), checked with HubSpot before it replaces anything ([`store_private_app`]).
pub async fn put_private_app(
    State(state): State<AppState>,
    AdminMember(admin): AdminMember,
    Path(member_id): Path<String>,
    Json(body): Json<PrivateAppRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let (stored, team_sync) = store_private_app(&state, &admin, &member_id, &body).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "connection": stored, "team_sync_chosen": team_sync })),
    ))
}

/// Stores a HubSpot private-app token (or service key) as `member_id`'s team-held connection,
/// after HubSpot accepted it: the connect flow reads the owners with it and finds the active
/// owner whose email the admin gave, and HubSpot names the account (hub) it belongs to, which
/// the team is bound to (`teams.crm_org_id`: reps' "Sign in with HubSpot" must come from it).
/// A token HubSpot refuses, or one of another account, replaces nothing: the working one
/// stays in use, and the refusal says so. The first such connection of a team without team
/// sync becomes its team sync. Answers the stored connection and whether it became team sync.
pub async fn store_private_app(
    state: &AppState,
    admin: &Member,
    member_id: &str,
    body: &PrivateAppRequest,
) -> Result<(Option<crate::store::Connection>, bool), ApiError> {
    let copy = TeamCopy::load(state, &admin.team_id).await?;
    if copy.team.crm != saves::CrmKind::Hubspot {
        return Err(ApiError::bad_request(
            "not_hubspot",
            "A private-app token is for a HubSpot team; this team uses Salesforce (connect team sync with “Connect team sync”).",
        ));
    }
    if !copy.members.iter().any(|m| m.id == member_id) {
        return Err(ApiError::not_found("no such member on your team"));
    }
    let token = body.token.trim();
    if token.is_empty() || token.len() > 8192 {
        return Err(ApiError::bad_request(
            "invalid_body",
            "Paste the private-app token (1 to 8192 characters).",
        ));
    }
    let email = text_field(&body.email, "email", 256)?;
    let unchanged = if copy.connection_of(member_id).is_some() {
        " The token in use is unchanged."
    } else {
        ""
    };
    let checked = state
        .pusher
        .check_private_app(
            token,
            &email,
            body.kind.unwrap_or(crm::Credential::PrivateAppToken),
        )
        .await
        .map_err(|refusal| {
            let text = |k: &str| refusal[k].as_str().unwrap_or_default().to_owned();
            let code = match refusal["code"].as_str() {
                Some("unknown_owner" | "missing_private_app_user") => "unknown_owner",
                Some("not_a_private_app_token") => "not_a_private_app_token",
                Some("crm_unreachable") => "crm_unreachable",
                _ => "token_refused",
            };
            ApiError::bad_request(
                code,
                format!("{} {}{unchanged}", text("message"), text("hint"))
                    .trim()
                    .to_owned(),
            )
        })?;
    // The team's HubSpot account: a rep's "Sign in with HubSpot" must come from it. A token of
    // another account than the one the team works with replaces nothing.
    let portal = state.pusher.hubspot_portal(token).await.map_err(|why| {
        ApiError::bad_request(
            "token_refused",
            format!("HubSpot did not say which account this token belongs to ({why}).{unchanged}"),
        )
    })?;
    if let Some(bound) = state.store.team_org(&admin.team_id).await? {
        if bound != portal {
            return Err(ApiError::conflict(
                "other_hubspot_account",
                format!(
                    "This token belongs to HubSpot account {portal}, but the team works with HubSpot account {bound}: paste a token of the team's account.{unchanged}"
                ),
            ));
        }
    }
    let request = ConnectionRequest {
        crm_user_id: checked["crm_user_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned(),
        crm_email: checked["email"].as_str().unwrap_or_default().to_owned(),
        permission: checked["permission"].as_str().unwrap_or("admin").to_owned(),
        instance_url: None,
        refresh_token: token.to_owned(),
        client_secret: None,
        credential: serde_json::from_value(checked["credential"].clone()).ok(),
    };
    let stored = store_connection(state, admin, member_id, request).await?;
    state.store.bind_team_org(&admin.team_id, &portal).await?;
    let team_sync = copy.team.team_sync_member.is_none();
    if team_sync {
        choose_team_sync(state, admin, Some(member_id)).await?;
    }
    // The team sync's owners are the team's directory (rules 5 and 6); a failed read is
    // recorded for the Members page and keeps the previous directory.
    let _ = state
        .pusher
        .read_crm_users_after_connect(state, &admin.team_id, member_id)
        .await;
    Ok((stored, team_sync))
}

/// Stores `body` as `member_id`'s team-held connection (sealed), checked by the rules (one CRM
/// user per app user); a reconnect of the same CRM user moves the saves that waited for it to
/// the new connection. Answers the stored connection.
pub(crate) async fn store_connection(
    state: &AppState,
    admin: &Member,
    member_id: &str,
    body: ConnectionRequest,
) -> Result<Option<crate::store::Connection>, ApiError> {
    let member_id = member_id.to_owned();
    let copy = TeamCopy::load(state, &admin.team_id).await?;
    if !copy.members.iter().any(|m| m.id == member_id) {
        return Err(ApiError::not_found("no such member on your team"));
    }
    let crm_user_id = text_field(&body.crm_user_id, "crm_user_id", 256)?;
    let crm_email = text_field(&body.crm_email, "crm_email", 256)?;
    let personal = attribution::parse_personal(
        &json!({ "crm_user_id": crm_user_id, "email": crm_email, "permission": body.permission }),
        "connection",
    )
    .map_err(|e| ApiError::bad_request("invalid_body", e.to_string()))?;
    let team_state = copy
        .state()
        .map_err(|e| ApiError::internal(format_args!("stored team is invalid: {e}")))?;
    // Rule 7, by the attribution core: one CRM user per app user.
    attribution::check_connect(&team_state, &member_id, &personal)
        .map_err(|e| ApiError::conflict(e.code().as_str(), e.to_string()))?;
    if let Some(url) = &body.instance_url {
        if !url.starts_with("https://") || url.len() > 512 {
            return Err(ApiError::bad_request(
                "invalid_body",
                "`instance_url` must be an https:// URL",
            ));
        }
    }
    if body.refresh_token.trim().is_empty() || body.refresh_token.len() > 8192 {
        return Err(ApiError::bad_request(
            "invalid_body",
            "`refresh_token` must be 1 to 8192 characters",
        ));
    }
    let data_key = state
        .master_key
        .unwrap_data_key(&copy.team.id, &copy.team.wrapped_data_key)
        .map_err(ApiError::internal)?;
    let id = random_id("c_").map_err(ApiError::internal)?;
    let seal = |field: &str, value: &str| {
        data_key
            .seal(
                value.trim().as_bytes(),
                &secret_aad(&copy.team.id, &id, field),
            )
            .map_err(ApiError::internal)
    };
    let connection = NewConnection {
        sealed_refresh_token: seal("refresh_token", &body.refresh_token)?,
        sealed_client_secret: body
            .client_secret
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| seal("client_secret", s))
            .transpose()?,
        id,
        member_id: member_id.clone(),
        crm_user_id,
        crm_email,
        permission: personal.permission.as_str().to_owned(),
        instance_url: body.instance_url,
        credential: body
            .credential
            .and_then(|c| serde_json::to_value(c).ok())
            .and_then(|v| v.as_str().map(str::to_owned)),
    };
    let now = now();
    let replaced = copy
        .connection_of(&member_id)
        .filter(|old| old.crm_user_id == connection.crm_user_id)
        .map(|old| old.id.clone());
    state
        .store
        .put_connection(&admin.team_id, &connection, now)
        .await?;
    if let Some(old) = replaced {
        // A reconnect of the same CRM user: the saves that waited for it go now.
        state
            .store
            .repoint_outbox(&admin.team_id, &old, &connection.id)
            .await?;
    }
    state
        .store
        .journal_add(
            &admin.team_id,
            now,
            "admin",
            Some(&admin.id),
            None,
            "connection_stored",
            &format!("a connection for member {member_id} is now held by the team"),
        )
        .await?;
    let stored = state
        .store
        .connections(&admin.team_id)
        .await?
        .into_iter()
        .find(|c| c.member_id == member_id);
    Ok(stored)
}

/// The body of `PUT /api/admin/team-sync`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TeamSyncRequest {
    /// The member whose team-held connection becomes the team sync (`null` to clear).
    member: Option<String>,
}

/// `GET /api/admin/crm-users`: the team's CRM user directory as the server last read it, when
/// (`read_at`, `null`: never) and why its last read failed (`error`, `null` after one that
/// worked).
pub async fn crm_users(
    State(state): State<AppState>,
    AdminMember(admin): AdminMember,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(directory_json(&state, &admin.team_id).await?))
}

async fn directory_json(state: &AppState, team_id: &str) -> Result<Value, ApiError> {
    let copy = TeamCopy::load(state, team_id).await?;
    let (read_at, error) = state.store.crm_users_status(team_id).await?;
    Ok(json!({"crm_users": copy.crm_users(), "read_at": read_at, "error": error}))
}

/// `POST /api/admin/crm-users/refresh`: reads the team's CRM user directory again with the
/// team sync connection. `200` with the directory ([`crm_users`]'s answer); `502
/// crm_users_not_read` when the read failed, saying why (the previous directory is kept).
pub async fn refresh_crm_users(
    State(state): State<AppState>,
    AdminMember(admin): AdminMember,
) -> Result<Json<Value>, ApiError> {
    refresh_directory(&state, &admin).await.map(Json)
}

/// Reads the directory again (the API's route and the Members page's button).
pub(crate) async fn refresh_directory(state: &AppState, admin: &Member) -> Result<Value, ApiError> {
    match state.pusher.read_crm_users(state, &admin.team_id).await {
        Ok(_) => directory_json(state, &admin.team_id).await,
        Err(why) => {
            let kept = TeamCopy::load(state, &admin.team_id)
                .await?
                .crm_users()
                .len();
            Err(ApiError::new(
                StatusCode::BAD_GATEWAY,
                "crm_users_not_read",
                format!(
                    "The CRM user directory could not be read: {why}. The previous directory ({kept} users) is kept."
                ),
            ))
        }
    }
}

/// `PUT /api/admin/team-sync`: chooses the team sync among team-held connections, checked by
/// the attribution core (rules 7 and 9; rule 11: only a connection the team holds).
pub async fn team_sync(
    State(state): State<AppState>,
    AdminMember(admin): AdminMember,
    Json(body): Json<TeamSyncRequest>,
) -> Result<Json<Value>, ApiError> {
    let warnings = choose_team_sync(&state, &admin, body.member.as_deref()).await?;
    Ok(Json(
        json!({ "team_sync": body.member, "warnings": warnings }),
    ))
}

/// Chooses (or, with `None`, clears) the team sync; answers the rules' warnings (codes).
pub(crate) async fn choose_team_sync(
    state: &AppState,
    admin: &Member,
    member: Option<&str>,
) -> Result<Vec<String>, ApiError> {
    let copy = TeamCopy::load(state, &admin.team_id).await?;
    let team_state = copy
        .state()
        .map_err(|e| ApiError::internal(format_args!("stored team is invalid: {e}")))?;
    let warnings = match member {
        // The team state lists only team-held connections, so a browser-held or missing one
        // is refused as `team_sync_not_connected`, exactly as rule 11 says.
        Some(member) => attribution::check_team_sync_choice(&team_state, member)
            .map_err(|e| ApiError::conflict(e.code().as_str(), e.to_string()))?,
        None => Vec::new(),
    };
    state.store.set_team_sync(&admin.team_id, member).await?;
    state
        .store
        .journal_add(
            &admin.team_id,
            now(),
            "admin",
            Some(&admin.id),
            None,
            "team_sync_chosen",
            &format!("team sync: {}", member.unwrap_or("none")),
        )
        .await?;
    Ok(warnings.iter().map(|w| w.as_str().to_owned()).collect())
}

/// `PUT /api/admin/push-settings`: the team's push settings (`saves::Settings`).
pub async fn push_settings(
    State(state): State<AppState>,
    AdminMember(admin): AdminMember,
    Json(body): Json<saves::Settings>,
) -> Result<Json<Value>, ApiError> {
    save_push_settings(&state, &admin, &body).await?;
    Ok(Json(json!({ "push_settings": body })))
}

/// Stores the team's push settings.
pub(crate) async fn save_push_settings(
    state: &AppState,
    admin: &Member,
    settings: &saves::Settings,
) -> Result<(), ApiError> {
    let text = serde_json::to_string(settings).map_err(ApiError::internal)?;
    state.store.set_push_settings(&admin.team_id, &text).await?;
    Ok(())
}

/// `?format=csv|json&limit=N` on the journal routes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JournalQuery {
    format: Option<String>,
    limit: Option<i64>,
}

/// `GET /api/admin/journal`: the team's saves, newest first.
pub async fn journal(
    State(state): State<AppState>,
    AdminMember(admin): AdminMember,
    Query(query): Query<JournalQuery>,
) -> Result<Response, ApiError> {
    journal_of(&state, &admin.team_id, "save", query).await
}

/// `GET /api/admin/errors`: the team's error log, newest first.
pub async fn errors(
    State(state): State<AppState>,
    AdminMember(admin): AdminMember,
    Query(query): Query<JournalQuery>,
) -> Result<Response, ApiError> {
    journal_of(&state, &admin.team_id, "error", query).await
}

async fn journal_of(
    state: &AppState,
    team_id: &str,
    kind: &str,
    query: JournalQuery,
) -> Result<Response, ApiError> {
    let limit = query.limit.unwrap_or(500).clamp(1, 10_000);
    let entries = state.store.journal(team_id, kind, limit).await?;
    match query.format.as_deref() {
        None | Some("json") => Ok(Json(json!({ "entries": entries })).into_response()),
        Some("csv") => Ok((
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
            journal_csv(&entries),
        )
            .into_response()),
        Some(_) => Err(ApiError::bad_request(
            "invalid_query",
            "`format` is `json` or `csv`",
        )),
    }
}

/// The journal as CSV, each field quoted and guarded against spreadsheet formulas.
pub(crate) fn journal_csv(entries: &[JournalEntry]) -> String {
    let mut out = String::from("id,at,kind,actor_id,save_id,code,message\r\n");
    for e in entries {
        let fields = [
            e.id.to_string(),
            e.at.to_string(),
            e.kind.clone(),
            e.actor_id.clone().unwrap_or_default(),
            e.save_id.clone().unwrap_or_default(),
            e.code.clone(),
            e.message.clone(),
        ];
        let line: Vec<String> = fields.iter().map(|f| saves::csv_cell(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

//! The server's Salesforce OAuth flows, started here and finished at its one callback:
//!
//! - `GET /api/admin/connect/salesforce` (admin session): 302 to the team org's authorize
//!   page with the server's own client id, PKCE (S256) and a random `state`. The state is
//!   stored hashed, bound to that admin and team, expiring after [`super::oauth_flow::STATE_TTL_SECS`]; the PKCE
//!   verifier is stored sealed with the master key ([`super::oauth_flow`]).
//! - `GET /api/oauth/salesforce/callback`: takes the state once (wrong, reused or expired:
//!   a clear page, nothing stored), exchanges the code with the client secret and verifier,
//!   and finishes the flow the state was made for: a team-held connection here, a rep's
//!   sign-in in [`super::sign_in`].

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::app::{now, AppState};
use crate::crypto::{random_id, secret_aad, token_hash};
use crate::error::{ApiError, Query};
use crate::oauth::salesforce::{self as sf, CONNECT_SCOPE};
use crate::oauth::{escape, page, Outbound};
use crate::store::{NewConnection, OAuthPurpose, OAuthState};

use super::oauth_flow::{
    begin, salesforce_app, verifier_aad, CallbackError, CallbackQuery, FlowStart,
};
use super::team::TeamCopy;
use super::AdminMember;

/// `GET /api/admin/connect/salesforce`: the admin connects team sync once, on the server.
pub async fn connect_salesforce(
    State(state): State<AppState>,
    AdminMember(admin): AdminMember,
) -> Result<Response, ApiError> {
    start_connect(&state, &admin, None).await
}

/// Starts an admin's Salesforce connect (the 302 to the authorize page); `return_to` is
/// [`crate::pages::RETURN_TO_PAGES`] when the admin pages started it (the callback's page
/// then links back to them).
pub(crate) async fn start_connect(
    state: &AppState,
    admin: &crate::store::Member,
    return_to: Option<&str>,
) -> Result<Response, ApiError> {
    begin(
        state,
        FlowStart {
            purpose: OAuthPurpose::Connect,
            team_id: Some(&admin.team_id),
            member_id: Some(&admin.id),
            return_to,
            return_state: None,
            scope: CONNECT_SCOPE,
        },
    )
    .await
}

/// `GET /api/oauth/salesforce/callback`.
pub async fn callback(
    State(state): State<AppState>,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let (flow, state_hash) = match query.take_flow(&state, "Salesforce", token_hash).await {
        Ok(taken) => taken,
        Err(error) => return error.into_response(),
    };
    match run_callback(&state, &flow, &state_hash, query).await {
        Ok(response) => response,
        Err(error) => super::sign_in::refuse(&flow, error),
    }
}

async fn run_callback(
    state: &AppState,
    flow: &OAuthState,
    state_hash: &str,
    query: CallbackQuery,
) -> Result<Response, CallbackError> {
    let code = query.code("Salesforce")?;
    let verifier = state
        .master_key
        .open(&flow.sealed_verifier, &verifier_aad(state_hash))
        .map_err(|e| CallbackError::from(ApiError::internal(e)))?;
    let verifier =
        String::from_utf8(verifier).map_err(|e| CallbackError::from(ApiError::internal(e)))?;
    let (app, callback_url) = salesforce_app(state)?;
    let outbound = Outbound::new(&state.config.oauth)?;
    let token = sf::exchange_code(&outbound, &app, &callback_url, &code, &verifier).await?;
    let info = sf::userinfo(&outbound, &app, &token.access_token).await?;
    if !info.active {
        return Err(CallbackError::new(
            StatusCode::FORBIDDEN,
            "Not signed in",
            "this Salesforce user is inactive",
        ));
    }
    match flow.purpose {
        OAuthPurpose::Connect => finish_connect(state, flow, &outbound, token, info).await,
        OAuthPurpose::SignIn => super::sign_in::finish_oauth(state, flow, info).await,
    }
}

/// Stores the connected user's refresh token as a team-held connection of the admin who
/// started the flow.
async fn finish_connect(
    state: &AppState,
    flow: &OAuthState,
    outbound: &Outbound,
    token: crm::salesforce::SfToken,
    info: sf::UserInfo,
) -> Result<Response, CallbackError> {
    let forbidden =
        |message: String| CallbackError::new(StatusCode::FORBIDDEN, "Not connected", message);
    let (Some(team_id), Some(member_id)) = (flow.team_id.as_deref(), flow.member_id.as_deref())
    else {
        return Err(forbidden("this connect was not started by an admin".into()));
    };
    let copy = TeamCopy::load(state, team_id).await?;
    let Some(admin) = copy.members.iter().find(|m| m.id == member_id).cloned() else {
        return Err(forbidden(
            "the admin who started this connect is no longer on the team".into(),
        ));
    };
    if admin.role != crate::store::Role::Admin {
        return Err(forbidden("only a team admin may connect team sync".into()));
    }
    if let Some(org) = state.store.team_org(team_id).await? {
        if org != info.organization_id {
            return Err(forbidden(format!(
                "this Salesforce user belongs to org {}, but the team works with org {org}: sign in to the team's org",
                info.organization_id
            )));
        }
    }
    let Some(refresh_token) = token.refresh_token.clone() else {
        return Err(CallbackError::new(
            StatusCode::BAD_GATEWAY,
            "Not connected",
            "Salesforce granted no refresh token: the server's app must allow the refresh_token scope",
        ));
    };
    let permission = sf::permission_of(outbound, &token, &info.user_id).await?;
    let personal = attribution::parse_personal(
        &json!({ "crm_user_id": info.user_id, "email": info.email, "permission": permission }),
        "connection",
    )
    .map_err(|e| CallbackError::from(ApiError::internal(e)))?;
    let team_state = copy
        .state()
        .map_err(|e| CallbackError::from(ApiError::internal(e)))?;
    attribution::check_connect(&team_state, member_id, &personal)
        .map_err(|e| CallbackError::new(StatusCode::CONFLICT, "Not connected", e.to_string()))?;
    let org = state
        .store
        .bind_team_org(team_id, &info.organization_id)
        .await?;
    if org != info.organization_id {
        return Err(forbidden(format!(
            "the team works with org {org}, not {}",
            info.organization_id
        )));
    }
    let data_key = state
        .master_key
        .unwrap_data_key(&copy.team.id, &copy.team.wrapped_data_key)
        .map_err(|e| CallbackError::from(ApiError::internal(e)))?;
    let id = random_id("c_").map_err(|e| CallbackError::from(ApiError::internal(e)))?;
    let sealed = data_key
        .seal(
            refresh_token.as_bytes(),
            &secret_aad(team_id, &id, "refresh_token"),
        )
        .map_err(|e| CallbackError::from(ApiError::internal(e)))?;
    let connection = NewConnection {
        id,
        member_id: member_id.to_owned(),
        crm_user_id: info.user_id.clone(),
        crm_email: info.email.clone(),
        permission: permission.to_owned(),
        instance_url: Some(token.instance_url.clone()),
        sealed_refresh_token: sealed,
        sealed_client_secret: None,
        credential: None,
    };
    let now = now();
    let replaced = copy
        .connection_of(member_id)
        .filter(|old| old.crm_user_id == connection.crm_user_id)
        .map(|old| old.id.clone());
    state
        .store
        .put_connection(team_id, &connection, now)
        .await?;
    if let Some(old) = replaced {
        // A reconnect of the same CRM user: the saves that waited for it go now.
        state
            .store
            .repoint_outbox(team_id, &old, &connection.id)
            .await?;
    }
    if admin.crm_user_id.is_none() {
        state
            .store
            .set_member_crm(
                team_id,
                member_id,
                Some(&info.user_id),
                admin.owner_mapping.as_deref(),
            )
            .await?;
    }
    // The first connection of a team becomes its team sync when the rules allow it.
    let mut team_sync = false;
    if copy.team.team_sync_member.is_none() {
        let copy = TeamCopy::load(state, team_id).await?;
        if let Ok(team_state) = copy.state() {
            if attribution::check_team_sync_choice(&team_state, member_id).is_ok() {
                state.store.set_team_sync(team_id, Some(member_id)).await?;
                team_sync = true;
            }
        }
    }
    state
        .store
        .journal_add(
            team_id,
            now,
            "admin",
            Some(member_id),
            None,
            "connection_connected",
            &format!(
                "{} ({}, {permission}) connected on the server as a team-held connection",
                info.email, info.user_id
            ),
        )
        .await?;
    tracing::info!(team = %team_id, member = %member_id, "a team-held Salesforce connection was connected");
    let directory = match state
        .pusher
        .read_crm_users_after_connect(state, team_id, member_id)
        .await
    {
        Some(Ok(n)) => format!(
            "<p data-testid=\"crm-users-read\">Read the org's user directory: {n} Salesforce users. \
             Owners it marks inactive are never assigned.</p>"
        ),
        Some(Err(why)) => format!(
            "<p data-testid=\"crm-users-read\">The org's user directory could not be read ({}); \
             refresh it on the Members page.</p>",
            escape(&why)
        ),
        None => String::new(),
    };
    let body = format!(
        "<p data-testid=\"connected\">Connected <strong>{name}</strong> ({email}): Salesforce user \
         <code data-testid=\"crm-user\">{user}</code> of org <code data-testid=\"crm-org\">{org}</code>, \
         permission <strong data-testid=\"permission\">{permission}</strong>.</p>\
         <p>The team holds this connection on the server; no rep's browser ever sees its token.{sync}</p>\
         {directory}<p>{next}</p>",
        name = escape(&info.name),
        email = escape(&info.email),
        user = escape(&info.user_id),
        org = escape(&info.organization_id),
        next = if flow.return_to.as_deref() == Some(crate::pages::RETURN_TO_PAGES) {
            "<a data-testid=\"back-to-admin\" href=\"/admin\">Back to the admin pages</a>"
        } else {
            "You can close this window."
        },
        sync = if team_sync {
            " It is now the team sync."
        } else {
            " Choose it as the team sync on the admin pages' overview if it should be."
        },
    );
    Ok(page(StatusCode::OK, "Salesforce connected", &body))
}

//! Reps sign in with HubSpot, run by the server: the twin of [`super::sign_in`]'s Salesforce
//! sign-in for a HubSpot team.
//!
//! - `GET /api/sign-in/hubspot?redirect=<https://<id>.chromiumapp.org/…>[&state=…][&team=…]`
//!   → 302 to HubSpot's authorize page for the server's HubSpot app, its own callback, PKCE
//!   (S256) and the `oauth` scope only (who you are; no CRM access).
//! - `GET /api/oauth/hubspot/callback`: takes the state once, exchanges the code with the
//!   client secret, reads who signed in with HubSpot's introspection (`hub_id`, `user_id`,
//!   `user`), revokes the grant's refresh token and drops the tokens (nothing of them is
//!   stored). The hub must be the HubSpot account of a team on this server, bound when the
//!   team's HubSpot connection was stored, or at the first sign-in by asking HubSpot with the
//!   team's own token (never an account a client names); the user must be a member of that
//!   team: members are
//!   keyed by their HubSpot owner id (the owner of that HubSpot user, read with the team's own
//!   connection), or, for a member with no CRM user yet, by HubSpot's login e-mail (their owner
//!   id is then recorded). Then as for Salesforce ([`super::sign_in::hand_off`]): a one-time
//!   code for the extension, or a session on the admin pages; a refusal goes back to the
//!   extension as an OAuth error ([`super::sign_in::refuse`]).
//!
//! Its states are hashed apart from Salesforce's ([`state_hash`]): a state one flow issued is
//! unknown at the other's callback.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::app::{now, AppState};
use crate::crypto::{random_token, token_hash};
use crate::error::{ApiError, Query};
use crate::oauth::hubspot::{self as hs, Grant, HsIdentity};
use crate::oauth::settings::HubspotApp;
use crate::oauth::Outbound;
use crate::store::{Member, NewOAuthState, OAuthPurpose, OAuthState};

use super::oauth_flow::{verifier_aad, CallbackError, CallbackQuery, STATE_TTL_SECS};
use super::sign_in::{check_way_back, checked_start, hand_off, refuse, StartQuery};
use super::team::TeamCopy;

/// The stored hash of a HubSpot sign-in's state (apart from the Salesforce flows' hashes).
fn state_hash(flow_state: &str) -> String {
    token_hash(&format!("hubspot-sign-in:{flow_state}"))
}

/// The server's HubSpot app and its callback URL, or the answer saying what to configure.
fn hubspot_app(state: &AppState) -> Result<(HubspotApp, String), ApiError> {
    let settings = &state.config.oauth;
    let not_configured = |what: &str| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "oauth_not_configured",
            format!("this server has no HubSpot app configured: set {what}"),
        )
    };
    let app = settings.hubspot.clone().ok_or_else(|| {
        not_configured("LEADLINE_HS_CLIENT_ID and LEADLINE_HS_CLIENT_SECRET_FILE")
    })?;
    let callback = settings
        .hubspot_callback()
        .ok_or_else(|| not_configured("LEADLINE_PUBLIC_URL"))?;
    Ok((app, callback))
}

/// `GET /api/sign-in/hubspot`.
pub async fn start(
    State(state): State<AppState>,
    Query(query): Query<StartQuery>,
) -> Result<Response, ApiError> {
    let (return_state, team_id) = checked_start(&state, &query).await?;
    begin(
        &state,
        team_id.as_deref(),
        Some(&query.redirect),
        return_state.as_deref(),
    )
    .await
}

/// Stores a new sign-in state (hashed, expiring, the PKCE verifier sealed) and answers the
/// 302 to HubSpot's authorize page. `return_to`: the extension's redirect, or
/// [`crate::pages::RETURN_TO_PAGES`] for the admin pages' own sign-in.
pub(crate) async fn begin(
    state: &AppState,
    team_id: Option<&str>,
    return_to: Option<&str>,
    return_state: Option<&str>,
) -> Result<Response, ApiError> {
    let (app, callback) = hubspot_app(state)?;
    let random = crate::crypto::random_bytes::<32>().map_err(ApiError::internal)?;
    let verifier = crm::pkce::verifier_from_random(&random);
    let flow_state = random_token("").map_err(ApiError::internal)?;
    let hash = state_hash(&flow_state);
    let sealed_verifier = state
        .master_key
        .seal(verifier.as_bytes(), &verifier_aad(&hash))
        .map_err(ApiError::internal)?;
    let url = hs::authorize_url(
        &app,
        &callback,
        &flow_state,
        &crm::pkce::challenge_s256(&verifier),
    );
    let now = now();
    state
        .store
        .create_oauth_state(
            &NewOAuthState {
                state_hash: &hash,
                purpose: OAuthPurpose::SignIn,
                team_id,
                member_id: None,
                sealed_verifier: &sealed_verifier,
                return_to,
                return_state,
            },
            now,
            now + STATE_TTL_SECS,
        )
        .await?;
    Ok((
        StatusCode::FOUND,
        [
            (header::LOCATION, url),
            (header::CACHE_CONTROL, "no-store".into()),
        ],
    )
        .into_response())
}

/// `GET /api/oauth/hubspot/callback`.
pub async fn callback(
    State(state): State<AppState>,
    Query(query): Query<CallbackQuery>,
) -> Response {
    let (flow, hash) = match query.take_flow(&state, "HubSpot", state_hash).await {
        Ok(taken) => taken,
        Err(error) => return error.into_response(),
    };
    match run_callback(&state, &flow, &hash, query).await {
        Ok(response) => response,
        Err(error) => refuse(&flow, error),
    }
}

async fn run_callback(
    state: &AppState,
    flow: &OAuthState,
    hash: &str,
    query: CallbackQuery,
) -> Result<Response, CallbackError> {
    check_way_back(flow)?;
    let code = query.code("HubSpot")?;
    let verifier = state
        .master_key
        .open(&flow.sealed_verifier, &verifier_aad(hash))
        .map_err(|e| CallbackError::from(ApiError::internal(e)))?;
    let verifier =
        String::from_utf8(verifier).map_err(|e| CallbackError::from(ApiError::internal(e)))?;
    let (app, callback_url) = hubspot_app(state)?;
    let outbound = Outbound::new(&state.config.oauth)?;
    let token = hs::token(
        &outbound,
        &app,
        Grant::Code {
            code: &code,
            redirect_uri: &callback_url,
            code_verifier: Some(&verifier),
        },
    )
    .await
    .map_err(hubspot_step)?;
    let identity = hs::identity(&outbound, &app, &token.access_token)
        .await
        .map_err(hubspot_step)?;
    // Identity only: the sign-in's tokens are not kept, not even in memory, and its grant is
    // revoked at HubSpot (a failure to revoke leaves a grant nobody holds; the sign-in stands).
    if let Some(refresh_token) = token.refresh_token.as_deref() {
        if let Err(e) = hs::revoke(&outbound, &app, refresh_token).await {
            tracing::warn!(error = %e, "HubSpot did not revoke a sign-in's grant");
        }
    }
    drop(token);
    let member = matched_member(state, flow, &identity).await?;
    hand_off(state, flow, &member, "HubSpot").await
}

/// An outbound step's failure, named for HubSpot.
fn hubspot_step(error: crate::oauth::OAuthError) -> CallbackError {
    let mut page = CallbackError::from(error);
    page.title = "HubSpot did not complete the sign-in";
    page
}

/// Binds each HubSpot team that holds a connection but no HubSpot account yet (only
/// `team_id`, when the sign-in named it) to the account its own connection belongs to, as
/// HubSpot says: the team's token tells whose account the team works with, never the person
/// signing in. Answers whether any team was bound.
async fn bind_unbound_teams(
    state: &AppState,
    team_id: Option<&str>,
) -> Result<bool, CallbackError> {
    let mut bound = false;
    for team_id in state.store.unbound_hubspot_teams(team_id).await? {
        let copy = TeamCopy::load(state, &team_id).await?;
        let Some(connection) = team_connection(state, &copy).await? else {
            continue;
        };
        match state
            .pusher
            .hubspot_account_of_team(state, &copy.team, &connection)
            .await
        {
            Ok(account) => {
                state.store.bind_team_org(&team_id, &account).await?;
                tracing::info!(team = %team_id, "a HubSpot team was bound to its token's account");
                bound = true;
            }
            Err(why) => {
                tracing::warn!(team = %team_id, why = %why, "HubSpot did not say which account a team's token belongs to");
            }
        }
    }
    Ok(bound)
}

/// The team's own HubSpot connection on the server: team sync's, else any the team holds.
async fn team_connection(
    state: &AppState,
    copy: &TeamCopy,
) -> Result<Option<crate::store::SyncConnection>, CallbackError> {
    let held = copy
        .team
        .team_sync_member
        .as_deref()
        .and_then(|m| copy.connection_of(m))
        .or(copy.connections.first());
    Ok(match held {
        Some(c) => state.store.push_connection(&copy.team.id, &c.id).await?,
        None => None,
    })
}

/// The one member the signed-in HubSpot user is, on the team(s) bound to their HubSpot
/// account (only the team the sign-in named, when it named one).
async fn matched_member(
    state: &AppState,
    flow: &OAuthState,
    who: &HsIdentity,
) -> Result<Member, CallbackError> {
    let refuse =
        |message: String| CallbackError::new(StatusCode::FORBIDDEN, "Not signed in", message);
    let mut teams = state
        .store
        .hubspot_teams_of_hub(&who.hub_id, flow.team_id.as_deref())
        .await?;
    if teams.is_empty() && bind_unbound_teams(state, flow.team_id.as_deref()).await? {
        teams = state
            .store
            .hubspot_teams_of_hub(&who.hub_id, flow.team_id.as_deref())
            .await?;
    }
    if teams.is_empty() {
        return Err(refuse(format!(
            "your HubSpot account ({}) is not the HubSpot account of {}: sign in with your user in the team's HubSpot account",
            who.hub_id,
            if flow.team_id.is_some() { "this team" } else { "a team on this server" }
        )));
    }
    let mut found: Vec<Member> = Vec::new();
    let mut why_not: Option<String> = None;
    for team_id in teams {
        let copy = TeamCopy::load(state, &team_id).await?;
        // The team's own connection reads its owners.
        let Some(connection) = team_connection(state, &copy).await? else {
            why_not = Some(
                "the team holds no HubSpot connection on the server to read its owners with".into(),
            );
            continue;
        };
        let owner = match state
            .pusher
            .hubspot_owner_of_user(state, &copy.team, &connection, &who.user_id)
            .await
        {
            Ok(Some(owner)) => owner,
            Ok(None) => {
                why_not = Some("HubSpot lists no active owner for your user".into());
                continue;
            }
            Err(why) => {
                tracing::warn!(team = %team_id, why = %why, "a HubSpot sign-in could not read the team's owners");
                why_not = Some(why);
                continue;
            }
        };
        if let Some(member) = copy
            .members
            .iter()
            .find(|m| m.crm_user_id.as_deref() == Some(owner.id.as_str()))
        {
            found.push(member.clone());
        } else if let Some(member) = copy
            .members
            .iter()
            .find(|m| m.crm_user_id.is_none() && m.email.eq_ignore_ascii_case(&who.email))
        {
            // A member the admin named by e-mail only (an invite): HubSpot vouches for the
            // e-mail, and their owner id is recorded, as an admin would have set it.
            state
                .store
                .set_member_crm(
                    &team_id,
                    &member.id,
                    Some(&owner.id),
                    member.owner_mapping.as_deref(),
                )
                .await?;
            let mut member = member.clone();
            member.crm_user_id = Some(owner.id.clone());
            found.push(member);
        }
    }
    match found.as_slice() {
        [member] => Ok(member.clone()),
        [] => Err(refuse(format!(
            "your HubSpot user ({}, {}) is not a member of the team: ask your admin to add you{}",
            who.email,
            who.user_id,
            why_not.map(|w| format!(" ({w})")).unwrap_or_default()
        ))),
        _ => Err(CallbackError::new(
            StatusCode::CONFLICT,
            "Not signed in",
            "your HubSpot user is a member of several teams here: sign in from the team's own link",
        )),
    }
}

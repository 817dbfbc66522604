//! Reps sign in with Salesforce, run by the server (OpenID Connect, `openid` scope only: no
//! API access, no refresh token), and the admin names who may:
//!
//! - `GET /api/sign-in/salesforce?redirect=<https://<id>.chromiumapp.org/…>[&state=…][&team=…]`
//!   → 302 to the authorize page of the login host the server is configured with (never a
//!   host the client names).
//! - The callback ([`super::oauth`]) reads userinfo, matches `organization_id` to a team's
//!   org and `user_id` to a member of that team, keeps only the member's id (no token is
//!   stored), and redirects to the extension's URL with a one-time code valid
//!   [`SIGN_IN_CODE_TTL_SECS`], or with the refusal as an OAuth error (`error=access_denied`,
//!   `error_description` saying why, [`refuse`]).
//! - `POST /api/sign-in/finish {"code"}` → a server session, like joining with an invite.
//! - The admin pages start the same flow (`GET /admin/sign-in/salesforce`, `return_to`
//!   [`crate::pages::RETURN_TO_PAGES`]): the callback then starts a browser session for an
//!   admin instead of handing a code to the extension (`crate::pages::sign_in`).
//! - `POST /api/admin/members {"email","crm_user_id","role"}` (admin): adds a member by their
//!   CRM user, who then signs in without an invite.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use crate::app::{now, AppState};
use crate::crypto::{random_id, random_token, token_hash};
use crate::error::{ApiError, Json, Query};
use crate::oauth::salesforce::{UserInfo, SIGN_IN_SCOPE};
use crate::store::{Member, OAuthPurpose, OAuthState, OneTimeRefusal};

use super::oauth_flow::{begin, CallbackError, FlowStart};
use super::session::SESSION_PREFIX;
use super::{text_field, AdminMember};

/// How long the one-time code handed to the extension stays usable.
pub const SIGN_IN_CODE_TTL_SECS: i64 = 120;
/// The prefix of one-time sign-in codes.
pub const SIGN_IN_CODE_PREFIX: &str = "llc_";

/// Is this the extension's own redirect URL (`https://<32 a-p>.chromiumapp.org/<path>`)?
pub fn extension_redirect(uri: &str) -> bool {
    uri.len() <= 512
        && uri
            .strip_prefix("https://")
            .and_then(|rest| rest.split_once('/'))
            .and_then(|(host, path)| {
                (!path.contains(['#', '?', '\\']) && path.bytes().all(|b| b.is_ascii_graphic()))
                    .then_some(host)
            })
            .and_then(|host| host.strip_suffix(".chromiumapp.org"))
            .is_some_and(|id| id.len() == 32 && id.bytes().all(|b| (b'a'..=b'p').contains(&b)))
}

/// The query of `GET /api/sign-in/salesforce` and `GET /api/sign-in/hubspot`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartQuery {
    pub(crate) redirect: String,
    state: Option<String>,
    team: Option<String>,
}

/// `GET /api/sign-in/salesforce`.
pub async fn start(
    State(state): State<AppState>,
    Query(query): Query<StartQuery>,
) -> Result<Response, ApiError> {
    let (return_state, team_id) = checked_start(&state, &query).await?;
    begin(
        &state,
        FlowStart {
            purpose: OAuthPurpose::SignIn,
            team_id: team_id.as_deref(),
            member_id: None,
            return_to: Some(&query.redirect),
            return_state: return_state.as_deref(),
            scope: SIGN_IN_SCOPE,
        },
    )
    .await
}

/// A sign-in start's query, checked: the extension's own redirect, the state it wants back,
/// and the team it names (by name; the sign-in must then land in that team).
pub(crate) async fn checked_start(
    state: &AppState,
    query: &StartQuery,
) -> Result<(Option<String>, Option<String>), ApiError> {
    if !extension_redirect(&query.redirect) {
        return Err(ApiError::bad_request(
            "invalid_redirect",
            "`redirect` must be the extension's https://<id>.chromiumapp.org/ URL",
        ));
    }
    let return_state = query
        .state
        .as_deref()
        .map(|s| text_field(s, "state", 256))
        .transpose()?;
    let team_id = match query.team.as_deref() {
        None => None,
        Some(name) => {
            let team = state
                .store
                .team_by_name(name.trim())
                .await?
                .ok_or_else(|| ApiError::not_found("no team of that name on this server"))?;
            Some(team.id)
        }
    };
    Ok((return_state, team_id))
}

/// Finishes a sign-in at the callback: the org and the user must be a team's and a member's.
pub(crate) async fn finish_oauth(
    state: &AppState,
    flow: &OAuthState,
    info: UserInfo,
) -> Result<Response, CallbackError> {
    let refuse =
        |message: String| CallbackError::new(StatusCode::FORBIDDEN, "Not signed in", message);
    check_way_back(flow)?;
    let org_known = match flow.team_id.as_deref() {
        Some(team_id) => {
            state.store.team_org(team_id).await?.as_deref() == Some(info.organization_id.as_str())
        }
        None => state.store.org_has_team(&info.organization_id).await?,
    };
    if !org_known {
        return Err(refuse(format!(
            "your Salesforce org ({}) is not the org of this team: sign in with your account in the team's org",
            info.organization_id
        )));
    }
    let members = state
        .store
        .members_by_crm_user(
            &info.organization_id,
            &info.user_id,
            flow.team_id.as_deref(),
        )
        .await?;
    let member = match members.as_slice() {
        [member] => member.clone(),
        [] => {
            return Err(refuse(format!(
                "your Salesforce user ({}, {}) is not a member of the team: ask your admin to add you",
                info.email, info.user_id
            )))
        }
        _ => {
            return Err(CallbackError::new(
                StatusCode::CONFLICT,
                "Not signed in",
                "your Salesforce user is a member of several teams here: sign in from the team's own link",
            ))
        }
    };
    hand_off(state, flow, &member, "Salesforce").await
}

/// Refuses a sign-in whose state has neither the extension's redirect nor the admin pages to
/// come back to.
pub(crate) fn check_way_back(flow: &OAuthState) -> Result<(), CallbackError> {
    // The admin pages' own sign-in comes back to the pages, not to the extension.
    let for_pages = flow.return_to.as_deref() == Some(crate::pages::RETURN_TO_PAGES);
    let to_extension = flow.return_to.as_deref().is_some_and(extension_redirect);
    if !to_extension && !for_pages {
        return Err(CallbackError::new(
            StatusCode::FORBIDDEN,
            "Not signed in",
            "this sign-in has no way back to the extension",
        ));
    }
    Ok(())
}

/// Hands a member matched by a CRM sign-in (`crm_name`: "Salesforce", "HubSpot") back where the
/// sign-in started: the extension gets a one-time code for a session (redeemed at
/// `POST /api/sign-in/finish`, which records the member as signed in with their CRM identity),
/// the admin pages a browser session.
pub(crate) async fn hand_off(
    state: &AppState,
    flow: &OAuthState,
    member: &Member,
    crm_name: &str,
) -> Result<Response, CallbackError> {
    check_way_back(flow)?;
    let Some(return_to) = flow.return_to.as_deref().filter(|r| extension_redirect(r)) else {
        return crate::pages::sign_in::signed_in_with_crm(state, member, crm_name).await;
    };
    let code = random_token(SIGN_IN_CODE_PREFIX)
        .map_err(|e| CallbackError::from(ApiError::internal(e)))?;
    let now = now();
    state
        .store
        .create_sign_in_code(
            &token_hash(&code),
            &member.team_id,
            &member.id,
            now,
            now + SIGN_IN_CODE_TTL_SECS,
        )
        .await?;
    tracing::info!(team = %member.team_id, member = %member.id, "a member signed in with {crm_name}");
    Ok(back_to_extension(
        return_to,
        flow,
        &[("code", code.as_str())],
    ))
}

/// Answers a sign-in callback that cannot go on. A sign-in the extension started goes back to
/// the extension with the refusal, as an OAuth 2.0 authorization error (RFC 6749 §4.1.2.1:
/// `error`, `error_description`, `state`), so the options page says why in the rep's own
/// words and the sign-in window closes; any other flow (the admin pages, a connect) gets the
/// refusal as a page.
pub(crate) fn refuse(flow: &OAuthState, error: CallbackError) -> Response {
    let to_extension = flow.purpose == OAuthPurpose::SignIn
        && flow.return_to.as_deref().is_some_and(extension_redirect);
    match flow.return_to.as_deref().filter(|_| to_extension) {
        Some(return_to) => {
            // A refusal of who signed in says why in its own words ("your Salesforce user …
            // is not a member of the team"); any other failure says which step failed too.
            let (code, description) = match error.status {
                StatusCode::FORBIDDEN | StatusCode::CONFLICT => ("access_denied", error.message),
                status => (
                    match status {
                        StatusCode::SERVICE_UNAVAILABLE => "temporarily_unavailable",
                        s if s.is_server_error() => "server_error",
                        _ => "invalid_request",
                    },
                    format!("{}: {}", error.title, error.message),
                ),
            };
            back_to_extension(
                return_to,
                flow,
                &[("error", code), ("error_description", &description)],
            )
        }
        None => error.into_response(),
    }
}

/// A redirect to the extension's URL with `pairs` and the state the extension asked back.
fn back_to_extension(return_to: &str, flow: &OAuthState, pairs: &[(&str, &str)]) -> Response {
    let mut pairs = pairs.to_vec();
    if let Some(s) = flow.return_state.as_deref() {
        pairs.push(("state", s));
    }
    let separator = if return_to.contains('?') { '&' } else { '?' };
    let location = format!("{return_to}{separator}{}", crm::http::form_encode(&pairs));
    (
        StatusCode::FOUND,
        [
            (header::LOCATION, location),
            (header::CACHE_CONTROL, "no-store".into()),
        ],
    )
        .into_response()
}

/// The body of `POST /api/sign-in/finish`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FinishRequest {
    code: String,
}

/// `POST /api/sign-in/finish`: the one-time code for a server session.
pub async fn finish(
    State(state): State<AppState>,
    Json(body): Json<FinishRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let token = random_token(SESSION_PREFIX).map_err(ApiError::internal)?;
    let now = now();
    let expires_at = now + state.config.session_ttl.as_secs() as i64;
    let redeemed = state
        .store
        .redeem_sign_in_code(
            &token_hash(body.code.trim()),
            &token_hash(&token),
            now,
            expires_at,
        )
        .await?;
    let member = redeemed.map_err(|refusal| {
        let (code, message) = match refusal {
            OneTimeRefusal::Unknown => (
                "invalid_sign_in_code",
                "this sign-in code is not valid: sign in again",
            ),
            OneTimeRefusal::Used => (
                "sign_in_code_used",
                "this sign-in code was already used: sign in again",
            ),
            OneTimeRefusal::Expired => (
                "sign_in_code_expired",
                "this sign-in code has expired: sign in again",
            ),
        };
        ApiError::new(StatusCode::UNAUTHORIZED, code, message)
    })?;
    let team = state.store.team(&member.team_id).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "session": token,
            "expires_at": expires_at,
            "member": member,
            "team": { "id": member.team_id, "name": team.map(|t| t.name) },
        })),
    ))
}

/// The body of `POST /api/admin/members`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddMemberRequest {
    email: String,
    crm_user_id: String,
    role: Option<String>,
}

/// `POST /api/admin/members`: adds a member by their CRM user; they join by signing in.
pub async fn add_member(
    State(state): State<AppState>,
    AdminMember(admin): AdminMember,
    Json(body): Json<AddMemberRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let member = add_by_crm_user(
        &state,
        &admin,
        &body.email,
        &body.crm_user_id,
        body.role.as_deref(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(json!({ "member": member }))))
}

/// Adds a member to the admin's team by their CRM user (`role` `rep` by default) and
/// journals it: the API's `POST /api/admin/members` and the members page alike.
pub(crate) async fn add_by_crm_user(
    state: &AppState,
    admin: &Member,
    email: &str,
    crm_user_id: &str,
    role: Option<&str>,
) -> Result<Member, ApiError> {
    let role = super::admin::parse_role(role)?;
    let email = text_field(email, "email", 256)?.to_lowercase();
    if !email.contains('@') {
        return Err(ApiError::bad_request(
            "invalid_email",
            "`email` must be an email address",
        ));
    }
    let member = Member {
        id: random_id("m_").map_err(ApiError::internal)?,
        team_id: admin.team_id.clone(),
        email,
        role,
        crm_user_id: Some(text_field(crm_user_id, "crm_user_id", 64)?),
        owner_mapping: None,
        created_at: now(),
    };
    if let Some(id) = member.crm_user_id.as_deref() {
        super::team::TeamCopy::load(state, &admin.team_id)
            .await?
            .check_directory_user("The CRM user", id)?;
    }
    if !state.store.add_member(&member).await? {
        return Err(ApiError::conflict(
            "already_member",
            "someone with this email is already on the team",
        ));
    }
    state
        .store
        .journal_add(
            &admin.team_id,
            member.created_at,
            "admin",
            Some(&admin.id),
            None,
            "member_added",
            &format!(
                "{} added as {} (signs in with their CRM user)",
                member.email,
                member.role.as_str()
            ),
        )
        .await?;
    Ok(member)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_extensions_own_redirect_is_accepted() {
        let id = "abcdefghijklmnopabcdefghijklmnop";
        assert!(extension_redirect(&format!(
            "https://{id}.chromiumapp.org/"
        )));
        assert!(extension_redirect(&format!(
            "https://{id}.chromiumapp.org/sign-in"
        )));
        for bad in [
            format!("https://{id}.chromiumapp.org"),
            format!("http://{id}.chromiumapp.org/"),
            format!("https://{id}.chromiumapp.org.evil.example/"),
            format!("https://{id}.chromiumapp.org/?next=x"),
            "https://zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz.chromiumapp.org/".to_owned(),
            "https://evil.example/".to_owned(),
        ] {
            assert!(!extension_redirect(&bad), "{bad}");
        }
    }
}

//! Who is calling: the session extractors ([`SignedIn`], [`AdminMember`]), joining with a
//! one-time invite code, and signing out.
//!
//! A session token is 256 random bits shown once, at join; the database keeps its SHA-256,
//! its expiry and a revoked mark. Every lookup checks all three and that the member is still
//! on the team.

use axum::extract::FromRequestParts;
use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use serde::Deserialize;
use serde_json::json;

use crate::app::{now, AppState};
use crate::crypto::{random_id, random_token, token_hash};
use crate::error::{ApiError, Json};
use crate::store::{InviteRefusal, Member, Role};

/// The prefix of session tokens.
pub const SESSION_PREFIX: &str = "lls_";

/// The member behind a valid session.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The member (and through it, the team every query is scoped to).
    pub member: Member,
    /// The hash of the session token used.
    pub token_hash: String,
}

/// A signed-in admin.
#[derive(Debug, Clone)]
pub struct AdminMember(pub Member);

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let header = parts.headers.get(header::AUTHORIZATION).ok_or_else(|| {
            ApiError::unauthorized("sign in first: send `Authorization: Bearer <session token>`")
        })?;
        let token = header
            .to_str()
            .ok()
            .and_then(|h| h.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| t.starts_with(SESSION_PREFIX))
            .ok_or_else(|| {
                ApiError::unauthorized("the Authorization header must be `Bearer <session token>`")
            })?;
        let hash = token_hash(token);
        match state.store.session_member(&hash, now()).await? {
            Some(member) => Ok(Self {
                member,
                token_hash: hash,
            }),
            None => Err(ApiError::unauthorized(
                "this session is unknown, expired or revoked: sign in again",
            )),
        }
    }
}

impl FromRequestParts<AppState> for AdminMember {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let signed_in = SignedIn::from_request_parts(parts, state).await?;
        if signed_in.member.role != Role::Admin {
            return Err(ApiError::forbidden("only a team admin may do this"));
        }
        Ok(Self(signed_in.member))
    }
}

/// The body of `POST /api/join`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JoinRequest {
    /// The one-time invite code.
    code: String,
    /// The joining member's login email (optional when the invite names one).
    email: Option<String>,
}

/// `POST /api/join`: a one-time invite code (and an email) for a membership and a session.
pub async fn join(
    State(state): State<AppState>,
    Json(body): Json<JoinRequest>,
) -> Result<impl IntoResponse, ApiError> {
    let joined = redeem(&state, &body.code, body.email.as_deref()).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "session": joined.token,
            "expires_at": joined.expires_at,
            "member": joined.member,
            "team": { "id": joined.member.team_id, "name": joined.team_name },
        })),
    ))
}

/// A membership and its first session, from an invite code.
#[derive(Debug, Clone)]
pub(crate) struct JoinedSession {
    /// The session token (shown once; only its hash is stored).
    pub token: String,
    /// When the session expires (Unix seconds).
    pub expires_at: i64,
    /// The new member.
    pub member: Member,
    /// The team's name.
    pub team_name: String,
}

/// Redeems a one-time invite code for a membership and a session, and journals the join:
/// `POST /api/join` and the admin pages' sign-in alike. `email` may be left out when the
/// invite names one.
pub(crate) async fn redeem(
    state: &AppState,
    code: &str,
    email: Option<&str>,
) -> Result<JoinedSession, ApiError> {
    let code_hash = token_hash(code.trim());
    // `None`: no such code (forged or mistyped); `Some(email)`: the email it was made for, if any.
    let invited_email = state
        .store
        .invite_email(&code_hash)
        .await?
        .ok_or_else(|| refusal(InviteRefusal::Unknown))?;
    let given = email.map(str::trim).filter(|e| !e.is_empty());
    let email = match (given, invited_email) {
        (Some(given), Some(invited)) if !given.eq_ignore_ascii_case(&invited) => {
            return Err(ApiError::bad_request(
                "invite_email_mismatch",
                "this invite code was made for another email",
            ))
        }
        (Some(given), _) => given.to_owned(),
        (None, Some(invited)) => invited,
        (None, None) => String::new(),
    };
    let email = email.to_lowercase();
    if email.len() > 256 || !email.contains('@') || email.chars().any(char::is_control) {
        return Err(ApiError::bad_request(
            "invalid_email",
            "give the email you sign in with (`email`)",
        ));
    }
    let member_id = random_id("m_").map_err(ApiError::internal)?;
    let token = random_token(SESSION_PREFIX).map_err(ApiError::internal)?;
    let now = now();
    let expires_at = now + state.config.session_ttl.as_secs() as i64;
    let joined = state
        .store
        .redeem_invite(
            &code_hash,
            &email,
            &member_id,
            &token_hash(&token),
            now,
            expires_at,
        )
        .await?;
    let joined = joined.map_err(refusal)?;
    tracing::info!(team = %joined.member.team_id, member = %joined.member.id, role = joined.member.role.as_str(), "a member joined with an invite");
    state
        .store
        .journal_add(
            &joined.member.team_id,
            now,
            "admin",
            Some(&joined.member.id),
            None,
            "member_joined",
            &format!(
                "{} joined as {}",
                joined.member.email,
                joined.member.role.as_str()
            ),
        )
        .await?;
    Ok(JoinedSession {
        token,
        expires_at,
        member: joined.member,
        team_name: joined.team_name,
    })
}

/// The member behind a session token (from a bearer header or the admin pages' cookie):
/// `None` when it is unknown, expired or revoked, or the member was removed.
pub(crate) async fn session_of(state: &AppState, token: &str) -> Result<Option<Member>, ApiError> {
    if !token.starts_with(SESSION_PREFIX) {
        return Ok(None);
    }
    Ok(state
        .store
        .session_member(&token_hash(token), now())
        .await?)
}

/// The answer to an invite code that does not let anyone join.
pub(crate) fn refusal(refusal: InviteRefusal) -> ApiError {
    match refusal {
        InviteRefusal::Unknown => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_invite",
            "this invite code is not valid: check it, or ask your admin for a new one",
        ),
        InviteRefusal::Used => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invite_used",
            "this invite code was already used; each code works once: ask your admin for a new one",
        ),
        InviteRefusal::Expired => ApiError::new(
            StatusCode::UNAUTHORIZED,
            "invite_expired",
            "this invite code has expired: ask your admin for a new one",
        ),
        InviteRefusal::AlreadyMember => ApiError::conflict(
            "already_member",
            "someone with this email is already on the team",
        ),
    }
}

/// `POST /api/sign-out`: revokes the calling session.
pub async fn sign_out(
    State(state): State<AppState>,
    signed_in: SignedIn,
) -> Result<StatusCode, ApiError> {
    state
        .store
        .revoke_session(&signed_in.token_hash, now())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

//! Who is looking at the admin pages, and how they got there.
//!
//! **Sessions.** The browser holds an ordinary server session token (the same random,
//! hashed, expiring, revocable session the bearer API uses) in the cookie [`COOKIE`]:
//! `HttpOnly` (no script reads it), `SameSite=Strict` (no other site's page, link or form
//! makes the browser send it), `Path=/admin` (the JSON API never reads cookies, so it stays
//! bearer-only and immune to cross-site requests), and `Secure` when the server's public URL
//! is `https://`. An admin gets one by redeeming a one-time admin invite code on the sign-in
//! page, or by signing in with Salesforce (OpenID Connect, identity only) when they are a
//! member with that CRM user ([`super::sign_in`]).
//!
//! **CSRF.** Every state-changing page request is a `POST` form checked three ways: the
//! cookie is `SameSite=Strict`; the form carries a per-session token ([`csrf_token`]: a
//! SHA-256 of the session token under its own label, so it is unguessable without the
//! cookie, needs no storage, and dies with the session), compared in constant time; and a
//! request whose `Origin` header names another origin is refused before anything runs.
//! Reps (non-admin sessions) get a 403 page on every admin page.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::api::session::{session_of, SESSION_PREFIX};
use crate::app::AppState;
use crate::crypto::token_hash;
use crate::error::ApiError;
use crate::store::{Member, Role};

use super::html::escape;
use super::layout::{message_page, Page};

/// The session cookie's name.
pub const COOKIE: &str = "leadline_admin";

/// A browser signed in to the admin pages (any role).
#[derive(Debug, Clone)]
pub struct PageSession {
    /// The member.
    pub member: Member,
    /// The hash of the session token (to sign out).
    pub(super) token_hash: String,
    /// This session's CSRF token.
    csrf: String,
}

/// A signed-in admin, as every admin page takes it.
#[derive(Debug, Clone)]
pub struct PageAdmin {
    /// The admin.
    pub member: Member,
    csrf: String,
}

impl PageAdmin {
    /// The hidden form field carrying this session's CSRF token.
    pub fn csrf_field(&self) -> String {
        csrf_field(&self.csrf)
    }
}

fn csrf_field(csrf: &str) -> String {
    format!(
        "<input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        escape(csrf)
    )
}

/// The CSRF token of a session: `SHA-256("leadline/admin-csrf/v1\n" || session token)`,
/// hex. Only the holder of the cookie can compute it; it reveals nothing of the token.
pub fn csrf_token(session_token: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(b"leadline/admin-csrf/v1\n");
    hasher.update(session_token.as_bytes());
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Compares two strings in time that depends only on their lengths.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |diff, (x, y)| diff | (x ^ y))
            == 0
}

/// The session token in the request's cookies, if any.
pub(super) fn cookie_token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == COOKIE && value.starts_with(SESSION_PREFIX))
        .map(|(_, value)| value.to_owned())
}

/// Whether the request's `Origin`, when it has one, is this server's (its public URL, or
/// the `Host` it was sent to). Browsers send `Origin` with every form `POST`.
pub(super) fn same_origin(headers: &HeaderMap, state: &AppState) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str() else {
        return false;
    };
    if let Some(public) = state.config.oauth.public_url.as_deref() {
        if origin.eq_ignore_ascii_case(public.trim_end_matches('/')) {
            return true;
        }
    }
    let authority = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    matches!((authority, host), (Some(a), Some(h)) if a.eq_ignore_ascii_case(h))
}

/// The `Set-Cookie` value of a new session (or, with `None`, of signing out).
pub(super) fn session_cookie(state: &AppState, token: Option<&str>) -> HeaderValue {
    let secure = state
        .config
        .oauth
        .public_url
        .as_deref()
        .is_some_and(|u| u.starts_with("https://"));
    let (value, max_age) = match token {
        Some(token) => (token, state.config.session_ttl.as_secs()),
        None => ("", 0),
    };
    let cookie = format!(
        "{COOKIE}={value}; Path=/admin; HttpOnly; SameSite=Strict; Max-Age={max_age}{}",
        if secure { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// 303 to a path of this server.
pub fn see_other(location: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    super::layout::security_headers(response.headers_mut());
    response
}

/// A failed API step shown as a page.
pub fn error_page(error: &ApiError) -> Response {
    message_page(
        error.status,
        "Something went wrong",
        &error.message,
        Some(("/admin", "Back to the admin pages")),
    )
}

impl FromRequestParts<AppState> for PageSession {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Some(token) = cookie_token(&parts.headers) else {
            return Err(see_other("/admin/sign-in"));
        };
        match session_of(state, &token).await {
            Ok(Some(member)) => Ok(Self {
                member,
                token_hash: token_hash(&token),
                csrf: csrf_token(&token),
            }),
            Ok(None) => Err(see_other("/admin/sign-in")),
            Err(error) => Err(error_page(&error)),
        }
    }
}

impl FromRequestParts<AppState> for PageAdmin {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let session = PageSession::from_request_parts(parts, state).await?;
        if session.member.role != Role::Admin {
            return Err(forbidden_page(&session));
        }
        Ok(Self {
            member: session.member,
            csrf: session.csrf,
        })
    }
}

/// The 403 a rep gets instead of any admin page.
fn forbidden_page(session: &PageSession) -> Response {
    Page {
        title: "Admins only",
        nav: None,
        team: None,
        notice: None,
        body: format!(
            "<p data-testid=\"forbidden\">You are signed in as <strong>{email}</strong>, a rep. \
             These pages are for the team's admins: they manage members, the team's CRM \
             connection and settings. Your saves go through the Leadline extension; ask an \
             admin of your team for any change.</p>\
             <form method=\"post\" action=\"/admin/sign-out\">{csrf}\
             <button type=\"submit\" class=\"secondary\">Sign out</button></form>",
            email = escape(&session.member.email),
            csrf = csrf_field(&session.csrf),
        ),
        form_target: None,
    }
    .respond(StatusCode::FORBIDDEN)
}

/// The form of a `POST` with its `csrf` field.
#[derive(Debug, Deserialize)]
struct WithCsrf<T> {
    #[serde(default)]
    csrf: String,
    #[serde(flatten)]
    form: T,
}

/// A form with no fields but the CSRF token.
#[derive(Debug, Deserialize)]
pub struct NoFields {}

/// Reads a page `POST`: the session, the `Origin` check, the form and its CSRF token.
async fn read_post<T: DeserializeOwned>(
    request: Request,
    state: &AppState,
) -> Result<(PageSession, T), Response> {
    let (mut parts, body) = request.into_parts();
    let session = PageSession::from_request_parts(&mut parts, state).await?;
    if !same_origin(&parts.headers, state) {
        return Err(csrf_refusal());
    }
    let request = Request::from_parts(parts, body);
    let Form(posted) = Form::<WithCsrf<T>>::from_request(request, state)
        .await
        .map_err(|e| {
            message_page(
                StatusCode::BAD_REQUEST,
                "This form could not be read",
                &format!("{}: go back, reload the page and try again", e.body_text()),
                Some(("/admin", "Back to the admin pages")),
            )
        })?;
    if !same_secret(&posted.csrf, &session.csrf) {
        return Err(csrf_refusal());
    }
    Ok((session, posted.form))
}

pub(super) fn csrf_refusal() -> Response {
    message_page(
        StatusCode::FORBIDDEN,
        "Not done: this form did not come from your admin pages",
        "The request lacked this session's form token or came from another site, so nothing \
         was changed. Reload the page and submit the form again.",
        Some(("/admin", "Back to the admin pages")),
    )
}

/// A checked admin form: the admin, and the form's fields (`T`).
#[derive(Debug)]
pub struct AdminForm<T>(pub PageAdmin, pub T);

impl<T: DeserializeOwned + Send> FromRequest<AppState> for AdminForm<T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (session, form) = read_post::<T>(request, state).await?;
        if session.member.role != Role::Admin {
            return Err(forbidden_page(&session));
        }
        Ok(Self(
            PageAdmin {
                member: session.member,
                csrf: session.csrf,
            },
            form,
        ))
    }
}

/// A checked form of any signed-in member (only signing out).
#[derive(Debug)]
pub struct SessionForm(pub(super) PageSession);

impl FromRequest<AppState> for SessionForm {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (session, NoFields {}) = read_post(request, state).await?;
        Ok(Self(session))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_csrf_token_is_bound_to_the_session_and_hides_it() {
        let a = csrf_token("lls_one");
        assert_eq!(a, csrf_token("lls_one"));
        assert_ne!(a, csrf_token("lls_two"));
        assert_ne!(a, token_hash("lls_one"), "not the stored session hash");
        assert!(!a.contains("lls_one"));
        assert_eq!(a.len(), 64);
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
        assert!(!same_secret("", "a"));
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.append(
            header::COOKIE,
            HeaderValue::from_static("a=1; leadline_admin=lls_x; b=2"),
        );
        assert_eq!(cookie_token(&headers).as_deref(), Some("lls_x"));
        let mut other = HeaderMap::new();
        other.append(
            header::COOKIE,
            HeaderValue::from_static("leadline_admin=nope"),
        );
        assert_eq!(cookie_token(&other), None);
    }
}

//! Who is looking at the admin pages, and how they got there.
//!
//! **Sessions.** The browser holds an ordinary server session token (the same random,
//! hashed, expiring, revocable session the bearer API uses) in the cookie [`COOKIE`]:
//! `HttpOnly` (no script reads it), `SameSite=Strict` (no other site's page, link or form
//! makes the browser send it), `Path=/admin` (the JSON API never reads cookies, so it stays
//! bearer-only and immune to cross-site requests), and `Secure` when the server's public URL
//! is `https://`. An admin gets one by redeeming a one-time admin invite code on the sign-in
//! page, or by signing in with Salesforce (OpenID Connect, identity only) when they are a
//! member with that CRM user.
//!
//! **CSRF.** Every state-changing page request is a `POST` form checked three ways: the
//! cookie is `SameSite=Strict`; the form carries a per-session token ([`csrf_token`]: a
//! SHA-256 of the session token under its own label, so it is unguessable without the
//! cookie, needs no storage, and dies with the session), compared in constant time; and a
//! request whose `Origin` header names another origin is refused before anything runs.
//! Reps (non-admin sessions) get a 403 page on every admin page.

use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::api::oauth_flow::{begin, CallbackError, FlowStart};
use crate::api::session::{redeem, session_of, SESSION_PREFIX};
use crate::app::{now, AppState};
use crate::crypto::{random_token, token_hash};
use crate::error::ApiError;
use crate::oauth::salesforce::SIGN_IN_SCOPE;
use crate::store::{Member, OAuthPurpose, Role};

use super::html::escape;
use super::layout::{message_page, Notice, Page};
use super::RETURN_TO_PAGES;

/// The session cookie's name.
pub const COOKIE: &str = "leadline_admin";

/// A browser signed in to the admin pages (any role).
#[derive(Debug, Clone)]
pub struct PageSession {
    /// The member.
    pub member: Member,
    /// The hash of the session token (to sign out).
    token_hash: String,
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
fn cookie_token(headers: &HeaderMap) -> Option<String> {
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
fn same_origin(headers: &HeaderMap, state: &AppState) -> bool {
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
fn session_cookie(state: &AppState, token: Option<&str>) -> HeaderValue {
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

fn csrf_refusal() -> Response {
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
pub struct SessionForm(PageSession);

impl FromRequest<AppState> for SessionForm {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (session, NoFields {}) = read_post(request, state).await?;
        Ok(Self(session))
    }
}

/// `POST /admin/sign-out`: ends this session and clears the cookie.
pub async fn sign_out(
    State(state): State<AppState>,
    SessionForm(session): SessionForm,
) -> Response {
    if let Err(error) = state.store.revoke_session(&session.token_hash, now()).await {
        return error_page(&ApiError::from(error));
    }
    let mut response = see_other("/admin/sign-in");
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&state, None));
    response
}

/// `GET /admin/sign-in`: the invite code form and "Sign in with Salesforce".
pub async fn sign_in_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = cookie_token(&headers) {
        if let Ok(Some(member)) = session_of(&state, &token).await {
            if member.role == Role::Admin {
                return see_other("/admin");
            }
        }
    }
    sign_in_form(&state, None, StatusCode::OK)
}

fn sign_in_form(state: &AppState, notice: Option<Notice>, status: StatusCode) -> Response {
    let salesforce = if state.config.oauth.salesforce.is_some()
        && state.config.oauth.public_url.is_some()
    {
        "<section><h2>Sign in with Salesforce</h2><p>If you are an admin member of the team with \
         your Salesforce user (you connected team sync, or another admin added you by CRM \
         user), sign in with Salesforce. Leadline asks Salesforce only who you are.</p>\
         <a class=\"button\" data-testid=\"sign-in-salesforce\" href=\"/admin/sign-in/salesforce\">\
         Sign in with Salesforce</a></section>"
    } else {
        ""
    };
    Page {
        title: "Sign in",
        nav: None,
        team: None,
        notice,
        body: format!(
            "<section><h2>With an admin invite code</h2>\
             <p>Paste the one-time code from <code>leadline-server admin-invite --team …</code> \
             or from another admin. Each code works once.</p>\
             <form method=\"post\" action=\"/admin/sign-in\">\
             <label for=\"code\">Invite code</label>\
             <input type=\"text\" id=\"code\" name=\"code\" required autocomplete=\"off\" placeholder=\"lli_…\">\
             <label for=\"email\">Your email</label>\
             <input type=\"email\" id=\"email\" name=\"email\" autocomplete=\"email\">\
             <p><button type=\"submit\" data-testid=\"redeem\">Sign in</button></p></form></section>\
             {salesforce}"
        ),
        form_target: None,
    }
    .respond(status)
}

/// The sign-in form's fields.
#[derive(Debug, Deserialize)]
pub struct SignInForm {
    code: String,
    #[serde(default)]
    email: String,
}

/// `POST /admin/sign-in`: redeems an admin invite code for a membership and a browser session.
/// A rep's invite is refused before it is used (reps join from the extension).
pub async fn sign_in_with_invite(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<SignInForm>,
) -> Response {
    if !same_origin(&headers, &state) {
        return csrf_refusal();
    }
    let failed =
        |error: ApiError| sign_in_form(&state, Some(Notice::Failed(error.message)), error.status);
    match state.store.invite_role(&token_hash(form.code.trim())).await {
        Ok(Some(Role::Rep)) => {
            return failed(ApiError::forbidden(
                "this invite code is for a rep, not an admin: redeem it in the Leadline extension \
                 (Options → Team server → Join with an invite code). It is still unused.",
            ))
        }
        Ok(_) => {}
        Err(error) => return failed(error.into()),
    }
    let email = Some(form.email.as_str()).filter(|e| !e.trim().is_empty());
    match redeem(&state, &form.code, email).await {
        Ok(joined) => {
            let mut response = see_other("/admin");
            response.headers_mut().insert(
                header::SET_COOKIE,
                session_cookie(&state, Some(&joined.token)),
            );
            response
        }
        Err(error) => failed(error),
    }
}

/// `GET /admin/sign-in/salesforce`: starts an OpenID Connect sign-in that comes back to the
/// admin pages ([`signed_in_with_salesforce`]).
pub async fn sign_in_with_salesforce(State(state): State<AppState>) -> Response {
    let started = begin(
        &state,
        FlowStart {
            purpose: OAuthPurpose::SignIn,
            team_id: None,
            member_id: None,
            return_to: Some(RETURN_TO_PAGES),
            return_state: None,
            scope: SIGN_IN_SCOPE,
        },
    )
    .await;
    match started {
        Ok(response) => response,
        Err(error) => sign_in_form(&state, Some(Notice::Failed(error.message)), error.status),
    }
}

/// Finishes a Salesforce sign-in started from the admin pages, once the callback matched the
/// org and the member: an admin gets a browser session; a rep gets the 403 page and none.
pub(crate) async fn signed_in_with_salesforce(
    state: &AppState,
    member: &Member,
) -> Result<Response, CallbackError> {
    if member.role != Role::Admin {
        return Ok(message_page(
            StatusCode::FORBIDDEN,
            "Admins only",
            &format!(
                "You signed in as {}, a rep of the team. The admin pages are for the team's \
                 admins; your saves go through the Leadline extension.",
                member.email
            ),
            None,
        ));
    }
    let token =
        random_token(SESSION_PREFIX).map_err(|e| CallbackError::from(ApiError::internal(e)))?;
    let now = now();
    let expires_at = now + state.config.session_ttl.as_secs() as i64;
    if !state
        .store
        .create_session(
            &member.team_id,
            &member.id,
            &token_hash(&token),
            now,
            expires_at,
        )
        .await?
    {
        return Err(CallbackError::new(
            StatusCode::FORBIDDEN,
            "Not signed in",
            "you are no longer a member of the team",
        ));
    }
    tracing::info!(team = %member.team_id, member = %member.id, "an admin signed in to the admin pages with Salesforce");
    // A link, not a redirect: this answer ends a navigation another site (Salesforce)
    // started, so the browser would not send the SameSite=Strict cookie on a redirect;
    // the click is this site's own navigation.
    let mut response = message_page(
        StatusCode::OK,
        "Signed in",
        &format!("You are signed in as {}.", member.email),
        Some(("/admin", "Continue to the admin pages")),
    );
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session_cookie(state, Some(&token)));
    Ok(response)
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

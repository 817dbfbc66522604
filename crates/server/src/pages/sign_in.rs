//! Signing in to the admin pages and out of them: the sign-in page (a one-time admin invite
//! code, "Sign in with Salesforce" through the server's OpenID Connect flow, or "Sign in with
//! HubSpot" through its HubSpot flow, identity only), the browser
//! session it starts (the cookie of [`super::auth`]), and signing out.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::Form;
use serde::Deserialize;

use crate::api::oauth_flow::{begin, CallbackError, FlowStart};
use crate::api::session::{redeem, session_of, SESSION_PREFIX};
use crate::app::{now, AppState};
use crate::crypto::{random_token, token_hash};
use crate::error::ApiError;
use crate::oauth::salesforce::SIGN_IN_SCOPE;
use crate::store::{Member, OAuthPurpose, Role};

use super::auth::{
    cookie_token, csrf_refusal, error_page, same_origin, see_other, session_cookie, SessionForm,
};
use super::layout::{message_page, Notice, Page};
use super::RETURN_TO_PAGES;

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
    let hubspot = if state.config.oauth.hubspot.is_some() && state.config.oauth.public_url.is_some()
    {
        "<section><h2>Sign in with HubSpot</h2><p>If you are an admin member of a HubSpot team \
         with your HubSpot user (another admin added you by your HubSpot owner or e-mail), sign \
         in with HubSpot. Leadline asks HubSpot only who you are.</p>\
         <a class=\"button\" data-testid=\"sign-in-hubspot\" href=\"/admin/sign-in/hubspot\">\
         Sign in with HubSpot</a></section>"
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
             {salesforce}{hubspot}"
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
/// admin pages ([`signed_in_with_crm`]).
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

/// `GET /admin/sign-in/hubspot`: starts a HubSpot sign-in (identity only) that comes back to
/// the admin pages ([`signed_in_with_crm`]).
pub async fn sign_in_with_hubspot(State(state): State<AppState>) -> Response {
    match crate::api::hubspot_sign_in::begin(&state, None, Some(RETURN_TO_PAGES), None).await {
        Ok(response) => response,
        Err(error) => sign_in_form(&state, Some(Notice::Failed(error.message)), error.status),
    }
}

/// Finishes a CRM sign-in (`crm_name`: "Salesforce", "HubSpot") started from the admin pages, once
/// the callback matched the CRM account and the member: an admin gets a browser session; a rep
/// gets the 403 page and none.
pub(crate) async fn signed_in_with_crm(
    state: &AppState,
    member: &Member,
    crm_name: &str,
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
    tracing::info!(team = %member.team_id, member = %member.id, "an admin signed in to the admin pages with {crm_name}");
    // A link, not a redirect: this answer ends a navigation another site (the CRM)
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

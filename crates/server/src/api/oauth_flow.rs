//! The start and the failures of the server's Salesforce OAuth flows, shared by the admin's
//! connect ([`super::oauth`]) and reps' sign-in ([`super::sign_in`]): the configured app and
//! callback, a new state (stored hashed, bound, expiring; the PKCE verifier sealed) with the
//! 302 to the authorize page, and the page a callback shows when it cannot go on.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::app::{now, AppState};
use crate::crypto::{random_token, token_hash};
use crate::error::ApiError;
use crate::oauth::salesforce as sf;
use crate::oauth::settings::SalesforceApp;
use crate::oauth::{escape, page, OAuthError};
use crate::store::{NewOAuthState, OAuthPurpose, OAuthState, OneTimeRefusal};

/// How long an OAuth flow may take from start to callback.
pub const STATE_TTL_SECS: i64 = 10 * 60;

/// The server's Salesforce app and its callback URL, or the answer saying what to configure.
pub(crate) fn salesforce_app(state: &AppState) -> Result<(SalesforceApp, String), ApiError> {
    let settings = &state.config.oauth;
    let not_configured = |what: &str| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "oauth_not_configured",
            format!("this server has no Salesforce app configured: set {what}"),
        )
    };
    let app = settings.salesforce.clone().ok_or_else(|| {
        not_configured("LEADLINE_SF_CLIENT_ID and LEADLINE_SF_CLIENT_SECRET_FILE")
    })?;
    let callback = settings
        .salesforce_callback()
        .ok_or_else(|| not_configured("LEADLINE_PUBLIC_URL"))?;
    Ok((app, callback))
}

/// What a flow's start binds its state to.
pub(crate) struct FlowStart<'a> {
    pub purpose: OAuthPurpose,
    pub team_id: Option<&'a str>,
    pub member_id: Option<&'a str>,
    pub return_to: Option<&'a str>,
    pub return_state: Option<&'a str>,
    pub scope: &'static str,
}

/// Stores a new state and answers the 302 to Salesforce's authorize page.
pub(crate) async fn begin(state: &AppState, start: FlowStart<'_>) -> Result<Response, ApiError> {
    let (app, callback) = salesforce_app(state)?;
    let random = crate::crypto::random_bytes::<32>().map_err(ApiError::internal)?;
    let verifier = crm::pkce::verifier_from_random(&random);
    let flow_state = random_token("").map_err(ApiError::internal)?;
    let state_hash = token_hash(&flow_state);
    let sealed_verifier = state
        .master_key
        .seal(verifier.as_bytes(), &verifier_aad(&state_hash))
        .map_err(ApiError::internal)?;
    let url = sf::authorize_url(
        &app,
        &callback,
        &flow_state,
        &crm::pkce::challenge_s256(&verifier),
        start.scope,
    )
    .map_err(|e| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "oauth_not_configured",
            e.to_string(),
        )
    })?;
    let now = now();
    state
        .store
        .create_oauth_state(
            &NewOAuthState {
                state_hash: &state_hash,
                purpose: start.purpose,
                team_id: start.team_id,
                member_id: start.member_id,
                sealed_verifier: &sealed_verifier,
                return_to: start.return_to,
                return_state: start.return_state,
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

/// The associated data of a sealed PKCE verifier.
pub(crate) fn verifier_aad(state_hash: &str) -> String {
    format!("leadline/oauth-verifier/v1/{state_hash}")
}

/// A callback that cannot go on: shown as a small page in the browser.
#[derive(Debug)]
pub(crate) struct CallbackError {
    pub status: StatusCode,
    pub title: &'static str,
    pub message: String,
}

impl CallbackError {
    pub(crate) fn new(status: StatusCode, title: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            title,
            message: message.into(),
        }
    }
}

impl IntoResponse for CallbackError {
    fn into_response(self) -> Response {
        page(
            self.status,
            self.title,
            &format!(
                "<p data-testid=\"oauth-error\">{}</p>",
                escape(&self.message)
            ),
        )
    }
}

impl From<ApiError> for CallbackError {
    fn from(e: ApiError) -> Self {
        Self::new(e.status, "Something went wrong", e.message)
    }
}

impl From<sqlx::Error> for CallbackError {
    fn from(e: sqlx::Error) -> Self {
        ApiError::from(e).into()
    }
}

impl From<OAuthError> for CallbackError {
    fn from(e: OAuthError) -> Self {
        let status = match e {
            OAuthError::NotConfigured(_) => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::BAD_GATEWAY,
        };
        tracing::warn!(error = %e, "an OAuth step failed");
        Self::new(
            status,
            "Salesforce did not complete the sign-in",
            e.to_string(),
        )
    }
}

/// The query a CRM's authorize page redirects back with (Salesforce's and HubSpot's alike).
#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
    error_description: Option<String>,
}

/// A callback's refusal of its link (`400`, "This link cannot be used").
fn unusable(message: &str) -> CallbackError {
    CallbackError::new(StatusCode::BAD_REQUEST, "This link cannot be used", message)
}

impl CallbackQuery {
    /// The flow this callback's state started, taken once (a state is usable once, by the
    /// server that issued it, before it expires), and the state's stored hash, which `hash`
    /// makes from the state (each flow hashes its own states apart). `crm` names who answered.
    pub(crate) async fn take_flow(
        &self,
        state: &AppState,
        crm: &str,
        hash: impl FnOnce(&str) -> String,
    ) -> Result<(OAuthState, String), CallbackError> {
        let flow_state = self
            .state
            .as_deref()
            .filter(|s| !s.is_empty() && s.len() <= 256)
            .ok_or_else(|| {
                unusable(&format!(
                    "the answer from {crm} has no state: start again from Leadline"
                ))
            })?;
        let state_hash = hash(flow_state);
        let taken = state.store.take_oauth_state(&state_hash, now()).await?;
        let flow = taken.map_err(|refusal| {
            unusable(match refusal {
                OneTimeRefusal::Unknown => "this sign-in was not started by this server (unknown state): start again from Leadline",
                OneTimeRefusal::Used => "this sign-in link was already used: start again from Leadline",
                OneTimeRefusal::Expired => "this sign-in took too long and expired: start again from Leadline",
            })
        })?;
        Ok((flow, state_hash))
    }

    /// The authorization code, or the page saying why there is none (the CRM's own error).
    pub(crate) fn code(self, crm: &str) -> Result<String, CallbackError> {
        if let Some(error) = self.error {
            return Err(unusable(&format!(
                "{crm} answered {error}: {}",
                self.error_description.unwrap_or_default()
            )));
        }
        self.code
            .filter(|c| !c.is_empty() && c.len() <= 2048)
            .ok_or_else(|| {
                unusable(&format!(
                    "the answer from {crm} has no code: start again from Leadline"
                ))
            })
    }
}

//! `POST /api/hubspot/token` (signed-in member): HubSpot's code exchange and refresh for a
//! rep's personal connection, with the client secret only the server holds. The answer
//! carries the tokens back to the browser; the server stores nothing of them and logs
//! nothing of them.

use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::{ApiError, Json};
use crate::oauth::hubspot::{self as hs, Grant};
use crate::oauth::{OAuthError, Outbound};

use super::sign_in::extension_redirect;
use super::SignedIn;

/// The body of `POST /api/hubspot/token`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// `authorization_code` or `refresh_token`.
    grant_type: String,
    code: Option<String>,
    redirect_uri: Option<String>,
    code_verifier: Option<String>,
    refresh_token: Option<String>,
}

/// `POST /api/hubspot/token`.
pub async fn token(
    State(state): State<crate::app::AppState>,
    _signed_in: SignedIn,
    Json(body): Json<TokenRequest>,
) -> Result<Json<Value>, TokenRefusal> {
    let app = state.config.oauth.hubspot.clone().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "oauth_not_configured",
            "this server has no HubSpot app configured: set LEADLINE_HS_CLIENT_ID and LEADLINE_HS_CLIENT_SECRET_FILE",
        )
    })?;
    let missing = |name: &str| {
        ApiError::bad_request(
            "invalid_body",
            format!("`{name}` is required for this grant"),
        )
    };
    let bounded = |value: &Option<String>, name: &str| -> Result<Option<String>, ApiError> {
        match value.as_deref().map(str::trim) {
            Some(v) if v.is_empty() || v.len() > 4096 => Err(ApiError::bad_request(
                "invalid_body",
                format!("`{name}` must be 1 to 4096 characters"),
            )),
            other => Ok(other.map(str::to_owned)),
        }
    };
    let (code, redirect_uri, verifier, refresh) = (
        bounded(&body.code, "code")?,
        bounded(&body.redirect_uri, "redirect_uri")?,
        bounded(&body.code_verifier, "code_verifier")?,
        bounded(&body.refresh_token, "refresh_token")?,
    );
    let grant = match body.grant_type.as_str() {
        "authorization_code" => {
            let redirect_uri = redirect_uri
                .as_deref()
                .ok_or_else(|| missing("redirect_uri"))?;
            if !extension_redirect(redirect_uri) {
                return Err(ApiError::bad_request(
                    "invalid_redirect",
                    "`redirect_uri` must be the extension's https://<id>.chromiumapp.org/ URL",
                )
                .into());
            }
            Grant::Code {
                code: code.as_deref().ok_or_else(|| missing("code"))?,
                redirect_uri,
                code_verifier: verifier.as_deref(),
            }
        }
        "refresh_token" => Grant::Refresh {
            refresh_token: refresh.as_deref().ok_or_else(|| missing("refresh_token"))?,
        },
        _ => {
            return Err(ApiError::bad_request(
                "invalid_body",
                "`grant_type` is `authorization_code` or `refresh_token`",
            )
            .into())
        }
    };
    let outbound = Outbound::new(&state.config.oauth).map_err(oauth_error)?;
    let token = match hs::token(&outbound, &app, grant).await {
        Ok(token) => token,
        Err(OAuthError::Refused {
            code, description, ..
        }) => return Err(TokenRefusal::Hubspot { code, description }),
        Err(other) => return Err(oauth_error(other).into()),
    };
    Ok(Json(json!({
        "access_token": token.access_token,
        "refresh_token": token.refresh_token,
        "expires_in": token.expires_in,
        "hub_id": token.hub_id,
        "user_id": token.user_id,
        "scopes": token.scopes,
    })))
}

/// Why `POST /api/hubspot/token` gave no tokens: the API's own refusal, or HubSpot's, relayed
/// with its OAuth error code (`crm_error`, e.g. `invalid_grant`) and description
/// (`crm_description`) beside the usual `code` and `message`, so the extension words it as it
/// would HubSpot's own answer (a refused refresh is a reconnect, a busy HubSpot a wait).
#[derive(Debug)]
pub enum TokenRefusal {
    /// The API refused (no session, bad body, not configured, HubSpot unreachable).
    Api(ApiError),
    /// HubSpot refused the grant.
    Hubspot {
        /// HubSpot's OAuth `error`.
        code: String,
        /// HubSpot's `error_description`.
        description: String,
    },
}

impl From<ApiError> for TokenRefusal {
    fn from(error: ApiError) -> Self {
        Self::Api(error)
    }
}

impl axum::response::IntoResponse for TokenRefusal {
    fn into_response(self) -> axum::response::Response {
        match self {
            Self::Api(error) => error.into_response(),
            Self::Hubspot { code, description } => (
                StatusCode::BAD_GATEWAY,
                axum::Json(json!({"error": {
                    "code": "crm_refused",
                    "message": format!("HubSpot refused: {code}: {description}"),
                    "crm_error": code,
                    "crm_description": description,
                }})),
            )
                .into_response(),
        }
    }
}

fn oauth_error(error: OAuthError) -> ApiError {
    match error {
        OAuthError::NotConfigured(what) => ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "oauth_not_configured",
            format!("this server is not configured for this: set {what}"),
        ),
        OAuthError::Refused {
            code, description, ..
        } => ApiError::new(
            StatusCode::BAD_GATEWAY,
            "crm_refused",
            format!("HubSpot refused: {code}: {description}"),
        ),
        other => ApiError::new(
            StatusCode::BAD_GATEWAY,
            "crm_unreachable",
            other.to_string(),
        ),
    }
}

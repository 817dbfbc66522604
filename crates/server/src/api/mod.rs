//! The JSON API under `/api/`. Every route but `POST /api/join` and the sign-in routes
//! (`/api/sign-in/*`, the OAuth callback) needs a session
//! (`Authorization: Bearer <token>`); `/api/admin/*` needs an admin's. Every error, including
//! unknown paths, wrong methods, bad bodies and oversized ones, has the shape
//! `{"error": {"code", "message"}}`.
//!
//! | Route | Who | What |
//! |---|---|---|
//! | `POST /api/join` | anyone with an invite code | joins the team, answers a session |
//! | `POST /api/sign-out` | member | revokes this session |
//! | `GET /api/team` | member | the team snapshot the extension syncs (never secrets) |
//! | `POST /api/saves` | member | a save, decided by the server, pushed once per save id with the team's connection |
//! | `GET /api/admin/members` | admin | the members |
//! | `POST /api/admin/invites` | admin | a one-time invite code |
//! | `DELETE /api/admin/members/{id}` | admin | removes a member (sessions revoked) |
//! | `POST /api/admin/members/{id}/revoke-sessions` | admin | signs a member out everywhere |
//! | `PUT /api/admin/members/{id}/crm` | admin | the member's CRM user and owner mapping |
//! | `GET /api/admin/connections` | admin | team-held connections and their health (reconnect needed, last push, last refresh) |
//! | `PUT /api/admin/connections/{member}` | admin | stores a member's connection (secrets sealed) |
//! | `POST /api/admin/connections/{member}/private-app` | admin | a HubSpot private-app token, checked with HubSpot first (and its account bound to the team), then stored sealed |
//! | `PUT /api/admin/team-sync` | admin | chooses the team sync (rules 7, 9, 11) |
//! | `PUT /api/admin/push-settings` | admin | record kind, account matching, email logging |
//! | `POST /api/admin/simulate` | admin | who would push, be Created By and own a member's save from a source (nothing pushed) |
//! | `GET /api/admin/journal`, `GET /api/admin/errors` | admin | JSON, or CSV with `?format=csv` |
//! | `POST /api/admin/members` | admin | adds a member by CRM user (they sign in, no invite) |
//! | `GET /api/admin/connect/salesforce` | admin | 302 to Salesforce: connect a team-held connection |
//! | `GET /api/oauth/salesforce/callback` | Salesforce's redirect | finishes a connect or a sign-in (HTML) |
//! | `GET /api/sign-in/salesforce?redirect=` | anyone | 302 to Salesforce: OpenID Connect sign-in |
//! | `GET /api/sign-in/hubspot?redirect=` | anyone | 302 to HubSpot: sign-in with the `oauth` scope only |
//! | `GET /api/oauth/hubspot/callback` | HubSpot's redirect | finishes a HubSpot sign-in (HTML) |
//! | `POST /api/sign-in/finish` | anyone with a sign-in code | the one-time code for a session |
//! | `POST /api/hubspot/token` | member | HubSpot code exchange/refresh with the server's secret; nothing stored |
//!
//! The admin's HTML pages (`/admin`, cookie sessions) are `crate::pages`, merged here.

pub(crate) mod admin;
mod hubspot;
pub(crate) mod hubspot_sign_in;
pub(crate) mod oauth;
pub(crate) mod oauth_flow;
mod saves;
pub(crate) mod session;
pub(crate) mod sign_in;
pub(crate) mod simulate;
pub(crate) mod team;

use axum::routing::{delete, get, post, put};
use axum::Router;

use crate::app::AppState;
use crate::error::ApiError;

pub use admin::create_invite as create_admin_invite;
pub use session::{AdminMember, SignedIn};

/// All routes, with JSON answers for unknown paths and wrong methods.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/api/join", post(session::join))
        .route("/api/sign-out", post(session::sign_out))
        .route("/api/team", get(team::snapshot))
        .route("/api/saves", post(saves::create))
        .route(
            "/api/admin/members",
            get(admin::members).post(sign_in::add_member),
        )
        .route("/api/admin/invites", post(admin::invite))
        .route("/api/admin/members/{id}", delete(admin::remove_member))
        .route(
            "/api/admin/members/{id}/revoke-sessions",
            post(admin::revoke_sessions),
        )
        .route("/api/admin/members/{id}/crm", put(admin::member_crm))
        .route("/api/admin/connections", get(admin::connections))
        .route(
            "/api/admin/connections/{member}",
            put(admin::put_connection),
        )
        .route(
            "/api/admin/connections/{member}/private-app",
            post(admin::put_private_app),
        )
        .route("/api/admin/team-sync", put(admin::team_sync))
        .route("/api/admin/crm-users", get(admin::crm_users))
        .route(
            "/api/admin/crm-users/refresh",
            post(admin::refresh_crm_users),
        )
        .route("/api/admin/push-settings", put(admin::push_settings))
        .route("/api/admin/simulate", post(simulate::simulate))
        .route(
            "/api/admin/connect/salesforce",
            get(oauth::connect_salesforce),
        )
        .route(crate::oauth::CALLBACK_PATH, get(oauth::callback))
        .route("/api/sign-in/salesforce", get(sign_in::start))
        .route("/api/sign-in/hubspot", get(hubspot_sign_in::start))
        .route(
            crate::oauth::HUBSPOT_CALLBACK_PATH,
            get(hubspot_sign_in::callback),
        )
        .route("/api/sign-in/finish", post(sign_in::finish))
        .route("/api/hubspot/token", post(hubspot::token))
        .route("/api/admin/journal", get(admin::journal))
        .route("/api/admin/errors", get(admin::errors))
        .merge(crate::pages::routes())
        .fallback(|| async { ApiError::not_found("no such route") })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                axum::http::StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this route does not take that method",
            )
        })
}

/// Checks a free-text field: trimmed, 1..=`max` characters, no control characters.
pub(crate) fn text_field(value: &str, name: &str, max: usize) -> Result<String, ApiError> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max || value.chars().any(char::is_control) {
        return Err(ApiError::bad_request(
            "invalid_body",
            format!("`{name}` must be 1 to {max} characters without control characters"),
        ));
    }
    Ok(value.to_owned())
}

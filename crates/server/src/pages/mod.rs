//! The admin's pages, served by the same process as the API: server-rendered HTML with one
//! small stylesheet, no script, no framework, no external asset, under `/admin`.
//!
//! | Page | What |
//! |---|---|
//! | `GET /admin/sign-in` | redeem an admin invite code, or "Sign in with Salesforce" / "Sign in with HubSpot" ([`sign_in`]) |
//! | `GET /admin` | team, CRM, team sync and its health, connect, choose team sync ([`overview`]) |
//! | `GET /admin/members` | members, add by CRM user, invite codes, owner mapping, sign out, remove ([`members`]) |
//! | `GET /admin/settings` | push settings ([`settings`]) |
//! | `GET /admin/simulator` | who would push, be Created By and own a member's save from a source ([`simulator`]) |
//! | `GET /admin/journal` | journal, error log, team changes, CSV downloads ([`journal`]) |
//!
//! Every action is a `POST` form checked by [`auth::AdminForm`] (session cookie, admin role,
//! `Origin`, CSRF token) and runs the same function as its JSON route in `crate::api`, so a
//! rule is written once. Pages escape every value with [`html::escape`]; [`layout`] adds the
//! Content Security Policy and the other headers. The cookie and CSRF model is in [`auth`].

pub mod auth;
pub mod html;
pub mod journal;
pub mod layout;
pub mod members;
pub mod overview;
pub mod settings;
pub mod sign_in;
pub mod simulator;

use axum::routing::{get, post};
use axum::Router;

use crate::app::AppState;

/// The `return_to` an OAuth flow started from the admin pages is stored with: the callback
/// then comes back to the pages (a sign-in becomes a browser session; a connect links back).
pub const RETURN_TO_PAGES: &str = "leadline:admin-pages";

/// The admin pages' routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin", get(overview::show))
        .route("/admin/style.css", get(layout::stylesheet))
        .route(
            "/admin/sign-in",
            get(sign_in::sign_in_page).post(sign_in::sign_in_with_invite),
        )
        .route(
            "/admin/sign-in/salesforce",
            get(sign_in::sign_in_with_salesforce),
        )
        .route("/admin/sign-in/hubspot", get(sign_in::sign_in_with_hubspot))
        .route("/admin/sign-out", post(sign_in::sign_out))
        .route("/admin/team-sync", post(overview::choose))
        .route("/admin/connect/salesforce", post(overview::connect))
        .route("/admin/connect/hubspot", post(overview::connect_hubspot))
        .route("/admin/members", get(members::show).post(members::add))
        .route("/admin/invites", post(members::invite))
        .route("/admin/crm-users/refresh", post(members::refresh_crm_users))
        .route("/admin/members/{id}/crm", post(members::save_crm))
        .route(
            "/admin/members/{id}/remove",
            get(members::confirm_remove).post(members::do_remove),
        )
        .route(
            "/admin/members/{id}/revoke",
            get(members::confirm_revoke).post(members::do_revoke),
        )
        .route("/admin/settings", get(settings::show).post(settings::save))
        .route("/admin/simulator", get(simulator::show))
        .route("/admin/journal", get(journal::show))
        .route("/admin/{file}", get(journal::csv))
}

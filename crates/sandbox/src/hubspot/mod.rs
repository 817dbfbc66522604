//! The HubSpot emulation: OAuth (`/oauth/...`), CRM objects, search, batch and owners under
//! both `/crm/v3/...` and the date-versioned `/crm/objects/2026-03/...` paths.

mod batch;
mod input;
mod oauth;
mod objects;
mod owners;
mod properties;
mod render;
mod search;

use serde_json::{json, Value};

use crate::app::State;
use crate::clock;
use crate::http::{Request, Response};
use crate::ids;
use crate::seed::{self, SeedUser};

pub use oauth::handle as handle_oauth;
pub use properties::OBJECT_TYPES;

/// A HubSpot error response: `{status, message, correlationId, category}` plus extras.
pub fn error(status: u16, category: &str, message: &str) -> Response {
    error_with(status, category, message, json!({}))
}

/// [`error`] with extra keys (`context`, `errors`, `subCategory`...).
pub fn error_with(status: u16, category: &str, message: &str, extra: Value) -> Response {
    let mut body = json!({
        "status": "error",
        "message": message,
        "correlationId": ids::correlation_id(),
        "category": category,
    });
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        for (k, v) in extra {
            body.insert(k.clone(), v.clone());
        }
    }
    Response::json(status, &body)
}

/// The user a HubSpot request acts as.
#[derive(Debug, Clone)]
pub struct HsCaller {
    /// The seeded person.
    pub user: SeedUser,
    /// True for the private-app token (no user: HubSpot records no creating user then).
    pub private_app: bool,
}

impl HsCaller {
    /// `hs_created_by_user_id` for objects this caller creates.
    pub fn created_by(&self) -> Option<String> {
        (!self.private_app).then(|| self.user.hs_user_id.to_string())
    }
}

fn authenticate(state: &State, request: &Request) -> Result<HsCaller, Response> {
    let not_found = || {
        error(
            401,
            "INVALID_AUTHENTICATION",
            "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
        )
    };
    let token = request.bearer().ok_or_else(not_found)?;
    if token == seed::HS_PRIVATE_APP_TOKEN {
        let (_, user) = seed::user_by_email("integration@acme.example").ok_or_else(not_found)?;
        return Ok(HsCaller {
            user,
            private_app: true,
        });
    }
    let row = state
        .store
        .token(token)
        .ok()
        .flatten()
        .filter(|r| r.kind == "hs_access" && !r.revoked)
        .ok_or_else(not_found)?;
    let now = clock::now_ms();
    if let Some(expires) = row.expires_ms.filter(|e| *e <= now) {
        let ago = (now - expires) / 1000;
        return Err(error_with(
            401,
            "EXPIRED_AUTHENTICATION",
            &format!("The OAuth token used to make this call expired {ago} second(s) ago."),
            json!({"context": {"expire time": [clock::iso_datetime(expires)]}}),
        ));
    }
    let (_, user) = seed::user_by_id(&row.user_id).ok_or_else(not_found)?;
    Ok(HsCaller {
        user,
        private_app: false,
    })
}

/// `YYYY-MM` date versions (`2026-03`).
fn is_date_version(segment: &str) -> bool {
    let b = segment.as_bytes();
    b.len() == 7
        && b[4] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || c.is_ascii_digit())
}

/// Answers `/crm/...`.
pub fn handle_api(state: &mut State, request: &Request) -> Response {
    let caller = match authenticate(state, request) {
        Ok(caller) => caller,
        Err(response) => return response,
    };
    let segments = request.segments();
    let segs: Vec<&str> = segments.iter().map(String::as_str).collect();
    let response = match segs.as_slice() {
        ["crm", "v3", "objects", object_type, rest @ ..] => {
            objects::handle(state, request, &caller, object_type, rest)
        }
        ["crm", "objects", version, object_type, rest @ ..] if is_date_version(version) => {
            objects::handle(state, request, &caller, object_type, rest)
        }
        ["crm", "v3", "owners", rest @ ..] => owners::handle(request, rest),
        ["crm", "owners", version, rest @ ..] if is_date_version(version) => {
            owners::handle(request, rest)
        }
        ["crm", "v4", "objects", from, from_id, "associations", "default", to, to_id] => {
            objects::associate_default(state, request, from, from_id, to, to_id)
        }
        _ => error(404, "OBJECT_NOT_FOUND", "Resource not found"),
    };
    response
        .with_header("X-HubSpot-RateLimit-Max", "190")
        .with_header("X-HubSpot-RateLimit-Remaining", "189")
        .with_header("X-HubSpot-RateLimit-Interval-Milliseconds", "10000")
}

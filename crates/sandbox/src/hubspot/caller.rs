//! Who a HubSpot API request acts as: an OAuth access token's user or the private app.

use serde_json::json;

use super::errors::{error, error_with};
use crate::clock;
use crate::http::{Request, Response};
use crate::org::State;
use crate::seed::{self, SeedUser};

/// The user a HubSpot request acts as.
#[derive(Debug, Clone)]
pub struct HsCaller {
    /// The seeded person.
    pub user: SeedUser,
    /// True for the private-app token or service key (no user: HubSpot records no creating
    /// user then).
    pub private_app: bool,
}

impl HsCaller {
    /// `hs_created_by_user_id` for objects this caller creates.
    pub fn created_by(&self) -> Option<String> {
        (!self.private_app).then(|| self.user.hs_user_id.to_string())
    }
}

/// The caller behind a request's bearer token, or the 401 HubSpot answers.
pub fn authenticate(state: &State, request: &Request) -> Result<HsCaller, Response> {
    let not_found = || {
        error(
            401,
            "INVALID_AUTHENTICATION",
            "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview",
        )
    };
    let token = request.bearer().ok_or_else(not_found)?;
    if token == seed::HS_PRIVATE_APP_TOKEN || token == seed::HS_SERVICE_KEY {
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

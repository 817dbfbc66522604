//! The HubSpot CRM API entry point: `/crm/v3/...` and the date-versioned
//! `/crm/objects/2026-03/...` paths routed to objects, owners and associations, and the
//! account details (`/account-info/v3/details`: the hub's `portalId`).

use serde_json::json;

use super::caller::authenticate;
use super::errors::error;
use super::{objects, owners};
use crate::http::{Request, Response};
use crate::org::State;
use crate::seed;

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
        ["account-info", version, "details"] if *version == "v3" || is_date_version(version) => {
            account_details(request)
        }
        _ => error(404, "OBJECT_NOT_FOUND", "Resource not found"),
    };
    response
        .with_header("X-HubSpot-RateLimit-Max", "190")
        .with_header("X-HubSpot-RateLimit-Remaining", "189")
        .with_header("X-HubSpot-RateLimit-Interval-Milliseconds", "10000")
}

/// `GET /account-info/v3/details`: the account any valid token (OAuth, private app, service
/// key) belongs to, as HubSpot documents it (`portalId` is the hub id).
fn account_details(request: &Request) -> Response {
    if request.method != "GET" {
        return error(405, "METHOD_NOT_ALLOWED", "Account details are read-only");
    }
    Response::json(
        200,
        &json!({
            "portalId": seed::HUB_ID,
            "accountType": "STANDARD",
            "timeZone": "US/Eastern",
            "companyCurrency": "USD",
            "additionalCurrencies": [],
            "utcOffset": "-05:00",
            "utcOffsetMilliseconds": -18_000_000,
            "uiDomain": "app.hubspot.com",
            "dataHostingLocation": "na1",
        }),
    )
}

//! The HubSpot CRM API entry point: `/crm/v3/...` and the date-versioned
//! `/crm/objects/2026-03/...` paths routed to objects, owners and associations.

use super::caller::authenticate;
use super::errors::error;
use super::{objects, owners};
use crate::http::{Request, Response};
use crate::org::State;

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

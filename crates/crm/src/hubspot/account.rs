//! The HubSpot account (portal) a token belongs to: `GET /account-info/v3/details` →
//! `{"portalId": 123456, …}` (documented for OAuth tokens, private-app tokens and service
//! keys: <https://developers.hubspot.com/docs/api-reference/legacy/account/account-information/get-account-details>).
//! The team server reads it when the team's HubSpot connection is stored, so a rep's
//! "Sign in with HubSpot" is matched against the team's own account, never one a client names.

use serde_json::Value;

use super::{id_string, json_body, HsSession};
use crate::error::CrmError;
use crate::http::{HttpRequest, HttpResponse};

/// `GET /account-info/v3/details` with the session's token.
pub fn details_request(session: &HsSession) -> HttpRequest {
    HttpRequest::get(
        session.url("account-info/v3/details"),
        &session.access_token,
    )
}

/// The account's `portalId` (HubSpot's hub id), as a string.
pub fn parse_portal_id(resp: &HttpResponse) -> Result<String, CrmError> {
    let v: Value = json_body(resp)?;
    id_string(v.get("portalId"))
        .filter(|id| !id.is_empty())
        .ok_or_else(|| CrmError::parse("account details have no portalId", &resp.body))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // tests: a failure should panic
    use super::*;

    fn answer(status: u16, body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: vec![],
            body: body.into(),
        }
    }

    #[test]
    fn the_request_carries_the_token_to_the_account_details_path() {
        let request = details_request(&HsSession::new("pat-na1-x"));
        assert_eq!(request.method, "GET");
        assert_eq!(
            request.url,
            "https://api.hubapi.com/account-info/v3/details"
        );
        assert!(request
            .headers
            .iter()
            .any(|(n, v)| n == "Authorization" && v == "Bearer pat-na1-x"));
    }

    #[test]
    fn the_portal_id_is_read_as_text_and_a_refusal_stays_an_api_error() {
        let ok = answer(200, r#"{"portalId":24681357,"timeZone":"US/Eastern"}"#);
        assert_eq!(parse_portal_id(&ok).unwrap(), "24681357");
        assert!(matches!(
            parse_portal_id(&answer(200, r#"{"timeZone":"US/Eastern"}"#)),
            Err(CrmError::Parse { .. })
        ));
        let refused = answer(
            401,
            r#"{"status":"error","message":"Authentication credentials not found.","category":"INVALID_AUTHENTICATION"}"#,
        );
        assert!(matches!(parse_portal_id(&refused), Err(CrmError::Api(_))));
    }
}

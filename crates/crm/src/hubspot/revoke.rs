//! Revoking a HubSpot OAuth refresh token when a rep disconnects, so the grant stops working
//! at HubSpot and not only in this browser.
//!
//! - Latest (date version, default `2026-03`): `POST /oauth/{version}/token/revoke`,
//!   form-encoded `client_id`, `client_secret`, `token`, `token_type_hint=refresh_token`:
//!   <https://developers.hubspot.com/docs/api-reference/latest/authentication/oauth-tokens/revoke-token>.
//! - Legacy (`v1`, sunset 2027-02-16): `DELETE /oauth/v1/refresh-tokens/{token}` → 204, 404
//!   when the token is unknown:
//!   <https://developers.hubspot.com/changelog/v1-oauth-api-deprecation>.
//!
//! Private-app tokens and service keys have no refresh token and cannot be revoked by API.

use crate::error::{api_error_from_response, Crm, CrmError};
use crate::http::{join_url, percent_encode, HttpRequest, HttpResponse};

/// The revoke request for `refresh_token`, in the OAuth path version the connection uses.
pub fn revoke_request(
    api_base: &str,
    oauth_version: &str,
    client_id: &str,
    client_secret: &str,
    refresh_token: &str,
) -> HttpRequest {
    if oauth_version == "v1" {
        return HttpRequest {
            method: "DELETE".into(),
            url: join_url(
                api_base,
                &format!("oauth/v1/refresh-tokens/{}", percent_encode(refresh_token)),
            ),
            headers: vec![("Accept".into(), "application/json".into())],
            body: None,
        };
    }
    HttpRequest::form(
        join_url(api_base, &format!("oauth/{oauth_version}/token/revoke")),
        &[
            ("client_id", client_id),
            ("client_secret", client_secret),
            ("token", refresh_token),
            ("token_type_hint", "refresh_token"),
        ],
    )
}

/// 2xx → revoked; 404 (legacy: the token is already unknown) counts as revoked too.
pub fn parse_revoke(resp: &HttpResponse) -> Result<(), CrmError> {
    if resp.is_success() || resp.status == 404 {
        Ok(())
    } else {
        Err(api_error_from_response(Crm::Hubspot, resp.status, &resp.body).into())
    }
}

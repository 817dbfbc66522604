//! Who is the token's user: `GET <id URL from the token response>` with the bearer token.
//! Source: <https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_using_openid.htm>
//! (fields `user_id`, `organization_id`, `username`, `email`, `display_name`, `active`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{json_body, str_of, SfSession};
use crate::error::CrmError;
use crate::http::{HttpRequest, HttpResponse};

/// The connected user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SfIdentity {
    /// User Id (`005...`).
    pub user_id: String,
    /// Org Id (`00D...`).
    pub org_id: String,
    /// Login name.
    pub username: String,
    /// E-mail.
    pub email: Option<String>,
    /// Display name.
    pub display_name: Option<String>,
}

/// `GET <id_url>` (the `id` of the token response; it lives on the login host).
pub fn identity_request(session: &SfSession, id_url: &str) -> HttpRequest {
    HttpRequest::get(id_url.to_string(), &session.access_token)
}

/// Reads the identity document.
pub fn parse_identity(resp: &HttpResponse) -> Result<SfIdentity, CrmError> {
    let v: Value = json_body(resp)?;
    let need = |k: &str| {
        str_of(&v, k).ok_or_else(|| CrmError::parse(format!("identity has no {k}"), &resp.body))
    };
    Ok(SfIdentity {
        user_id: need("user_id")?,
        org_id: need("organization_id")?,
        username: need("username")?,
        email: str_of(&v, "email"),
        display_name: str_of(&v, "display_name"),
    })
}

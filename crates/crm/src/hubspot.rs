//! HubSpot CRM (objects API `v3` by default, or a date version such as `2026-03`).
//!
//! Pinned facts and sources (checked with the search tool; long form in
//! `../shared/reference/crm-api-reference.md`):
//! - Objects: `POST /crm/v3/objects/contacts` ≡ `/crm/objects/2026-03/contacts` (date versions
//!   replaced v1–v4 on 2026-03-30; v3 is unsupported from September 2027):
//!   <https://developers.hubspot.com/docs/api-reference/latest/overview>
//! - Read by unique property (strongly consistent, unlike search):
//!   `GET …/contacts/{email}?idProperty=email` → 200 or 404.
//! - Duplicate e-mail on create → 409 `{"category":"CONFLICT","message":"Contact already
//!   exists. Existing ID: 123"}`; validation → 400 `VALIDATION_ERROR`; 429 `RATE_LIMITS`:
//!   <https://developers.hubspot.com/docs/api-reference/error-handling>
//! - Owners: `GET /crm/v3/owners` (use the owner `id` as `hubspot_owner_id`; map a token's user
//!   with `GET /crm/v3/owners/{userId}?idProperty=userId`):
//!   <https://developers.hubspot.com/docs/api-reference/crm-crm-owners-v3/guide>
//! - Engagements: `POST …/notes|emails|calls` with `associations` (HUBSPOT_DEFINED type ids:
//!   note→contact 202, email→contact 198, call→contact 194; `hs_timestamp` required):
//!   <https://developers.hubspot.com/docs/api/crm/email>, <https://developers.hubspot.com/docs/api/crm/calls>
//! - OAuth: authorize at `https://app.hubspot.com/oauth/authorize`; token at
//!   `POST /oauth/2026-03/token` (or legacy `/oauth/v1/token`, sunset 2027-02-16) — the token
//!   endpoint **requires `client_secret`** (no documented public-client mode), so the caller
//!   passes it (from a token broker in production); `code_verifier` is accepted as well:
//!   <https://developers.hubspot.com/docs/api-reference/2026-03/authentication/oauth-tokens/refresh-oauth-token>,
//!   <https://developers.hubspot.com/changelog/v1-oauth-api-deprecation>
//!
//! A single save is ONE call without an activity (create; a 409 names the existing contact,
//! which then counts as "linked") and TWO with one: HubSpot cannot create a contact and an
//! engagement associated to it in one request (associations at create time only point to
//! existing records), so [`save::HsSave`] creates the contact, then the engagement.

pub mod account;
pub mod archive;
pub mod bulk;
pub mod by_linkedin;
pub mod companies;
pub mod contacts;
pub mod engagements;
pub mod job_update;
pub mod oauth;
pub mod owners;
pub mod revoke;
pub mod save;

pub use bulk::HsBulkSave;
pub use oauth::HsToken;
pub use save::HsSave;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{api_error_from_response, Crm, CrmError};
use crate::http::{join_url, HttpResponse};

/// Default API host.
pub const DEFAULT_API_BASE: &str = "https://api.hubapi.com";
/// Default objects path version.
pub const DEFAULT_OBJECTS_VERSION: &str = "v3";

/// A connected HubSpot account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HsSession {
    /// `https://api.hubapi.com` (or the sandbox).
    #[serde(default = "default_base")]
    pub api_base: String,
    /// Bearer access token (OAuth, private app or service key).
    pub access_token: String,
    /// `v3` (→ `/crm/v3/objects/…`) or a date version like `2026-03`
    /// (→ `/crm/objects/2026-03/…`).
    #[serde(default = "default_version")]
    pub objects_path_version: String,
    /// Contact property holding the LinkedIn URL, if the portal has one (none by default:
    /// writing an unknown property fails with `PROPERTY_DOESNT_EXIST`).
    #[serde(default)]
    pub linkedin_property: Option<String>,
}

fn default_base() -> String {
    DEFAULT_API_BASE.to_string()
}

fn default_version() -> String {
    DEFAULT_OBJECTS_VERSION.to_string()
}

impl HsSession {
    /// A session on the default host and objects version.
    pub fn new(access_token: impl Into<String>) -> Self {
        Self {
            api_base: default_base(),
            access_token: access_token.into(),
            objects_path_version: default_version(),
            linkedin_property: None,
        }
    }

    /// URL of an object collection: `…/crm/v3/objects/contacts` or
    /// `…/crm/objects/2026-03/contacts`.
    pub fn objects_url(&self, object: &str) -> String {
        let v = self.objects_path_version.trim_matches('/');
        let path = if v.starts_with('v') {
            format!("crm/{v}/objects/{object}")
        } else {
            format!("crm/objects/{v}/{object}")
        };
        join_url(&self.api_base, &path)
    }

    /// URL of a path under the API host.
    pub fn url(&self, path: &str) -> String {
        join_url(&self.api_base, path)
    }
}

/// Parses a successful JSON body, or turns an error status into [`CrmError::Api`].
pub(crate) fn json_body(resp: &HttpResponse) -> Result<Value, CrmError> {
    if !resp.is_success() {
        return Err(api_error_from_response(Crm::Hubspot, resp.status, &resp.body).into());
    }
    serde_json::from_str(&resp.body).map_err(|e| CrmError::parse(e.to_string(), &resp.body))
}

/// A JSON value that may be a string or a number, as a string (HubSpot ids vary).
pub(crate) fn id_string(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

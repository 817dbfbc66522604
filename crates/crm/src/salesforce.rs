//! Salesforce REST API (default version 66.0, Spring '26; configurable per session).
//!
//! Pinned facts and sources (checked against the vendor docs through the search tool; see
//! `../shared/reference/crm-api-reference.md` for the long form):
//! - REST base `{instance_url}/services/data/vNN.0/`; release → version map (Spring '26 =
//!   66.0, Summer '26 = 67.0):
//!   <https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_versions.htm>
//! - OAuth web-server flow with PKCE, no client secret for public clients:
//!   <https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api/intro_understanding_web_server_oauth_flow.htm>,
//!   <https://developer.salesforce.com/docs/atlas.en-us.packagingGuide.meta/packagingGuide/secure_code_ac_eca.htm>.
//!   The token response has **no `expires_in`**: expiry shows up as 401 `INVALID_SESSION_ID`.
//! - Composite (≤25 subrequests, ≤5 of them queries/collections, `@{ref.id}`, top-level 200,
//!   `PROCESSING_HALTED` under `allOrNone`):
//!   <https://developer.salesforce.com/docs/platform/api-rest/guide/resources-composite-composite-post.html>
//! - sObject Collections create (≤200 records, per-record errors use `statusCode`):
//!   <https://developer.salesforce.com/docs/platform/api-rest/guide/resources-composite-sobjects-collections-create.html>
//! - `Sforce-Auto-Assign: FALSE` keeps the OwnerId we send (assignment rules would overwrite it):
//!   <https://developer.salesforce.com/docs/platform/api-rest/guide/headers-autoassign.html>
//! - Error body `[{message, errorCode, fields}]`:
//!   <https://developer.salesforce.com/docs/platform/api-rest/guide/errorcodes.html>;
//!   duplicate-rule details under the misspelled `duplicateResut` on REST creates (observed in
//!   real captures; both spellings parsed).
//! - SOQL quoted-string escapes:
//!   <https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm>

pub mod account;
pub mod bulk;
pub mod delete;
pub mod identity;
pub mod job_update;
pub mod lookup;
pub mod oauth;
pub mod permission;
pub mod record;
pub mod save;
pub mod soql;
pub mod users;

pub use bulk::{BulkItemResult, BulkSave};
pub use identity::SfIdentity;
pub use oauth::{AuthorizeParams, LoginHost, SfToken};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{api_error_from_response, Crm, CrmError};
use crate::http::{join_url, percent_encode, HttpRequest, HttpResponse};

/// The REST API version used when none is configured (Spring '26).
pub const DEFAULT_API_VERSION: &str = "66.0";

/// Where the LinkedIn profile URL is stored and searched by default: a custom Text(255)
/// field on Contact and Lead. Salesforce has no standard LinkedIn field, and long-text
/// fields such as `Description` cannot be filtered in SOQL, so a filterable custom field is
/// the only reliable dedupe key; set [`SfSession::linkedin_field`] to `None` to skip it.
pub const DEFAULT_LINKEDIN_FIELD: &str = "LinkedIn_URL__c";

/// A connected Salesforce org, as the caller stores it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SfSession {
    /// `instance_url` from the token response, e.g. `https://acme.my.salesforce.com`.
    pub instance_url: String,
    /// Bearer access token.
    pub access_token: String,
    /// REST API version without the `v`, e.g. `"66.0"`.
    #[serde(default = "default_version")]
    pub api_version: String,
    /// API name of the Contact/Lead field holding the LinkedIn URL; `None` = not stored,
    /// lookups by LinkedIn URL are skipped.
    #[serde(default = "default_linkedin_field")]
    pub linkedin_field: Option<String>,
}

fn default_version() -> String {
    DEFAULT_API_VERSION.to_string()
}

fn default_linkedin_field() -> Option<String> {
    Some(DEFAULT_LINKEDIN_FIELD.to_string())
}

impl SfSession {
    /// A session with the default API version and LinkedIn field.
    pub fn new(instance_url: impl Into<String>, access_token: impl Into<String>) -> Self {
        Self {
            instance_url: instance_url.into(),
            access_token: access_token.into(),
            api_version: default_version(),
            linkedin_field: default_linkedin_field(),
        }
    }

    /// `/services/data/vNN.0` (the path prefix used inside Composite subrequests).
    pub fn data_path(&self) -> String {
        format!("/services/data/v{}", self.api_version)
    }

    /// Absolute URL of a path under the data prefix (`"sobjects/Contact"`).
    pub fn data_url(&self, path: &str) -> String {
        join_url(
            &self.instance_url,
            &format!("{}/{}", self.data_path(), path.trim_start_matches('/')),
        )
    }

    /// `GET query?q=<soql>`.
    pub fn query_request(&self, soql: &str) -> HttpRequest {
        HttpRequest::get(
            format!("{}?q={}", self.data_url("query"), percent_encode(soql)),
            &self.access_token,
        )
    }

    /// `GET` of a `nextRecordsUrl` (`/services/data/vNN.0/query/01g...-2000`).
    pub fn next_records_request(&self, next_records_url: &str) -> HttpRequest {
        HttpRequest::get(
            join_url(&self.instance_url, next_records_url),
            &self.access_token,
        )
    }
}

/// Parses a successful JSON body, or turns an error status into [`CrmError::Api`].
pub(crate) fn json_body(resp: &HttpResponse) -> Result<Value, CrmError> {
    if !resp.is_success() {
        return Err(api_error_from_response(Crm::Salesforce, resp.status, &resp.body).into());
    }
    serde_json::from_str(&resp.body).map_err(|e| CrmError::parse(e.to_string(), &resp.body))
}

/// The `records` of a query answer and its `nextRecordsUrl` when `done` is false.
pub(crate) fn query_records(resp: &HttpResponse) -> Result<(Vec<Value>, Option<String>), CrmError> {
    let v = json_body(resp)?;
    let records = v
        .get("records")
        .and_then(Value::as_array)
        .cloned()
        .ok_or_else(|| CrmError::parse("query answer has no records array", &resp.body))?;
    let next = v
        .get("nextRecordsUrl")
        .and_then(Value::as_str)
        .filter(|_| v.get("done").and_then(Value::as_bool) == Some(false))
        .map(str::to_string);
    Ok((records, next))
}

pub(crate) fn str_of(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

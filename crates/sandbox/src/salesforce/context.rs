//! What a Salesforce data request runs with: the caller behind its token, the request's
//! options (assignment, duplicate and query headers) and the shape of a successful answer.

use serde_json::Value;

use super::errors::SfError;
use crate::clock;
use crate::org::State;
use crate::seed::{self, Profile};
use crate::store::Store;

/// The user behind a request's token.
#[derive(Debug, Clone)]
pub struct Caller {
    /// Salesforce user id.
    pub user_id: String,
    /// Their profile.
    pub profile: Profile,
}

/// What a data request runs with.
pub struct Ctx<'a> {
    /// The org.
    pub store: &'a Store,
    /// The token's user.
    pub caller: &'a Caller,
    /// `v66.0` as addressed.
    pub version: String,
    /// False when `Sforce-Auto-Assign: FALSE` was sent.
    pub auto_assign: bool,
    /// `Sforce-Duplicate-Rule-Header: allowSave=true`.
    pub allow_save_duplicates: bool,
    /// Query page size (`Sforce-Query-Options: batchSize=N`, 200..=2000, default 2000).
    pub batch_size: usize,
}

/// A successful answer: status, body, extra headers.
#[derive(Debug, Clone)]
pub struct SfOk {
    /// HTTP status.
    pub status: u16,
    /// JSON body (`None` for 204).
    pub body: Option<Value>,
    /// Extra headers (`Location`).
    pub headers: Vec<(String, String)>,
}

impl SfOk {
    /// 200 with a body.
    pub fn ok(body: Value) -> Self {
        SfOk {
            status: 200,
            body: Some(body),
            headers: Vec::new(),
        }
    }
}

/// Runs one data request: `(ctx, method, segments after the version, query, body)`. Composite
/// is handed the router so its subrequests go through it without importing it.
pub type Dispatch =
    fn(&Ctx, &str, &[String], &[(String, String)], Option<&Value>) -> Result<SfOk, SfError>;

/// Whether a header value says FALSE (`Sforce-Auto-Assign`).
pub fn header_is_false(value: Option<&str>) -> bool {
    value.is_some_and(|v| v.trim().eq_ignore_ascii_case("false") || v.trim() == "0")
}

/// The query page size from `Sforce-Query-Options: batchSize=N` (clamped to 200..=2000).
pub fn batch_size(value: Option<&str>) -> usize {
    value
        .and_then(|v| {
            v.split([';', ',']).find_map(|part| {
                let (k, n) = part.split_once('=')?;
                k.trim()
                    .eq_ignore_ascii_case("batchSize")
                    .then(|| n.trim().parse::<usize>().ok())
                    .flatten()
            })
        })
        .map_or(2000, |n| n.clamp(200, 2000))
}

/// Whether `Sforce-Duplicate-Rule-Header` asks to save anyway.
pub fn allow_save(value: Option<&str>) -> bool {
    value.is_some_and(|v| {
        v.split(';').any(|part| {
            let part = part.trim().replace(' ', "");
            part.eq_ignore_ascii_case("allowSave=true")
        })
    })
}

/// The caller of a Salesforce bearer token, or INVALID_SESSION_ID.
pub fn caller_for(state: &State, token: Option<&str>) -> Result<Caller, SfError> {
    let token = token.ok_or_else(SfError::invalid_session)?;
    let row = state
        .store
        .token(token)?
        .filter(|r| r.kind == "sf_access" && !r.revoked)
        .filter(|r| r.expires_ms.is_none_or(|e| e > clock::now_ms()))
        .ok_or_else(SfError::invalid_session)?;
    if !rest_scope(&row.scope) {
        // A token granted only identity scopes (`openid`, `id`, ...): Salesforce Help
        // 005226515 ("missing the ... (api) OAuth scope").
        return Err(SfError::new(
            401,
            "INVALID_SESSION_ID",
            "This session is not valid for use with the REST API",
        ));
    }
    let (_, user) = seed::user_by_id(&row.user_id).ok_or_else(SfError::invalid_session)?;
    if !user.active {
        return Err(SfError::invalid_session());
    }
    Ok(Caller {
        user_id: row.user_id,
        profile: user.profile,
    })
}

/// Whether a token's scopes let it call the REST API (`api` or `full`).
pub fn rest_scope(scope: &str) -> bool {
    scope.split_whitespace().any(|s| s == "api" || s == "full")
}

//! The Salesforce emulation: OAuth and identity, then the REST API under
//! `/services/data/vNN.0/` with session checks, the API-usage counter and its limit.

mod collections;
mod composite;
mod describe;
mod errors;
mod identity;
mod oauth;
mod query;
mod records;
mod rest;
mod schema;

pub use oauth::redirect_allowed;
mod soql;
mod validate;

use serde_json::{json, Value};

use crate::app::State;
use crate::clock;
use crate::http::{Request, Response};
use crate::seed::{self, Profile};
use crate::store::Store;
pub use errors::SfError;

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

/// Answers `/services/...` and `/id/...`.
pub fn handle(state: &mut State, request: &Request) -> Response {
    let path = request.path.as_str();
    if path.starts_with("/services/oauth2/") {
        return oauth::handle(state, request);
    }
    if path.starts_with("/id/") {
        return identity::identity(state, request);
    }
    if path == "/services/data" || path.starts_with("/services/data/") {
        return data(state, request);
    }
    error_response(&SfError::not_found(), None)
}

fn error_response(error: &SfError, limit_info: Option<&str>) -> Response {
    let response = Response::json(error.status, &error.body());
    match limit_info {
        Some(info) => response.with_header("Sforce-Limit-Info", info),
        None => response,
    }
}

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
    let (_, user) = seed::user_by_id(&row.user_id).ok_or_else(SfError::invalid_session)?;
    if !user.active {
        return Err(SfError::invalid_session());
    }
    Ok(Caller {
        user_id: row.user_id,
        profile: user.profile,
    })
}

fn versions() -> Value {
    let list: Vec<Value> = (31..=67)
        .map(|v: i64| {
            let idx = v - 62;
            let season = ["Winter", "Spring", "Summer"][idx.rem_euclid(3) as usize];
            let year = 25 + idx.div_euclid(3);
            json!({"label": format!("{season} '{year:02}"), "url": format!("/services/data/v{v}.0"), "version": format!("{v}.0")})
        })
        .collect();
    Value::Array(list)
}

fn valid_version(segment: &str) -> bool {
    segment
        .strip_prefix('v')
        .and_then(|v| v.strip_suffix(".0"))
        .and_then(|n| n.parse::<u32>().ok())
        .is_some_and(|n| (20..=99).contains(&n))
}

fn data(state: &mut State, request: &Request) -> Response {
    let segments = request.segments();
    if segments.len() == 2 {
        return Response::json(200, &versions());
    }
    let version = segments[2].clone();
    if !valid_version(&version) {
        return error_response(&SfError::not_found(), None);
    }
    let caller = match caller_for(state, request.bearer()) {
        Ok(caller) => caller,
        Err(e) => return error_response(&e, None),
    };
    match usage(state) {
        Ok(Ok(info)) => {
            let ctx = Ctx {
                store: &state.store,
                caller: &caller,
                version,
                auto_assign: !header_is_false(request.header("sforce-auto-assign")),
                allow_save_duplicates: allow_save(request.header("sforce-duplicate-rule-header")),
                batch_size: batch_size(request.header("sforce-query-options")),
            };
            let body = if request.body.is_empty() {
                Ok(None)
            } else {
                serde_json::from_slice::<Value>(&request.body)
                    .map(Some)
                    .map_err(|e| SfError::json_parser(format!("Unexpected character: {e}")))
            };
            let result = body.and_then(|body| {
                rest::dispatch(
                    &ctx,
                    &request.method,
                    &segments[3..],
                    &request.query_pairs(),
                    body.as_ref(),
                )
            });
            match result {
                Ok(ok) => {
                    let mut response = match &ok.body {
                        Some(body) => Response::json(ok.status, body),
                        None => Response::empty(ok.status),
                    };
                    response.headers.extend(ok.headers);
                    response.with_header("Sforce-Limit-Info", &info)
                }
                Err(e) => error_response(&e, Some(&info)),
            }
        }
        Ok(Err((e, info))) => error_response(&e, Some(&info)),
        Err(e) => error_response(&e, None),
    }
}

/// The org refused a call: the error and the `Sforce-Limit-Info` value to send with it.
type Refusal = (SfError, String);

/// Counts one API call; `Ok(Err(..))` when the org refuses it (disabled or over the limit).
fn usage(state: &State) -> Result<Result<String, Refusal>, SfError> {
    let store = &state.store;
    let today = clock::day_number(clock::now_ms());
    if store.number("api_usage_day")? != today {
        store.set_meta("api_usage_day", &today.to_string())?;
        store.set_meta("api_usage", "0")?;
    }
    let used = store.number("api_usage")?;
    let limit = store.number("api_limit")?;
    if store.flag("api_disabled")? {
        return Ok(Err((
            SfError::new(
                403,
                "API_DISABLED_FOR_ORG",
                "The REST API is not enabled for this Organization.",
            ),
            format!("api-usage={used}/{limit}"),
        )));
    }
    if used >= limit {
        return Ok(Err((
            SfError::new(
                403,
                "REQUEST_LIMIT_EXCEEDED",
                "TotalRequests Limit exceeded.",
            ),
            format!("api-usage={used}/{limit}"),
        )));
    }
    store.set_meta("api_usage", &(used + 1).to_string())?;
    Ok(Ok(format!("api-usage={}/{limit}", used + 1)))
}

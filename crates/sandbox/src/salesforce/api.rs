//! The Salesforce entry point: OAuth and identity, then the REST API under
//! `/services/data/vNN.0/` with session checks, the API-usage counter and its limit.

use serde_json::{json, Value};

use super::context::{allow_save, batch_size, caller_for, header_is_false, Ctx};
use super::errors::SfError;
use super::{identity, oauth, oidc, rest};
use crate::clock;
use crate::http::{Request, Response};
use crate::org::State;

/// Answers `/services/...` and `/id/...`.
pub fn handle(state: &mut State, request: &Request) -> Response {
    let path = request.path.as_str();
    if path.trim_end_matches('/') == "/services/oauth2/userinfo" {
        return identity::userinfo(state, request);
    }
    if path.starts_with("/services/oauth2/") {
        return oauth::handle(state, request);
    }
    if path.trim_end_matches('/') == "/id/keys" {
        return match oidc::key_set(&state.store) {
            Ok(keys) => Response::json(200, &keys),
            Err(e) => error_response(&SfError::from(e), None),
        };
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

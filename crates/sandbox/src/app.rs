//! Routing: which emulation answers a request, plus the cross-cutting test hooks (request
//! counts, injected faults, latency).

use std::sync::Mutex;
use std::time::Duration;

use serde_json::json;

use crate::http::{Request, Response};
use crate::org::State;
use crate::{admin, fixtures, hubspot, ids, salesforce};

/// Which side of the sandbox a path belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Area {
    Admin,
    SalesforceOauth,
    SalesforceApi,
    HubspotOauth,
    HubspotApi,
    Other,
}

fn area(path: &str) -> Area {
    if path.starts_with("/__sandbox/") {
        Area::Admin
    } else if path.starts_with("/services/oauth2/") {
        Area::SalesforceOauth
    } else if path.starts_with("/services/") || path.starts_with("/id/") {
        Area::SalesforceApi
    } else if path.starts_with("/oauth/") {
        Area::HubspotOauth
    } else if path.starts_with("/crm/") || path.starts_with("/account-info/") {
        Area::HubspotApi
    } else {
        Area::Other
    }
}

/// Answers one request.
pub fn handle(state: &Mutex<State>, request: &Request) -> Response {
    let host = request.host_name();
    if host == "www.linkedin.com" || host == "mail.google.com" {
        let root = match state.lock() {
            Ok(s) => s.fixtures.clone(),
            Err(_) => None,
        };
        return fixtures::serve(root.as_deref(), &host, request);
    }
    let area = area(&request.path);
    if area != Area::Admin {
        let latency = state
            .lock()
            .map(|mut s| {
                if s.latency_ms > 0 {
                    s.held += 1;
                }
                s.latency_ms
            })
            .unwrap_or(0);
        if latency > 0 {
            std::thread::sleep(Duration::from_millis(latency));
            if let Ok(mut s) = state.lock() {
                s.held = s.held.saturating_sub(1);
            }
        }
    }
    let Ok(mut guard) = state.lock() else {
        return Response::text(500, "sandbox state poisoned");
    };
    let state = &mut *guard;
    let api = matches!(area, Area::SalesforceApi | Area::HubspotApi);
    if api {
        let key = endpoint_key(&request.method, &request.path);
        *state.counts.entry(key).or_insert(0) += 1;
        *state.counts.entry("total".into()).or_insert(0) += 1;
    }
    if !matches!(area, Area::Admin | Area::Other) {
        *state.hosts.entry(host).or_insert(0) += 1;
    }
    if area != Area::Admin {
        if let Some((status, retry_after)) = take_fault(state, &request.path, api) {
            return fault_response(status, area, retry_after);
        }
    }
    // All of a request's writes are one transaction: one commit instead of one per statement.
    let began = state.store.savepoint("request").is_ok();
    let response = match area {
        Area::Admin => admin::handle(state, request),
        Area::SalesforceOauth | Area::SalesforceApi => salesforce::handle(state, request),
        Area::HubspotOauth => hubspot::handle_oauth(state, request),
        Area::HubspotApi => hubspot::handle_api(state, request),
        Area::Other => other(request),
    };
    if began {
        if let Err(e) = state.store.release("request") {
            return Response::text(500, &format!("sandbox: could not commit: {e}"));
        }
    }
    response
}

fn other(request: &Request) -> Response {
    match request.path.as_str() {
        "/" => Response::html(
            200,
            format!(
                "<!doctype html><title>Leadline sandbox</title><h1>Leadline sandbox org</h1><pre>{}</pre>",
                crate::http::html_escape(&crate::seed::summary())
            ),
        ),
        // Both CRMs' authorize pages also live under other names on real hosts.
        _ => Response::json(404, &salesforce::not_found_value()),
    }
}

/// The next injected fault for `path`, if one is pending: its status and the `Retry-After` the
/// test asked it to carry.
fn take_fault(state: &mut State, path: &str, api: bool) -> Option<(u16, Option<u64>)> {
    let fault = state.faults.iter_mut().find(|f| {
        f.remaining > 0
            && match &f.path_prefix {
                Some(prefix) => path.starts_with(prefix.as_str()),
                None => api,
            }
    })?;
    fault.remaining -= 1;
    let answer = (fault.status, fault.retry_after_secs);
    state.faults.retain(|f| f.remaining > 0);
    Some(answer)
}

/// The CRM's answer to a request an injected fault refuses. A 429 carries `Retry-After: 1` as
/// the CRMs send it; `retry_after` (the fault's `retry_after`, seconds) replaces that, and gives
/// a 5xx one too (HTTP lets a 503 say how long the service will be unavailable).
fn fault_response(status: u16, area: Area, retry_after: Option<u64>) -> Response {
    let default = if status == 429 { Some(1) } else { None };
    let response = fault_body(status, area);
    match retry_after.or(default) {
        Some(secs) => response.with_header("Retry-After", &secs.to_string()),
        None => response,
    }
}

/// The status's error body (and HubSpot's rate-limit headers on a 429) in each CRM's format.
fn fault_body(status: u16, area: Area) -> Response {
    match area {
        Area::HubspotApi | Area::HubspotOauth => {
            let (category, message) = if status == 429 {
                ("RATE_LIMITS", "You have reached your secondly limit.")
            } else {
                ("SERVICE_UNAVAILABLE", "Service temporarily unavailable")
            };
            let mut body = json!({
                "status": "error",
                "message": message,
                "correlationId": ids::correlation_id(),
                "category": category,
            });
            if status == 429 {
                body["errorType"] = json!("RATE_LIMIT");
                body["policyName"] = json!("SECONDLY");
            }
            let mut response = Response::json(status, &body);
            if status == 429 {
                response = response
                    .with_header("X-HubSpot-RateLimit-Max", "190")
                    .with_header("X-HubSpot-RateLimit-Remaining", "0")
                    .with_header("X-HubSpot-RateLimit-Interval-Milliseconds", "10000")
                    .with_header("X-HubSpot-RateLimit-Secondly", "19")
                    .with_header("X-HubSpot-RateLimit-Secondly-Remaining", "0")
                    .with_header("X-HubSpot-RateLimit-Daily", "650000")
                    .with_header("X-HubSpot-RateLimit-Daily-Remaining", "640000");
            }
            response
        }
        _ => {
            let (code, message) = if status == 429 {
                (
                    "REQUEST_LIMIT_EXCEEDED",
                    "ConcurrentPerOrgLongTxn Limit exceeded.",
                )
            } else {
                (
                    "SERVER_UNAVAILABLE",
                    "Server temporarily unavailable. Please try again.",
                )
            };
            Response::json(status, &json!([{"message": message, "errorCode": code}]))
        }
    }
}

/// `POST /services/data/vXX.X/sobjects/Contact/{id}`-style key for the counts.
pub fn endpoint_key(method: &str, path: &str) -> String {
    let mut out = String::new();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        out.push('/');
        let is_version = segment.starts_with('v')
            && segment.len() > 1
            && segment[1..].chars().all(|c| c.is_ascii_digit() || c == '.')
            && path.starts_with("/services/data/");
        if is_version {
            out.push_str("vXX.X");
        } else if looks_like_id(&crate::http::percent_decode(segment)) {
            out.push_str("{id}");
        } else {
            out.push_str(segment);
        }
    }
    if out.is_empty() {
        out.push('/');
    }
    format!("{method} {out}")
}

/// Numeric HubSpot ids, e-mail `idProperty` values and 15/18-character Salesforce ids.
fn looks_like_id(segment: &str) -> bool {
    let numeric = !segment.is_empty() && segment.bytes().all(|b| b.is_ascii_digit());
    let salesforce =
        segment.bytes().any(|b| b.is_ascii_digit()) && ids::normalize(segment).is_some();
    numeric || salesforce || segment.contains('@')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_keys_hide_versions_and_ids() {
        assert_eq!(
            endpoint_key("POST", "/services/data/v66.0/composite"),
            "POST /services/data/vXX.X/composite"
        );
        let id = crate::ids::sf_id("003", 5);
        assert_eq!(
            endpoint_key(
                "GET",
                &format!("/services/data/v66.0/sobjects/Contact/{id}")
            ),
            "GET /services/data/vXX.X/sobjects/Contact/{id}"
        );
        assert_eq!(
            endpoint_key("GET", "/crm/v3/objects/contacts/512"),
            "GET /crm/v3/objects/contacts/{id}"
        );
        assert_eq!(
            endpoint_key("GET", "/crm/v3/objects/contacts/ada%40example.com"),
            "GET /crm/v3/objects/contacts/{id}"
        );
        assert_eq!(
            endpoint_key("GET", "/crm/objects/2026-03/contacts"),
            "GET /crm/objects/2026-03/contacts"
        );
    }
}

//! The admin / fault-injection API under `/__sandbox/` (no auth, JSON) used by tests.

use serde_json::{json, Map, Value};

use crate::clock;
use crate::http::{Request, Response};
use crate::org::{Fault, State};
use crate::store::StoreResult;

/// Answers `/__sandbox/...`.
pub fn handle(state: &mut State, request: &Request) -> Response {
    let body: Value = serde_json::from_slice(&request.body).unwrap_or(json!({}));
    let route = request
        .path
        .trim_start_matches("/__sandbox/")
        .trim_end_matches('/');
    let result = match (request.method.as_str(), route) {
        ("POST", "expire-tokens") => state
            .store
            .expire_access_tokens(clock::now_ms())
            .map(|n| Response::json(200, &json!({"expired": n}))),
        ("POST", "faults") => Ok(set_fault(state, &body)),
        ("DELETE", "faults") => {
            state.faults.clear();
            Ok(Response::json(200, &json!({"faults": 0})))
        }
        ("POST", "latency") => {
            state.latency_ms = body.get("ms").and_then(Value::as_u64).unwrap_or(0);
            Ok(Response::json(200, &json!({"ms": state.latency_ms})))
        }
        ("GET", "latency") => Ok(Response::json(
            200,
            &json!({"ms": state.latency_ms, "held": state.held}),
        )),
        ("GET", "counts") => {
            let mut counts: Map<String, Value> = state
                .counts
                .iter()
                .map(|(k, v)| (k.clone(), json!(v)))
                .collect();
            counts.entry("total").or_insert(json!(0));
            Ok(Response::json(200, &Value::Object(counts)))
        }
        ("GET", "hosts") => Ok(Response::json(200, &json!(state.hosts))),
        ("POST", "reset-counts") => {
            state.counts.clear();
            state.hosts.clear();
            Ok(Response::json(200, &json!({"total": 0})))
        }
        ("GET", "records") => records(state, request),
        ("GET", "approvals") => approvals(state, request),
        ("POST", "revoke-approvals") => revoke_approvals(state, &body),
        ("GET", "settings") => settings(state).map(|v| Response::json(200, &v)),
        ("POST", "settings") => update_settings(state, &body)
            .and_then(|_| settings(state).map(|v| Response::json(200, &v))),
        _ => Ok(Response::json(
            404,
            &json!({"error": "unknown admin endpoint", "endpoints": [
                "POST expire-tokens", "POST faults", "POST latency", "GET latency", "GET counts", "GET hosts",
                "POST reset-counts", "GET records?object=", "GET approvals?user=&client_id=",
                "POST revoke-approvals {user, client_id}", "GET|POST settings"]}),
        )),
    };
    result.unwrap_or_else(|e| Response::json(500, &json!({"error": e.to_string()})))
}

fn set_fault(state: &mut State, body: &Value) -> Response {
    let status = body.get("status").and_then(Value::as_u64).unwrap_or(503);
    let count = body.get("count").and_then(Value::as_u64).unwrap_or(1);
    if !matches!(status, 429 | 500 | 502 | 503) {
        return Response::json(
            400,
            &json!({"error": "status must be 429 or 503 (or 500/502)"}),
        );
    }
    let path_prefix = body
        .get("path_prefix")
        .and_then(Value::as_str)
        .map(str::to_string);
    let retry_after_secs = body.get("retry_after").and_then(Value::as_u64);
    state.faults.push(Fault {
        status: status as u16,
        remaining: count,
        path_prefix,
        retry_after_secs,
    });
    Response::json(
        200,
        &json!({"status": status, "count": count, "retry_after": retry_after_secs}),
    )
}

fn records(state: &State, request: &Request) -> StoreResult<Response> {
    let object = request.query_param("object").unwrap_or_default();
    let records: Vec<Value> = if crate::hubspot::OBJECT_TYPES.contains(&object.as_str()) {
        state
            .store
            .hs_all(&object)?
            .into_iter()
            .map(|o| {
                json!({
                    "id": o.id.to_string(),
                    "properties": o.properties,
                    "associations": o.associations,
                    "createdAt": clock::iso_datetime(o.created_ms),
                    "updatedAt": clock::iso_datetime(o.updated_ms),
                    "archived": o.archived,
                })
            })
            .collect()
    } else {
        state
            .store
            .sf_all(&object)?
            .into_iter()
            .map(Value::Object)
            .collect()
    };
    Ok(Response::json(
        200,
        &json!({"object": object, "totalSize": records.len(), "records": records}),
    ))
}

/// `GET approvals[?user=<login or id>][&client_id=]`: live approvals (refresh tokens) per
/// user and app, as Setup's OAuth usage page counts them (HubSpot apps' grants too).
fn approvals(state: &State, request: &Request) -> StoreResult<Response> {
    let user = request.query_param("user").map(|u| {
        crate::seed::user_by_email(&u)
            .map(|(id, _)| id)
            .unwrap_or(u)
    });
    let client = request.query_param("client_id");
    let rows: Vec<Value> = state
        .store
        .approvals()?
        .into_iter()
        .filter(|a| user.as_ref().is_none_or(|want| *want == a.user_id))
        .filter(|a| client.as_ref().is_none_or(|want| *want == a.client_id))
        .map(|a| {
            let username = crate::seed::user_by_id(&a.user_id).map(|(_, u)| u.email);
            json!({
                "user_id": a.user_id, "username": username, "client_id": a.client_id,
                "count": a.count, "oldest_issued_ms": a.oldest_ms, "newest_issued_ms": a.newest_ms,
            })
        })
        .collect();
    let total: i64 = rows.iter().filter_map(|r| r["count"].as_i64()).sum();
    Ok(Response::json(
        200,
        &json!({"approvals": rows, "total": total}),
    ))
}

/// What Setup → "Connected Apps OAuth Usage" → Revoke does: every refresh token `user` (an
/// email or user id) holds for `client_id` is revoked, with the access tokens issued from it;
/// their next refresh fails with `invalid_grant`.
fn revoke_approvals(state: &State, body: &Value) -> StoreResult<Response> {
    let text = |k: &str| body.get(k).and_then(Value::as_str).unwrap_or_default();
    let (user, client) = (text("user"), text("client_id"));
    if user.is_empty() || client.is_empty() {
        return Ok(Response::json(
            400,
            &json!({"error": "give `user` (email or id) and `client_id`"}),
        ));
    }
    let user_id = crate::seed::user_by_email(user).map_or_else(|| user.to_owned(), |(id, _)| id);
    let tokens = state.store.live_refresh_tokens(&user_id, client)?;
    for token in &tokens {
        state.store.revoke_token(token)?;
    }
    Ok(Response::json(200, &json!({"revoked": tokens.len()})))
}

fn settings(state: &State) -> StoreResult<Value> {
    let store = &state.store;
    Ok(json!({
        "api_limit": store.number("api_limit")?,
        "api_usage": store.number("api_usage")?,
        "api_disabled": store.flag("api_disabled")?,
        "lead_assignment_rule": store.flag("lead_assignment_rule")?,
        "duplicate_rule": store.flag("duplicate_rule")?,
        "hs_search_delay_ms": store.hs_search_delay_ms()?,
        "token_ttl_secs": state.token_ttl_ms / 1000,
        "latency_ms": state.latency_ms,
    }))
}

fn update_settings(state: &mut State, body: &Value) -> StoreResult<()> {
    let store = &state.store;
    for key in ["api_limit", "api_usage", "hs_search_delay_ms"] {
        if let Some(n) = body.get(key).and_then(Value::as_i64) {
            store.set_meta(key, &n.to_string())?;
            if key == "api_usage" {
                store.set_meta(
                    "api_usage_day",
                    &clock::day_number(clock::now_ms()).to_string(),
                )?;
            }
        }
    }
    for key in ["api_disabled", "lead_assignment_rule", "duplicate_rule"] {
        if let Some(b) = body.get(key).and_then(Value::as_bool) {
            store.set_meta(key, if b { "true" } else { "false" })?;
        }
    }
    if let Some(secs) = body.get("token_ttl_secs").and_then(Value::as_i64) {
        state.token_ttl_ms = secs * 1000;
    }
    Ok(())
}

//! `batch/create` (≤100 inputs; with `objectWriteTraceId`s a 207 reports failures per input),
//! `batch/read` and `batch/archive` (204, unknown ids skipped).

use serde_json::{json, Value};

use super::caller::HsCaller;
use super::errors::error;
use super::input::{find, insert, prepare, HsResult};
use super::render::{object_json, selection_from, Selection};
use crate::clock;
use crate::http::Response;
use crate::org::State;

const BATCH_LIMIT: usize = 100;

fn batch_inputs(body: &Value) -> HsResult<&Vec<Value>> {
    let inputs = body
        .get("inputs")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            error(
                400,
                "VALIDATION_ERROR",
                "Invalid input JSON: inputs is required",
            )
        })?;
    if inputs.len() > BATCH_LIMIT {
        return Err(error(
            400,
            "VALIDATION_ERROR",
            &format!(
                "Batch input limit exceeded: {} inputs given, at most {BATCH_LIMIT} allowed",
                inputs.len()
            ),
        ));
    }
    Ok(inputs)
}

pub(super) fn batch_create(
    state: &State,
    caller: &HsCaller,
    object_type: &str,
    body: &Value,
) -> HsResult<Response> {
    let inputs = batch_inputs(body)?;
    let started = clock::iso_datetime(clock::now_ms());
    let traced = inputs.iter().any(|i| i.get("objectWriteTraceId").is_some());
    let mut prepared = Vec::new();
    let mut errors = Vec::new();
    let mut batch_emails: Vec<String> = Vec::new();
    for input in inputs {
        let mut outcome = prepare(state, object_type, input);
        if let Ok((props, _)) = &outcome {
            if let Some(email) = props
                .get("email")
                .and_then(Value::as_str)
                .filter(|e| !e.is_empty())
            {
                if batch_emails.iter().any(|e| e.eq_ignore_ascii_case(email)) {
                    outcome = Err(error(
                        400,
                        "VALIDATION_ERROR",
                        &format!("Duplicate email {email} in the batch input"),
                    ));
                } else {
                    batch_emails.push(email.to_string());
                }
            }
        }
        match outcome {
            Ok(p) => prepared.push((p, input.get("objectWriteTraceId").cloned())),
            Err(response) if !traced => return Err(response),
            Err(response) => {
                let mut e: Value = serde_json::from_slice(&response.body).unwrap_or(json!({}));
                if let Some(trace) = input.get("objectWriteTraceId") {
                    e["context"] = json!({"objectWriteTraceId": [trace]});
                }
                errors.push(e);
            }
        }
    }
    let mut results = Vec::new();
    for ((props, assoc), trace) in prepared {
        let object = insert(state, caller, object_type, props, assoc)?;
        let mut result = object_json(&object, &Selection::All, None, state);
        if let Some(trace) = trace {
            result["objectWriteTraceId"] = trace;
        }
        results.push(result);
    }
    let mut out = json!({
        "status": "COMPLETE",
        "results": results,
        "startedAt": started,
        "completedAt": clock::iso_datetime(clock::now_ms()),
    });
    if errors.is_empty() {
        Ok(Response::json(201, &out))
    } else {
        out["numErrors"] = json!(errors.len());
        out["errors"] = Value::Array(errors);
        Ok(Response::json(207, &out))
    }
}

pub(super) fn batch_read(state: &State, object_type: &str, body: &Value) -> HsResult<Response> {
    let inputs = batch_inputs(body)?;
    let id_property = body.get("idProperty").and_then(Value::as_str);
    let properties: Option<Vec<String>> =
        body.get("properties").and_then(Value::as_array).map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        });
    let selection = selection_from(properties);
    let started = clock::iso_datetime(clock::now_ms());
    let mut results = Vec::new();
    let mut missing = Vec::new();
    for input in inputs {
        let id = match input.get("id") {
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => continue,
        };
        match find(state, object_type, &id, id_property)? {
            Some(o) => results.push(object_json(&o, &selection, None, state)),
            None => missing.push(id),
        }
    }
    let mut out = json!({
        "status": "COMPLETE",
        "results": results,
        "startedAt": started,
        "completedAt": clock::iso_datetime(clock::now_ms()),
    });
    if missing.is_empty() {
        return Ok(Response::json(200, &out));
    }
    out["numErrors"] = json!(1);
    out["errors"] = json!([{"status": "error", "category": "OBJECT_NOT_FOUND", "message": "Could not get some objects, they may be deleted or not exist.", "context": {"ids": missing}}]);
    Ok(Response::json(207, &out))
}

/// `batch/archive` (≤100 `{id}` inputs): archives each one found; unknown or already archived
/// ids are skipped, and the answer is always `204 No Content`, as HubSpot documents.
pub(super) fn batch_archive(state: &State, object_type: &str, body: &Value) -> HsResult<Response> {
    let inputs = batch_inputs(body)?;
    for input in inputs {
        let id = match input.get("id") {
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => continue,
        };
        if let Some(mut object) = find(state, object_type, &id, None)? {
            if !object.archived {
                object.archived = true;
                object.updated_ms = clock::now_ms();
                state
                    .store
                    .hs_update(&object)
                    .map_err(super::input::storage)?;
            }
        }
    }
    Ok(Response::empty(204))
}

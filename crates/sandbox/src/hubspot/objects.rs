//! CRM objects: create (409 on a duplicate contact email), read (by id or `idProperty=email`),
//! update, archive, list, and v4 default associations. Batch calls are in `batch`.

use serde_json::{json, Value};

use super::batch::{batch_archive, batch_create, batch_read};
use super::caller::HsCaller;
use super::errors::error;
use super::input::{
    check_properties, conflict, create_input, existing_contact_with_email, find, not_found,
    storage, HsResult,
};
use super::properties::{self, canonical_type};
use super::render::{object_json, selection_from, Selection};
use super::search;
use crate::clock;
use crate::http::{Request, Response};
use crate::org::State;
use crate::store::HsObject;

/// Answers `/crm/v3/objects/{type}/...` (and the date-versioned twin).
pub fn handle(
    state: &mut State,
    request: &Request,
    caller: &HsCaller,
    type_segment: &str,
    rest: &[&str],
) -> Response {
    let Some(object_type) = canonical_type(type_segment) else {
        return error(
            400,
            "VALIDATION_ERROR",
            &format!("Unable to infer object type from: {type_segment}"),
        );
    };
    let body: Value = if request.body.is_empty() {
        Value::Null
    } else {
        match serde_json::from_slice(&request.body) {
            Ok(v) => v,
            Err(e) => {
                return error(
                    400,
                    "VALIDATION_ERROR",
                    &format!(
                        "Invalid input JSON on line {}, column {}: {e}",
                        e.line(),
                        e.column()
                    ),
                )
            }
        }
    };
    let result = match (request.method.as_str(), rest) {
        ("POST", []) => create_input(state, caller, object_type, &body)
            .map(|o| Response::json(201, &object_json(&o, &Selection::All, None, state))),
        ("GET", []) => list(state, request, object_type),
        ("POST", ["search"]) => search::run(state, object_type, &body),
        ("POST", ["batch", "create"]) => batch_create(state, caller, object_type, &body),
        ("POST", ["batch", "read"]) => batch_read(state, object_type, &body),
        ("POST", ["batch", "archive"]) => batch_archive(state, object_type, &body),
        ("GET", [id]) => read(state, request, object_type, id),
        ("PATCH", [id]) => update(state, request, object_type, id, &body),
        ("DELETE", [id]) => archive(state, object_type, id),
        _ => Err(error(404, "OBJECT_NOT_FOUND", "Resource not found")),
    };
    result.unwrap_or_else(|r| r)
}

fn read(state: &State, request: &Request, object_type: &str, id: &str) -> HsResult<Response> {
    let id_property = request.query_param("idProperty");
    let object =
        find(state, object_type, id, id_property.as_deref())?.ok_or_else(|| not_found(id))?;
    let selection = selection_from(request.query_list("properties"));
    let associations = request.query_list("associations");
    Ok(Response::json(
        200,
        &object_json(&object, &selection, associations.as_deref(), state),
    ))
}

fn update(
    state: &State,
    request: &Request,
    object_type: &str,
    id: &str,
    body: &Value,
) -> HsResult<Response> {
    let id_property = request.query_param("idProperty");
    let mut object =
        find(state, object_type, id, id_property.as_deref())?.ok_or_else(|| not_found(id))?;
    let props = check_properties(
        object_type,
        body.get("properties").unwrap_or(&Value::Null),
        false,
    )?;
    if object_type == "contacts" {
        if let Some(email) = props
            .get("email")
            .and_then(Value::as_str)
            .filter(|e| !e.is_empty())
        {
            if let Some(existing) = existing_contact_with_email(state, email, Some(object.id))? {
                return Err(conflict(existing));
            }
        }
    }
    for (k, v) in props {
        object.properties.insert(k, v);
    }
    object.updated_ms = clock::now_ms();
    state.store.hs_update(&object).map_err(storage)?;
    Ok(Response::json(
        200,
        &object_json(&object, &Selection::All, None, state),
    ))
}

fn archive(state: &State, object_type: &str, id: &str) -> HsResult<Response> {
    // Archiving something already gone is a no-op 204, like HubSpot.
    if let Some(mut object) = find(state, object_type, id, None)? {
        object.archived = true;
        object.updated_ms = clock::now_ms();
        state.store.hs_update(&object).map_err(storage)?;
    }
    Ok(Response::empty(204))
}

fn list(state: &State, request: &Request, object_type: &str) -> HsResult<Response> {
    let limit = request
        .query_param("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .unwrap_or(10)
        .clamp(1, 100);
    let after = request
        .query_param("after")
        .and_then(|a| a.parse::<i64>().ok())
        .unwrap_or(0);
    let archived = request.query_param("archived").is_some_and(|a| a == "true");
    let selection = selection_from(request.query_list("properties"));
    let associations = request.query_list("associations");
    let all: Vec<HsObject> = state
        .store
        .hs_page(object_type, archived, after, limit.saturating_add(1))
        .map_err(storage)?;
    let page: Vec<Value> = all
        .iter()
        .take(limit)
        .map(|o| object_json(o, &selection, associations.as_deref(), state))
        .collect();
    let mut body = json!({"results": page});
    if all.len() > limit {
        let next = all[limit - 1].id.to_string();
        body["paging"] =
            json!({"next": {"after": next, "link": format!("{}?after={next}", request.path)}});
    }
    Ok(Response::json(200, &body))
}

/// `PUT /crm/v4/objects/{from}/{id}/associations/default/{to}/{toId}`.
pub fn associate_default(
    state: &mut State,
    request: &Request,
    from: &str,
    from_id: &str,
    to: &str,
    to_id: &str,
) -> Response {
    if request.method != "PUT" {
        return error(
            405,
            "METHOD_NOT_ALLOWED",
            "Use PUT to create a default association",
        );
    }
    let (Some(from), Some(to)) = (canonical_type(from), canonical_type(to)) else {
        return error(400, "VALIDATION_ERROR", "Unknown object type");
    };
    let Some(type_id) = properties::default_association(from, to) else {
        return error(
            400,
            "VALIDATION_ERROR",
            &format!("No default association from {from} to {to}"),
        );
    };
    let result = (|| {
        let mut source = find(state, from, from_id, None)?.ok_or_else(|| not_found(from_id))?;
        find(state, to, to_id, None)?.ok_or_else(|| not_found(to_id))?;
        let entry = json!({"toObjectType": to, "toObjectId": to_id, "associationTypeId": type_id});
        if !source.associations.contains(&entry) {
            source.associations.push(entry);
            source.updated_ms = clock::now_ms();
            state.store.hs_update(&source).map_err(storage)?;
        }
        Ok(Response::json(
            200,
            &json!({
                "status": "COMPLETE",
                "results": [{
                    "from": {"id": from_id}, "to": {"id": to_id},
                    "associationSpec": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}
                }],
                "startedAt": clock::iso_datetime(clock::now_ms()),
                "completedAt": clock::iso_datetime(clock::now_ms()),
            }),
        ))
    })();
    result.unwrap_or_else(|r| r)
}

//! Checking create/update input: known properties, e-mail and owner values, associations,
//! the duplicate-email conflict; plus storing and finding objects.

use serde_json::{json, Value};

use super::caller::HsCaller;
use super::errors::{error, error_with};
use super::properties::{self, association_target};
use crate::clock;
use crate::http::Response;
use crate::org::State;
use crate::seed;
use crate::store::{Fields, HsObject};

pub(super) type HsResult<T> = Result<T, Response>;

pub(super) fn storage(e: rusqlite::Error) -> Response {
    error(
        500,
        "INTERNAL_ERROR",
        &format!("sandbox storage error: {e}"),
    )
}

fn invalid_properties(items: Vec<Value>) -> Response {
    let message = format!(
        "Property values were not valid: {}",
        Value::Array(items.clone())
    );
    let errors: Vec<Value> = items
        .iter()
        .map(|i| json!({"message": i.get("message"), "code": i.get("error"), "context": {"propertyName": [i.get("name")]}}))
        .collect();
    error_with(400, "VALIDATION_ERROR", &message, json!({"errors": errors}))
}

fn invalid_item(name: &str, code: &str, message: &str) -> Value {
    json!({"isValid": false, "message": message, "error": code, "name": name, "localizedErrorMessage": message, "portalId": seed::HUB_ID})
}

/// Validates and normalises properties (values become strings).
pub(super) fn check_properties(
    object_type: &str,
    input: &Value,
    creating: bool,
) -> HsResult<Fields> {
    let mut out = Fields::new();
    let Some(map) = input.as_object() else {
        return if input.is_null() && !creating {
            Ok(out)
        } else {
            Err(error(
                400,
                "VALIDATION_ERROR",
                "Invalid input JSON: properties must be an object",
            ))
        };
    };
    let known = properties::known(object_type);
    let mut problems = Vec::new();
    for (name, value) in map {
        let text = match value {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            other => other.to_string(),
        };
        if !known.contains(&name.as_str()) {
            problems.push(invalid_item(
                name,
                "PROPERTY_DOESNT_EXIST",
                &format!("Property \"{name}\" does not exist"),
            ));
            continue;
        }
        if name == "email" && !text.is_empty() && !crate::email::is_plausible(&text) {
            problems.push(invalid_item(
                name,
                "INVALID_EMAIL",
                &format!("Email address {text} is invalid"),
            ));
            continue;
        }
        if name == "hubspot_owner_id" && !text.is_empty() {
            let active = seed::USERS
                .iter()
                .any(|u| u.active && u.hs_owner_id.to_string() == text);
            if !active {
                problems.push(invalid_item(name, "INVALID_OPTION", &format!("{text} was not one of the allowed options: the ids of this account's active owners")));
                continue;
            }
        }
        if let Some(allowed) = properties::options(object_type, name) {
            if !text.is_empty() && !allowed.contains(&text.as_str()) {
                let message = format!(
                    "{text} was not one of the allowed options: [{}]",
                    allowed.join(", ")
                );
                problems.push(invalid_item(name, "INVALID_OPTION", &message));
                continue;
            }
        }
        let text = if name == "email" {
            text.to_ascii_lowercase()
        } else {
            text
        };
        out.insert(name.clone(), json!(text));
    }
    if creating
        && properties::is_engagement(object_type)
        && out.get("hs_timestamp").is_none_or(|v| v == "")
    {
        problems.push(invalid_item(
            "hs_timestamp",
            "REQUIRED",
            "hs_timestamp is required",
        ));
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(invalid_properties(problems))
    }
}

pub(super) fn check_associations(
    state: &State,
    object_type: &str,
    input: Option<&Value>,
) -> HsResult<Vec<Value>> {
    let Some(list) = input.and_then(Value::as_array) else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for assoc in list {
        let to_id = assoc
            .get("to")
            .and_then(|t| t.get("id"))
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .unwrap_or_default();
        let types = assoc
            .get("types")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if types.is_empty() {
            return Err(error(
                400,
                "VALIDATION_ERROR",
                "Each association needs at least one type",
            ));
        }
        for t in types {
            let type_id = t
                .get("associationTypeId")
                .and_then(Value::as_u64)
                .unwrap_or(0);
            let category = t
                .get("associationCategory")
                .and_then(Value::as_str)
                .unwrap_or("");
            let Some(target) =
                association_target(object_type, type_id).filter(|_| category == "HUBSPOT_DEFINED")
            else {
                return Err(error(
                    400,
                    "VALIDATION_ERROR",
                    &format!(
                        "{category} {type_id} is not a valid association type from {object_type}"
                    ),
                ));
            };
            let exists = to_id
                .parse::<i64>()
                .ok()
                .and_then(|id| state.store.hs_get(target, id).ok().flatten())
                .is_some_and(|o| !o.archived);
            if !exists {
                return Err(error(
                    400,
                    "VALIDATION_ERROR",
                    &format!(
                        "One or more associations are invalid: {target} {to_id} does not exist"
                    ),
                ));
            }
            out.push(
                json!({"toObjectType": target, "toObjectId": to_id, "associationTypeId": type_id}),
            );
        }
    }
    Ok(out)
}

pub(super) fn existing_contact_with_email(
    state: &State,
    email: &str,
    except: Option<i64>,
) -> HsResult<Option<i64>> {
    Ok(state
        .store
        .hs_find("contacts", "email", email)
        .map_err(storage)?
        .into_iter()
        .filter(|o| !o.archived && Some(o.id) != except)
        .find(|o| {
            o.properties
                .get("email")
                .and_then(Value::as_str)
                .is_some_and(|e| e.eq_ignore_ascii_case(email))
        })
        .map(|o| o.id))
}

pub(super) fn conflict(existing: i64) -> Response {
    error(
        409,
        "CONFLICT",
        &format!("Contact already exists. Existing ID: {existing}"),
    )
}

/// Validates one create input; `None` pending ids in the same batch are checked by the caller.
pub(super) fn prepare(
    state: &State,
    object_type: &str,
    input: &Value,
) -> HsResult<(Fields, Vec<Value>)> {
    let props = check_properties(
        object_type,
        input.get("properties").unwrap_or(&Value::Null),
        true,
    )?;
    if object_type == "contacts" {
        if let Some(email) = props
            .get("email")
            .and_then(Value::as_str)
            .filter(|e| !e.is_empty())
        {
            if let Some(existing) = existing_contact_with_email(state, email, None)? {
                return Err(conflict(existing));
            }
        }
    }
    let assoc = check_associations(state, object_type, input.get("associations"))?;
    Ok((props, assoc))
}

pub(super) fn insert(
    state: &State,
    caller: &HsCaller,
    object_type: &str,
    mut props: Fields,
    assoc: Vec<Value>,
) -> HsResult<HsObject> {
    let now = clock::now_ms();
    if let Some(user_id) = caller.created_by() {
        props.insert("hs_created_by_user_id".into(), json!(user_id));
    }
    let id = state
        .store
        .hs_insert(object_type, &props, &assoc, now)
        .map_err(storage)?;
    Ok(HsObject {
        id,
        object_type: object_type.into(),
        properties: props,
        associations: assoc,
        created_ms: now,
        updated_ms: now,
        archived: false,
    })
}

pub(super) fn find(
    state: &State,
    object_type: &str,
    id: &str,
    id_property: Option<&str>,
) -> HsResult<Option<HsObject>> {
    Ok(match id_property.filter(|p| *p != "hs_object_id") {
        Some(property) => state
            .store
            .hs_find(object_type, property, id)
            .map_err(storage)?
            .into_iter()
            .filter(|o| !o.archived)
            .find(|o| {
                o.properties
                    .get(property)
                    .and_then(Value::as_str)
                    .is_some_and(|v| v.eq_ignore_ascii_case(id))
            }),
        None => match id.parse::<i64>() {
            Ok(n) => state
                .store
                .hs_get(object_type, n)
                .map_err(storage)?
                .filter(|o| !o.archived),
            Err(_) => None,
        },
    })
}

pub(super) fn not_found(id: &str) -> Response {
    error_with(
        404,
        "OBJECT_NOT_FOUND",
        "Object not found.  objectId are usually numeric.",
        json!({"context": {"id": [id]}}),
    )
}

pub(super) fn create_input(
    state: &State,
    caller: &HsCaller,
    object_type: &str,
    input: &Value,
) -> HsResult<HsObject> {
    let (props, assoc) = prepare(state, object_type, input)?;
    insert(state, caller, object_type, props, assoc)
}

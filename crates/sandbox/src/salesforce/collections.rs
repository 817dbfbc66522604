//! sObject Collections: `composite/sobjects` create (POST), update (PATCH), delete (DELETE
//! `?ids=`) and retrieve (GET/POST `composite/sobjects/{Object}`), up to 200 records, with
//! per-record SaveResults whose errors use `statusCode`.

use serde_json::{json, Value};

use super::context::Ctx;
use super::errors::SfError;
use super::records::{self, record_json};
use super::schema;

const MAX_RECORDS: usize = 200;
const ROLLED_BACK: &str =
    "Record rolled back because not all records were valid and the request was using AllOrNone header";

fn too_many() -> SfError {
    SfError::new(
        400,
        "EXCEEDED_ID_LIMIT",
        format!(
            "record limit reached. cannot submit more than {MAX_RECORDS} records into this call"
        ),
    )
}

fn records_of(body: &Value) -> Result<&Vec<Value>, SfError> {
    let records = body
        .get("records")
        .and_then(Value::as_array)
        .ok_or_else(|| SfError::json_parser("records is required"))?;
    if records.len() > MAX_RECORDS {
        return Err(too_many());
    }
    Ok(records)
}

fn type_of(record: &Value) -> Result<String, SfError> {
    record
        .get("attributes")
        .and_then(|a| a.get("type"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| SfError::new(400, "INVALID_TYPE", "Must send a concrete entity type."))
}

/// The record's `Id` (field names are case-insensitive: jsforce sends `id`).
fn id_of(record: &Value) -> Option<String> {
    record.as_object().and_then(|map| {
        map.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("Id"))
            .and_then(|(_, v)| v.as_str())
            .map(str::to_string)
    })
}

fn failure(id: Option<&str>, error: &SfError) -> Value {
    let mut out = json!({"success": false, "errors": [error.collection_item()]});
    if let Some(id) = id {
        out["id"] = json!(id);
    }
    out
}

fn finish(ctx: &Ctx, mut results: Vec<(bool, Value)>, all_or_none: bool) -> Result<Value, SfError> {
    let failed = results.iter().any(|(ok, _)| !ok);
    if all_or_none && failed {
        ctx.store.rollback("collection")?;
        for (ok, result) in results.iter_mut() {
            if *ok {
                let id = result.get("id").cloned();
                let mut replaced = json!({"success": false, "errors": [{"statusCode": "ALL_OR_NONE_OPERATION_ROLLED_BACK", "message": ROLLED_BACK, "fields": []}]});
                if let Some(id) = id {
                    replaced["id"] = id;
                }
                *result = replaced;
            }
        }
    } else {
        ctx.store.release("collection")?;
    }
    Ok(Value::Array(results.into_iter().map(|(_, v)| v).collect()))
}

/// `POST composite/sobjects`.
pub fn create(ctx: &Ctx, body: &Value) -> Result<Value, SfError> {
    let records = records_of(body)?;
    let all_or_none = body
        .get("allOrNone")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    ctx.store.savepoint("collection")?;
    let mut results = Vec::new();
    for record in records {
        let outcome = type_of(record).and_then(|object| {
            if id_of(record).is_some() {
                return Err(SfError::field(
                    "INVALID_FIELD",
                    "Records in a create request can't have an ID.",
                    &[],
                ));
            }
            let mut fields = record.clone();
            if let Some(map) = fields.as_object_mut() {
                map.remove("attributes");
            }
            records::create(ctx, &object, &fields)
        });
        results.push(match outcome {
            Ok(id) => (true, json!({"id": id, "success": true, "errors": []})),
            Err(e) => (false, failure(None, &e)),
        });
    }
    finish(ctx, results, all_or_none)
}

/// `PATCH composite/sobjects`.
pub fn update(ctx: &Ctx, body: &Value) -> Result<Value, SfError> {
    let records = records_of(body)?;
    let all_or_none = body
        .get("allOrNone")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    ctx.store.savepoint("collection")?;
    let mut results = Vec::new();
    for record in records {
        let id = id_of(record);
        let outcome = type_of(record).and_then(|object| {
            let id = id.clone().ok_or_else(|| {
                SfError::new(
                    400,
                    "MISSING_ARGUMENT",
                    "Id not specified in an update call",
                )
            })?;
            let mut fields = record.clone();
            if let Some(map) = fields.as_object_mut() {
                map.remove("attributes");
            }
            records::update(ctx, &object, &id, &fields).map(|_| id)
        });
        results.push(match outcome {
            Ok(id) => (true, json!({"id": id, "success": true, "errors": []})),
            Err(e) => (false, failure(id.as_deref(), &e)),
        });
    }
    finish(ctx, results, all_or_none)
}

/// `DELETE composite/sobjects?ids=a,b`.
pub fn delete(ctx: &Ctx, ids: &str, all_or_none: bool) -> Result<Value, SfError> {
    let ids: Vec<&str> = ids
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if ids.len() > MAX_RECORDS {
        return Err(too_many());
    }
    ctx.store.savepoint("collection")?;
    let mut results = Vec::new();
    for id in ids {
        results.push(match records::delete(ctx, None, id) {
            Ok(id) => (true, json!({"id": id, "success": true, "errors": []})),
            Err(e) if e.code == "NOT_FOUND" => (
                false,
                failure(
                    Some(id),
                    &SfError::new(400, "ENTITY_IS_DELETED", "entity is deleted"),
                ),
            ),
            Err(e) => (false, failure(Some(id), &e)),
        });
    }
    finish(ctx, results, all_or_none)
}

/// `GET composite/sobjects/{Object}?ids=&fields=` (or POST with `{ids, fields}`).
pub fn retrieve(
    ctx: &Ctx,
    object: &str,
    ids: &[String],
    fields: Option<Vec<String>>,
) -> Result<Value, SfError> {
    let def = schema::object(object).ok_or_else(SfError::not_found)?;
    if ids.len() > 2000 {
        return Err(too_many());
    }
    let mut out = Vec::new();
    for id in ids {
        match records::load(ctx, def, id) {
            Ok((_, record)) => out.push(record_json(ctx, def, &record, fields.as_deref())),
            Err(_) => out.push(Value::Null),
        }
    }
    Ok(Value::Array(out))
}

//! sObject create, retrieve, update and delete with the org's rules: field checks, required
//! fields, lengths, owner validation, the duplicate rule and the Lead assignment rule.

use serde_json::{json, Map, Value};

use super::context::Ctx;
use super::errors::SfError;
use super::schema::{self, ObjectDef};
use super::validate::{check_fields, check_required, Mode};
use crate::clock;
use crate::ids;
use crate::seed;
use crate::store::Fields;

const NO_ACCESS: &str = "You do not have the level of access necessary to perform the operation you requested. Please contact the owner of the record or your administrator if access is necessary.";

/// Looks an object up for a write; unknown objects are 404 like the real API.
pub fn writable_object(ctx: &Ctx, name: &str) -> Result<&'static ObjectDef, SfError> {
    let object = schema::object(name).ok_or_else(SfError::not_found)?;
    if !object.writable {
        return Err(SfError::new(
            400,
            "INSUFFICIENT_ACCESS_OR_READONLY",
            format!("The sandbox does not allow API writes to {}", object.name),
        ));
    }
    if !ctx.caller.profile.can_write() {
        return Err(SfError::new(
            400,
            "INSUFFICIENT_ACCESS_OR_READONLY",
            NO_ACCESS,
        ));
    }
    Ok(object)
}

/// `POST sobjects/{Object}`: returns the new id.
pub fn create(ctx: &Ctx, object_name: &str, body: &Value) -> Result<String, SfError> {
    let object = writable_object(ctx, object_name)?;
    let input = body
        .as_object()
        .ok_or_else(|| SfError::json_parser("Expected a JSON object for the sObject data"))?;
    if input.keys().any(|k| k.eq_ignore_ascii_case("Id")) {
        return Err(SfError::field(
            "INVALID_FIELD",
            "The Id field should not be specified in the sobject data.",
            &[],
        ));
    }
    let values = check_fields(ctx, object, input, Mode::Create)?;
    let mut record = Fields::new();
    for (name, value) in values {
        record.insert(name, value);
    }
    // Defaults.
    for field in &object.fields {
        if field.defaulted && record.get(field.name).is_none_or(Value::is_null) {
            let default = match field.name {
                "OwnerId" => json!(ctx.caller.user_id),
                _ => field
                    .picklist
                    .first()
                    .map(|v| json!(v))
                    .unwrap_or(Value::Null),
            };
            record.insert(field.name.to_string(), default);
        }
    }
    check_required(object, &record)?;
    if object.name == "Contact" || object.name == "Lead" {
        check_duplicates(ctx, object, &record)?;
    }
    if object.name == "Lead" && ctx.auto_assign && ctx.store.flag("lead_assignment_rule")? {
        if let Some((owner, _)) = seed::user_by_email(seed::LEAD_QUEUE_OWNER) {
            record.insert("OwnerId".into(), json!(owner));
        }
    }
    let id = ctx.store.next_sf_id(object.key_prefix)?;
    let now = clock::sf_datetime(clock::now_ms());
    record.insert("Id".into(), json!(id));
    record.insert("IsDeleted".into(), json!(false));
    record.insert("CreatedById".into(), json!(ctx.caller.user_id));
    record.insert("CreatedDate".into(), json!(now));
    record.insert("LastModifiedById".into(), json!(ctx.caller.user_id));
    record.insert("LastModifiedDate".into(), json!(now));
    record.insert("SystemModstamp".into(), json!(now));
    if object.name == "Lead" {
        record.insert("IsConverted".into(), json!(false));
    }
    compute_name(object, &mut record);
    ctx.store.sf_insert(object.name, &record)?;
    Ok(id)
}

/// `PATCH sobjects/{Object}/{id}`.
pub fn update(ctx: &Ctx, object_name: &str, id: &str, body: &Value) -> Result<(), SfError> {
    let object = writable_object(ctx, object_name)?;
    let (id, mut record) = load(ctx, object, id)?;
    let input = body
        .as_object()
        .ok_or_else(|| SfError::json_parser("Expected a JSON object for the sObject data"))?;
    let mut input = input.clone();
    // Collections PATCH carries the Id (and attributes) in each record.
    let id_key = input.keys().find(|k| k.eq_ignore_ascii_case("Id")).cloned();
    if let Some(given) = id_key.and_then(|k| input.remove(&k)) {
        if given.as_str().and_then(ids::normalize).as_deref() != Some(id.as_str()) {
            return Err(SfError::field(
                "INVALID_FIELD",
                "The Id field should not be specified in the sobject data.",
                &[],
            ));
        }
    }
    let values = check_fields(ctx, object, &input, Mode::Update)?;
    for (name, value) in values {
        record.insert(name, value);
    }
    check_required(object, &record)?;
    let now = clock::sf_datetime(clock::now_ms());
    record.insert("LastModifiedById".into(), json!(ctx.caller.user_id));
    record.insert("LastModifiedDate".into(), json!(now));
    record.insert("SystemModstamp".into(), json!(now));
    compute_name(object, &mut record);
    ctx.store.sf_update(&id, &record)?;
    Ok(())
}

/// `DELETE sobjects/{Object}/{id}` (object `None`: any type, for Collections).
pub fn delete(ctx: &Ctx, object_name: Option<&str>, id: &str) -> Result<String, SfError> {
    let object = match object_name {
        Some(name) => writable_object(ctx, name)?,
        None => {
            let object = ids::normalize(id)
                .and_then(|id| schema::object_for_id(&id))
                .ok_or_else(|| SfError::new(400, "MALFORMED_ID", format!("malformed id {id}")))?;
            writable_object(ctx, object.name)?
        }
    };
    let (id, _) = load(ctx, object, id)?;
    ctx.store.sf_delete(&id)?;
    Ok(id)
}

/// Loads a record of `object` by id; 404 NOT_FOUND otherwise.
pub fn load(ctx: &Ctx, object: &ObjectDef, id: &str) -> Result<(String, Fields), SfError> {
    let id = ids::normalize(id).ok_or_else(|| {
        SfError::new(
            404,
            "NOT_FOUND",
            format!("Provided external ID field does not exist or is not accessible: {id}"),
        )
    })?;
    match ctx.store.sf_get(&id)? {
        Some((found, fields)) if found == object.name => Ok((id, fields)),
        _ => Err(SfError::not_found()),
    }
}

/// `GET sobjects/{Object}/{id}[?fields=a,b]`.
pub fn retrieve(
    ctx: &Ctx,
    object_name: &str,
    id: &str,
    fields: Option<&[String]>,
) -> Result<Value, SfError> {
    let object = schema::object(object_name).ok_or_else(SfError::not_found)?;
    let (_, record) = load(ctx, object, id)?;
    if let Some(fields) = fields {
        for f in fields {
            if object.field(f).is_none() {
                return Err(SfError::new(
                    400,
                    "INVALID_FIELD",
                    format!("No such column '{f}' on entity '{}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.", object.name),
                ));
            }
        }
    }
    Ok(record_json(ctx, object, &record, fields))
}

/// A record as the REST API returns it: `attributes` first, then fields in schema order.
pub fn record_json(
    ctx: &Ctx,
    object: &ObjectDef,
    record: &Fields,
    fields: Option<&[String]>,
) -> Value {
    let mut out = Map::new();
    let id = record.get("Id").and_then(Value::as_str).unwrap_or_default();
    out.insert(
        "attributes".into(),
        json!({"type": object.name, "url": format!("/services/data/{}/sobjects/{}/{id}", ctx.version, object.name)}),
    );
    match fields {
        Some(fields) => {
            for f in fields {
                if let Some(def) = object.field(f) {
                    out.insert(
                        def.name.into(),
                        record.get(def.name).cloned().unwrap_or(Value::Null),
                    );
                }
            }
        }
        None => {
            for def in &object.fields {
                out.insert(
                    def.name.into(),
                    record.get(def.name).cloned().unwrap_or(Value::Null),
                );
            }
        }
    }
    Value::Object(out)
}

fn check_duplicates(ctx: &Ctx, object: &ObjectDef, record: &Fields) -> Result<(), SfError> {
    if ctx.allow_save_duplicates || !ctx.store.flag("duplicate_rule")? {
        return Ok(());
    }
    let Some(email) = record.get("Email").and_then(Value::as_str) else {
        return Ok(());
    };
    let matches: Vec<String> = ctx
        .store
        .sf_find(object.name, "Email", &[email.to_string()])?
        .into_iter()
        .map(|(_, r)| r)
        .filter(|r| {
            r.get("Email")
                .and_then(Value::as_str)
                .is_some_and(|e| e.eq_ignore_ascii_case(email))
        })
        .filter_map(|r| r.get("Id").and_then(Value::as_str).map(str::to_string))
        .collect();
    if matches.is_empty() {
        return Ok(());
    }
    Err(duplicates_error(ctx, object.name, &matches))
}

/// The DUPLICATES_DETECTED error with its (misspelled) `duplicateResut` detail.
pub fn duplicates_error(ctx: &Ctx, object: &str, matches: &[String]) -> SfError {
    let message = "Use one of these records?";
    let (rule, match_rule) = if object == "Lead" {
        (
            "Standard_Lead_Duplicate_Rule",
            "Standard_Lead_Match_Rule_v1_0",
        )
    } else {
        (
            "Standard_Contact_Duplicate_Rule",
            "Standard_Contact_Match_Rule_v1_1",
        )
    };
    let match_records: Vec<Value> = matches
        .iter()
        .map(|id| {
            json!({
                "additionalInformation": [],
                "fieldDiffs": [],
                "matchConfidence": 100.0,
                "record": {
                    "attributes": {"type": object, "url": format!("/services/data/{}/sobjects/{object}/{id}", ctx.version)},
                    "Id": id
                }
            })
        })
        .collect();
    let mut error = SfError::new(400, "DUPLICATES_DETECTED", message);
    error.extra.insert(
        "duplicateResut".into(),
        json!({
            "allowSave": true,
            "duplicateRule": rule,
            "duplicateRuleEntityType": object,
            "errorMessage": message,
            "matchResults": [{
                "entityType": object,
                "errors": [],
                "matchEngine": "ExactMatchEngine",
                "matchRecords": match_records,
                "rule": match_rule,
                "size": matches.len(),
                "success": true
            }]
        }),
    );
    error
}

fn compute_name(object: &ObjectDef, record: &mut Fields) {
    if matches!(object.name, "Contact" | "Lead") {
        let part = |k: &str| {
            record
                .get(k)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let name = format!("{} {}", part("FirstName"), part("LastName"));
        record.insert("Name".into(), json!(name.trim()));
    }
}

//! Field checks shared by create and update: names and access, value types, lengths, e-mail
//! and date shapes, restricted picklists, lookups (owner validity), required fields.

use serde_json::{json, Map, Value};

use super::context::Ctx;
use super::errors::SfError;
use super::schema::{self, FieldDef, Kind, ObjectDef};
use crate::ids;
use crate::store::Fields;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// Create.
    Create,
    /// Update.
    Update,
}

/// Checks names, access, types, lengths and references; returns canonical names and values.
pub(super) fn check_fields(
    ctx: &Ctx,
    object: &ObjectDef,
    input: &Map<String, Value>,
    mode: Mode,
) -> Result<Vec<(String, Value)>, SfError> {
    let mut out = Vec::new();
    let mut not_writable = Vec::new();
    for (name, value) in input {
        if name == "attributes" {
            continue;
        }
        let Some(def) = object.field(name) else {
            return Err(SfError::new(
                400,
                "INVALID_FIELD",
                format!("No such column '{name}' on sobject of type {}", object.name),
            ));
        };
        let allowed = match mode {
            Mode::Create => def.createable,
            Mode::Update => def.updateable,
        };
        if !allowed {
            not_writable.push(def.name);
            continue;
        }
        out.push((def.name.to_string(), coerce(def, value)?));
    }
    if !not_writable.is_empty() {
        return Err(SfError::field(
            "INVALID_FIELD_FOR_INSERT_UPDATE",
            format!(
                "Unable to create/update fields: {}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.",
                not_writable.join(", ")
            ),
            &not_writable,
        ));
    }
    for (name, value) in &mut out {
        let Some(def) = object.field(name) else {
            continue;
        };
        check_value(ctx, object, def, value)?;
    }
    Ok(out)
}

fn coerce(def: &FieldDef, value: &Value) -> Result<Value, SfError> {
    let bad = || {
        SfError::json_parser(format!(
            "Cannot deserialize instance of {} from {} value for field {}",
            def.kind.describe_type(),
            match value {
                Value::Array(_) => "START_ARRAY",
                Value::Object(_) => "START_OBJECT",
                _ => "VALUE",
            },
            def.name
        ))
    };
    Ok(match (def.kind, value) {
        (_, Value::Null) => Value::Null,
        (Kind::Boolean, Value::Bool(_)) => value.clone(),
        (Kind::Boolean, Value::String(s)) if s == "true" || s == "false" => json!(s == "true"),
        (Kind::Boolean, _) => return Err(bad()),
        (_, Value::String(s)) if s.is_empty() => Value::Null,
        (_, Value::String(_)) => value.clone(),
        (_, Value::Number(n)) if def.kind.is_text() => json!(n.to_string()),
        (_, Value::Bool(b)) if def.kind.is_text() => json!(b.to_string()),
        _ => return Err(bad()),
    })
}

fn check_value(
    ctx: &Ctx,
    object: &ObjectDef,
    def: &FieldDef,
    value: &mut Value,
) -> Result<(), SfError> {
    let Some(text) = value.as_str().map(str::to_string) else {
        return Ok(());
    };
    if def.kind.is_text() && def.length > 0 && text.chars().count() > def.length as usize {
        return Err(SfError::field(
            "STRING_TOO_LONG",
            format!(
                "{}: data value too large: {} (max length={})",
                def.label, text, def.length
            ),
            &[def.name],
        ));
    }
    match def.kind {
        Kind::Email if !crate::email::is_plausible(&text) => Err(SfError::field(
            "INVALID_EMAIL_ADDRESS",
            format!("{}: invalid email address: {text}", def.label),
            &[def.name],
        )),
        Kind::Date if !valid_date(&text) => Err(SfError::json_parser(format!(
            "Cannot deserialize instance of date from VALUE_STRING value {text} or request may be missing a required field"
        ))),
        Kind::Picklist if def.name == "TaskSubtype" && !def.picklist.contains(&text.as_str()) => {
            Err(SfError::field(
                "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                format!("{}: bad value for restricted picklist field: {text}", def.label),
                &[def.name],
            ))
        }
        Kind::Reference => {
            let id = check_reference(ctx, object, def, &text)?;
            *value = json!(id);
            Ok(())
        }
        _ => Ok(()),
    }
}

fn check_reference(
    ctx: &Ctx,
    object: &ObjectDef,
    def: &FieldDef,
    text: &str,
) -> Result<String, SfError> {
    let malformed = || {
        SfError::field(
            "MALFORMED_ID",
            format!("{}: id value of incorrect type: {text}", def.label),
            &[def.name],
        )
    };
    let id = ids::normalize(text).ok_or_else(malformed)?;
    let target = schema::object_for_id(&id)
        .filter(|o| def.reference_to.contains(&o.name))
        .ok_or_else(malformed)?;
    let found = ctx.store.sf_get(&id)?;
    let Some((found_object, record)) = found.filter(|(o, _)| o == target.name) else {
        return Err(SfError::field(
            "INVALID_CROSS_REFERENCE_KEY",
            "invalid cross reference id",
            &[def.name],
        ));
    };
    if found_object == "User" && record.get("IsActive") != Some(&json!(true)) {
        return Err(SfError::field(
            "INACTIVE_OWNER_OR_USER",
            format!(
                "operation performed with inactive user [{id}] as owner of {}",
                object.name.to_ascii_lowercase()
            ),
            &[def.name],
        ));
    }
    Ok(id)
}

pub(super) fn check_required(object: &ObjectDef, record: &Fields) -> Result<(), SfError> {
    let missing: Vec<&str> = object
        .fields
        .iter()
        .filter(|f| f.required)
        .filter(|f| match record.get(f.name) {
            None | Some(Value::Null) => true,
            Some(Value::String(s)) => s.trim().is_empty(),
            _ => false,
        })
        .map(|f| f.name)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(SfError::field(
        "REQUIRED_FIELD_MISSING",
        format!("Required fields are missing: [{}]", missing.join(", ")),
        &missing,
    ))
}

fn valid_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 3
        && parts[0].len() == 4
        && parts[1].len() == 2
        && parts[2].len() == 2
        && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
        && matches!(parts[1].parse::<u32>(), Ok(1..=12))
        && matches!(parts[2].parse::<u32>(), Ok(1..=31))
}

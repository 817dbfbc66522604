//! Reads the JSON contract's input into typed values, naming the offending field on any error.

use serde_json::{Map, Value};

use crate::error::AttributionError;
use crate::model::{
    AppUser, Crm, CrmUser, DecisionInput, Held, Permission, PersonalConnection, PushMode,
    RecordKind, Source, TeamState,
};

/// Longest id, email or name accepted, in characters.
pub const MAX_TEXT_CHARS: usize = 256;
/// Most app users a team may list.
pub const MAX_APP_USERS: usize = 10_000;
/// Most CRM users a directory may list.
pub const MAX_CRM_USERS: usize = 100_000;

type Fields = Map<String, Value>;

/// Reads a `decide` input (see the crate docs for its shape).
pub fn parse_decision_input(value: &Value) -> Result<DecisionInput, AttributionError> {
    let fields = object(value, "input")?;
    Ok(DecisionInput {
        crm: required_enum(fields, "", "crm", Crm::parse, Crm::expected)?,
        source: required_enum(fields, "", "source", Source::parse, Source::expected)?,
        record: required_enum(
            fields,
            "",
            "record",
            RecordKind::parse,
            RecordKind::expected,
        )?,
        push: optional_enum(fields, "", "push", PushMode::parse, PushMode::expected)?
            .unwrap_or_default(),
        actor: required_text(fields, "", "actor")?,
        team: parse_team(required(fields, "", "team")?, "team")?,
    })
}

/// Reads a team state object (`users`, `team_sync`, `crm_users`).
pub fn parse_team(value: &Value, path: &str) -> Result<TeamState, AttributionError> {
    let fields = object(value, path)?;
    let users = list(
        required(fields, path, "users")?,
        &join(path, "users"),
        MAX_APP_USERS,
    )?
    .iter()
    .enumerate()
    .map(|(i, user)| parse_app_user(user, &format!("{path}.users[{i}]")))
    .collect::<Result<_, _>>()?;
    let crm_users = match optional(fields, "crm_users") {
        None => Vec::new(),
        Some(value) => list(value, &join(path, "crm_users"), MAX_CRM_USERS)?
            .iter()
            .enumerate()
            .map(|(i, user)| parse_crm_user(user, &format!("{path}.crm_users[{i}]")))
            .collect::<Result<_, _>>()?,
    };
    Ok(TeamState {
        users,
        team_sync: optional_text(fields, path, "team_sync")?,
        crm_users,
    })
}

/// Reads a personal connection object (`crm_user_id`, `email`, `permission`, and `held`, whose
/// absence means `team`).
pub fn parse_personal(value: &Value, path: &str) -> Result<PersonalConnection, AttributionError> {
    let fields = object(value, path)?;
    Ok(PersonalConnection {
        crm_user_id: required_text(fields, path, "crm_user_id")?,
        email: required_text(fields, path, "email")?,
        permission: required_enum(
            fields,
            path,
            "permission",
            Permission::parse,
            Permission::expected,
        )?,
        held: optional_enum(fields, path, "held", Held::parse, Held::expected)?.unwrap_or_default(),
    })
}

/// Reads an optional CRM name (`crm`) from an object, for the options-page checks.
pub(crate) fn optional_crm(fields: &Fields) -> Result<Option<Crm>, AttributionError> {
    optional_enum(fields, "", "crm", Crm::parse, Crm::expected)
}

fn parse_app_user(value: &Value, path: &str) -> Result<AppUser, AttributionError> {
    let fields = object(value, path)?;
    let personal = match optional(fields, "personal") {
        None => None,
        Some(value) => Some(parse_personal(value, &join(path, "personal"))?),
    };
    Ok(AppUser {
        id: required_text(fields, path, "id")?,
        email: required_text(fields, path, "email")?,
        personal,
        owner_mapping: optional_text(fields, path, "owner_mapping")?,
    })
}

fn parse_crm_user(value: &Value, path: &str) -> Result<CrmUser, AttributionError> {
    let fields = object(value, path)?;
    let active = match optional(fields, "active") {
        None => true,
        Some(Value::Bool(active)) => *active,
        Some(other) => return Err(wrong_type(&join(path, "active"), "true or false", other)),
    };
    Ok(CrmUser {
        id: required_text(fields, path, "id")?,
        email: optional_text(fields, path, "email")?,
        active,
        name: optional_text(fields, path, "name")?,
    })
}

/// The object's fields, or an error naming `path`.
pub(crate) fn object<'a>(value: &'a Value, path: &str) -> Result<&'a Fields, AttributionError> {
    value
        .as_object()
        .ok_or_else(|| wrong_type(path, "an object", value))
}

fn list<'a>(value: &'a Value, path: &str, max: usize) -> Result<&'a [Value], AttributionError> {
    let items = value
        .as_array()
        .ok_or_else(|| wrong_type(path, "an array", value))?;
    if items.len() > max {
        return Err(AttributionError::invalid(
            path,
            format!("has {} entries, at most {max} are accepted", items.len()),
        ));
    }
    Ok(items)
}

/// A field that is present and not null.
fn optional<'a>(fields: &'a Fields, key: &str) -> Option<&'a Value> {
    fields.get(key).filter(|v| !v.is_null())
}

pub(crate) fn required<'a>(
    fields: &'a Fields,
    path: &str,
    key: &str,
) -> Result<&'a Value, AttributionError> {
    optional(fields, key)
        .ok_or_else(|| AttributionError::invalid(join(path, key), "is required but missing"))
}

pub(crate) fn required_text(
    fields: &Fields,
    path: &str,
    key: &str,
) -> Result<String, AttributionError> {
    text(required(fields, path, key)?, &join(path, key))
}

fn optional_text(
    fields: &Fields,
    path: &str,
    key: &str,
) -> Result<Option<String>, AttributionError> {
    optional(fields, key)
        .map(|value| text(value, &join(path, key)))
        .transpose()
}

/// A non-empty string of at most [`MAX_TEXT_CHARS`] characters without control characters.
fn text(value: &Value, path: &str) -> Result<String, AttributionError> {
    let text = value
        .as_str()
        .ok_or_else(|| wrong_type(path, "a string", value))?;
    let chars = text.chars().count();
    if text.trim().is_empty() {
        return Err(AttributionError::invalid(path, "must not be empty"));
    }
    if chars > MAX_TEXT_CHARS {
        return Err(AttributionError::invalid(
            path,
            format!("is {chars} characters long, at most {MAX_TEXT_CHARS} are accepted"),
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(AttributionError::invalid(
            path,
            "contains control characters",
        ));
    }
    Ok(text.to_owned())
}

fn required_enum<T>(
    fields: &Fields,
    path: &str,
    key: &str,
    parse: fn(&str) -> Option<T>,
    expected: fn() -> String,
) -> Result<T, AttributionError> {
    optional_enum(fields, path, key, parse, expected)?
        .ok_or_else(|| AttributionError::invalid(join(path, key), "is required but missing"))
}

fn optional_enum<T>(
    fields: &Fields,
    path: &str,
    key: &str,
    parse: fn(&str) -> Option<T>,
    expected: fn() -> String,
) -> Result<Option<T>, AttributionError> {
    let Some(value) = optional(fields, key) else {
        return Ok(None);
    };
    let field = join(path, key);
    let name = value
        .as_str()
        .ok_or_else(|| wrong_type(&field, "a string", value))?;
    parse(name).map(Some).ok_or_else(|| {
        AttributionError::invalid(
            field,
            format!(
                "unknown value \"{}\"; expected one of {}",
                excerpt(name),
                expected()
            ),
        )
    })
}

fn wrong_type(path: &str, expected: &str, got: &Value) -> AttributionError {
    let got = match got {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    AttributionError::invalid(path, format!("expected {expected}, got {got}"))
}

/// At most 40 characters of a value echoed in a message, control characters removed.
fn excerpt(text: &str) -> String {
    let mut short: String = text.chars().filter(|c| !c.is_control()).take(40).collect();
    if text.chars().count() > 40 {
        short.push('…');
    }
    short
}

pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

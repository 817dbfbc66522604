//! Reading error bodies of every shape the two CRMs send into one [`ApiError`].
//!
//! Shapes handled (sources in the crate docs):
//! - Salesforce REST: `[{"message", "errorCode", "fields", "duplicateResut"|"duplicateResult"}]`;
//!   sObject Collections use `statusCode` in place of `errorCode`.
//! - OAuth (both CRMs): `{"error", "error_description"}`; HubSpot legacy OAuth adds `status`.
//! - HubSpot: `{"status":"error", "message", "correlationId", "category", "subCategory",
//!   "errors":[{"message","in","code"}], "context"}`; old 429s carry `errorType`.

use serde_json::Value;

use super::hints::{hint_for, Crm};
use super::ApiError;

/// Turns an error response into an [`ApiError`]; never fails (unknown bodies keep the status
/// and up to 500 characters of text as the message).
pub fn api_error_from_response(crm: Crm, status: u16, body: &str) -> ApiError {
    let parsed: Option<Value> = serde_json::from_str(body).ok();
    let mut err = match parsed.as_ref() {
        Some(Value::Array(items)) => {
            from_sf_items(status, &sf_error_list(&Value::Array(items.clone())))
        }
        Some(Value::Object(map)) => {
            let v = Value::Object(map.clone());
            if let Some(code) = str_field(&v, "error") {
                oauth_error(status, code, &v)
            } else if v.get("category").is_some() || v.get("errorType").is_some() {
                hubspot_error(status, &v)
            } else if str_field(&v, "errorCode").is_some() {
                from_sf_items(status, &sf_error_list(&Value::Array(vec![v.clone()])))
            } else if let Some(code) = str_field(&v, "status").filter(|s| *s != "error") {
                blank(status, code, str_field(&v, "message").unwrap_or_default())
            } else {
                blank(
                    status,
                    &format!("HTTP_{status}"),
                    str_field(&v, "message").unwrap_or_default(),
                )
            }
        }
        _ => blank(status, &format!("HTTP_{status}"), &truncate(body, 500)),
    };
    err.hint = hint_for(crm, &err);
    err
}

/// One item of a Salesforce error array.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SfErrorItem {
    pub code: String,
    pub message: String,
    pub fields: Vec<String>,
    pub duplicate_ids: Vec<String>,
}

/// Reads a Salesforce error array (`errorCode` or Collections' `statusCode`).
pub(crate) fn sf_error_list(v: &Value) -> Vec<SfErrorItem> {
    let Some(items) = v.as_array() else {
        return Vec::new();
    };
    items
        .iter()
        .map(|item| SfErrorItem {
            code: str_field(item, "errorCode")
                .or_else(|| str_field(item, "statusCode"))
                .unwrap_or("UNKNOWN_ERROR")
                .to_string(),
            message: str_field(item, "message").unwrap_or_default().to_string(),
            fields: string_list(item.get("fields")),
            duplicate_ids: duplicate_ids_from_value(item),
        })
        .collect()
}

/// Record ids inside `duplicateResut` (sic, what the REST API really sends) or
/// `duplicateResult`: `matchResults[].matchRecords[].record.Id`.
pub(crate) fn duplicate_ids_from_value(item: &Value) -> Vec<String> {
    let dup = item
        .get("duplicateResut")
        .or_else(|| item.get("duplicateResult"));
    let mut ids = Vec::new();
    let results = dup
        .and_then(|d| d.get("matchResults"))
        .and_then(Value::as_array);
    for result in results.into_iter().flatten() {
        let records = result.get("matchRecords").and_then(Value::as_array);
        for rec in records.into_iter().flatten() {
            let id = rec
                .get("record")
                .and_then(|r| r.get("Id").or_else(|| r.get("id")))
                .and_then(Value::as_str);
            if let Some(id) = id {
                if !ids.iter().any(|x| x == id) {
                    ids.push(id.to_string());
                }
            }
        }
    }
    ids
}

/// The most telling item: the first that is not a `PROCESSING_HALTED` echo.
pub(crate) fn from_sf_items(status: u16, items: &[SfErrorItem]) -> ApiError {
    let main = items
        .iter()
        .find(|i| i.code != "PROCESSING_HALTED")
        .or_else(|| items.first());
    match main {
        Some(item) => ApiError {
            status,
            code: item.code.clone(),
            message: item.message.clone(),
            fields: item.fields.clone(),
            duplicate_ids: items.iter().flat_map(|i| i.duplicate_ids.clone()).collect(),
            hint: None,
        },
        None => blank(status, &format!("HTTP_{status}"), ""),
    }
}

fn oauth_error(status: u16, code: &str, v: &Value) -> ApiError {
    let message = str_field(v, "error_description")
        .or_else(|| str_field(v, "message"))
        .unwrap_or_default();
    blank(status, code, message)
}

fn hubspot_error(status: u16, v: &Value) -> ApiError {
    let code = str_field(v, "subCategory")
        .filter(|s| !s.is_empty() && !s.contains('.'))
        .or_else(|| str_field(v, "category"))
        .or_else(|| str_field(v, "errorType"))
        .unwrap_or("UNKNOWN_ERROR");
    let message = str_field(v, "message").unwrap_or_default();
    let mut fields: Vec<String> = v
        .get("errors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|e| str_field(e, "in").map(str::to_string))
        .collect();
    let (names, messages, inner_codes) = invalid_properties(message);
    fields.extend(names);
    // A property the account lacks is a setup problem, not a bad value: its own code (and hint).
    let code = if inner_codes.iter().any(|c| c == "PROPERTY_DOESNT_EXIST") {
        "PROPERTY_DOESNT_EXIST"
    } else {
        code
    };
    // "Property values were not valid: [{…json…}]" → the readable inner messages.
    let readable = messages.join("; ");
    let mut err = blank(
        status,
        code,
        if readable.is_empty() {
            message
        } else {
            &readable
        },
    );
    err.fields = fields;
    if status == 409 || code == "CONFLICT" || code == "OBJECT_ALREADY_EXISTS" {
        err.duplicate_ids = existing_id(message).into_iter().collect();
    }
    err
}

/// HubSpot's 400 embeds a JSON list: `Property values were not valid: [{…"message":"…",
/// "error":"INVALID_EMAIL","name":"email"}]` → (property names, messages, error codes).
fn invalid_properties(message: &str) -> (Vec<String>, Vec<String>, Vec<String>) {
    let parsed = message
        .find('[')
        .and_then(|start| serde_json::from_str::<Value>(&message[start..]).ok());
    let items = parsed
        .as_ref()
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let pick = |k: &str| -> Vec<String> {
        items
            .iter()
            .filter_map(|i| str_field(i, k).map(str::to_string))
            .collect()
    };
    (pick("name"), pick("message"), pick("error"))
}

/// `"Contact already exists. Existing ID: 12345"` → `12345`.
fn existing_id(message: &str) -> Option<String> {
    let idx = message.find("Existing ID:")?;
    let digits: String = message[idx + "Existing ID:".len()..]
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    (!digits.is_empty()).then_some(digits)
}

pub(crate) fn blank(status: u16, code: &str, message: &str) -> ApiError {
    ApiError {
        status,
        code: code.to_string(),
        message: message.to_string(),
        fields: Vec::new(),
        duplicate_ids: Vec::new(),
        hint: None,
    }
}

fn str_field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn string_list(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| s.as_str().map(str::to_string))
        .collect()
}

fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// A HubSpot error's code is its `subCategory` when that is a plain word; a dotted one
    /// (a property path) or an empty one leaves the `category`.
    #[test]
    fn a_hubspot_code_is_its_subcategory_only_when_that_is_a_word() {
        let code = |sub: &str| {
            let body = format!(
                r#"{{"status":"error","message":"m","category":"VALIDATION_ERROR","subCategory":"{sub}"}}"#
            );
            api_error_from_response(Crm::Hubspot, 400, &body).code
        };
        assert_eq!(code("INVALID_EMAIL"), "INVALID_EMAIL");
        assert_eq!(code("crm.properties.email"), "VALIDATION_ERROR");
        assert_eq!(code(""), "VALIDATION_ERROR");
    }

    /// Salesforce echoes `PROCESSING_HALTED` for the subrequests an `allOrNone` failure
    /// stopped: the error told is the one that stopped them, wherever it stands in the list.
    #[test]
    fn the_error_told_is_the_one_that_halted_the_rest() {
        let body = r#"[{"errorCode":"PROCESSING_HALTED","message":"halted"},
            {"errorCode":"REQUIRED_FIELD_MISSING","message":"Required fields are missing: [LastName]","fields":["LastName"]}]"#;
        let e = api_error_from_response(Crm::Salesforce, 400, body);
        assert_eq!(e.code, "REQUIRED_FIELD_MISSING");
        assert_eq!(e.fields, ["LastName"]);
        let only_halted = r#"[{"errorCode":"PROCESSING_HALTED","message":"halted"}]"#;
        let e = api_error_from_response(Crm::Salesforce, 400, only_halted);
        assert_eq!(e.code, "PROCESSING_HALTED");
    }

    #[test]
    fn salesforce_array_with_misspelled_duplicate_key() {
        let body = r#"[{"duplicateResut":{"allowSave":false,"matchResults":[{"matchRecords":[
            {"record":{"attributes":{"type":"Lead"},"Id":"00Q000000000001AAA"}},
            {"record":{"Id":"00Q000000000002AAA"}}]}]},
            "errorCode":"DUPLICATES_DETECTED","message":"Use one of these records?"}]"#;
        let e = api_error_from_response(Crm::Salesforce, 400, body);
        assert_eq!(e.code, "DUPLICATES_DETECTED");
        assert_eq!(
            e.duplicate_ids,
            ["00Q000000000001AAA", "00Q000000000002AAA"]
        );
        assert!(e.is_duplicate());
        assert!(e.hint.is_some());
    }

    #[test]
    fn hubspot_conflict_names_existing_id() {
        let body = r#"{"status":"error","message":"Contact already exists. Existing ID: 12345","correlationId":"x","category":"CONFLICT"}"#;
        let e = api_error_from_response(Crm::Hubspot, 409, body);
        assert_eq!(e.code, "CONFLICT");
        assert_eq!(e.duplicate_ids, ["12345"]);
    }

    /// The existing contact's id is read on any sign of a conflict: the 409 status whatever
    /// the category says, or either conflict category (which one HubSpot sends differs between
    /// API versions, see the CRM reference).
    #[test]
    fn hubspot_existing_id_on_any_conflict_signal() {
        let message = "Contact already exists. Existing ID: 12345";
        for (status, category) in [
            (409, "A_CATEGORY_NAMED_IN_A_LATER_VERSION"),
            (409, "OBJECT_ALREADY_EXISTS"),
            (400, "OBJECT_ALREADY_EXISTS"),
            (400, "CONFLICT"),
        ] {
            let body =
                serde_json::json!({"status": "error", "message": message, "category": category});
            let e = api_error_from_response(Crm::Hubspot, status, &body.to_string());
            assert_eq!(e.duplicate_ids, ["12345"], "{status} {category}");
        }
        // Without a conflict the message is not searched for an id.
        let body = serde_json::json!({"status": "error", "message": message, "category": "VALIDATION_ERROR"});
        let e = api_error_from_response(Crm::Hubspot, 400, &body.to_string());
        assert!(e.duplicate_ids.is_empty(), "{:?}", e.duplicate_ids);
    }

    #[test]
    fn hubspot_validation_lists_property_names() {
        let body = r#"{"status":"error","message":"Property values were not valid: [{\"isValid\":false,\"message\":\"bad\",\"error\":\"INVALID_EMAIL\",\"name\":\"email\"}]","category":"VALIDATION_ERROR"}"#;
        let e = api_error_from_response(Crm::Hubspot, 400, body);
        assert_eq!(e.code, "VALIDATION_ERROR");
        assert_eq!(e.fields, ["email"]);
        assert_eq!(e.message, "bad");
        assert_eq!(
            e.hint.as_deref(),
            Some("HubSpot rejected a value (email): bad. Correct it and save again.")
        );
        // A missing property (a portal without Leadline's `linkedin_url`) is a setup problem.
        let body = r#"{"status":"error","message":"Property values were not valid: [{\"isValid\":false,\"message\":\"Property \\\"linkedin_url\\\" does not exist\",\"error\":\"PROPERTY_DOESNT_EXIST\",\"name\":\"linkedin_url\"}]","category":"VALIDATION_ERROR"}"#;
        let e = api_error_from_response(Crm::Hubspot, 400, body);
        assert_eq!(e.code, "PROPERTY_DOESNT_EXIST");
        assert_eq!(e.fields, ["linkedin_url"]);
        let hint = crate::error::hints::hint_for(Crm::Hubspot, &e).unwrap();
        assert!(
            hint.contains("(linkedin_url)") && hint.contains("setup guide"),
            "{hint}"
        );
    }

    #[test]
    fn oauth_and_html_bodies() {
        let e = api_error_from_response(
            Crm::Salesforce,
            400,
            r#"{"error":"invalid_grant","error_description":"expired access/refresh token"}"#,
        );
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            ("invalid_grant", "expired access/refresh token")
        );
        let e = api_error_from_response(Crm::Salesforce, 503, "<html>busy</html>");
        assert_eq!(e.code, "HTTP_503");
        assert_eq!(e.message, "<html>busy</html>");
    }
}

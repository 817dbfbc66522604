//! Salesforce's error body: `[{"message", "errorCode", "fields"}]` (plus `duplicateResut`).

use serde_json::{json, Map, Value};

/// One REST error as Salesforce reports it.
#[derive(Debug, Clone)]
pub struct SfError {
    /// HTTP status.
    pub status: u16,
    /// `errorCode` (`statusCode` inside sObject Collections).
    pub code: &'static str,
    /// Human message.
    pub message: String,
    /// Fields involved.
    pub fields: Vec<String>,
    /// Extra keys of the error object (e.g. the misspelled `duplicateResut`).
    pub extra: Map<String, Value>,
}

impl SfError {
    /// An error with a status, code and message.
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        SfError {
            status,
            code,
            message: message.into(),
            fields: Vec::new(),
            extra: Map::new(),
        }
    }

    /// A 400 error on named fields.
    pub fn field(code: &'static str, message: impl Into<String>, fields: &[&str]) -> Self {
        let mut e = SfError::new(400, code, message);
        e.fields = fields.iter().map(|f| f.to_string()).collect();
        e
    }

    /// 404 NOT_FOUND.
    pub fn not_found() -> Self {
        SfError::new(404, "NOT_FOUND", "The requested resource does not exist")
    }

    /// 401 INVALID_SESSION_ID.
    pub fn invalid_session() -> Self {
        SfError::new(401, "INVALID_SESSION_ID", "Session expired or invalid")
    }

    /// 400 MALFORMED_QUERY.
    pub fn malformed_query(message: impl Into<String>) -> Self {
        SfError::new(400, "MALFORMED_QUERY", message)
    }

    /// 400 JSON_PARSER_ERROR.
    pub fn json_parser(message: impl Into<String>) -> Self {
        SfError::new(400, "JSON_PARSER_ERROR", message)
    }

    /// The REST error object (`errorCode` spelling).
    pub fn item(&self) -> Value {
        let mut item = Map::new();
        for (k, v) in &self.extra {
            item.insert(k.clone(), v.clone());
        }
        item.insert("errorCode".into(), json!(self.code));
        item.insert("message".into(), json!(self.message));
        if !self.fields.is_empty() || self.status == 400 {
            item.insert("fields".into(), json!(self.fields));
        }
        Value::Object(item)
    }

    /// The REST error body: an array of one error.
    pub fn body(&self) -> Value {
        Value::Array(vec![self.item()])
    }

    /// The sObject Collections per-record error (`statusCode` spelling, no extras).
    pub fn collection_item(&self) -> Value {
        json!({"statusCode": self.code, "message": self.message, "fields": self.fields})
    }
}

impl From<rusqlite::Error> for SfError {
    fn from(e: rusqlite::Error) -> Self {
        SfError::new(
            500,
            "UNKNOWN_EXCEPTION",
            format!("sandbox storage error: {e}"),
        )
    }
}

/// The body of Salesforce's 404 for an unknown resource.
pub fn not_found_value() -> Value {
    json!([{"errorCode": "NOT_FOUND", "message": "The requested resource does not exist"}])
}

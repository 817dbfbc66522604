//! The CSV import's JSON face: a file's text in, the rows to import (each as the prospect a
//! `csv_import` save carries) and the rows skipped out.

use serde_json::{json, Value};

use super::reply::{fail, to_json};
use crate::inbound::import::read_csv;
use crate::journal::records::ErrorInfo;

/// `import_rows(text)` → `{ok, header_line, columns:[{header, field}], rows:[{line, name,
/// prospect}], bad:[{line, name, reason}]}`, or `{ok:false, error}` (`csv_unreadable`) when the
/// whole file cannot be imported.
pub fn import_rows(text: &Value) -> Value {
    let Some(text) = text.as_str() else {
        return fail(&ErrorInfo {
            code: "invalid_input".into(),
            message: "text: expected the file's text".into(),
            hint: "This is a bug in the extension; please report it.".into(),
        });
    };
    match read_csv(text) {
        Ok(read) => {
            let mut out = to_json(&read);
            if let Some(map) = out.as_object_mut() {
                map.insert("ok".into(), json!(true));
            }
            out
        }
        Err(e) => fail(&ErrorInfo {
            code: "csv_unreadable".into(),
            message: e.to_string(),
            hint: "Export the sheet as CSV (UTF-8) with a header row, then pick it again.".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_and_bad_rows_as_json() {
        let got = import_rows(&json!(
            "Name,Email\nAda Lovelace,ada@example.com\n,x@example.com\n"
        ));
        assert_eq!(got["ok"], true);
        assert_eq!(got["rows"][0]["prospect"]["full_name"], "Ada Lovelace");
        assert_eq!(got["rows"][0]["line"], 2);
        assert_eq!(got["columns"][1]["field"], "email");
        assert_eq!(got["bad"][0]["line"], 3);
        let err = import_rows(&json!("Phone\n1\n"));
        assert_eq!(err["error"]["code"], "csv_unreadable");
        assert_eq!(import_rows(&json!(7))["error"]["code"], "invalid_input");
    }
}

//! `missing` on a save message: per prospect, the fields the page shows that the extractor
//! could not read (`[{index, fields}]`), so the journal can say "location not found on this
//! layout" instead of dropping them silently. Checked here: known field names only, an index
//! into the message's prospects, each person at most once, bounded.
//!
//! Read by hand from the JSON value, and only on the save path ([`SaveRequest::with_missing`],
//! called by `api::plan_save`), not by the shared message parsers: the settings Wasm module
//! parses lookups with those and has little room to spare.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{MessageError, SaveRequest};

/// The field names a page may report as missing: the prospect fields an extractor reads.
pub const MISSING_FIELD_NAMES: &[&str] = &[
    "full_name",
    "first_name",
    "last_name",
    "headline",
    "title",
    "company",
    "location",
    "linkedin_url",
    "email",
    "phone",
];

/// One person's unread fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingFields {
    /// The person's position in the message's `prospects`.
    pub index: usize,
    /// Field names from [`MISSING_FIELD_NAMES`], without duplicates, in the page's order.
    pub fields: Vec<String>,
}

impl SaveRequest {
    /// This save with the `missing` list of its message `msg` read and checked.
    pub fn with_missing(mut self, msg: &Value) -> Result<Self, MessageError> {
        let count = self.prospects.len() + self.rejected.len();
        self.missing = read_missing(msg.get("missing"), count)?;
        Ok(self)
    }
}

/// Reads and checks `missing` (absent or `null`: none) against `count` prospects.
pub fn read_missing(
    value: Option<&Value>,
    count: usize,
) -> Result<Vec<MissingFields>, MessageError> {
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    let refuse = |what: String| Err(MessageError::Shape(format!("`missing`: {what}")));
    let Some(list) = value.as_array() else {
        return refuse("not a list of {index, fields}".into());
    };
    if list.len() > count {
        return refuse(format!("{} entries for {count} prospects", list.len()));
    }
    let mut out: Vec<MissingFields> = Vec::with_capacity(list.len());
    for (i, entry) in list.iter().enumerate() {
        let index = entry.get("index").and_then(Value::as_u64);
        let fields = entry.get("fields").and_then(Value::as_array);
        let (Some(index), Some(fields)) = (index, fields) else {
            return refuse(format!("entry {i} is not {{index, fields}}"));
        };
        let index = usize::try_from(index).unwrap_or(usize::MAX);
        if index >= count || out.iter().any(|m| m.index == index) {
            return refuse(format!(
                "entry {i}: index {index} is out of range or repeated"
            ));
        }
        if fields.len() > MISSING_FIELD_NAMES.len() {
            return refuse(format!("entry {i}: too many fields"));
        }
        let mut names: Vec<String> = Vec::with_capacity(fields.len());
        for f in fields {
            match f.as_str().filter(|f| MISSING_FIELD_NAMES.contains(f)) {
                Some(f) if !names.iter().any(|n| n == f) => names.push(f.to_owned()),
                Some(_) => {}
                None => return refuse(format!("entry {i}: not a known field name")),
            }
        }
        if !names.is_empty() {
            out.push(MissingFields {
                index,
                fields: names,
            });
        }
    }
    Ok(out)
}

/// The fields missing for the person at `index` (empty when none).
pub fn missing_for(missing: &[MissingFields], index: usize) -> Vec<String> {
    missing
        .iter()
        .find(|m| m.index == index)
        .map(|m| m.fields.clone())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::json;

    fn read(v: Value, count: usize) -> Result<Vec<MissingFields>, MessageError> {
        read_missing(Some(&v), count)
    }

    #[test]
    fn well_formed_entries_are_kept_deduplicated() {
        assert_eq!(read_missing(None, 3).unwrap(), vec![]);
        assert_eq!(read(json!(null), 3).unwrap(), vec![]);
        let got = read(
            json!([{"index":2,"fields":["location","title","location"]},{"index":0,"fields":[]}]),
            3,
        )
        .unwrap();
        assert_eq!(
            got,
            vec![MissingFields {
                index: 2,
                fields: vec!["location".into(), "title".into()]
            }]
        );
        assert_eq!(missing_for(&got, 2), ["location", "title"]);
        assert!(missing_for(&got, 0).is_empty());
        // One entry per prospect is the most there can be.
        let every = read(
            json!([{"index":0,"fields":["title"]},{"index":1,"fields":["title"]}]),
            2,
        )
        .unwrap();
        assert_eq!(every.len(), 2);
        // An entry may name every field once.
        let all = read(json!([{"index": 0, "fields": MISSING_FIELD_NAMES}]), 1).unwrap();
        assert_eq!(all[0].fields.len(), MISSING_FIELD_NAMES.len());
    }

    #[test]
    fn wrong_names_indexes_and_sizes_are_refused() {
        let rows = [
            (json!("location"), "not a list"),
            (json!([{"index":0}]), "entry 0 is not {index, fields}"),
            (
                json!([{"index":-1,"fields":["location"]}]),
                "entry 0 is not",
            ),
            (
                json!([{"index":"0","fields":["location"]}]),
                "entry 0 is not",
            ),
            (json!([{"index":0,"fields":"location"}]), "entry 0 is not"),
            (
                json!([{"index":3,"fields":["location"]}]),
                "index 3 is out of range",
            ),
            (
                json!([{"index":1,"fields":["location"]},{"index":1,"fields":["title"]}]),
                "entry 1: index 1 is out of range or repeated",
            ),
            (
                json!([{"index":0,"fields":["password"]}]),
                "not a known field name",
            ),
            (json!([{"index":0,"fields":[7]}]), "not a known field name"),
            (
                json!([{"index":0,"fields":["location"]},{"index":1,"fields":["location"]},
                       {"index":2,"fields":["location"]},{"index":2,"fields":["title"]}]),
                "4 entries for 3 prospects",
            ),
            (
                json!([{"index":0,"fields":vec!["title"; MISSING_FIELD_NAMES.len() + 1]}]),
                "too many fields",
            ),
        ];
        for (row, says) in rows {
            let err = read(row.clone(), 3).unwrap_err();
            assert!(matches!(err, MessageError::Shape(_)), "{row}");
            let text = err.to_string();
            assert!(
                text.contains("`missing`") && text.contains(says),
                "{row}: {text}"
            );
        }
        // The page's own text is never echoed back.
        let long = "x".repeat(500);
        let text = read(json!([{"index":0,"fields":[long]}]), 1)
            .unwrap_err()
            .to_string();
        assert!(!text.contains("xxx"), "{text}");
    }

    #[test]
    fn a_save_reads_missing_against_all_its_prospects_refused_ones_too() {
        let msg = json!({"kind":"save","source":"linkedin_extension","push":"bulk",
            "prospects":[{"full_name":"LinkedIn Member"},{"full_name":"Ada Lovelace"}],
            "missing":[{"index":1,"fields":["location"]}]});
        let crate::inbound::message::ContentToWorker::Save(save) =
            crate::inbound::message::parse_content_message(&msg).unwrap()
        else {
            panic!("not a save")
        };
        assert!(save.missing.is_empty(), "the shared parser leaves it");
        let save = save.with_missing(&msg).unwrap();
        assert_eq!(missing_for(&save.missing, 1), ["location"]);
        let mut past = msg.clone();
        past["missing"][0]["index"] = json!(2);
        let crate::inbound::message::ContentToWorker::Save(save) =
            crate::inbound::message::parse_content_message(&past).unwrap()
        else {
            panic!("not a save")
        };
        assert!(save.with_missing(&past).is_err());
    }
}

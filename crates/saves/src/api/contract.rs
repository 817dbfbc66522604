//! The extension's contract as values, so that JavaScript receives it instead of mirroring it
//! by hand: the message kinds the core handles, by direction (a node test holds them equal to
//! `extension/shared/messages.js`), the undo window the toast counts down, and the queued
//! [`SaveResult`] an outbox entry shows while it waits.

use serde_json::{json, Value};

use super::reply::{answer, read_entry, to_json};
use crate::inbound::message::{CONTENT_TO_WORKER_KINDS, UI_KINDS, WORKER_TO_CONTENT_KINDS};
use crate::undo::UNDO_WINDOW_MS;

/// `{ok, kinds:{content_to_worker, worker_to_content, ui_to_worker}, undo_window_seconds}`.
pub fn contract() -> Value {
    json!({
        "ok": true,
        "kinds": {
            "content_to_worker": CONTENT_TO_WORKER_KINDS,
            "worker_to_content": WORKER_TO_CONTENT_KINDS,
            "ui_to_worker": UI_KINDS,
        },
        "undo_window_seconds": UNDO_WINDOW_MS / 1000,
    })
}

/// The result an entry shows while it waits in the outbox: `{ok, result}` with status
/// `queued`, the decision as shown to the rep, and no record yet. The same template
/// `plan_save` gives a fresh save's people, built here for an entry resumed after a restart.
pub fn queued_result(entry: &Value) -> Value {
    answer((|| {
        let entry = read_entry("entry", entry)?;
        Ok(json!({"ok": true, "result": to_json(&entry.waiting_result())}))
    })())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn contract_lists_every_kind_the_parsers_take() {
        let c = contract();
        let kinds =
            |dir: &str| -> Vec<String> { serde_json::from_value(c["kinds"][dir].clone()).unwrap() };
        assert_eq!(
            kinds("content_to_worker"),
            ["lookup", "preview", "save", "undo"]
        );
        assert_eq!(kinds("worker_to_content"), ["save_progress"]);
        assert!(kinds("ui_to_worker").contains(&"get_state".to_owned()));
        for kind in kinds("ui_to_worker") {
            let parsed = crate::inbound::message::parse_ui_message(&json!({ "kind": kind }));
            // Unknown kinds fail with "unknown variant"; known ones at most miss a field.
            if let Err(e) = parsed {
                assert!(!e.to_string().contains("unknown variant"), "{kind}: {e}");
            }
        }
        assert_eq!(c["undo_window_seconds"], 10);
    }

    #[test]
    fn queued_result_reads_an_entry_and_refuses_junk() {
        assert_eq!(queued_result(&json!({"id": 1}))["ok"], false);
        assert_eq!(queued_result(&Value::Null)["ok"], false);
    }
}

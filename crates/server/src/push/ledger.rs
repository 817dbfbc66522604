//! The ledger row's outcome, as the push moves it: its `status` and the `results` (one
//! `saves::SaveResult` per prospect of the save, in message order: created or linked, record
//! id and link, Owner, Created By, reasons), which `POST /api/saves` and every repeat of the
//! save id answer.
//!
//! | status | meaning |
//! |---|---|
//! | `queued` | accepted; this server has no CRM app configured, so nothing pushes it yet |
//! | `pushing` | accepted, the push is running |
//! | `pushed` | the CRM answered for every prospect (`results` are final, `pushed: true`) |
//! | `waiting` | the CRM is busy or unreachable: the server retries at `waiting.until_ms` |
//! | `reconnect_needed` | the CRM refused the team's grant: the save goes after an admin reconnects |
//! | `blocked` | the save cannot be sent as it stands (`waiting` says why); it stays in the outbox |

use saves::{ErrorInfo, OutboxEntry};
use serde_json::{json, Value};

use crate::store::LedgerUpdate;

/// Accepted, no CRM app configured.
pub const QUEUED: &str = "queued";
/// The push is running.
pub const PUSHING: &str = "pushing";
/// The CRM answered for everyone.
pub const PUSHED: &str = "pushed";
/// Retried later.
pub const WAITING: &str = "waiting";
/// Waits for an admin to reconnect the team's connection.
pub const RECONNECT_NEEDED: &str = "reconnect_needed";
/// Cannot be sent as it stands.
pub const BLOCKED: &str = "blocked";

/// Whether a status is one a caller may stop waiting at (anything but `pushing`).
pub fn answered(status: &str) -> bool {
    status != PUSHING
}

/// The ledger update once the CRM answered for one outbox entry: its people's results go
/// into `results` at their positions; the last entry of the save makes it `pushed`.
pub fn settled(
    entry: &str,
    status: &str,
    outcome: &str,
    entries_left: i64,
    line: &engine::JournalLine,
) -> Option<LedgerUpdate> {
    let entry: OutboxEntry = serde_json::from_str(entry).ok()?;
    let mut outcome: Value = serde_json::from_str(outcome).ok()?;
    let indexes: Vec<usize> = match entry.chunk() {
        Some(chunk) => chunk.members.iter().map(|m| m.person.index).collect(),
        None => vec![entry.index],
    };
    if let Some(results) = outcome.get_mut("results").and_then(Value::as_array_mut) {
        for (index, result) in indexes.iter().zip(&line.results) {
            if let (Some(slot), Ok(value)) = (results.get_mut(*index), serde_json::to_value(result))
            {
                *slot = value;
            }
        }
    }
    if entries_left > 0 {
        return Some(LedgerUpdate {
            status: status.to_owned(),
            outcome: outcome.to_string(),
            journal: None,
        });
    }
    set_status(&mut outcome, PUSHED, None);
    let summary = summary(&outcome);
    Some(LedgerUpdate {
        status: PUSHED.to_owned(),
        outcome: outcome.to_string(),
        journal: Some((PUSHED.to_owned(), summary)),
    })
}

/// The ledger update that moves a save to `status` (not `pushed`), with the reason.
pub fn moved(status: &str, outcome: &str, reason: Option<&ErrorInfo>) -> Option<LedgerUpdate> {
    let mut outcome: Value = serde_json::from_str(outcome).ok()?;
    if outcome["status"] == PUSHED {
        return None; // settled meanwhile: never moved back
    }
    set_status(&mut outcome, status, reason);
    Some(LedgerUpdate {
        status: status.to_owned(),
        outcome: outcome.to_string(),
        journal: None,
    })
}

/// Sets `status`, `pushed`, `message` and `waiting` of an outcome.
pub fn set_status(outcome: &mut Value, status: &str, reason: Option<&ErrorInfo>) {
    outcome["status"] = json!(status);
    outcome["pushed"] = json!(status == PUSHED);
    outcome["message"] = json!(message(status));
    outcome["waiting"] = match reason {
        Some(reason) => json!(reason),
        None => Value::Null,
    };
}

/// What a status means, for the rep.
pub fn message(status: &str) -> &'static str {
    match status {
        QUEUED => "accepted: this server has no CRM app configured yet; the save is kept and pushed once it is",
        PUSHING => "accepted: the server is pushing it to the CRM with the team's connection",
        PUSHED => "saved to the CRM with the team's connection",
        WAITING => "accepted: the CRM is busy or unreachable; the server retries it by itself",
        RECONNECT_NEEDED => "accepted: the CRM refused the team's connection; the save goes once an admin reconnects it",
        _ => "accepted: the save cannot be sent as it stands; it is kept (see `waiting`)",
    }
}

/// One line for the journal: how many were created, linked or failed.
fn summary(outcome: &Value) -> String {
    let results = outcome["results"].as_array().cloned().unwrap_or_default();
    let count = |s: &str| results.iter().filter(|r| r["status"] == s).count();
    format!(
        "pushed: {} created, {} linked, {} failed",
        count("created"),
        count("linked"),
        count("failed")
    )
}

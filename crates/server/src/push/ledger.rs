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

use saves::{ErrorInfo, OutboxEntry, Party, SaveResult, SaveStatus};
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

/// How many people a journal line names before "and N more".
pub const NAMED_IN_JOURNAL: usize = 3;

/// `names` for a journal line: the first [`NAMED_IN_JOURNAL`], then how many more.
pub fn listed<S: AsRef<str>>(names: &[S]) -> String {
    listed_with(names, ", ")
}

/// [`listed`] with its own separator.
fn listed_with<S: AsRef<str>>(items: &[S], separator: &str) -> String {
    let shown: Vec<&str> = items
        .iter()
        .take(NAMED_IN_JOURNAL)
        .map(AsRef::as_ref)
        .collect();
    match items.len().saturating_sub(NAMED_IN_JOURNAL) {
        0 => shown.join(separator),
        more => format!("{}{separator}and {more} more", shown.join(separator)),
    }
}

/// One line for the journal: how many were created, linked or failed, then what became of
/// the first people (their record and Owner, or why not), for an admin answering "who saved
/// what, owned by whom".
fn summary(outcome: &Value) -> String {
    let results: Vec<SaveResult> = outcome
        .get("results")
        .and_then(|r| serde_json::from_value(r.clone()).ok())
        .unwrap_or_default();
    let count = |s: SaveStatus| results.iter().filter(|r| r.status == s).count();
    let line = format!(
        "pushed: {} created, {} linked, {} failed",
        count(SaveStatus::Created),
        count(SaveStatus::Linked),
        count(SaveStatus::Failed)
    );
    let people: Vec<String> = results.iter().map(person).collect();
    if people.is_empty() {
        line
    } else {
        format!("{line}: {}", listed_with(&people, "; "))
    }
}

/// What became of one person, in a journal line: "Ada Lovelace: created Contact 003…, Owner
/// Rita Rep", "… linked to Contact 003…, Owner …", "… not saved (DUPLICATES_DETECTED)".
fn person(result: &SaveResult) -> String {
    let record = || {
        format!(
            "{} {}, Owner {}",
            result.object,
            result.record_id.as_deref().unwrap_or("(no id)"),
            party(&result.owner)
        )
    };
    match result.status {
        SaveStatus::Created => format!("{}: created {}", result.name, record()),
        SaveStatus::Linked => format!("{}: linked to {}", result.name, record()),
        SaveStatus::Updated => format!("{}: updated {}", result.name, record()),
        SaveStatus::Failed => format!(
            "{}: not saved ({})",
            result.name,
            result.error.as_ref().map_or("failed", |e| e.code.as_str())
        ),
        SaveStatus::Queued | SaveStatus::Undone => format!("{}: not pushed", result.name),
    }
}

/// A CRM user as a journal names them: their name (from the team's CRM user directory) with
/// their id, else their id.
fn party(party: &Party) -> String {
    let name = party.name.as_deref().filter(|n| !n.trim().is_empty());
    match (name, party.id.as_deref()) {
        (Some(name), Some(id)) if name != id => format!("{name} ({id})"),
        (Some(name), _) => name.to_owned(),
        (None, Some(id)) => id.to_owned(),
        (None, None) => "not set".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(name: &str, status: &str, id: Option<&str>, owner: Value, error: Value) -> Value {
        json!({"status": status, "object": "Contact", "record_id": id, "record_url": null,
            "name": name, "owner": owner, "created_by": {"id": "005INT", "name": "Integration"},
            "reasons": [], "warnings": [], "error": error})
    }

    #[test]
    fn a_journal_line_names_the_first_three_then_counts_the_rest() {
        assert_eq!(listed(&["Ada"]), "Ada");
        assert_eq!(listed(&["Ada", "Grace", "Alan"]), "Ada, Grace, Alan");
        assert_eq!(
            listed(&["Ada", "Grace", "Alan", "Edsger", "Barbara"]),
            "Ada, Grace, Alan, and 2 more"
        );
        assert_eq!(listed::<&str>(&[]), "");
    }

    #[test]
    fn the_pushed_line_says_what_became_of_each_person_and_who_owns_it() {
        let outcome = json!({"results": [
            result("Ada Lovelace", "created", Some("003A"), json!({"id": "005R", "name": "Rita Rep"}), Value::Null),
            result("Grace Hopper", "linked", Some("003G"), json!({"id": "005R", "name": null}), Value::Null),
            result("Alan Turing", "failed", None, json!({"id": null, "name": null}),
                json!({"code": "DUPLICATES_DETECTED", "message": "dup", "hint": "merge"})),
            result("Edsger Dijkstra", "created", Some("003E"), json!({"id": null, "name": null}), Value::Null),
        ]});
        assert_eq!(
            summary(&outcome),
            "pushed: 2 created, 1 linked, 1 failed: Ada Lovelace: created Contact 003A, Owner \
             Rita Rep (005R); Grace Hopper: linked to Contact 003G, Owner 005R; Alan Turing: not saved \
             (DUPLICATES_DETECTED); and 1 more"
        );
        // Results the server cannot read are counted as none, never a failure to journal.
        assert_eq!(
            summary(&json!({"results": "garbage"})),
            "pushed: 0 created, 0 linked, 0 failed"
        );
    }
}

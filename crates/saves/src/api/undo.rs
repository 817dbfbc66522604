//! The undo window in JSON (see [`crate::undo`]): remember what a save created, plan the delete
//! calls for an `{kind:"undo", source, save_id}` message, read their answers, mark the journal.

use crm::HttpResponse;
use serde::Deserialize;
use serde_json::{json, Value};

use super::reply::{answer, clock_ms, fail, invalid, read, read_entries, read_or_default, to_json};
use crate::journal::records::{ErrorInfo, Journal, SaveResult};
use crate::step::Tokens;
use crate::team::{LocalTeam, Role};
use crate::undo::{self, UndoCall, UndoOutcome, UndoRecord};

/// The content script's undo request.
#[derive(Deserialize)]
struct UndoMessage {
    kind: String,
    save_id: String,
}

#[derive(Deserialize, Default)]
struct TokensByRole {
    #[serde(default)]
    team_sync: Option<Tokens>,
    #[serde(default)]
    personal: Option<Tokens>,
}

/// `{ok, undo: UndoRecord|null, seconds}` when a save finishes: what it created (`null`:
/// nothing, no Undo to offer) and how long the toast offers Undo.
pub fn undo_record(
    team: &Value,
    entries: &Value,
    results: &Value,
    save_id: &str,
    now_ms: f64,
) -> Value {
    answer((|| {
        let team: LocalTeam = read("team", team)?;
        let entries = read_entries("entries", entries)?;
        let results: Vec<Option<SaveResult>> = read("results", results)?;
        let results: Vec<SaveResult> = results
            .into_iter()
            .map(|r| r.unwrap_or_else(placeholder))
            .collect();
        let record = undo::undo_record(&team, &entries, &results, save_id, clock_ms(now_ms));
        Ok(json!({"ok": true, "undo": record, "seconds": undo::UNDO_WINDOW_MS / 1000}))
    })())
}

fn placeholder() -> SaveResult {
    SaveResult {
        status: crate::journal::records::SaveStatus::Queued,
        object: String::new(),
        record_id: None,
        record_url: None,
        name: String::new(),
        owner: Default::default(),
        created_by: Default::default(),
        reasons: vec![],
        warnings: vec![],
        error: None,
        activity_id: None,
        account_id: None,
        missing: vec![],
        job_update: None,
    }
}

/// `{ok, calls:[{role, ids, request}]}` for an undo message and the worker's record of that
/// save (`null` when it has none), or the refusal (`undo_unknown`, `undo_expired`,
/// `not_connected`).
pub fn undo_plan(team: &Value, msg: &Value, record: &Value, tokens: &Value, now_ms: f64) -> Value {
    answer((|| {
        let team: LocalTeam = read("team", team)?;
        let msg: UndoMessage = read("message", msg)?;
        let valid_id = !msg.save_id.is_empty()
            && msg.save_id.len() <= 64
            && msg
                .save_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if msg.kind != crate::inbound::message::UNDO_KIND || !valid_id {
            return Err(invalid("message", "not an undo of a save id"));
        }
        let record: Option<UndoRecord> = read_or_default("record", record)?;
        let record = record.filter(|r| r.save_id == msg.save_id);
        let tokens: TokensByRole = read_or_default("tokens", tokens)?;
        let by_role = |role: Role| match role {
            Role::TeamSync => tokens.team_sync.clone(),
            Role::Personal => tokens.personal.clone(),
        };
        let calls = undo::plan_undo(&team, record.as_ref(), by_role, clock_ms(now_ms))
            .map_err(|e| fail(&e))?;
        Ok(json!({"ok": true, "calls": calls}))
    })())
}

/// `{ok, deleted:[UndoItem], failed:[{item, error}], forget:[lookup key]}` from the answers to
/// the planned calls (same order; status 0 = never answered). `forget` lists the people whose
/// record is gone, so the worker drops their cached lookups.
pub fn undo_outcome(record: &Value, calls: &Value, responses: &Value) -> Value {
    answer((|| {
        let record: UndoRecord = read("record", record)?;
        let calls: Vec<UndoCall> = read("calls", calls)?;
        let responses: Vec<HttpResponse> = read("responses", responses)?;
        let outcome = undo::read_undo(&record, &calls, &responses);
        let forget: Vec<&String> = outcome
            .deleted
            .iter()
            .filter(|i| i.is_person)
            .filter_map(|i| i.lookup_key.as_ref())
            .collect();
        let failed: Vec<Value> = outcome
            .failed
            .iter()
            .map(|(item, error)| json!({"item": item, "error": error}))
            .collect();
        Ok(json!({"ok": true, "deleted": outcome.deleted, "failed": failed, "forget": forget}))
    })())
}

/// `{ok, journal}` with the recent-saves lines of `save_id` that were fully undone marked
/// `undone` (`outcome` is [`undo_outcome`]'s answer).
pub fn journal_mark_undone(journal: &Value, save_id: &str, outcome: &Value) -> Value {
    #[derive(Deserialize)]
    struct Failed {
        item: undo::UndoItem,
        error: ErrorInfo,
    }
    #[derive(Deserialize)]
    struct Answer {
        deleted: Vec<undo::UndoItem>,
        #[serde(default)]
        failed: Vec<Failed>,
    }
    answer((|| {
        let mut journal: Journal = read_or_default("journal", journal)?;
        let a: Answer = read("outcome", outcome)?;
        let outcome = UndoOutcome {
            deleted: a.deleted,
            failed: a.failed.into_iter().map(|f| (f.item, f.error)).collect(),
        };
        undo::mark_undone(&mut journal, save_id, &outcome);
        Ok(json!({"ok": true, "journal": to_json(&journal)}))
    })())
}

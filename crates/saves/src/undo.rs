//! The undo window: for a few seconds after a save, the rep may take back exactly what that save
//! created — the new Contact/Lead and the Task (HubSpot: the contact and the email engagement)
//! it logged. A record the save only linked to is never deleted; only a Task this save logged on
//! it is.
//!
//! [`undo_record`] remembers, when a save finishes, what it created and with which connection.
//! [`plan_undo`] checks the window and builds the fewest calls that delete it with the same
//! connection that created it: Salesforce, one sObject Collections delete per connection (Tasks
//! first, ≤200 ids); HubSpot, one batch archive per connection and object type (engagements
//! first, ≤100 ids). [`read_undo`] reads the answers; [`mark_undone`] marks the recent-saves
//! lines. Time comes in as an argument.

use crm::hubspot::{archive, engagements};
use crm::salesforce::delete;
use crm::{ActivityKind, CrmError, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::journal::records::{ErrorInfo, Journal, SaveResult, SaveStatus};
use crate::outbox::{OutboxEntry, PersonSave};
use crate::team::session::{hs_session, session, Tokens};
use crate::team::{CrmKind, LocalTeam, Role};

/// How long the toast offers "Undo" after a save.
pub const UNDO_WINDOW_MS: u64 = 10_000;
/// Extra time the worker allows for the click to reach it (the toast counts from when it got
/// the answer, a moment after the save finished).
pub const UNDO_GRACE_MS: u64 = 2_000;

/// One thing a save created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UndoItem {
    /// The connection that created it (and deletes it again).
    pub role: Role,
    /// Salesforce object (`Contact`, `Lead`, `Task`) or HubSpot object type (`contacts`,
    /// `emails`…).
    pub object: String,
    /// Its id.
    pub id: String,
    /// True for the person's record, false for a logged activity.
    pub is_person: bool,
    /// The person's record id (the journal line it belongs to).
    pub person_id: String,
    /// The person's name, for the toast.
    pub name: String,
    /// The person's dedupe key: the worker forgets its cached lookup once the record is gone.
    #[serde(default)]
    pub lookup_key: Option<String>,
}

/// What one finished save created, kept by the worker for the undo window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UndoRecord {
    /// The save.
    pub save_id: String,
    /// The CRM it went to.
    pub crm: CrmKind,
    /// When the save finished (ms since epoch, the worker's clock).
    pub finished_at_ms: u64,
    /// What it created, activities first.
    pub items: Vec<UndoItem>,
}

/// One delete call of an undo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UndoCall {
    /// The connection whose token the request carries.
    pub role: Role,
    /// The ids it deletes, in request order.
    pub ids: Vec<String>,
    /// The request.
    pub request: HttpRequest,
}

/// What an undo achieved.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UndoOutcome {
    /// Deleted (or already gone).
    pub deleted: Vec<UndoItem>,
    /// Not deleted, each with the CRM's reason.
    pub failed: Vec<(UndoItem, ErrorInfo)>,
}

fn entry_for(entries: &[OutboxEntry], index: usize) -> Option<&PersonSave> {
    entries.iter().find_map(|e| match e.chunk() {
        Some(chunk) => chunk
            .members
            .iter()
            .map(|m| &m.person)
            .find(|p| p.index == index),
        None => (e.index == index).then_some(&**e),
    })
}

fn activity_object(crm: CrmKind, entry: &PersonSave) -> String {
    match crm {
        CrmKind::Salesforce => "Task".into(),
        CrmKind::Hubspot => {
            let kind = entry
                .spec
                .activity
                .as_ref()
                .map_or(ActivityKind::Email, |a| a.kind);
            engagements::object_name(kind).into()
        }
    }
}

/// What the save `save_id` created, from its outbox entries (as planned) and final results
/// (in message order); `None` when it created nothing (all linked, queued or failed).
pub fn undo_record(
    team: &LocalTeam,
    entries: &[OutboxEntry],
    results: &[SaveResult],
    save_id: &str,
    now_ms: u64,
) -> Option<UndoRecord> {
    let crm = team.config.crm;
    let mut activities = Vec::new();
    let mut people = Vec::new();
    let mut accounts = Vec::new();
    for (index, result) in results.iter().enumerate() {
        let (Some(entry), Some(person_id)) = (entry_for(entries, index), &result.record_id) else {
            continue;
        };
        let item = |role, object: String, id: &str, is_person| UndoItem {
            role,
            object,
            id: id.to_owned(),
            is_person,
            person_id: person_id.clone(),
            name: result.name.clone(),
            lookup_key: entry.lookup_key.clone(),
        };
        let done = matches!(result.status, SaveStatus::Created | SaveStatus::Linked);
        if let (true, Some(task)) = (done, &result.activity_id) {
            let role = entry.activity_role.unwrap_or(entry.role);
            activities.push(item(role, activity_object(crm, entry), task, false));
        }
        if result.status == SaveStatus::Created {
            let object = match crm {
                CrmKind::Salesforce => result.object.clone(),
                CrmKind::Hubspot => "contacts".into(),
            };
            people.push(item(entry.role, object, person_id, true));
            // A bulk save creates one Account for everyone who works there: delete it once.
            if let Some(account) = result
                .account_id
                .as_ref()
                .filter(|a| !accounts.iter().any(|i: &UndoItem| &i.id == *a))
            {
                accounts.push(item(entry.role, "Account".into(), account, false));
            }
        }
    }
    // Activities, then people, then the Accounts created for them (an Account deleted first
    // would take its Contacts with it).
    activities.extend(people);
    activities.extend(accounts);
    (!activities.is_empty()).then(|| UndoRecord {
        save_id: save_id.to_owned(),
        crm,
        finished_at_ms: now_ms,
        items: activities,
    })
}

fn refused(code: &str, message: &str) -> ErrorInfo {
    ErrorInfo {
        code: code.into(),
        message: message.into(),
        hint: "If the record should not be in your CRM, delete it there.".into(),
    }
}

/// The calls that undo `record` now, or why not: no record for this save (`undo_unknown`), the
/// window has closed (`undo_expired`), or a connection is missing (`not_connected`).
/// `tokens(role)` gives each connection's stored tokens.
pub fn plan_undo(
    team: &LocalTeam,
    record: Option<&UndoRecord>,
    tokens: impl Fn(Role) -> Option<Tokens>,
    now_ms: u64,
) -> Result<Vec<UndoCall>, ErrorInfo> {
    let Some(record) = record else {
        return Err(refused(
            "undo_unknown",
            "Leadline has no save to undo here (it was undone already, or it is too old).",
        ));
    };
    if now_ms > record.finished_at_ms + UNDO_WINDOW_MS + UNDO_GRACE_MS {
        return Err(refused(
            "undo_expired",
            "The undo window for this save has closed (10 seconds); nothing was deleted.",
        ));
    }
    let mut calls = Vec::new();
    for role in [Role::Personal, Role::TeamSync] {
        let mine: Vec<&UndoItem> = record.items.iter().filter(|i| i.role == role).collect();
        if mine.is_empty() {
            continue;
        }
        let t = tokens(role).ok_or_else(|| ErrorInfo {
            code: "not_connected".into(),
            message:
                "The connection that made this save is no longer connected; nothing was deleted."
                    .into(),
            hint: "Reconnect it in Options, then delete the record in your CRM if needed.".into(),
        })?;
        let built = match record.crm {
            CrmKind::Salesforce => salesforce_calls(team, &t, role, &mine),
            CrmKind::Hubspot => hubspot_calls(&t, role, &mine),
        };
        calls.extend(built.map_err(|e| crate::outbox::outcome::internal(e.to_string()))?);
    }
    Ok(calls)
}

fn salesforce_calls(
    team: &LocalTeam,
    t: &Tokens,
    role: Role,
    items: &[&UndoItem],
) -> Result<Vec<UndoCall>, CrmError> {
    let s = session(team, t);
    let ids: Vec<String> = items.iter().map(|i| i.id.clone()).collect();
    ids.chunks(delete::MAX_DELETE_IDS)
        .map(|chunk| {
            let ids = chunk.to_vec();
            Ok(UndoCall {
                role,
                request: delete::delete_request(&s, &ids)?,
                ids,
            })
        })
        .collect()
}

fn hubspot_calls(t: &Tokens, role: Role, items: &[&UndoItem]) -> Result<Vec<UndoCall>, CrmError> {
    let s = hs_session(t);
    let mut objects: Vec<&str> = Vec::new();
    for i in items {
        if !objects.contains(&i.object.as_str()) {
            objects.push(&i.object);
        }
    }
    let mut calls = Vec::new();
    for object in objects {
        let ids: Vec<String> = items
            .iter()
            .filter(|i| i.object == object)
            .map(|i| i.id.clone())
            .collect();
        for chunk in ids.chunks(archive::MAX_ARCHIVE_IDS) {
            let ids = chunk.to_vec();
            calls.push(UndoCall {
                role,
                request: archive::batch_archive_request(&s, object, &ids)?,
                ids,
            });
        }
    }
    Ok(calls)
}

fn error_info(err: &CrmError) -> ErrorInfo {
    let (code, message) = match err {
        CrmError::Api(api) => (api.code.clone(), api.message.clone()),
        CrmError::Transport { .. } => ("network_error".to_owned(), err.to_string()),
        _ => ("unexpected_answer".to_owned(), err.to_string()),
    };
    ErrorInfo {
        code,
        message,
        hint: err
            .hint()
            .map(str::to_owned)
            .unwrap_or_else(|| "Delete the record in your CRM by hand.".into()),
    }
}

/// Reads the answers to `calls` (same order; status 0 = the request never got an answer).
pub fn read_undo(
    record: &UndoRecord,
    calls: &[UndoCall],
    responses: &[HttpResponse],
) -> UndoOutcome {
    let mut out = UndoOutcome::default();
    let item_of = |id: &str| record.items.iter().find(|i| i.id == id).cloned();
    for (i, call) in calls.iter().enumerate() {
        let per_id: Vec<(String, Option<ErrorInfo>)> = match responses.get(i) {
            None => call
                .ids
                .iter()
                .map(|id| {
                    (
                        id.clone(),
                        Some(refused("undo_not_sent", "The delete was not sent.")),
                    )
                })
                .collect(),
            Some(resp) if resp.status == 0 => {
                let err = CrmError::Transport {
                    message: resp.body.chars().take(200).collect(),
                };
                call.ids
                    .iter()
                    .map(|id| (id.clone(), Some(error_info(&err))))
                    .collect()
            }
            Some(resp) => match record.crm {
                CrmKind::Salesforce => match delete::parse_delete_response(&call.ids, resp) {
                    Ok(results) => results
                        .into_iter()
                        .map(|r| {
                            let err = (!r.gone).then(|| {
                                let api = r.error.unwrap_or_else(|| {
                                    crm::error::api_error_from_response(
                                        crm::error::Crm::Salesforce,
                                        400,
                                        "",
                                    )
                                });
                                error_info(&CrmError::Api(Box::new(api)))
                            });
                            (r.id, err)
                        })
                        .collect(),
                    Err(e) => call
                        .ids
                        .iter()
                        .map(|id| (id.clone(), Some(error_info(&e))))
                        .collect(),
                },
                CrmKind::Hubspot => {
                    let err = archive::parse_batch_archive(resp)
                        .err()
                        .map(|e| error_info(&e));
                    call.ids
                        .iter()
                        .map(|id| (id.clone(), err.clone()))
                        .collect()
                }
            },
        };
        for (id, err) in per_id {
            let Some(item) = item_of(&id) else { continue };
            match err {
                None => out.deleted.push(item),
                Some(e) => out.failed.push((item, e)),
            }
        }
    }
    out
}

/// Marks the recent-saves lines of `save_id` whose people had everything undone as `undone`.
pub fn mark_undone(journal: &mut Journal, save_id: &str, outcome: &UndoOutcome) {
    for line in journal
        .recent_saves
        .iter_mut()
        .filter(|l| l.save_id == save_id)
    {
        let Some(person) = line.result.record_id.as_deref() else {
            continue;
        };
        let undone = outcome.deleted.iter().any(|i| i.person_id == person)
            && !outcome.failed.iter().any(|(i, _)| i.person_id == person);
        if undone {
            line.result.status = SaveStatus::Undone;
        }
    }
}

//! What a rep sees after a save: per-prospect results, the recent-saves list and the error
//! log (each error with the CRM's own code and message and a fix hint), plus its CSV export.

use serde::{Deserialize, Serialize};

use crate::journal::csv::to_csv;
use crate::journal::recent::RecentCreates;

/// How many recent saves the popup keeps.
pub const RECENT_SAVES_MAX: usize = 50;
/// How many error-log entries are kept.
pub const ERROR_LOG_MAX: usize = 200;

/// What became of one prospect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SaveStatus {
    /// A new record was created.
    Created,
    /// The person already existed; the save points at that record.
    Linked,
    /// Waiting in the outbox (retrying, or waiting for a reconnect).
    Queued,
    /// Refused; `error` says why and what to do.
    Failed,
    /// Created, then undone by the rep: what the save created was deleted again.
    Undone,
    /// An existing record was updated (a job change: `job_update` says what it now holds).
    Updated,
}

/// A CRM user as shown to the rep.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    /// CRM user id.
    pub id: Option<String>,
    /// Display name, when the directory knows it.
    pub name: Option<String>,
}

/// An error as the rep sees it: the CRM's code and message, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorInfo {
    /// The CRM's code (`DUPLICATES_DETECTED`, `invalid_grant`...) or ours (`no_credentials`).
    pub code: String,
    /// The CRM's own message, or ours.
    pub message: String,
    /// The fix, in one sentence.
    pub hint: String,
}

/// The outcome for one prospect, as the content script's toast shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveResult {
    /// Created, linked, queued or failed.
    pub status: SaveStatus,
    /// `Contact` or `Lead`.
    pub object: String,
    /// The CRM record id, once known.
    pub record_id: Option<String>,
    /// A link to the record in the CRM, once known.
    pub record_url: Option<String>,
    /// The prospect's name.
    pub name: String,
    /// Who owns it.
    pub owner: Party,
    /// Whose credential pushed it (Salesforce's Created By).
    pub created_by: Party,
    /// The attribution core's reasons.
    pub reasons: Vec<String>,
    /// The attribution core's warnings and the save's own (`owner_fallback`...).
    pub warnings: Vec<String>,
    /// Why it failed or is waiting.
    pub error: Option<ErrorInfo>,
    /// The Task / engagement this save logged on the person, when it logged one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity_id: Option<String>,
    /// The Account this save created for the person's company (Account matching), if any:
    /// what an undo deletes with the Contact.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// Fields the page showed that were not extracted (`location`...): saved without them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// A job change written onto the record: what it now holds and held before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_update: Option<crate::job_change::JobUpdateNews>,
}

/// One line of the popup's recent saves, stored as one JSON object: its three fields beside the
/// [`SaveResult`]'s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecentSave {
    /// When it finished (ISO 8601, from the caller's clock).
    pub at: String,
    /// The save it belonged to.
    pub save_id: String,
    /// `linkedin_extension` or `gmail_extension`.
    pub source: String,
    /// What happened.
    #[serde(flatten)]
    pub result: SaveResult,
}

/// Read through a [`serde_json::Value`]: the line's own three fields, and the [`SaveResult`] by
/// its derive from the same object (its derive ignores the three). Serde's `flatten` would
/// compile a second, buffering reader of `SaveResult` into every module that reads the
/// journal.
impl<'de> Deserialize<'de> for RecentSave {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let line = serde_json::Value::deserialize(deserializer)?;
        let text = |key: &'static str| match line.get(key) {
            Some(serde_json::Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(D::Error::custom(format_args!("`{key}` is not a string"))),
            None => Err(D::Error::missing_field(key)),
        };
        Ok(RecentSave {
            at: text("at")?,
            save_id: text("save_id")?,
            source: text("source")?,
            result: SaveResult::deserialize(&line).map_err(D::Error::custom)?,
        })
    }
}

/// One line of the error log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorLogEntry {
    /// When (ISO 8601, from the caller's clock).
    pub at: String,
    /// The CRM's code or ours.
    pub code: String,
    /// The CRM's own message or ours.
    pub message: String,
    /// What to do.
    pub hint: String,
    /// The CRM's own words when the message above is ours (a refused token: HubSpot's text).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub details: String,
    /// The prospect's name.
    pub name: String,
    /// Where the save came from.
    pub source: String,
}

/// The recent-saves list and the error log, newest first, capped.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Journal {
    /// Newest first.
    pub recent_saves: Vec<RecentSave>,
    /// Newest first.
    pub error_log: Vec<ErrorLogEntry>,
    /// HubSpot contacts this browser created in the last minutes ([`crate::journal::recent`]).
    #[serde(skip_serializing_if = "RecentCreates::is_empty")]
    pub recent_creates: RecentCreates,
}

impl Journal {
    /// Records a finished (or failed) save; failures also go to the error log.
    pub fn record(&mut self, entry: RecentSave) {
        if let Some(err) = &entry.result.error {
            self.error_log.insert(
                0,
                ErrorLogEntry {
                    at: entry.at.clone(),
                    code: err.code.clone(),
                    message: err.message.clone(),
                    hint: err.hint.clone(),
                    details: String::new(),
                    name: entry.result.name.clone(),
                    source: entry.source.clone(),
                },
            );
            self.error_log.truncate(ERROR_LOG_MAX);
        }
        self.recent_saves
            .retain(|r| !(r.save_id == entry.save_id && r.result.name == entry.result.name));
        self.recent_saves.insert(0, entry);
        self.recent_saves.truncate(RECENT_SAVES_MAX);
    }

    /// Notes what a finished save of the person with `lookup_key` created, for the lookups
    /// of the next minutes ([`crate::journal::recent`]): a contact it created, not one it linked.
    pub fn note_created(&mut self, lookup_key: &str, result: &SaveResult, now_ms: u64) {
        let created = result
            .record_id
            .as_deref()
            .filter(|_| result.status == SaveStatus::Created);
        self.recent_creates.note(lookup_key, created, now_ms);
    }

    /// Adds an error that is not tied to one finished save (a refresh that failed...).
    pub fn log_error(&mut self, entry: ErrorLogEntry) {
        self.error_log.insert(0, entry);
        self.error_log.truncate(ERROR_LOG_MAX);
    }

    /// The error log as CSV (formula-safe).
    pub fn error_log_csv(&self) -> String {
        let rows: Vec<Vec<String>> = self
            .error_log
            .iter()
            .map(|e| {
                vec![
                    e.at.clone(),
                    e.source.clone(),
                    e.name.clone(),
                    e.code.clone(),
                    e.message.clone(),
                    e.hint.clone(),
                ]
            })
            .collect();
        to_csv(&["at", "source", "name", "code", "message", "hint"], &rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(name: &str, error: Option<ErrorInfo>) -> SaveResult {
        SaveResult {
            status: if error.is_some() {
                SaveStatus::Failed
            } else {
                SaveStatus::Created
            },
            object: "Contact".into(),
            record_id: None,
            record_url: None,
            name: name.into(),
            owner: Party::default(),
            created_by: Party::default(),
            reasons: vec![],
            warnings: vec![],
            error,
            activity_id: None,
            account_id: None,
            missing: vec![],
            job_update: None,
        }
    }

    #[test]
    fn failures_reach_the_error_log_and_csv() {
        let mut j = Journal::default();
        j.record(RecentSave {
            at: "2026-11-23T09:00:00Z".into(),
            save_id: "s1".into(),
            source: "linkedin_extension".into(),
            result: result("Ada", None),
        });
        j.record(RecentSave {
            at: "2026-11-23T09:01:00Z".into(),
            save_id: "s2".into(),
            source: "gmail_extension".into(),
            result: result(
                "=HYPERLINK(\"x\")",
                Some(ErrorInfo {
                    code: "INSUFFICIENT_ACCESS".into(),
                    message: "no, \"really\"".into(),
                    hint: "Ask your admin".into(),
                }),
            ),
        });
        assert_eq!(j.recent_saves.len(), 2);
        assert_eq!(j.recent_saves[0].save_id, "s2");
        assert_eq!(j.error_log.len(), 1);
        let csv = j.error_log_csv();
        let mut lines = csv.split("\r\n");
        assert_eq!(
            lines.next(),
            Some("\"at\",\"source\",\"name\",\"code\",\"message\",\"hint\"")
        );
        assert_eq!(
            lines.next(),
            Some("\"2026-11-23T09:01:00Z\",\"gmail_extension\",\"'=HYPERLINK(\"\"x\"\")\",\"INSUFFICIENT_ACCESS\",\"no, \"\"really\"\"\",\"Ask your admin\"")
        );
    }

    #[test]
    fn lists_are_capped_and_a_resave_replaces_its_line() {
        let mut j = Journal::default();
        for i in 0..(RECENT_SAVES_MAX + 5) {
            j.record(RecentSave {
                at: String::new(),
                save_id: format!("s{i}"),
                source: String::new(),
                result: result("Ada", None),
            });
        }
        assert_eq!(j.recent_saves.len(), RECENT_SAVES_MAX);
        let again = j.recent_saves[3].clone();
        j.record(again);
        assert_eq!(j.recent_saves.len(), RECENT_SAVES_MAX);
    }
}

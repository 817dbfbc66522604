//! The outbox's values: an [`OutboxEntry`] is either one prospect's save
//! ([`OutboxEntry::Single`], a [`PersonSave`]) or a bulk chunk of people
//! ([`OutboxEntry::Chunk`], a [`ChunkSave`]: its head and its [`Chunk`]), persisted before its
//! first request and removed once the CRM has answered for it. A chunk's people are
//! [`PersonSave`]s, so a chunk never holds a chunk, and a single save has no chunk fields.
//! Planning is in `plan`, running in `step`, `single` and `bulk`.
//!
//! **Stored shape.** Both variants are written as one JSON object, as before they were
//! told apart: a single save's fields, plus `chunk` on a chunk, which is what tells them
//! apart when one is read ([`OutboxEntry::from_value`]). `tests/outbox_shapes.rs` reads
//! entries stored before the split and writes them back byte for byte, so nothing stored in
//! a browser or on the team server needs migrating.
//!
//! **Inside**, what running any entry shares: `outcome`, what an answer means for an entry
//! (the `Step` the worker takes next, results, retries, refreshes); `owner_fallback`, the next
//! owner when the CRM refuses one; [`backoff`], the retry delays.

use std::collections::BTreeMap;

use crm::{ExistingRecord, HttpResponse, RecordKindExt, SaveSpec};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::inbound::message::PageSource;
use crate::inbound::prospect::Prospect;
use crate::journal::records::{ErrorInfo, Party, SaveResult, SaveStatus};
use crate::team::Role;

pub mod backoff;
pub(crate) mod outcome;
pub(crate) mod owner_fallback;

/// What the recent page-load lookups found, by [`lookup_key`]: `Some` = the record, `None` =
/// looked up and not found. Keys absent from the map were never looked up.
pub type KnownRecords = BTreeMap<String, Option<ExistingRecord>>;

/// The dedupe key of a person: their email, else their LinkedIn URL (without trailing slash).
pub fn lookup_key(person: &crm::Prospect) -> Option<String> {
    if let Some(email) = &person.email {
        return Some(format!("email:{}", email.to_lowercase()));
    }
    person
        .linkedin_url
        .as_ref()
        .map(|u| format!("linkedin:{}", u.trim_end_matches('/').to_lowercase()))
}

/// Where an outbox entry stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Look the person up first (no fresh lookup, or a retry after an unknown outcome).
    Lookup,
    /// Find the Account of the person's company by name (Salesforce Contacts with Account
    /// matching on), before creating them.
    Account,
    /// Create the person.
    Save,
    /// The person exists (saved, or found); log the activity.
    Activity,
}

/// An outbox entry: one prospect's save, or a bulk chunk of people. Persisted before its first
/// request and removed when the CRM has answered for it. Holds no token.
///
/// Both variants have a [`PersonSave`] head (a chunk's is its first person's decision, named
/// "Ada and 11 more"), which the entry dereferences to: what runs any entry (its id, role,
/// attempts, back-off, waiting) reads it the same way for both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum OutboxEntry {
    /// One person's save (a single save, a job update, or a bulk save's person before
    /// chunking).
    Single(PersonSave),
    /// A bulk chunk: up to the CRM's batch size of people with the same credential.
    Chunk(ChunkSave),
}

/// A bulk chunk entry: its head, then its people and the current run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChunkSave {
    /// The chunk as the rep and the runner see it (its first person's decision).
    #[serde(flatten)]
    pub head: PersonSave,
    /// Its people and the current run ([`crate::bulk`]).
    pub chunk: Chunk,
}

impl OutboxEntry {
    /// Reads a stored entry: a single save's fields, and `chunk` on a chunk (absent or `null`
    /// on a single save), each part by its own derive, borrowing `stored`. (Serde's
    /// `untagged` or `flatten` would buffer the entry and compile a second reader of every
    /// type in it: 15–21 KB gzip more in each module that reads entries.)
    pub fn from_value(stored: &Value) -> Result<Self, serde_json::Error> {
        let head = PersonSave::deserialize(stored)?;
        Ok(match stored.get("chunk").filter(|c| !c.is_null()) {
            None => OutboxEntry::Single(head),
            Some(chunk) => OutboxEntry::Chunk(ChunkSave {
                head,
                chunk: Chunk::deserialize(chunk)?,
            }),
        })
    }

    /// A stored list of entries, each read by [`Self::from_value`].
    pub fn list_from_value(stored: &Value) -> Result<Vec<Self>, serde_json::Error> {
        match stored.as_array() {
            Some(items) => items.iter().map(Self::from_value).collect(),
            // Serde's own refusal of a non-list ("invalid type: ..., expected a sequence").
            None => Vec::<serde::de::IgnoredAny>::deserialize(stored).map(|_| Vec::new()),
        }
    }
}

/// Any other reader goes through a [`Value`] ([`OutboxEntry::from_value`]); the core's own
/// readers, which hold a `Value` already, call that directly and copy nothing.
impl<'de> Deserialize<'de> for OutboxEntry {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let stored = Value::deserialize(deserializer)?;
        OutboxEntry::from_value(&stored).map_err(serde::de::Error::custom)
    }
}

impl From<PersonSave> for OutboxEntry {
    fn from(person: PersonSave) -> Self {
        OutboxEntry::Single(person)
    }
}

impl std::ops::Deref for OutboxEntry {
    type Target = PersonSave;

    fn deref(&self) -> &PersonSave {
        match self {
            OutboxEntry::Single(person) => person,
            OutboxEntry::Chunk(chunk) => &chunk.head,
        }
    }
}

impl std::ops::DerefMut for OutboxEntry {
    fn deref_mut(&mut self) -> &mut PersonSave {
        match self {
            OutboxEntry::Single(person) => person,
            OutboxEntry::Chunk(chunk) => &mut chunk.head,
        }
    }
}

impl OutboxEntry {
    /// The chunk's people and run, when this is a bulk chunk.
    pub fn chunk(&self) -> Option<&Chunk> {
        match self {
            OutboxEntry::Single(_) => None,
            OutboxEntry::Chunk(chunk) => Some(&chunk.chunk),
        }
    }
}

/// One prospect's save, with where it stands: an entry of its own ([`OutboxEntry::Single`]),
/// a person of a [`Chunk`], or a chunk's head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonSave {
    /// `<save_id>:<index>`.
    pub id: String,
    /// The save (click) it belongs to.
    pub save_id: String,
    /// Position in the save message.
    pub index: usize,
    /// Which page it came from.
    pub source: PageSource,
    /// The person, cleaned.
    pub prospect: Prospect,
    /// The person's dedupe key ([`lookup_key`]): the worker refreshes its lookup cache under
    /// it once the record id is known.
    #[serde(default)]
    pub lookup_key: Option<String>,
    /// What to send: record kind, owner, existing id, activity, "on behalf of" stamp.
    pub spec: SaveSpec,
    /// The connection that pushes the person.
    pub role: Role,
    /// The connection that logs the activity, when it differs from `role`.
    pub activity_role: Option<Role>,
    /// The activity's owner, when its decision differs from the person's.
    pub activity_owner: Option<String>,
    /// Where it stands.
    pub phase: Phase,
    /// The decision, as shown to the rep.
    pub created_by: Party,
    /// The owner, as shown to the rep.
    pub owner: Party,
    /// The decision's reasons.
    pub reasons: Vec<String>,
    /// The decision's warnings, plus the pipeline's.
    pub warnings: Vec<String>,
    /// Failed attempts so far.
    pub attempts: u32,
    /// A request was handed out and no answer came back yet: after a crash its outcome is
    /// unknown, so the next attempt looks the person up before creating.
    pub in_flight: bool,
    /// The token was refreshed once for the current attempt.
    pub refreshed: bool,
    /// Not before this time (ms since epoch, the caller's clock).
    pub next_at_ms: u64,
    /// Why it is waiting, for the popup.
    pub waiting: Option<ErrorInfo>,
    /// The person's record id once known.
    pub record_id: Option<String>,
    /// True once this save created the record.
    pub created: bool,
    /// The Task / engagement this save logged, once the CRM named it (what an undo deletes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity_id: Option<String>,
    /// The Account lookup ran (its answer is in `spec.account`, or there was no single match).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub account_checked: bool,
    /// A create whose outcome is unknown is looked up again after HubSpot's search caught up
    /// (see `step::SEARCH_LAG_MS`) before the person is created: set until that second look.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub recheck: bool,
    /// HubSpot: the contact this browser created for the person minutes ago
    /// ([`crate::journal::recent`]), read back by id when the LinkedIn search misses them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recent_id: Option<String>,
    /// The search missed: the Lookup phase's next request reads `recent_id` back by id.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reading_recent: bool,
    /// The Account this save created for the person's company, once the CRM named it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// Fields the page showed that were not extracted; the journal line names them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// Set on a job change's entry ("Update in CRM"): the record, the old and new job
    /// (`crate::single::job_update` runs it instead of a save).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job_update: Option<crate::job_change::JobUpdate>,
}

impl PersonSave {
    /// The rep-facing result of this entry while it waits in the outbox (its person, owner,
    /// Created By and reasons; no record yet): what a resumed save answers, and the template of
    /// any other result that has no record.
    pub fn waiting_result(&self) -> SaveResult {
        SaveResult {
            status: SaveStatus::Queued,
            object: self.spec.record.sobject().to_owned(),
            record_id: None,
            record_url: None,
            name: self.prospect.name.clone(),
            owner: self.owner.clone(),
            created_by: self.created_by.clone(),
            reasons: self.reasons.clone(),
            warnings: self.warnings.clone(),
            error: None,
            activity_id: None,
            account_id: None,
            missing: self.missing.clone(),
            job_update: None,
        }
    }
}

/// An answer recorded during a chunk's current run (headers are not needed to replay it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedAnswer {
    /// HTTP status.
    pub status: u16,
    /// Body text.
    pub body: String,
}

impl RecordedAnswer {
    pub(crate) fn response(&self) -> HttpResponse {
        HttpResponse {
            status: self.status,
            headers: vec![],
            body: self.body.clone(),
        }
    }
}

/// One person of a chunk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The person's own save: decision, owner, spec, record id once known.
    pub person: PersonSave,
    /// Set when the CRM refused this person for good.
    #[serde(default)]
    pub failure: Option<ErrorInfo>,
}

impl Member {
    /// Still needs a call: not refused, and not yet saved (or saved with an activity to log).
    pub(crate) fn runnable(&self) -> bool {
        self.failure.is_none() && (self.person.record_id.is_none() || self.has_activity())
    }

    fn has_activity(&self) -> bool {
        self.person.spec.activity.is_some()
    }

    pub(crate) fn spec(&self) -> crm::SaveSpec {
        let mut spec = self.person.spec.clone();
        spec.existing_id.clone_from(&self.person.record_id);
        spec
    }
}

/// The chunk section of a bulk outbox entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Chunk {
    /// The people, in message order.
    pub members: Vec<Member>,
    /// Successful answers of the current run, in order (replayed to rebuild its state).
    #[serde(default)]
    pub replay: Vec<RecordedAnswer>,
}

/// One person's final result when a chunk settles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberResult {
    /// Position in the save message.
    pub index: usize,
    /// The person's dedupe key (the worker refreshes its lookup cache under it).
    pub lookup_key: Option<String>,
    /// What became of them.
    pub result: SaveResult,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::inbound::message::{parse_content_message, ContentToWorker};
    use crate::team::{Connection, Health, LocalTeam};
    use serde_json::json;

    /// A chunk's member still needs a call until it is refused, or saved with its e-mail
    /// logged (a member saved whose Task is still to come runs again).
    #[test]
    fn a_member_runs_until_saved_and_its_activity_logged() {
        let mut team = LocalTeam::default();
        team.config.me_email = Some("rep@acme.example".into());
        team.set_connection(Connection {
            role: Role::Personal,
            crm_user_id: "005R".into(),
            name: "Rita".into(),
            email: "rep@acme.example".into(),
            permission: Some(crm::Permission::Standard),
            health: Health::Ok,
            last_success: None,
            instance_url: "https://acme.my.salesforce.com".into(),
            credential: None,
        });
        let msg = json!({"kind": "save", "source": "gmail_extension", "push": "bulk",
            "activity": {"kind": "email", "subject": "Hi", "body": "b", "date": "2026-12-01"},
            "prospects": [{"full_name": "Ada Lovelace", "email": "ada@example.com"},
                {"full_name": "Grace Hopper", "email": "grace@example.com"}]});
        let Ok(ContentToWorker::Save(save)) = parse_content_message(&msg) else {
            panic!("a save")
        };
        let plan = crate::plan::plan_save(&team, &save, "s1", &KnownRecords::new());
        let mut m = plan.entries[0].chunk().expect("a chunk").members[0].clone();
        assert!(m.runnable(), "not saved yet");
        m.person.record_id = Some("003000000000001AAA".into());
        assert!(m.runnable(), "saved, its e-mail still to log");
        m.person.spec.activity = None;
        assert!(!m.runnable(), "saved and logged");
        m.person.record_id = None;
        m.failure = Some(ErrorInfo {
            code: "FIELD_CUSTOM_VALIDATION_EXCEPTION".into(),
            message: "no".into(),
            hint: String::new(),
        });
        assert!(!m.runnable(), "refused");
    }
}

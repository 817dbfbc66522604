//! The messages the service worker receives, parsed with serde into typed enums.
//!
//! Content scripts send [`ContentToWorker`]; the options page and popup send [`UiToWorker`];
//! the rep's own pages (the import page, the popup's "Add a person") send the content kinds
//! with the sources `csv_import` / `manual` ([`parse_rep_message`]).
//! Anything else (wrong shape, unknown kind, too many prospects) is a [`MessageError`] whose
//! text says what was wrong; the worker answers it with `{ok:false, error}`.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

use crm::prospect::validate_date;

use crate::inbound::card::{read_cards, Card, RawCard, CARD_KEY_MAX};
use crate::inbound::prospect::{Prospect, RawProspect, Rejected};
use crate::team::config::{Settings, TeamConfigPatch};
use crate::team::Role;
use crate::text::{clean, clean_multiline};

mod fields;
mod missing;

pub use missing::{missing_for, read_missing, MissingFields, MISSING_FIELD_NAMES};

/// Most prospects one save or lookup may carry (a LinkedIn search page shows far fewer).
pub const MAX_PROSPECTS: usize = 250;
/// Longest email subject kept (Salesforce `Task.Subject` holds 255).
const SUBJECT_MAX: usize = 255;
/// Longest email body kept (Salesforce `Task.Description` holds 32,000).
const BODY_MAX: usize = 30_000;

/// Why a message was refused before anything ran.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum MessageError {
    /// The JSON does not have the shape of any known message.
    #[error("the message has an unexpected shape: {0}")]
    Shape(String),
    /// A save or lookup carried more prospects than one message may.
    #[error("too many prospects in one message ({count}; at most {max})")]
    TooManyProspects {
        /// How many were sent.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// The activity date is not `YYYY-MM-DD`.
    #[error("the email date {0:?} is not a YYYY-MM-DD date")]
    BadDate(String),
}

impl MessageError {
    /// The stable error code sent back to the page (`invalid_message`).
    pub fn code(&self) -> &'static str {
        "invalid_message"
    }
}

/// Where a save started, as the worker accepts it: the sources of the shared
/// [`vocab::Source`] a content script may name (a LinkedIn or Gmail page, and a LinkedIn
/// profile's "Update in CRM", `job_change`), and the two a rep's own extension pages name
/// (the import page: `csv_import`; the popup's "Add a person": `manual`). It converts into
/// that `Source`, with the same wire names. Narrower on purpose: [`parse_content_message`]
/// takes only the page sources (a page cannot claim `manual` or `csv_import`) and
/// [`parse_rep_message`] only the rep's; the worker's router says which one a sender gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageSource {
    /// A LinkedIn profile, search or company people page.
    LinkedinExtension,
    /// An open Gmail thread.
    GmailExtension,
    /// A person the rep typed in by hand (the popup's "Add a person").
    Manual,
    /// A row of a CSV file the rep imported.
    CsvImport,
    /// "Update in CRM" on a LinkedIn profile whose job differs from the CRM record's.
    JobChange,
}

impl PageSource {
    /// The spec's name for this source.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LinkedinExtension => "linkedin_extension",
            Self::GmailExtension => "gmail_extension",
            Self::Manual => "manual",
            Self::CsvImport => "csv_import",
            Self::JobChange => "job_change",
        }
    }

    /// True for the sources a content script on a page may claim.
    pub fn is_page(self) -> bool {
        matches!(
            self,
            Self::LinkedinExtension | Self::GmailExtension | Self::JobChange
        )
    }
}

impl From<PageSource> for attribution::Source {
    fn from(source: PageSource) -> Self {
        match source {
            PageSource::LinkedinExtension => Self::LinkedinExtension,
            PageSource::GmailExtension => Self::GmailExtension,
            PageSource::Manual => Self::Manual,
            PageSource::CsvImport => Self::CsvImport,
            PageSource::JobChange => Self::JobChange,
        }
    }
}

/// One person saved by hand or many saved at once (spec rule 5): the shared
/// [`vocab::PushMode`] (wire names `single`, `bulk`; `bulk` when absent).
pub use vocab::PushMode as Push;

/// A Gmail message to log as an activity ("Log this email").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailActivity {
    /// The subject ("(no subject)" when blank).
    pub subject: String,
    /// The plain-text body, capped.
    pub body: Option<String>,
    /// The day it was sent, `YYYY-MM-DD`.
    pub date: String,
    /// Gmail's message id, if the page showed it.
    pub message_id: Option<String>,
}

/// A save as the worker acts on it: valid prospects plus the ones refused, with reasons.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SaveRequest {
    /// Which page it came from.
    pub source: PageSource,
    /// Single or bulk.
    pub push: Push,
    /// Prospects ready to save.
    pub prospects: Vec<Prospect>,
    /// Prospects refused, each with its reason.
    pub rejected: Vec<Rejected>,
    /// The email to log against each prospect, if any.
    pub activity: Option<EmailActivity>,
    /// The page the save came from.
    pub page_url: Option<String>,
    /// Per prospect (by message index), the fields the page shows that were not extracted:
    /// empty from the parsers, read by [`SaveRequest::with_missing`] on the save path only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<MissingFields>,
}

/// Messages a content script sends to the worker.
#[derive(Debug, Clone, PartialEq)]
pub enum ContentToWorker {
    /// "Is this person already in the CRM, and who owns them?"
    Lookup {
        /// Which page asks.
        source: PageSource,
        /// Valid prospects to look up (a list page's: its cards' people, in card order).
        prospects: Vec<Prospect>,
        /// A list page's cards (`cards` instead of `prospects` in the message), each answered
        /// by its key: its person among `prospects`, or why it is skipped. Empty otherwise.
        cards: Vec<Card>,
        /// Gmail: the address the rep reads mail as (the panel warns when a save would be
        /// Created By another CRM user: [`crate::decision::gmail_saving_as`]).
        mailbox: Option<String>,
    },
    /// "Who would be Created By and Owner if I saved now?"
    Preview {
        /// Which page asks.
        source: PageSource,
        /// Single or bulk.
        push: Push,
    },
    /// Save prospects (and maybe log an email).
    Save(SaveRequest),
}

/// The `kind`s of [`ContentToWorker`] messages, in serde's order for error texts.
const CONTENT_KINDS: &[&str] = &["lookup", "preview", "save"];

/// The `kind` of an undo message (`api::undo_plan` reads it; the settings module handles it).
pub const UNDO_KIND: &str = "undo";

/// Every kind a content script sends that the core handles: [`ContentToWorker`]'s, then
/// [`UNDO_KIND`]. `extension/shared/messages.js` lists the same (`api::contract`, node test).
pub const CONTENT_TO_WORKER_KINDS: &[&str] = &["lookup", "preview", "save", UNDO_KIND];

/// The kind the worker sends a tab while a bulk save runs (its counts come from the plan).
pub const WORKER_TO_CONTENT_KINDS: &[&str] = &["save_progress"];

/// The wire form of an email activity (`{kind:"email", ...}`, the only kind).
struct RawActivity {
    subject: Option<String>,
    body: Option<String>,
    date: String,
    message_id: Option<String>,
}

impl RawActivity {
    /// Reads `activity` (missing or `null`: none) the way an internally tagged enum would.
    fn read(value: Option<&Value>) -> Result<Option<Self>, fields::Error> {
        let Some(value) = value.filter(|v| !v.is_null()) else {
            return Ok(None);
        };
        fields::kind(value, "internally tagged enum RawActivity", &["email"])?;
        Ok(Some(Self {
            subject: fields::field_or_default(value, "subject")?,
            body: fields::field_or_default(value, "body")?,
            date: fields::field(value, "date")?,
            message_id: fields::field_or_default(value, "message_id")?,
        }))
    }
}

/// A content-script message with every field read, before any prospect is validated.
enum RawContent {
    Lookup {
        source: PageSource,
        prospects: Vec<RawProspect>,
        cards: Vec<RawCard>,
        mailbox: Option<String>,
    },
    Preview {
        source: PageSource,
        push: Push,
    },
    Save {
        source: PageSource,
        push: Push,
        prospects: Vec<RawProspect>,
        activity: Option<RawActivity>,
        page_url: Option<String>,
    },
}

impl RawContent {
    /// Reads the message the way `#[serde(tag = "kind")]` would, without serde's buffering.
    fn read(value: &Value) -> Result<Self, fields::Error> {
        let kind = fields::kind(value, "internally tagged enum RawContent", CONTENT_KINDS)?;
        let source = fields::field(value, "source")?;
        Ok(match kind {
            "lookup" => Self::Lookup {
                source,
                // A list page sends `cards`; any other page `prospects`.
                prospects: match value.get("cards") {
                    Some(_) => fields::field_or_default(value, "prospects")?,
                    None => fields::field(value, "prospects")?,
                },
                cards: fields::field_or_default(value, "cards")?,
                mailbox: fields::field_or_default(value, "mailbox")?,
            },
            "preview" => Self::Preview {
                source,
                push: fields::field_or_default(value, "push")?,
            },
            _ => Self::Save {
                source,
                push: fields::field_or_default(value, "push")?,
                prospects: fields::field(value, "prospects")?,
                activity: RawActivity::read(value.get("activity"))?,
                page_url: fields::field_or_default(value, "page_url")?,
            },
        })
    }
}

/// Parses a content-script message (a page's source only).
pub fn parse_content_message(value: &Value) -> Result<ContentToWorker, MessageError> {
    parse_from(value, true)
}

/// Parses a message from the rep's own extension pages: the same kinds as a content script's
/// (`lookup`, `preview`, `save`), with the source `manual` or `csv_import` only.
pub fn parse_rep_message(value: &Value) -> Result<ContentToWorker, MessageError> {
    parse_from(value, false)
}

/// Parses a `lookup`, `preview` or `save` from either kind of sender, told apart by the source
/// it names: `manual` and `csv_import` as [`parse_rep_message`], anything else as
/// [`parse_content_message`]. The worker's router lets only the import page and the popup name
/// a rep's source, and a content script only its own page's.
pub fn parse_save_message(value: &Value) -> Result<ContentToWorker, MessageError> {
    let rep = matches!(
        value.get("source").and_then(Value::as_str),
        Some("manual" | "csv_import")
    );
    parse_from(value, !rep)
}

/// Reads a hover's `preview` as [`parse_save_message`] does, with the same refusals in the
/// same words, but for a message of kind `preview` it reads only a preview's two fields (each
/// with its derive, as the full reader does, in its order): a wake's first answer is most
/// often a preview, and the worker compiles each Wasm function that first call runs, so the
/// lookup's and the save's checks stay uncompiled. Any other message goes to
/// [`parse_save_message`]; `Ok(None)` is one that parses but is not a preview.
pub fn parse_preview_message(value: &Value) -> Result<Option<(PageSource, Push)>, MessageError> {
    if !matches!(value.get("kind"), Some(Value::String(kind)) if kind == "preview") {
        return parse_save_message(value).map(|message| match message {
            ContentToWorker::Preview { source, push } => Some((source, push)),
            _ => None,
        });
    }
    let shape = |e: fields::Error| MessageError::Shape(e.to_string());
    let source: PageSource = fields::field(value, "source").map_err(shape)?;
    let push: Push = fields::field_or_default(value, "push").map_err(shape)?;
    // `parse_from`'s sender check cannot refuse a preview: `parse_save_message` takes a rep's
    // sources as a rep's and every other source as a page's. Its job-change check can.
    if source == PageSource::JobChange {
        return Err(MessageError::Shape(JOB_CHANGE_ONE_SAVE.into()));
    }
    Ok(Some((source, push)))
}

/// Why a job change other than a save of one person is refused: "Update in CRM" is about the
/// one person of a profile page, and is only a save.
const JOB_CHANGE_ONE_SAVE: &str = "a job change is a save of exactly one person";

fn parse_from(value: &Value, page: bool) -> Result<ContentToWorker, MessageError> {
    let raw = RawContent::read(value).map_err(|e| MessageError::Shape(e.to_string()))?;
    let source = match &raw {
        RawContent::Lookup { source, .. }
        | RawContent::Preview { source, .. }
        | RawContent::Save { source, .. } => *source,
    };
    if source.is_page() != page {
        return Err(MessageError::Shape(format!(
            "this sender may not save with source `{}`",
            source.as_str()
        )));
    }
    if source == PageSource::JobChange {
        // "Update in CRM" is about the one person of a profile page, and is only a save.
        let one = matches!(&raw, RawContent::Save { prospects, .. } if prospects.len() == 1);
        if !one {
            return Err(MessageError::Shape(JOB_CHANGE_ONE_SAVE.into()));
        }
    }
    Ok(match raw {
        RawContent::Lookup {
            source,
            prospects,
            cards,
            mailbox,
        } => {
            let (prospects, cards) = if cards.is_empty() {
                (validate_all(&prospects)?.0, Vec::new())
            } else {
                if !prospects.is_empty() {
                    return Err(MessageError::Shape(
                        "a lookup names `prospects` or `cards`, not both".into(),
                    ));
                }
                check_cards(&cards)?;
                read_cards(&cards)
            };
            let mailbox = crate::text::clean(mailbox.as_deref(), 254);
            ContentToWorker::Lookup {
                source,
                prospects,
                cards,
                mailbox,
            }
        }
        RawContent::Preview { source, push } => ContentToWorker::Preview { source, push },
        RawContent::Save {
            source,
            push,
            prospects,
            activity,
            page_url,
        } => {
            let (valid, rejected) = validate_all(&prospects)?;
            let activity = activity.map(check_activity).transpose()?;
            ContentToWorker::Save(SaveRequest {
                source,
                push,
                prospects: valid,
                rejected,
                activity,
                page_url: clean(page_url.as_deref(), 2000),
                missing: Vec::new(),
            })
        }
    })
}

fn validate_all(raw: &[RawProspect]) -> Result<(Vec<Prospect>, Vec<Rejected>), MessageError> {
    if raw.len() > MAX_PROSPECTS {
        return Err(MessageError::TooManyProspects {
            count: raw.len(),
            max: MAX_PROSPECTS,
        });
    }
    let mut valid = Vec::new();
    let mut rejected = Vec::new();
    for (i, p) in raw.iter().enumerate() {
        match p.validate(i) {
            Ok(p) => valid.push(p),
            Err(r) => rejected.push(r),
        }
    }
    Ok((valid, rejected))
}

/// A list page's cards: as many as a message may carry people, each key short enough.
fn check_cards(cards: &[RawCard]) -> Result<(), MessageError> {
    if cards.len() > MAX_PROSPECTS {
        return Err(MessageError::TooManyProspects {
            count: cards.len(),
            max: MAX_PROSPECTS,
        });
    }
    if cards.iter().any(|c| c.key.chars().count() > CARD_KEY_MAX) {
        return Err(MessageError::Shape(format!(
            "a card key is longer than {CARD_KEY_MAX} characters"
        )));
    }
    Ok(())
}

fn check_activity(raw: RawActivity) -> Result<EmailActivity, MessageError> {
    let RawActivity {
        subject,
        body,
        date,
        message_id,
    } = raw;
    let date = date.trim().to_owned();
    if validate_date("date", &date).is_err() {
        return Err(MessageError::BadDate(date.chars().take(40).collect()));
    }
    Ok(EmailActivity {
        subject: clean(subject.as_deref(), SUBJECT_MAX).unwrap_or_else(|| "(no subject)".into()),
        body: clean_multiline(body.as_deref(), BODY_MAX),
        date,
        message_id: clean(message_id.as_deref(), 255),
    })
}

/// Messages the options page and popup send to the worker.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UiToWorker {
    /// Everything the UI shows (never a token).
    GetState,
    /// Change CRM, login host, client id, the rep's email...
    SetConfig(TeamConfigPatch),
    /// Start OAuth for a role.
    Connect {
        /// Which connection.
        role: Role,
    },
    /// Forget a connection (and revoke its token).
    Disconnect {
        /// Which connection.
        role: Role,
    },
    /// "Records I own go to this CRM user" (null clears it).
    SetOwnerMapping {
        /// The CRM user id, or null.
        #[serde(default)]
        crm_user_id: Option<String>,
    },
    /// Answer to the email-mismatch prompt (spec rule 8).
    PickCrmUser {
        /// The CRM user the rep syncs under.
        crm_user_id: String,
    },
    /// Push settings.
    SetSettings {
        /// The new settings.
        settings: Settings,
    },
    /// Team settings as JSON (no secrets).
    ExportSettings,
    /// Load team settings exported elsewhere.
    ImportSettings {
        /// The exported JSON text.
        json: String,
    },
    /// The admin chooses the team sync among the connected app users (rule 9).
    SetTeamSync {
        /// `me` (this rep's own connection) or `team_sync_user` (the current holder).
        app_user: String,
    },
    /// Retry one outbox entry now.
    Retry {
        /// The outbox entry id.
        outbox_id: String,
    },
    /// Empty the error log.
    ClearErrorLog,
    /// The error log as CSV.
    ExportErrorLogCsv,
    /// The attribution simulator: what would happen for this source and record.
    Simulate {
        /// Any spec source (`manual`, `linkedin_extension`, ...).
        source: String,
        /// `contact`, `lead`, `account` or `activity`.
        #[serde(default = "default_record")]
        record: String,
        /// Single or bulk.
        #[serde(default)]
        push: Push,
    },
    /// The team server section of the options page (server mode, issue 15).
    /// Its `action` (`set_url` with `url`, `sign_in`, `join` with `code` and `email`,
    /// `sign_out`, `sync`) is read by the worker's `team-server.js`, which refuses any other,
    /// checks the URL with [`crate::team_server::server_url`] and hands the code and email to
    /// the team server, which checks them: the settings module, where this parser lives, has
    /// no room for more (issue 13's ceiling).
    TeamServer,
}

fn default_record() -> String {
    "contact".into()
}

/// The `kind`s of [`UiToWorker`] messages, in declaration order (serde's error text).
pub const UI_KINDS: &[&str] = &[
    "get_state",
    "set_config",
    "connect",
    "disconnect",
    "set_owner_mapping",
    "pick_crm_user",
    "set_settings",
    "export_settings",
    "import_settings",
    "set_team_sync",
    "retry",
    "clear_error_log",
    "export_error_log_csv",
    "simulate",
    "team_server",
];

/// Parses an options/popup message.
///
/// Reads exactly what `UiToWorker`'s derived `Deserialize` reads (a test holds the two
/// together), without serde's buffering of internally tagged enums: a new variant needs its
/// `kind` in `UI_KINDS` and an arm here.
pub fn parse_ui_message(value: &Value) -> Result<UiToWorker, MessageError> {
    read_ui(value).map_err(|e| MessageError::Shape(e.to_string()))
}

fn read_ui(v: &Value) -> Result<UiToWorker, fields::Error> {
    use fields::{field, field_or_default};
    Ok(
        match fields::kind(v, "internally tagged enum UiToWorker", UI_KINDS)? {
            "get_state" => UiToWorker::GetState,
            "set_config" => UiToWorker::SetConfig(fields::from_json(v)?),
            "connect" => UiToWorker::Connect {
                role: field(v, "role")?,
            },
            "disconnect" => UiToWorker::Disconnect {
                role: field(v, "role")?,
            },
            "set_owner_mapping" => UiToWorker::SetOwnerMapping {
                crm_user_id: field_or_default(v, "crm_user_id")?,
            },
            "pick_crm_user" => UiToWorker::PickCrmUser {
                crm_user_id: field(v, "crm_user_id")?,
            },
            "set_settings" => UiToWorker::SetSettings {
                settings: field(v, "settings")?,
            },
            "export_settings" => UiToWorker::ExportSettings,
            "import_settings" => UiToWorker::ImportSettings {
                json: field(v, "json")?,
            },
            "set_team_sync" => UiToWorker::SetTeamSync {
                app_user: field(v, "app_user")?,
            },
            "retry" => UiToWorker::Retry {
                outbox_id: field(v, "outbox_id")?,
            },
            "clear_error_log" => UiToWorker::ClearErrorLog,
            "export_error_log_csv" => UiToWorker::ExportErrorLogCsv,
            "simulate" => UiToWorker::Simulate {
                source: field(v, "source")?,
                record: match v.get("record") {
                    Some(r) => fields::from_json(r)?,
                    None => default_record(),
                },
                push: field_or_default(v, "push")?,
            },
            "team_server" => UiToWorker::TeamServer,
            other => {
                return Err(<fields::Error as serde::de::Error>::unknown_variant(
                    other, UI_KINDS,
                ))
            }
        },
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use serde_json::json;

    #[test]
    fn save_with_one_bad_prospect_keeps_the_good_one() {
        let msg = json!({"kind":"save","source":"linkedin_extension","push":"bulk",
            "prospects":[{"full_name":"Ada Lovelace"},{"full_name":"LinkedIn Member"}],
            "activity":null,"page_url":"https://www.linkedin.com/search/results/people/"});
        let ContentToWorker::Save(save) = parse_content_message(&msg).unwrap() else {
            panic!("not a save")
        };
        assert_eq!(save.prospects.len(), 1);
        assert_eq!(save.rejected.len(), 1);
        assert_eq!(save.rejected[0].index, 1);
        assert_eq!(save.push, Push::Bulk);
    }

    /// The hover's reader refuses exactly what the full reader refuses, in the same words,
    /// and reads the same preview: one row per way a preview message can be right or wrong.
    #[test]
    fn the_preview_reader_answers_as_the_full_reader() {
        let rows = [
            json!({"kind":"preview","source":"linkedin_extension","push":"single"}),
            json!({"kind":"preview","source":"gmail_extension"}),
            json!({"kind":"preview","source":"manual","push":"bulk"}),
            json!({"kind":"preview","source":"csv_import"}),
            json!({"kind":"preview","source":"job_change","push":"single"}),
            json!({"kind":"preview","source":"nowhere","push":"single"}),
            json!({"kind":"preview","source":"linkedin_extension","push":"all"}),
            json!({"kind":"preview","source":"nowhere","push":"all"}),
            json!({"kind":"preview","push":"single"}),
            json!({"kind":"preview","source":null}),
            json!({"kind":"preview","source":"linkedin_extension","push":null}),
            json!({"kind":"preview","source":7,"extra":[1]}),
            json!({"kind":"preview"}),
            json!({"kind":"save","source":"linkedin_extension","prospects":[{"full_name":"Ada"}]}),
            json!({"kind":"lookup","source":"gmail_extension","prospects":[]}),
            json!({"kind":"nope","source":"linkedin_extension"}),
            json!({"kind":7}),
            json!({"source":"linkedin_extension"}),
            json!(["preview"]),
            json!("preview"),
            json!(null),
        ];
        for row in rows {
            let full = parse_save_message(&row).map(|m| match m {
                ContentToWorker::Preview { source, push } => Some((source, push)),
                _ => None,
            });
            assert_eq!(parse_preview_message(&row), full, "{row}");
        }
        assert_eq!(
            parse_preview_message(&json!({"kind":"preview","source":"manual"})),
            Ok(Some((PageSource::Manual, Push::Bulk)))
        );
        assert!(parse_preview_message(&json!({"kind":"preview","source":"job_change"})).is_err());
    }

    #[test]
    fn bad_shapes_are_typed_errors() {
        let rows = [
            json!(null),
            json!("save"),
            json!({"kind":"nope"}),
            json!({"kind":"save","source":"manual","prospects":[]}),
            json!({"kind":"save","source":"gmail_extension","prospects":"x"}),
            json!({"kind":"save","source":"gmail_extension","prospects":[{"full_name":7}]}),
            json!({"kind":"preview","source":"gmail_extension","push":"all"}),
        ];
        for row in rows {
            let err = parse_content_message(&row).unwrap_err();
            assert!(matches!(err, MessageError::Shape(_)), "{row}: {err:?}");
            assert_eq!(err.code(), "invalid_message");
        }
    }

    #[test]
    fn rep_sources_only_from_the_rep_parser() {
        let csv = json!({"kind":"save","source":"csv_import","push":"bulk",
            "prospects":[{"first_name":"Ada","last_name":"Lovelace"}]});
        let manual = json!({"kind":"preview","source":"manual","push":"single"});
        let page = json!({"kind":"lookup","source":"linkedin_extension","prospects":[]});
        let ContentToWorker::Save(save) = parse_rep_message(&csv).unwrap() else {
            panic!("not a save")
        };
        assert_eq!(save.source, PageSource::CsvImport);
        assert_eq!(
            parse_rep_message(&manual).unwrap(),
            ContentToWorker::Preview {
                source: PageSource::Manual,
                push: Push::Single
            }
        );
        assert!(parse_content_message(&csv).is_err());
        assert!(parse_content_message(&manual).is_err());
        assert!(parse_rep_message(&page).is_err());
        // The dispatcher picks by the named source, so each still gets only its own parser.
        assert!(parse_save_message(&csv).is_ok());
        assert!(parse_save_message(&page).is_ok());
        let job = json!({"kind":"save","source":"job_change","prospects":[]});
        assert!(parse_save_message(&job).is_err());
    }

    /// A list page's lookup names its cards; the core reads each one and keeps its key.
    #[test]
    fn a_list_lookup_keeps_every_card_by_key() {
        let msg = json!({"kind":"lookup","source":"linkedin_extension","cards":[
            {"key":"urn:1","link":"https://www.linkedin.com/in/ada?x=1",
                "prospect":{"full_name":"Ada Lovelace","linkedin_url":"https://www.linkedin.com/in/ada"}},
            {"key":"urn:2","link":"https://www.linkedin.com/search/results/people/headless?k=1",
                "prospect":{"full_name":"LinkedIn Member"}},
            {"key":"sdui:2","prospect":{"full_name":null}},
        ]});
        let ContentToWorker::Lookup {
            prospects, cards, ..
        } = parse_content_message(&msg).unwrap()
        else {
            panic!("not a lookup")
        };
        assert_eq!(prospects.len(), 1);
        assert_eq!(prospects[0].name, "Ada Lovelace");
        let keys: Vec<&str> = cards.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["urn:1", "urn:2", "sdui:2"]);
        assert_eq!(cards[0].person, Ok(0));
        assert!(cards[1].person.is_err() && cards[2].person.is_err());

        let both = json!({"kind":"lookup","source":"linkedin_extension",
            "prospects":[{"full_name":"Ada Lovelace"}],"cards":[{"key":"a","prospect":{}}]});
        assert!(matches!(
            parse_content_message(&both),
            Err(MessageError::Shape(_))
        ));
        let longest_key = json!({"kind":"lookup","source":"linkedin_extension",
            "cards":[{"key":"k".repeat(CARD_KEY_MAX),"prospect":{}}]});
        assert!(parse_content_message(&longest_key).is_ok());
        let long_key = json!({"kind":"lookup","source":"linkedin_extension",
            "cards":[{"key":"k".repeat(CARD_KEY_MAX + 1),"prospect":{}}]});
        assert!(matches!(
            parse_content_message(&long_key),
            Err(MessageError::Shape(_))
        ));
        let keyless = json!({"kind":"lookup","source":"linkedin_extension",
            "cards":[{"prospect":{"full_name":"Ada Lovelace"}}]});
        assert!(matches!(
            parse_content_message(&keyless),
            Err(MessageError::Shape(_))
        ));
        let mut many: Vec<Value> = (0..MAX_PROSPECTS)
            .map(|i| json!({"key": i.to_string(), "prospect": {"full_name": "A B"}}))
            .collect();
        let full = json!({"kind":"lookup","source":"linkedin_extension","cards":many.clone()});
        assert!(parse_content_message(&full).is_ok(), "a full page is read");
        many.push(json!({"key": "one more", "prospect": {"full_name": "A B"}}));
        let msg = json!({"kind":"lookup","source":"linkedin_extension","cards":many});
        assert!(matches!(
            parse_content_message(&msg),
            Err(MessageError::TooManyProspects { .. })
        ));
    }

    #[test]
    fn too_many_prospects() {
        let many: Vec<Value> = (0..=MAX_PROSPECTS)
            .map(|i| json!({"full_name": format!("P {i}")}))
            .collect();
        let msg = json!({"kind":"lookup","source":"linkedin_extension","prospects":many});
        assert_eq!(
            parse_content_message(&msg).unwrap_err(),
            MessageError::TooManyProspects {
                count: MAX_PROSPECTS + 1,
                max: MAX_PROSPECTS
            }
        );
    }

    #[test]
    fn activity_is_checked() {
        let base = |date: &str| {
            json!({"kind":"save","source":"gmail_extension","push":"single",
                "prospects":[{"full_name":"Ada Lovelace","email":"ada@example.com"}],
                "activity":{"kind":"email","subject":"  ","body":"Hi\r\nAda","date":date,"message_id":"m1"}})
        };
        let ContentToWorker::Save(save) = parse_content_message(&base("2026-03-02")).unwrap()
        else {
            panic!("not a save")
        };
        let act = save.activity.unwrap();
        assert_eq!(act.subject, "(no subject)");
        assert_eq!(act.body.as_deref(), Some("Hi\nAda"));
        for bad in ["2026-13-01", "yesterday", "2026-3-2", "２０２６-03-02"] {
            assert!(
                matches!(
                    parse_content_message(&base(bad)),
                    Err(MessageError::BadDate(_))
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn ui_messages_parse() {
        assert_eq!(
            parse_ui_message(&json!({"kind":"get_state"})).unwrap(),
            UiToWorker::GetState
        );
        assert_eq!(
            parse_ui_message(&json!({"kind":"connect","role":"team_sync"})).unwrap(),
            UiToWorker::Connect {
                role: Role::TeamSync
            }
        );
        assert_eq!(
            parse_ui_message(&json!({"kind":"set_owner_mapping","crm_user_id":null})).unwrap(),
            UiToWorker::SetOwnerMapping { crm_user_id: None }
        );
        assert!(parse_ui_message(&json!({"kind":"connect","role":"boss"})).is_err());
        assert!(parse_ui_message(&json!({"kind":"retry"})).is_err());
        assert!(parse_ui_message(&json!({"kind":"save"})).is_err());
    }

    /// The hand-written reader and the derived `Deserialize` agree on every kind, on the
    /// defaults and on what they refuse (same error text).
    #[test]
    fn ui_reader_agrees_with_the_derive() {
        let rows = [
            json!({"kind":"get_state","extra":1}),
            json!({"kind":"set_config","crm":"hubspot","rep_email":"a@b.co"}),
            json!({"kind":"set_config"}),
            json!({"kind":"connect","role":"personal"}),
            json!({"kind":"disconnect","role":"team_sync"}),
            json!({"kind":"set_owner_mapping"}),
            json!({"kind":"set_owner_mapping","crm_user_id":"005A"}),
            json!({"kind":"pick_crm_user","crm_user_id":"005B"}),
            json!({"kind":"set_settings","settings":{}}),
            json!({"kind":"export_settings"}),
            json!({"kind":"import_settings","json":"{}"}),
            json!({"kind":"set_team_sync","app_user":"me"}),
            json!({"kind":"retry","outbox_id":"o1"}),
            json!({"kind":"clear_error_log"}),
            json!({"kind":"export_error_log_csv"}),
            json!({"kind":"simulate","source":"manual"}),
            json!({"kind":"simulate","source":"manual","record":"lead","push":"single"}),
            // refused
            json!({"kind":"nope"}),
            json!({"role":"personal"}),
            json!({"kind":7}),
            json!(null),
            json!("get_state"),
            json!({"kind":"connect"}),
            json!({"kind":"connect","role":"boss"}),
            json!({"kind":"set_owner_mapping","crm_user_id":5}),
            json!({"kind":"pick_crm_user","crm_user_id":null}),
            json!({"kind":"simulate","source":"manual","record":null}),
            json!({"kind":"simulate","source":"manual","push":null}),
            json!({"kind":"set_config","crm":"pipedrive"}),
        ];
        let mut refused = 0;
        for row in rows {
            let derived = serde_json::from_value::<UiToWorker>(row.clone())
                .map_err(|e| MessageError::Shape(e.to_string()));
            let ours = parse_ui_message(&row);
            match (&derived, &ours) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "{row}"),
                (Err(_), Err(MessageError::Shape(_))) => refused += 1,
                _ => panic!("{row}: derive {derived:?}, reader {ours:?}"),
            }
        }
        assert_eq!(refused, 12);
        // A simulation that names no record asks about a Contact.
        let Ok(UiToWorker::Simulate { record, .. }) =
            parse_ui_message(&json!({"kind":"simulate","source":"manual"}))
        else {
            panic!("a simulation")
        };
        assert_eq!(record, "contact");
        // The one deliberate difference: serde also reads a tagged enum from an array
        // (`["get_state"]`); no page sends that, and the reader refuses it.
        assert!(parse_ui_message(&json!(["get_state"])).is_err());
        // The list of kinds in error texts is the derive's own: a new variant fails here.
        let unknown = json!({"kind":"nope"});
        assert_eq!(
            parse_ui_message(&unknown).unwrap_err().to_string(),
            MessageError::Shape(
                serde_json::from_value::<UiToWorker>(unknown)
                    .unwrap_err()
                    .to_string()
            )
            .to_string()
        );
    }
}

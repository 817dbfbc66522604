//! The messages the service worker receives, parsed with serde into typed enums.
//!
//! Content scripts send [`ContentToWorker`]; the options page and popup send [`UiToWorker`].
//! Anything else (wrong shape, unknown kind, too many prospects) is a [`MessageError`] whose
//! text says what was wrong; the worker answers it with `{ok:false, error}`.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;

use crm::prospect::validate_date;

use crate::prospect::{Prospect, RawProspect, Rejected};
use crate::team::{Settings, TeamConfigPatch};
use crate::text::{clean, clean_multiline};

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

/// Where a save started, as content scripts may claim it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PageSource {
    /// A LinkedIn profile, search or company people page.
    LinkedinExtension,
    /// An open Gmail thread.
    GmailExtension,
}

impl PageSource {
    /// The spec's name for this source.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LinkedinExtension => "linkedin_extension",
            Self::GmailExtension => "gmail_extension",
        }
    }
}

/// One person saved by hand or many saved at once (spec rule 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Push {
    /// A single save the rep started by hand.
    Single,
    /// A bulk save ("Save selected", "Save all on this page").
    #[default]
    Bulk,
}

impl Push {
    /// The spec's name for this push.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Single => "single",
            Self::Bulk => "bulk",
        }
    }
}

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
}

/// Messages a content script sends to the worker.
#[derive(Debug, Clone, PartialEq)]
pub enum ContentToWorker {
    /// "Is this person already in the CRM, and who owns them?"
    Lookup {
        /// Which page asks.
        source: PageSource,
        /// Valid prospects to look up.
        prospects: Vec<Prospect>,
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

/// The wire form of content-script messages.
#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum RawContent {
    Lookup {
        source: PageSource,
        prospects: Vec<RawProspect>,
    },
    Preview {
        source: PageSource,
        #[serde(default)]
        push: Push,
    },
    Save {
        source: PageSource,
        #[serde(default)]
        push: Push,
        prospects: Vec<RawProspect>,
        #[serde(default)]
        activity: Option<RawActivity>,
        #[serde(default)]
        page_url: Option<String>,
    },
}

#[derive(Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum RawActivity {
    Email {
        #[serde(default)]
        subject: Option<String>,
        #[serde(default)]
        body: Option<String>,
        date: String,
        #[serde(default)]
        message_id: Option<String>,
    },
}

/// Parses a content-script message.
pub fn parse_content_message(value: &Value) -> Result<ContentToWorker, MessageError> {
    let raw: RawContent =
        serde_json::from_value(value.clone()).map_err(|e| MessageError::Shape(e.to_string()))?;
    Ok(match raw {
        RawContent::Lookup { source, prospects } => {
            let (prospects, _) = validate_all(&prospects)?;
            ContentToWorker::Lookup { source, prospects }
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

fn check_activity(raw: RawActivity) -> Result<EmailActivity, MessageError> {
    let RawActivity::Email {
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

/// Connection roles on the options page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The team-wide connection chosen by an admin.
    TeamSync,
    /// This rep's own connection.
    Personal,
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
}

fn default_record() -> String {
    "contact".into()
}

/// Parses an options/popup message.
pub fn parse_ui_message(value: &Value) -> Result<UiToWorker, MessageError> {
    serde_json::from_value(value.clone()).map_err(|e| MessageError::Shape(e.to_string()))
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
}

//! The CRM-neutral model shared by both CRMs and by the saves pipeline: who is being saved
//! ([`Prospect`]), what to log ([`ActivityLog`]), how ([`SaveSpec`]) and what happened
//! ([`SaveOutcome`]); plus directory entries ([`CrmUser`]) and lookup hits ([`ExistingRecord`]).

use serde::{Deserialize, Serialize};

use crate::error::ValidationError;

/// A person captured from LinkedIn or Gmail. JSON is snake_case.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Prospect {
    /// Given name, when known.
    pub first_name: Option<String>,
    /// Family name (required by both CRMs' contact/lead rules).
    pub last_name: String,
    /// Work e-mail: the dedupe key.
    pub email: Option<String>,
    /// Job title.
    pub title: Option<String>,
    /// Company name.
    pub company: Option<String>,
    /// Phone number as shown.
    pub phone: Option<String>,
    /// Canonical profile URL (`https://www.linkedin.com/in/<slug>/`): the second dedupe key.
    pub linkedin_url: Option<String>,
    /// Free-text location as shown ("Berlin, Germany").
    pub location: Option<String>,
    /// LinkedIn headline.
    pub headline: Option<String>,
}

/// What kind of activity to log against the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    /// An e-mail sent or received.
    Email,
    /// A call.
    Call,
    /// A free note.
    Note,
}

/// An activity to log, dated by the caller (the crate has no clock).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityLog {
    /// Email, call or note.
    pub kind: ActivityKind,
    /// Subject line.
    pub subject: String,
    /// Body text.
    pub body: String,
    /// `YYYY-MM-DD`.
    pub date: String,
}

/// What a save is, as the spec names it: the shared [`vocab::RecordKind`]. A person becomes a
/// `contact` or a `lead` ([`RecordKindExt::is_person`]); the other kinds are refused by every
/// builder and by the serde of person fields ([`person_kind`]).
pub use vocab::RecordKind;

/// What the CRM protocols add to the shared [`RecordKind`] (`vocab` knows no CRM).
pub trait RecordKindExt {
    /// The Salesforce sObject name: `Contact`, `Lead`, `Account`, and `Task` for an activity.
    fn sobject(self) -> &'static str;

    /// Whether a person is saved as this kind: Contact or Lead (HubSpot has contacts only; a
    /// Lead spec becomes a contact there).
    fn is_person(&self) -> bool;
}

impl RecordKindExt for RecordKind {
    fn sobject(self) -> &'static str {
        match self {
            RecordKind::Contact => "Contact",
            RecordKind::Lead => "Lead",
            RecordKind::Account => "Account",
            RecordKind::Activity => "Task",
        }
    }

    fn is_person(&self) -> bool {
        matches!(self, RecordKind::Contact | RecordKind::Lead)
    }
}

/// Refuses a kind no person is saved as (the builders' first check).
pub(crate) fn require_person(kind: RecordKind) -> Result<(), ValidationError> {
    if kind.is_person() {
        Ok(())
    } else {
        Err(ValidationError::Malformed {
            field: "record".into(),
            reason: format!(
                "a person is saved as a contact or a lead, not {}",
                kind.as_str()
            ),
        })
    }
}

/// Serde readers for a field holding what a person is saved as ([`SaveSpec::record`], the
/// team's push setting): only `contact` or `lead`, the names these fields have always taken,
/// anything else refused with serde's "unknown variant" error. Writing needs nothing special.
pub mod person_kind {
    use serde::de::{Deserialize, Deserializer, Error, Visitor};

    use super::{RecordKind, RecordKindExt};

    /// The names a person field accepts.
    const NAMES: &[&str] = &["contact", "lead"];

    /// A [`RecordKind`] that is a person's.
    struct Person(RecordKind);

    impl<'de> Deserialize<'de> for Person {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct Names;
            impl Visitor<'_> for Names {
                type Value = Person;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("variant identifier")
                }
                fn visit_str<E: Error>(self, wire: &str) -> Result<Person, E> {
                    RecordKind::parse(wire)
                        .filter(|kind| kind.is_person())
                        .map(Person)
                        .ok_or_else(|| E::unknown_variant(wire, NAMES))
                }
            }
            deserializer.deserialize_str(Names)
        }
    }

    /// Reads `contact` or `lead` (`#[serde(deserialize_with = "person_kind::deserialize")]`).
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<RecordKind, D::Error> {
        Person::deserialize(deserializer).map(|p| p.0)
    }

    /// Reads `contact`, `lead` or `null` for an optional field.
    pub fn deserialize_option<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<RecordKind>, D::Error> {
        Option::<Person>::deserialize(deserializer).map(|p| p.map(|p| p.0))
    }
}

/// One save: the person, the owner chosen by the attribution core, and what to log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveSpec {
    /// Contact or Lead.
    #[serde(deserialize_with = "person_kind::deserialize")]
    pub record: RecordKind,
    /// The person.
    pub prospect: Prospect,
    /// CRM user/owner id to own the record and the activity; `None` = the token's user.
    #[serde(default)]
    pub owner_id: Option<String>,
    /// Set when a lookup already found the person: nothing is created, the activity is linked.
    #[serde(default)]
    pub existing_id: Option<String>,
    /// Activity to log against the person.
    #[serde(default)]
    pub activity: Option<ActivityLog>,
    /// Extra description, e.g. the "Saved by Rita Rep on behalf of ..." stamp.
    #[serde(default)]
    pub description: Option<String>,
    /// The Account a new Salesforce Contact belongs to (found by an Account lookup by company
    /// name): its `AccountId`. Ignored for Leads and on HubSpot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// No Account had the company's name: the save's Composite call creates `Account {Name:
    /// this}` first and the Contact references it. Ignored when `account_id` is set.
    ///
    /// (Two plain fields rather than an enum: a serde enum in every stored `SaveSpec` weighed
    /// kilobytes in the Wasm module that loads at every wake.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_account: Option<String>,
}

/// What a save did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SaveOutcome {
    /// The person's record id.
    pub record_id: String,
    /// `"Contact"` or `"Lead"` (HubSpot: `"contacts"`).
    pub object: String,
    /// False when the save linked to an existing record.
    pub created: bool,
    /// The logged activity's id (Task / engagement), if any.
    pub activity_id: Option<String>,
    /// The owner that was requested (Salesforce keeps it thanks to `Sforce-Auto-Assign: FALSE`).
    pub owner_id: Option<String>,
    /// A linked record's job as the CRM has it (read by the dedupe lookup), to tell a job
    /// change; `None` for a record this save created or one read without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crm_job: Option<Job>,
}

/// A person's job: title and company (a Salesforce Contact's Account name or a Lead's
/// Company; HubSpot's `jobtitle` and `company`). Blank values are `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    /// Job title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Company name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
}

impl Job {
    /// A job from two possibly blank values; `None` when both are blank.
    pub fn from_parts(title: Option<&str>, company: Option<&str>) -> Option<Self> {
        let keep = |v: Option<&str>| {
            v.map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let job = Job {
            title: keep(title),
            company: keep(company),
        };
        (job.title.is_some() || job.company.is_some()).then_some(job)
    }

    /// The job as a rep reads it: "VP Sales at Globex", "VP Sales" or "Globex".
    pub fn words(&self) -> String {
        match (self.title.as_deref(), self.company.as_deref()) {
            (Some(t), Some(c)) => format!("{t} at {c}"),
            (Some(one), None) | (None, Some(one)) => one.to_owned(),
            (None, None) => String::new(),
        }
    }
}

/// A CRM user or owner (Salesforce User, HubSpot owner) for owner mapping: the shared
/// [`vocab::CrmUser`] (the parsers always give a `name`).
pub use vocab::CrmUser;

/// A record a dedupe lookup found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExistingRecord {
    /// Record id.
    pub id: String,
    /// `"Contact"`, `"Lead"` or `"contacts"`.
    pub object: String,
    /// Current owner id.
    pub owner_id: Option<String>,
    /// Current owner name, when the CRM returned it.
    pub owner_name: Option<String>,
    /// The record's job, when the lookup read it (to tell a job change).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub job: Option<Job>,
}

/// The connected user's permission level, as the attribution spec names it: the shared
/// [`vocab::Permission`]. A check that could not run is no level: callers hold
/// `Option<Permission>` for that.
pub use vocab::Permission;

/// Splits a display name into `(first, last)`: the one rule of [`crate::name`] (particles,
/// credentials, emoji, single names).
pub use crate::name::split_full_name;

/// Checks `YYYY-MM-DD` (month 01-12, day 01-31).
pub fn validate_date(field: &str, date: &str) -> Result<(), ValidationError> {
    let b = date.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    let ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && digits(0..4)
        && digits(5..7)
        && digits(8..10)
        && (1..=12).contains(&date[5..7].parse::<u8>().unwrap_or(0))
        && (1..=31).contains(&date[8..10].parse::<u8>().unwrap_or(0));
    if ok {
        Ok(())
    } else {
        Err(ValidationError::Malformed {
            field: field.into(),
            reason: format!("expected YYYY-MM-DD, got {date:?}"),
        })
    }
}

/// Non-blank trimmed value, or `None`.
pub(crate) fn clean(v: Option<&String>) -> Option<&str> {
    v.map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// Cuts display text to `max` characters (on a char boundary).
pub(crate) fn cut(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// Refuses identifiers longer than `max` characters (cutting them would corrupt them).
pub(crate) fn fits(field: &str, s: &str, max: usize) -> Result<(), ValidationError> {
    let len = s.chars().count();
    if len > max {
        Err(ValidationError::TooLong {
            field: field.into(),
            len,
            max,
        })
    } else {
        Ok(())
    }
}

/// Ids go into URLs and JSON references: only ASCII letters and digits are accepted.
pub(crate) fn validate_id(field: &str, id: &str) -> Result<(), ValidationError> {
    if !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(())
    } else {
        Err(ValidationError::Malformed {
            field: field.into(),
            reason: "ids are ASCII letters and digits".into(),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    /// A person's record kind is `contact` or `lead`; anything else is refused in words that
    /// say what was expected (a number included, which reaches the visitor's `expecting`).
    #[test]
    fn a_person_kind_is_contact_or_lead() {
        let read = |v: serde_json::Value| person_kind::deserialize(v).map_err(|e| e.to_string());
        assert_eq!(read(serde_json::json!("lead")), Ok(RecordKind::Lead));
        assert_eq!(read(serde_json::json!("contact")), Ok(RecordKind::Contact));
        assert_eq!(
            read(serde_json::json!("account")),
            Err("unknown variant `account`, expected `contact` or `lead`".to_owned())
        );
        assert_eq!(
            read(serde_json::json!(5)),
            Err("invalid type: integer `5`, expected variant identifier".to_owned())
        );
        // An optional field also reads `null`.
        let optional =
            |v: serde_json::Value| person_kind::deserialize_option(v).map_err(|e| e.to_string());
        assert_eq!(
            optional(serde_json::json!("lead")),
            Ok(Some(RecordKind::Lead))
        );
        assert_eq!(optional(serde_json::Value::Null), Ok(None));
        assert!(optional(serde_json::json!("account")).is_err());
    }

    /// A job as the rep reads it (the job-change badge, the Task's "Was:" line).
    #[test]
    fn a_job_reads_as_title_at_company() {
        let words = |t: Option<&str>, c: Option<&str>| Job::from_parts(t, c).map(|j| j.words());
        assert_eq!(
            words(Some("VP Sales"), Some("Globex")).as_deref(),
            Some("VP Sales at Globex")
        );
        assert_eq!(
            words(Some("VP Sales"), Some(" ")).as_deref(),
            Some("VP Sales")
        );
        assert_eq!(words(None, Some("Globex")).as_deref(), Some("Globex"));
        assert_eq!(words(None, None), None);
        assert_eq!(Job::default().words(), "");
    }

    #[test]
    fn splits_names() {
        let cases = [
            ("Ada Lovelace", (Some("Ada"), "Lovelace")),
            ("  Ada   King  Lovelace ", (Some("Ada"), "King Lovelace")),
            ("Madonna", (None, "Madonna")),
            ("Jane Doe, PhD", (Some("Jane"), "Doe")),
            ("", (None, "")),
        ];
        for (input, (first, last)) in cases {
            let (f, l) = split_full_name(input);
            assert_eq!((f.as_deref(), l.as_str()), (first, last), "{input}");
        }
    }

    #[test]
    fn validates_dates_and_ids() {
        assert!(validate_date("date", "2026-03-02").is_ok());
        for bad in [
            "2026-3-02",
            "2026-13-01",
            "2026-01-00",
            "20260102xx",
            "２０２６-01-01",
        ] {
            assert!(validate_date("date", bad).is_err(), "{bad}");
        }
        assert!(validate_id("id", "0035g00000Lm9NoAAJ").is_ok());
        assert!(validate_id("id", "003'/x").is_err());
        assert!(fits("email", "a@b.c", 5).is_ok());
        assert!(fits("email", "a@b.co", 5).is_err());
        assert_eq!(cut("héllo", 2), "hé");
    }

    #[test]
    fn spec_json_is_snake_case() {
        let spec: SaveSpec = serde_json::from_str(
            r#"{"record":"lead","prospect":{"last_name":"Lovelace","linkedin_url":"u"},
                "activity":{"kind":"email","subject":"s","body":"b","date":"2026-01-01"}}"#,
        )
        .unwrap();
        assert_eq!(spec.record, RecordKind::Lead);
        assert_eq!(spec.prospect.linkedin_url.as_deref(), Some("u"));
        assert_eq!(spec.activity.unwrap().kind, ActivityKind::Email);
        assert_eq!(
            serde_json::to_string(&Permission::ReadOnly).unwrap(),
            "\"read_only\""
        );
    }
}

//! A job change: the page says a person's title or company is not what their CRM record says
//! ("In Salesforce as Head of Sales at Initech; LinkedIn now says VP Sales at Globex").
//!
//! Only a real difference counts, never a guess: both sides must name the field, and they must
//! still differ after spelling is set aside (case, punctuation, spacing, "&" for "and", a
//! company's legal suffix such as "Inc." or "GmbH", and the usual title abbreviations such as
//! "VP" or "Sr."). A record with no title is missing data, not a job change.
//!
//! [`JobUpdate`] is what an "Update in CRM" click keeps on its outbox entry (the record, the
//! old and new job, what the CRM recorded), and [`JobUpdateNews`] what its result tells the
//! rep; `crate::single::job_update` runs it.

use crm::{ActivityKind, ActivityLog, Job, Prospect};
use serde::{Deserialize, Serialize};

/// What the CRM record says and what the page says, when they differ.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobChange {
    /// The record's job as the CRM has it.
    pub crm: Job,
    /// The job the page shows now.
    pub page: Job,
}

/// The job change between a page's person and the record's job, if there is one.
pub fn job_change(page: &Prospect, crm_job: Option<&Job>) -> Option<JobChange> {
    let crm_job = crm_job?;
    // A side with nothing left to compare (blank, punctuation) names nothing.
    let differs = |page: Option<&String>, crm: Option<&String>, key: fn(&str) -> String| {
        let (p, c) = (page.map(|v| key(v)), crm.map(|v| key(v)));
        matches!((p, c), (Some(p), Some(c)) if !p.is_empty() && !c.is_empty() && p != c)
    };
    let changed = differs(page.title.as_ref(), crm_job.title.as_ref(), title_key)
        || differs(page.company.as_ref(), crm_job.company.as_ref(), company_key);
    changed.then(|| JobChange {
        crm: crm_job.clone(),
        page: Job::from_parts(page.title.as_deref(), page.company.as_deref()).unwrap_or_default(),
    })
}

/// Is the CRM's job `now` the page's job, spelling aside (the same test as [`job_change`])?
pub fn same_job(page: &Job, now: Option<&Job>) -> bool {
    let person = Prospect {
        title: page.title.clone(),
        company: page.company.clone(),
        ..Prospect::default()
    };
    job_change(&person, now).is_none() && now.is_some()
}

/// Do two company names differ, spelling and legal suffixes aside?
pub fn companies_differ(a: &str, b: &str) -> bool {
    company_key(a) != company_key(b)
}

/// A job change the rep asked to write onto the CRM record, as its outbox entry keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobUpdate {
    /// The record's id (from the lookup that showed the badge).
    pub record_id: String,
    /// The record's job before the update.
    pub was: Job,
    /// The page's job: what the record should say.
    pub now: Job,
    /// The day of the click (`YYYY-MM-DD`, the caller's clock): the Task's or note's date.
    #[serde(default)]
    pub date: String,
    /// The Account matched by exact name for a Salesforce Contact's new company.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// Why the Account was kept, when the company could not be matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_note: Option<String>,
    /// The update request was handed out once: a lost answer means it may have landed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sent: bool,
    /// HubSpot: the note request was handed out once (a lost answer may have created it).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub note_sent: bool,
    /// HubSpot: the contact's notes to read for this save's marker before noting again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub note_check: Vec<String>,
}

impl JobUpdate {
    /// The job the record holds once updated: the new title, and the new company unless the
    /// Account was kept (`account_note`), then the old one.
    pub fn recorded(&self) -> Job {
        let company = match &self.account_note {
            Some(_) => self.was.company.clone(),
            None => self
                .now
                .company
                .clone()
                .or_else(|| self.was.company.clone()),
        };
        Job {
            title: self.now.title.clone().or_else(|| self.was.title.clone()),
            company,
        }
    }

    /// The words of the note that only this save's note holds ([`JobUpdate::note`]).
    pub fn marker(save_id: &str) -> String {
        format!("with Leadline (save {save_id})")
    }

    /// The note kept on the record with the old values: subject "Job change: was Head of
    /// Sales at Initech", the old and new job and the save in its body.
    pub fn note(&self, save_id: &str) -> ActivityLog {
        let mut body = format!(
            "Was: {}\nNow: {}\nUpdated from LinkedIn {}.",
            self.was.words(),
            self.recorded().words(),
            Self::marker(save_id)
        );
        if let Some(note) = &self.account_note {
            body.push('\n');
            body.push_str(note);
        }
        ActivityLog {
            kind: ActivityKind::Note,
            subject: format!("Job change: was {}", self.was.words()),
            body,
            date: self.date.clone(),
        }
    }

    /// What the rep is told once the CRM has recorded it.
    pub fn news(&self) -> JobUpdateNews {
        JobUpdateNews {
            now: self.recorded(),
            was: self.was.clone(),
            account_note: self.account_note.clone(),
        }
    }
}

/// What a job update recorded, for the toast and the popup: "Updated in Salesforce: VP Sales
/// at Globex (was Head of Sales at Initech)", and why the Account was kept, if it was.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobUpdateNews {
    /// The job the record now holds.
    pub now: Job,
    /// The job it held before.
    pub was: Job,
    /// Why a Contact kept its Account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_note: Option<String>,
}

/// Lowercase words of `s`: ASCII letters and digits and any non-ASCII character (so "Société"
/// stays one word without Unicode's class tables in the Wasm module), "&" read as "and".
fn words(s: &str) -> Vec<String> {
    s.replace('&', " and ")
        .split(|c: char| c.is_ascii() && !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Title abbreviations and the words they stand for.
const TITLE_WORDS: &[(&str, &str)] = &[
    ("vp", "vice president"),
    ("svp", "senior vice president"),
    ("evp", "executive vice president"),
    ("avp", "assistant vice president"),
    ("ceo", "chief executive officer"),
    ("cfo", "chief financial officer"),
    ("cto", "chief technology officer"),
    ("coo", "chief operating officer"),
    ("cmo", "chief marketing officer"),
    ("cro", "chief revenue officer"),
    ("sr", "senior"),
    ("jr", "junior"),
    ("mgr", "manager"),
    ("dir", "director"),
];

/// A title as compared: abbreviations spelled out, "of" dropped ("Head of Sales" = "Head Sales").
fn title_key(title: &str) -> String {
    words(title)
        .iter()
        .filter(|w| *w != "of")
        .map(|w| {
            TITLE_WORDS
                .iter()
                .find(|(short, _)| short == w)
                .map_or(w.as_str(), |(_, long)| long)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Legal suffixes a company's name may carry or not.
const COMPANY_SUFFIXES: &[&str] = &[
    "inc",
    "incorporated",
    "llc",
    "llp",
    "ltd",
    "limited",
    "gmbh",
    "ag",
    "corp",
    "corporation",
    "co",
    "company",
    "plc",
    "sa",
    "sas",
    "sarl",
    "srl",
    "spa",
    "bv",
    "nv",
    "pty",
    "oy",
    "ab",
    "as",
    "kg",
    "se",
];

/// A company as compared: its words without trailing legal suffixes ("Globex, Inc." = "Globex").
fn company_key(company: &str) -> String {
    let mut w = words(company);
    while w.len() > 1
        && w.last()
            .is_some_and(|s| COMPANY_SUFFIXES.contains(&s.as_str()))
    {
        w.pop();
    }
    w.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(title: Option<&str>, company: Option<&str>) -> Prospect {
        Prospect {
            last_name: "Lovelace".into(),
            title: title.map(str::to_owned),
            company: company.map(str::to_owned),
            ..Prospect::default()
        }
    }

    fn job(title: Option<&str>, company: Option<&str>) -> Job {
        Job::from_parts(title, company).unwrap_or_default()
    }

    #[test]
    fn a_new_company_or_title_is_a_change_with_both_sides() {
        let crm = job(Some("Head of Sales"), Some("Initech"));
        let c = job_change(&page(Some("VP Sales"), Some("Globex")), Some(&crm));
        assert_eq!(
            c,
            Some(JobChange {
                crm: crm.clone(),
                page: job(Some("VP Sales"), Some("Globex")),
            })
        );
        assert!(job_change(&page(Some("Head of Sales"), Some("Globex")), Some(&crm)).is_some());
        assert!(job_change(&page(Some("CTO"), Some("Initech")), Some(&crm)).is_some());
    }

    #[test]
    fn spelling_is_not_a_change() {
        let rows = [
            (("VP, Sales", "Globex, Inc."), ("vp sales", "Globex")),
            (
                ("Vice President Sales", "Globex Corporation"),
                ("VP Sales", "GLOBEX"),
            ),
            (
                ("Head of Sales", "Smith & Sons Ltd"),
                ("Head Sales", "Smith and Sons"),
            ),
            (
                ("Sr. Engineer", "Initech GmbH"),
                ("Senior Engineer", "Initech"),
            ),
            (("CEO", "Acme  Co"), ("Chief Executive Officer", "Acme")),
            (
                ("Directrice générale", "Société Générale SA"),
                ("directrice Générale", "SOCIÉTÉ GÉNÉRALE"),
            ),
        ];
        for ((pt, pc), (ct, cc)) in rows {
            let crm = job(Some(ct), Some(cc));
            assert_eq!(
                job_change(&page(Some(pt), Some(pc)), Some(&crm)),
                None,
                "{pt} at {pc} vs {ct} at {cc}"
            );
        }
    }

    #[test]
    fn a_side_that_names_nothing_is_no_change() {
        let crm = job(Some("Head of Sales"), Some("Initech"));
        assert_eq!(job_change(&page(None, None), Some(&crm)), None);
        assert_eq!(
            job_change(&page(Some("Head of Sales"), None), Some(&crm)),
            None
        );
        assert_eq!(job_change(&page(Some("  "), Some("!!")), Some(&crm)), None);
        let no_company = job(Some("Head of Sales"), None);
        assert_eq!(
            job_change(
                &page(Some("Head of Sales"), Some("Globex")),
                Some(&no_company)
            ),
            None,
            "a record without a company is missing data"
        );
        assert_eq!(job_change(&page(Some("CTO"), Some("Globex")), None), None);
    }

    #[test]
    fn a_lone_suffix_word_stays_a_name() {
        // "Co" alone is the company's whole name, not a suffix to drop.
        assert_eq!(company_key("Co"), "co");
        assert_eq!(company_key("Globex Co Inc"), "globex");
    }
}

//! The prospect a content script read from a page, checked and cleaned.

use serde::{Deserialize, Serialize};

use crm::prospect::split_full_name;
use crm::salesforce::record::max_len;

use crate::text::clean;

/// Longest name part kept (Salesforce `LastName` holds 80 characters).
const NAME_MAX: usize = 80;
/// Longest first name kept (Salesforce `FirstName` holds 40 characters).
const FIRST_NAME_MAX: usize = 40;
/// Longest title, company, headline or location kept.
const TEXT_MAX: usize = 255;
/// Identifiers longer than the CRM's field are dropped, not cut (a cut email is wrong data).
const URL_MAX: usize = max_len::LINKEDIN_URL;
/// Longest email kept (longer ones are dropped).
const EMAIL_MAX: usize = max_len::EMAIL;
/// Longest phone kept (longer ones are dropped).
const PHONE_MAX: usize = max_len::PHONE;

/// A prospect exactly as a content script sends it (every field a string or null). Written
/// back (the CSV import's rows) without its empty fields.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(default)]
pub struct RawProspect {
    /// The name as shown on the page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_name: Option<String>,
    /// Given name, when the page separates it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// Family name, when the page separates it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// LinkedIn headline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub headline: Option<String>,
    /// Current job title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Current company.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    /// Location line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Canonical LinkedIn profile URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub linkedin_url: Option<String>,
    /// Email address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Phone number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
}

/// A prospect ready to be saved: the CRM crate's [`crm::Prospect`] (last name present, every
/// string trimmed and capped, email and LinkedIn URL checked) plus the name the page showed.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
pub struct Prospect {
    /// The display name ("Ada Lovelace"), for toasts, logs and the "on behalf of" stamp.
    pub name: String,
    /// The person as the CRM crate saves it.
    #[serde(flatten)]
    pub person: crm::Prospect,
}

/// Why a prospect from a page was not saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejected {
    /// Position of the prospect in the message.
    pub index: usize,
    /// The name the page showed, if any.
    pub name: Option<String>,
    /// What was wrong, in words a rep understands.
    pub reason: String,
}

impl RawProspect {
    /// Checks and cleans one prospect; `index` is its position in the message.
    pub fn validate(&self, index: usize) -> Result<Prospect, Rejected> {
        let full = clean(self.full_name.as_deref(), TEXT_MAX);
        let mut first = clean(self.first_name.as_deref(), FIRST_NAME_MAX);
        let mut last = clean(self.last_name.as_deref(), NAME_MAX);
        if last.is_none() {
            if let Some(full) = &full {
                let (given, family) = split_full_name(full);
                last = clean(Some(&family), NAME_MAX);
                if first.is_none() {
                    first = clean(given.as_deref(), FIRST_NAME_MAX);
                }
            }
        }
        let reject = |reason: &str| Rejected {
            index,
            name: full.clone().or_else(|| first.clone()),
            reason: reason.to_owned(),
        };
        if is_private_member(full.as_deref(), self.linkedin_url.as_deref()) {
            return Err(reject(
                "This profile is private (\"LinkedIn Member\"), so there is no name to save.",
            ));
        }
        let Some(last) = last else {
            return Err(reject(
                "The page showed no name for this person, so it cannot be saved (a last name is required).",
            ));
        };
        let name = full.unwrap_or_else(|| match &first {
            Some(first) => format!("{first} {last}"),
            None => last.clone(),
        });
        Ok(Prospect {
            name,
            person: crm::Prospect {
                first_name: first,
                last_name: last,
                email: identifier(self.email.as_deref(), EMAIL_MAX)
                    .filter(|e| is_email(e))
                    .map(|e| e.to_lowercase()),
                title: clean(self.title.as_deref(), TEXT_MAX),
                company: clean(self.company.as_deref(), TEXT_MAX),
                phone: identifier(self.phone.as_deref(), PHONE_MAX),
                linkedin_url: identifier(self.linkedin_url.as_deref(), URL_MAX)
                    .filter(|u| is_linkedin_url(u)),
                location: clean(self.location.as_deref(), TEXT_MAX),
                headline: clean(self.headline.as_deref(), TEXT_MAX),
            },
        })
    }
}

/// LinkedIn's private members: the name LinkedIn shows for people outside the rep's network
/// ("LinkedIn Member", any case) or a `/headless` link in place of a profile. The core refuses
/// them in a save, and answers a list page's private cards as skipped
/// ([`crate::inbound::card`]): the page has no rule of its own.
pub fn is_private_member(full_name: Option<&str>, link: Option<&str>) -> bool {
    full_name.is_some_and(|n| n.trim().eq_ignore_ascii_case("linkedin member"))
        || link.is_some_and(|l| l.contains("/headless"))
}

/// A cleaned identifier, or `None` when it is longer than `max` (never cut).
fn identifier(raw: Option<&str>, max: usize) -> Option<String> {
    clean(raw, usize::MAX).filter(|s| s.chars().count() <= max)
}

/// A plausible email: one `@`, something on each side, a dot in the domain, no spaces.
pub(crate) fn is_email(s: &str) -> bool {
    let mut parts = s.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(local), Some(domain), None) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.chars().any(char::is_whitespace)
        }
        _ => false,
    }
}

/// An https URL on linkedin.com or one of its subdomains.
fn is_linkedin_url(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("https://") else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    (host == "linkedin.com" || host.ends_with(".linkedin.com")) && !s.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn raw(full: Option<&str>, first: Option<&str>, last: Option<&str>) -> RawProspect {
        RawProspect {
            full_name: full.map(str::to_owned),
            first_name: first.map(str::to_owned),
            last_name: last.map(str::to_owned),
            ..RawProspect::default()
        }
    }

    /// (full_name, first_name, last_name) → Some((first, last)) when accepted, None when refused.
    type Row<'a> = (
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
        Option<(Option<&'a str>, &'a str)>,
    );

    #[test]
    fn name_table() {
        // (full_name, first, last) -> Ok((first, last)) or Err
        let rows: &[Row] = &[
            (
                Some("Ada Lovelace"),
                None,
                None,
                Some((Some("Ada"), "Lovelace")),
            ),
            (
                Some("Ada King Lovelace"),
                None,
                None,
                Some((Some("Ada"), "King Lovelace")),
            ),
            (
                Some("Ada Lovelace, PhD"),
                None,
                None,
                Some((Some("Ada"), "Lovelace")),
            ),
            (Some("Plato"), None, None, Some((None, "Plato"))),
            // The page sends the name as shown; the core's one rule splits it (crm::name).
            (
                Some("Siobhán Ní Bhriain"),
                None,
                None,
                Some((Some("Siobhán"), "Ní Bhriain")),
            ),
            (
                Some("Juan Carlos de la Cruz 🚀"),
                None,
                None,
                Some((Some("Juan Carlos"), "de la Cruz")),
            ),
            (
                Some(" Ada  Lovelace "),
                Some("Augusta"),
                Some(" King "),
                Some((Some("Augusta"), "King")),
            ),
            (
                None,
                Some("Ada"),
                Some("Lovelace"),
                Some((Some("Ada"), "Lovelace")),
            ),
            (None, Some("Ada"), None, None),
            (Some("   "), None, Some(""), None),
            (Some("LinkedIn Member"), None, None, None),
        ];
        for (full, first, last, want) in rows {
            let got = raw(*full, *first, *last).validate(3);
            match want {
                Some((want_first, want_last)) => {
                    let p = got.unwrap();
                    assert_eq!(p.person.first_name.as_deref(), *want_first, "{full:?}");
                    assert_eq!(p.person.last_name, *want_last, "{full:?}");
                }
                None => {
                    let r = got.unwrap_err();
                    assert_eq!(r.index, 3);
                    assert!(!r.reason.is_empty());
                }
            }
        }
    }

    #[test]
    fn private_members_by_name_or_headless_link() {
        let rows: &[(Option<&str>, Option<&str>, bool)] = &[
            (Some("LinkedIn Member"), None, true),
            (Some("linkedin member"), None, true),
            (Some("  LinkedIn Member "), None, true),
            (
                Some("Ada Lovelace"),
                Some("https://www.linkedin.com/search/results/people/headless?k=1"),
                true,
            ),
            (
                Some("Ada Lovelace"),
                Some("https://www.linkedin.com/in/ada"),
                false,
            ),
            (Some("LinkedIn Members Club"), None, false),
            (None, None, false),
        ];
        for (name, link, want) in rows {
            assert_eq!(is_private_member(*name, *link), *want, "{name:?} {link:?}");
        }
        let headless = RawProspect {
            full_name: Some("Ada Lovelace".into()),
            linkedin_url: Some("https://www.linkedin.com/search/results/people/headless".into()),
            ..RawProspect::default()
        };
        assert!(headless.validate(0).unwrap_err().reason.contains("private"));
    }

    #[test]
    fn private_member_reason_says_private() {
        let r = raw(Some("LinkedIn Member"), None, None)
            .validate(0)
            .unwrap_err();
        assert!(r.reason.contains("private"), "{}", r.reason);
    }

    #[test]
    fn email_and_url_are_checked() {
        let mut p = raw(Some("Ada Lovelace"), None, None);
        p.email = Some(" Ada@Example.COM ".into());
        p.linkedin_url = Some("https://www.linkedin.com/in/ada".into());
        let ok = p.validate(0).unwrap();
        assert_eq!(ok.person.email.as_deref(), Some("ada@example.com"));
        assert_eq!(
            ok.person.linkedin_url.as_deref(),
            Some("https://www.linkedin.com/in/ada")
        );

        p.email = Some("not an email".into());
        p.linkedin_url = Some("javascript:alert(1)//linkedin.com".into());
        let ok = p.validate(0).unwrap();
        assert_eq!(ok.person.email, None);
        assert_eq!(ok.person.linkedin_url, None);

        p.linkedin_url = Some("https://evil.example/linkedin.com".into());
        assert_eq!(p.validate(0).unwrap().person.linkedin_url, None);

        p.email = Some(format!("{}@example.com", "a".repeat(80)));
        p.phone = Some("1".repeat(41));
        let ok = p.validate(0).unwrap();
        assert_eq!(ok.person.email, None);
        assert_eq!(ok.person.phone, None);
    }

    #[test]
    fn long_names_are_capped() {
        let long = "x".repeat(500);
        let p = raw(None, Some(&long), Some(&long)).validate(0).unwrap();
        assert_eq!(p.person.last_name.chars().count(), NAME_MAX);
        assert_eq!(p.person.first_name.unwrap().chars().count(), FIRST_NAME_MAX);
    }
}

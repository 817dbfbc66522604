//! What this browser created in HubSpot in the last minutes, by LinkedIn URL: the answer to
//! HubSpot's search lag.
//!
//! HubSpot finds a LinkedIn person (no e-mail) only by a contacts search, and its search index
//! lags new contacts by a few seconds (reference B2). A rep who saves, then reloads the page,
//! restarts the browser or clicks "Save all" again within that window would see "Not in CRM
//! yet" and could create the person twice. So every HubSpot contact a save creates for a
//! LinkedIn-only person is noted here ([`RecentCreates::note`]: its URL's match key, its id,
//! when), inside the [`crate::Journal`], which the worker writes in the same storage write that
//! removes the finished entry from the outbox, so it survives a worker restart. A lookup
//! whose search misses such a person reads that id back by id, which does not lag
//! (`crm::hubspot::by_linkedin::confirm_request`): the contact still there with the same URL is
//! linked ("In HubSpot"); one deleted since is not claimed and the person is created again.
//!
//! Entries older than [`RECENT_CREATE_TTL_MS`] are dropped: by then the index has long caught
//! up, and the search's answer stands. Only HubSpot consults this (Salesforce's SOQL lookups
//! are consistent), and only this browser's own creates are known: a teammate's save in the
//! last seconds can still be missed, as in HubSpot's own UI.
//!
//! Why not a unique LinkedIn URL property read by `idProperty` (also lag-free, and a duplicate
//! create would answer 409)? It needs every admin to create a new `hasUniqueValue` property
//! (an existing `linkedin_url` with duplicates cannot be made unique), which the product cannot
//! assume; this module needs no setup.

use serde::{Deserialize, Serialize};

/// How long a create is remembered: far longer than HubSpot's usual lag ("a few seconds"),
/// short enough that a rep's own later change (a new URL, a merge) is soon HubSpot's word.
pub const RECENT_CREATE_TTL_MS: u64 = 10 * 60 * 1000;
/// At most this many are kept (the oldest go first): a few big "Save all" runs.
pub const RECENT_CREATES_MAX: usize = 1_000;

/// One contact this browser created.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentCreate {
    /// The match key of the person's LinkedIn URL (`crm::linkedin::url_match_key`).
    pub key: String,
    /// The contact's HubSpot id.
    pub id: String,
    /// When it was created (ms since epoch, the caller's clock).
    pub at_ms: u64,
}

/// The recent creates, oldest first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RecentCreates(Vec<RecentCreate>);

impl RecentCreates {
    /// True when nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Notes a finished save, `created` being the id of the contact it created (`None` when
    /// it created nothing): a person known by LinkedIn URL only (`lookup_key` `linkedin:…`,
    /// see [`crate::lookup_key`]) is remembered; anything else only drops expired entries.
    pub fn note(&mut self, lookup_key: &str, created: Option<&str>, now_ms: u64) {
        self.prune(now_ms);
        let (Some(url), Some(id)) = (lookup_key.strip_prefix("linkedin:"), created) else {
            return;
        };
        let key = crm::linkedin::url_match_key(url);
        self.0.retain(|r| r.key != key);
        self.0.push(RecentCreate {
            key,
            id: id.to_owned(),
            at_ms: now_ms,
        });
        let extra = self.0.len().saturating_sub(RECENT_CREATES_MAX);
        self.0.drain(..extra);
    }

    /// The contact this browser created for `person` in the last [`RECENT_CREATE_TTL_MS`],
    /// if they are known by LinkedIn URL only (a person with an e-mail is read by it, which
    /// does not lag).
    pub fn id_for(&self, person: &crm::Prospect, now_ms: u64) -> Option<String> {
        if person
            .email
            .as_deref()
            .is_some_and(|e| !e.trim().is_empty())
        {
            return None;
        }
        let url = person
            .linkedin_url
            .as_deref()
            .filter(|u| !u.trim().is_empty())?;
        let key = crm::linkedin::url_match_key(url);
        self.0
            .iter()
            .rev()
            .find(|r| r.key == key && fresh(r, now_ms))
            .map(|r| r.id.clone())
    }

    fn prune(&mut self, now_ms: u64) {
        self.0.retain(|r| fresh(r, now_ms));
    }
}

/// Younger than the TTL (an entry from the future, after a clock change, counts as new).
fn fresh(r: &RecentCreate, now_ms: u64) -> bool {
    now_ms.saturating_sub(r.at_ms) < RECENT_CREATE_TTL_MS
}

#[cfg(test)]
mod tests {
    use super::*;

    const ADA: &str = "https://www.linkedin.com/in/ada-lovelace/";

    fn ada(email: Option<&str>) -> crm::Prospect {
        crm::Prospect {
            last_name: "Lovelace".into(),
            email: email.map(str::to_owned),
            linkedin_url: Some("https://linkedin.com/in/Ada-Lovelace?trk=x".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_linkedin_create_is_found_by_any_spelling_of_the_url_until_it_expires() {
        let mut recent = RecentCreates::default();
        recent.note(&format!("linkedin:{ADA}"), Some("501"), 1_000);
        assert_eq!(recent.id_for(&ada(None), 1_000).as_deref(), Some("501"));
        // A page reloaded or "Save all" clicked again nine minutes later still finds her.
        let nine_minutes = 9 * 60 * 1000;
        assert_eq!(
            recent.id_for(&ada(None), 1_000 + nine_minutes).as_deref(),
            Some("501")
        );
        let last = 1_000 + RECENT_CREATE_TTL_MS - 1;
        assert_eq!(recent.id_for(&ada(None), last).as_deref(), Some("501"));
        assert_eq!(
            recent.id_for(&ada(None), last + 1),
            None,
            "expired: the search result stands"
        );
        assert_eq!(
            recent.id_for(&ada(Some("ada@example.com")), 1_000),
            None,
            "read by e-mail"
        );
    }

    #[test]
    fn only_contacts_created_for_linkedin_people_are_noted_and_old_ones_are_dropped() {
        let mut recent = RecentCreates::default();
        let key = format!("linkedin:{ADA}");
        recent.note(&key, None, 0);
        recent.note("email:ada@example.com", Some("8"), 0);
        assert!(recent.is_empty());
        recent.note(&key, Some("501"), 0);
        recent.note(&key, Some("502"), 5);
        assert_eq!(recent.0.len(), 1, "one entry per person, the newest");
        assert_eq!(recent.id_for(&ada(None), 5).as_deref(), Some("502"));
        recent.note("email:x@example.com", None, 5 + RECENT_CREATE_TTL_MS);
        assert!(recent.is_empty(), "any note drops what expired");
    }

    #[test]
    fn the_list_is_capped_oldest_first() {
        let mut recent = RecentCreates::default();
        for i in 0..RECENT_CREATES_MAX + 3 {
            recent.note(
                &format!("linkedin:https://www.linkedin.com/in/p{i}"),
                Some(&i.to_string()),
                10,
            );
        }
        assert_eq!(recent.0.len(), RECENT_CREATES_MAX);
        assert_eq!(recent.0[0].id, "3");
    }
}

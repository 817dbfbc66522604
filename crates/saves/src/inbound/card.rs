//! A card of a LinkedIn list page (people search, a company's People tab) as the page read it,
//! and the core's answer for it: the person to look up, or why the card is skipped.
//!
//! The page sends every card it finds, private members' included, each with a key of its own
//! (`{key, link, prospect}`); the core decides who is a private member
//! ([`is_private_member`]) and whose card shows no name, so the page never judges either and
//! its answers stay lined up with its cards by key, whatever the core leaves out.

use serde::{Deserialize, Serialize};

use crate::inbound::prospect::{is_private_member, Prospect, RawProspect};

/// Longest card key accepted (the page builds it from a result URN or a profile URL).
pub const CARD_KEY_MAX: usize = 512;

/// What the rep reads beside a private member's card.
pub const PRIVATE_CARD_REASON: &str =
    "Private profile (shown as “LinkedIn Member”): skipped, LinkedIn hides who this is.";

/// One card exactly as a list page sends it.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
pub struct RawCard {
    /// The page's own name for the card, echoed in the answer.
    pub key: String,
    /// The card's name link as the page has it (`href`), profile or not (a private member's
    /// card links to a `/headless` search, or has no link).
    #[serde(default)]
    pub link: Option<String>,
    /// What the card shows, in the prospect's shape (the name as shown).
    #[serde(default)]
    pub prospect: RawProspect,
}

/// Why a card is not offered for saving.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SkipKind {
    /// A private member ("LinkedIn Member"): LinkedIn hides who this is.
    Private,
    /// The card shows no name the core can save.
    Unreadable,
}

/// A skipped card: its kind and the words the rep reads beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skip {
    /// Private or unreadable (the page counts each).
    pub kind: SkipKind,
    /// The reason, in the rep's words.
    pub reason: String,
}

impl RawCard {
    /// Reads one card (`index`: its position in the message): the person to look up and offer
    /// for saving, or why the page shows a reason instead of a checkbox. Private by its name or
    /// its link, else the prospect is checked like any other ([`RawProspect::validate`]).
    pub fn read(&self, index: usize) -> Result<Prospect, Skip> {
        let name = self.prospect.full_name.as_deref();
        let private = is_private_member(name, self.link.as_deref())
            || is_private_member(name, self.prospect.linkedin_url.as_deref());
        if private {
            return Err(Skip {
                kind: SkipKind::Private,
                reason: PRIVATE_CARD_REASON.into(),
            });
        }
        self.prospect.validate(index).map_err(|rejected| Skip {
            kind: SkipKind::Unreadable,
            reason: rejected.reason,
        })
    }
}

/// A card as a lookup keeps it: the page's key and the core's answer, a person by its
/// position among the lookup's prospects.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    /// The page's key for the card.
    pub key: String,
    /// `Ok(i)`: the lookup's `prospects[i]`; `Err`: why it is skipped.
    pub person: Result<usize, Skip>,
}

/// Reads a list page's cards: the people to look up, in card order, and every card with its
/// answer (by key).
pub fn read_cards(raw: &[RawCard]) -> (Vec<Prospect>, Vec<Card>) {
    let mut people = Vec::new();
    let cards = raw
        .iter()
        .enumerate()
        .map(|(i, card)| Card {
            key: card.key.clone(),
            person: card.read(i).map(|p| {
                people.push(p);
                people.len() - 1
            }),
        })
        .collect();
    (people, cards)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    fn card(name: Option<&str>, link: Option<&str>, url: Option<&str>) -> RawCard {
        RawCard {
            key: "k".into(),
            link: link.map(str::to_owned),
            prospect: RawProspect {
                full_name: name.map(str::to_owned),
                linkedin_url: url.map(str::to_owned),
                ..RawProspect::default()
            },
        }
    }

    const HEADLESS: &str = "https://www.linkedin.com/search/results/people/headless?k=1";
    const ADA: &str = "https://www.linkedin.com/in/ada";

    /// (name shown, link, profile URL, the answer: a person's last name, or a skip's kind).
    type Row<'a> = (
        Option<&'a str>,
        Option<&'a str>,
        Option<&'a str>,
        Result<&'a str, SkipKind>,
    );

    #[test]
    fn card_table() {
        use SkipKind::{Private, Unreadable};
        let rows: &[Row] = &[
            (Some("Ada Lovelace"), Some(ADA), Some(ADA), Ok("Lovelace")),
            (Some("LinkedIn Member"), None, None, Err(Private)),
            (
                Some("  linkedin MEMBER "),
                Some(HEADLESS),
                None,
                Err(Private),
            ),
            // A real-looking name behind a headless link is still a private member.
            (Some("Ada Lovelace"), Some(HEADLESS), None, Err(Private)),
            (Some("Ada Lovelace"), None, Some(HEADLESS), Err(Private)),
            (
                Some("LinkedIn Members Club"),
                None,
                None,
                Ok("Members Club"),
            ),
            // A named card without a profile link is a person (saved without a URL).
            (Some("Mary Somerville"), None, None, Ok("Somerville")),
            (None, Some(ADA), Some(ADA), Err(Unreadable)),
            (Some("   "), None, None, Err(Unreadable)),
        ];
        for (name, link, url, want) in rows {
            let got = card(*name, *link, *url).read(2);
            match (want, got) {
                (Ok(last), Ok(p)) => assert_eq!(p.person.last_name, *last),
                (Err(kind), Err(skip)) => {
                    assert_eq!(skip.kind, *kind, "{name:?} {link:?}");
                    assert!(!skip.reason.is_empty());
                }
                (want, got) => panic!("{name:?} {link:?} {url:?}: want {want:?}, got {got:?}"),
            }
        }
    }

    #[test]
    fn cards_keep_their_keys_and_people_their_order() {
        let mut raw = vec![
            card(Some("Ada Lovelace"), Some(ADA), Some(ADA)),
            card(Some("LinkedIn Member"), Some(HEADLESS), None),
            card(None, None, None),
            card(Some("Mary Somerville"), None, None),
        ];
        for (i, c) in raw.iter_mut().enumerate() {
            c.key = format!("card-{i}");
        }
        let (people, cards) = read_cards(&raw);
        let names: Vec<&str> = people.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["Ada Lovelace", "Mary Somerville"]);
        let keys: Vec<&str> = cards.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["card-0", "card-1", "card-2", "card-3"]);
        let answers: Vec<Result<usize, SkipKind>> = cards
            .iter()
            .map(|c| c.person.clone().map_err(|s| s.kind))
            .collect();
        assert_eq!(
            answers,
            [
                Ok(0),
                Err(SkipKind::Private),
                Err(SkipKind::Unreadable),
                Ok(1)
            ]
        );
    }

    #[test]
    fn the_reasons_are_the_reps_words() {
        let private = card(Some("LinkedIn Member"), None, None)
            .read(0)
            .unwrap_err();
        assert_eq!(private.reason, PRIVATE_CARD_REASON);
        let nameless = card(None, Some(ADA), None).read(0).unwrap_err();
        assert!(nameless.reason.contains("no name"), "{}", nameless.reason);
    }
}

//! The sentences reps read after each save: one per step that mattered, naming the CRM.

use crate::decision::Warning;
use crate::model::{AppUser, Crm, Permission, RecordKind, Source, TeamState};

/// The reasons, warnings and needs collected while deciding.
#[derive(Debug, Default)]
pub(crate) struct Notes {
    /// Sentences, in the order the steps ran.
    pub reasons: Vec<String>,
    /// Warnings, each at most once.
    pub warnings: Vec<Warning>,
}

impl Notes {
    /// Adds a sentence.
    pub fn reason(&mut self, sentence: String) {
        self.reasons.push(sentence);
    }

    /// Adds a warning unless it is already there.
    pub fn warn(&mut self, warning: Warning) {
        if !self.warnings.contains(&warning) {
            self.warnings.push(warning);
        }
    }
}

/// Why a connection can't push.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Blocked {
    /// There is no such connection.
    Missing,
    /// It is `read_only` (rule 3).
    ReadOnly,
    /// Its CRM user is inactive in the directory: the CRM refuses its token.
    Inactive,
}

/// Rules 1, 2 and 5: which connection the save wants, and why.
pub(crate) fn wanted(crm: Crm, source: Source, record: RecordKind, hand_push: bool) -> String {
    if record == RecordKind::Activity {
        return "Activities follow the person: they are pushed with your personal connection, \
                whatever their source"
            .to_owned();
    }
    if hand_push {
        return format!(
            "Records you push to {} by hand are pushed with your personal connection",
            crm.name()
        );
    }
    let with = if source.wants_personal() {
        "your personal connection"
    } else {
        "the team sync connection"
    };
    format!("{} are pushed with {with}", source.saves_phrase())
}

/// The first half of a fallback sentence: why the actor's own connection can't push.
pub(crate) fn personal_blocked(crm: Crm, blocked: Blocked) -> String {
    match blocked {
        Blocked::Missing => format!("You have no personal {} connection", crm.name()),
        Blocked::ReadOnly => format!("Your personal {} connection is read-only", crm.name()),
        Blocked::Inactive => format!(
            "Your {} is inactive, so your connection can't push",
            crm.user_word()
        ),
    }
}

/// The first half of a fallback sentence: why team sync can't push.
pub(crate) fn team_sync_blocked(crm: Crm, blocked: Blocked, team_sync: Option<&AppUser>) -> String {
    let who = team_sync.map_or("", |u| u.email.as_str());
    match blocked {
        Blocked::Missing => "No team sync connection is set up".to_owned(),
        Blocked::ReadOnly => format!("The team sync connection ({who}) is read-only"),
        Blocked::Inactive => format!(
            "The team sync connection's {} ({who}) is inactive",
            crm.user_word()
        ),
    }
}

/// A whole fallback sentence to team sync.
pub(crate) fn fell_to_team_sync(why: &str, team_sync: &AppUser) -> String {
    format!("{why}, so team sync ({}) created it", team_sync.email)
}

/// A whole fallback sentence to the connected user with the highest permission.
pub(crate) fn fell_to_highest(
    why: &str,
    chosen: &AppUser,
    permission: Permission,
    actor: &AppUser,
) -> String {
    let who = if chosen.id == actor.id {
        "you (with your own connection)".to_owned()
    } else {
        chosen.email.clone()
    };
    format!(
        "{why}, so {who} created it: the connected user with the highest permission ({})",
        permission.as_str()
    )
}

/// Rule 11: why a higher-ranked connection was passed over by the highest-permission fallback.
pub(crate) fn kept_in_browser(skipped: &AppUser) -> String {
    format!(
        "{}'s connection is kept only in their own browser, so it pushes only their own saves",
        skipped.email
    )
}

/// Why the warning `team_sync_not_admin` was given.
pub(crate) fn team_sync_not_admin(crm: Crm) -> String {
    format!(
        "The team sync connection is not a {} admin; ask an admin to choose an admin user for \
         team sync",
        crm.name()
    )
}

/// How a CRM user reads in a sentence: the directory's name, else its email, else `fallback`
/// (an email known from a connection), else its id.
pub(crate) fn crm_user_label(
    team: &TeamState,
    crm_user_id: &str,
    fallback: Option<&str>,
) -> String {
    let known = team.crm_user(crm_user_id);
    known
        .and_then(|u| u.name.as_deref().or(u.email.as_deref()))
        .or(fallback)
        .unwrap_or(crm_user_id)
        .to_owned()
}

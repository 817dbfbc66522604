//! Rules 4, 5, 6 and 8: who owns the record in the CRM.

use crate::credential::Pushing;
use crate::decision::{Need, OwnerBasis, Warning};
use crate::model::{AppUser, Crm, TeamState};
use crate::reasons::{crm_user_label, Notes};

/// The chosen owner and the step that chose it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Owner {
    /// The owning CRM user id.
    pub id: String,
    /// Which step chose it.
    pub basis: OwnerBasis,
}

/// Rule 8: the rep must pick a CRM user when the personal connection's CRM email differs from
/// the login email (case-insensitive) and no owner mapping is set.
pub(crate) fn needs(crm: Crm, actor: &AppUser, notes: &mut Notes) -> Vec<Need> {
    match &actor.personal {
        Some(personal)
            if actor.owner_mapping.is_none() && !same_email(&personal.email, &actor.email) =>
        {
            notes.reason(format!(
                "Your {crm} email ({}) differs from your login email ({}): pick which {user} to \
                 sync your actions under",
                personal.email,
                actor.email,
                crm = crm.name(),
                user = crm.user_word(),
            ));
            vec![Need::CrmUserPick]
        }
        _ => Vec::new(),
    }
}

/// Rule 4 (mapping, then personal CRM user, then the pushing connection's CRM user), with
/// rule 5's email match before the last step for a hand push, skipping inactive users (rule 6).
///
/// The pushing connection's CRM user is never inactive: such a connection can't push.
pub(crate) fn choose(
    crm: Crm,
    team: &TeamState,
    actor: &AppUser,
    pushing: &Pushing<'_>,
    hand_push: bool,
    notes: &mut Notes,
) -> Owner {
    let inactive = |notes: &mut Notes, what: &str, id: &str| {
        notes.warn(Warning::OwnerInactive);
        notes.reason(format!(
            "{what} ({}) is inactive in {}, so it can't own the record",
            crm_user_label(team, id, None),
            crm.name()
        ));
    };
    if let Some(mapping) = &actor.owner_mapping {
        if team.is_inactive(mapping) {
            inactive(notes, "Your mapped owner", mapping);
        } else {
            notes.reason(format!(
                "Owner: your owner mapping ({})",
                crm_user_label(team, mapping, None)
            ));
            return owner(mapping, OwnerBasis::OwnerMapping);
        }
    }
    if let Some(personal) = &actor.personal {
        let id = &personal.crm_user_id;
        if team.is_inactive(id) {
            inactive(notes, &format!("Your {}", crm.user_word()), id);
        } else {
            notes.reason(format!(
                "Owner: your own {} ({})",
                crm.user_word(),
                crm_user_label(team, id, Some(&personal.email))
            ));
            return owner(id, OwnerBasis::PersonalConnection);
        }
    }
    if hand_push {
        if let Some(found) = email_match(crm, team, actor, notes) {
            return found;
        }
    }
    let id = &pushing.connection.crm_user_id;
    notes.reason(format!(
        "Owner: the {} of the connection that pushed it ({}); set an owner mapping to own \
         what you save",
        crm.user_word(),
        crm_user_label(team, id, Some(&pushing.connection.email))
    ));
    owner(id, OwnerBasis::PushingConnection)
}

/// Rule 5: the one active CRM user whose email is the actor's login email, ignoring CRM users
/// another app user has connected. Several matches pick none (never guess).
fn email_match(crm: Crm, team: &TeamState, actor: &AppUser, notes: &mut Notes) -> Option<Owner> {
    let connected_by_other = |id: &str| {
        team.users
            .iter()
            .any(|u| u.id != actor.id && u.personal.as_ref().is_some_and(|p| p.crm_user_id == id))
    };
    let mut matches = team.crm_users.iter().filter(|u| {
        u.active
            && u.email
                .as_deref()
                .is_some_and(|e| same_email(e, &actor.email))
            && !connected_by_other(&u.id)
    });
    match (matches.next(), matches.next()) {
        (Some(found), None) => {
            notes.reason(format!(
                "Owner: the active {} with your login email ({})",
                crm.user_word(),
                actor.email
            ));
            Some(owner(&found.id, OwnerBasis::EmailMatch))
        }
        (Some(_), Some(_)) => {
            notes.reason(format!(
                "Several active {}s have your login email, so none was picked",
                crm.user_word()
            ));
            None
        }
        (None, _) => {
            if !team.crm_users.is_empty() {
                notes.reason(format!(
                    "No active {} has your login email ({})",
                    crm.user_word(),
                    actor.email
                ));
            }
            None
        }
    }
}

fn owner(id: &str, basis: OwnerBasis) -> Owner {
    Owner {
        id: id.to_owned(),
        basis,
    }
}

/// Emails compare without regard to case (rules 5 and 8), ignoring surrounding spaces.
fn same_email(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

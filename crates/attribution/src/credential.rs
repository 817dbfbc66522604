//! Rules 1 to 3 and 11: which connection pushes the record.

use crate::decision::{CredentialKind, Warning};
use crate::error::AttributionError;
use crate::model::{AppUser, Crm, Permission, PersonalConnection, RecordKind, Source, TeamState};
use crate::reasons::{self, Blocked, Notes};

/// The connection chosen to push, with its owner.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pushing<'a> {
    /// Why it was chosen.
    pub kind: CredentialKind,
    /// The app user whose connection it is.
    pub user: &'a AppUser,
    /// The connection itself.
    pub connection: &'a PersonalConnection,
}

/// Picks the pushing connection for `actor` (rules 1, 2, 3, 11), noting each step that mattered.
///
/// `source` is the source after rule 5 (a hand push counts as `manual`). The team must have
/// passed `validate_team_for`, so a team sync, when set, is a connection the team holds.
pub(crate) fn choose<'a>(
    crm: Crm,
    team: &'a TeamState,
    actor: &'a AppUser,
    source: Source,
    record: RecordKind,
    hand_push: bool,
    notes: &mut Notes,
) -> Result<Pushing<'a>, AttributionError> {
    notes.reason(reasons::wanted(crm, source, record, hand_push));
    let wants_personal = record == RecordKind::Activity || source.wants_personal();
    // Rule 1/2 wanted the personal connection; `why` holds the reason it could not be used.
    let mut why = None;
    if wants_personal {
        match usable(team, actor.personal.as_ref()) {
            Ok(connection) => {
                return Ok(Pushing {
                    kind: CredentialKind::Personal,
                    user: actor,
                    connection,
                })
            }
            Err(blocked) => why = Some(reasons::personal_blocked(crm, blocked)),
        }
    }
    // Rule 3, first fallback (or rule 1's choice): team sync.
    let team_sync = team.team_sync.as_deref().and_then(|id| team.user(id));
    let team_sync_state = match team_sync {
        Some(user) => usable(team, user.personal.as_ref()).map(|connection| (user, connection)),
        None => Err(Blocked::Missing),
    };
    match team_sync_state {
        Ok((user, connection)) => {
            if let Some(why) = why {
                notes.reason(reasons::fell_to_team_sync(&why, user));
            }
            if connection.permission != Permission::Admin {
                notes.warn(Warning::TeamSyncNotAdmin);
                notes.reason(reasons::team_sync_not_admin(crm));
            }
            Ok(Pushing {
                kind: CredentialKind::TeamSync,
                user,
                connection,
            })
        }
        Err(blocked) => {
            if let Some(why) = why {
                notes.reason(format!("{why}, so it falls back to team sync"));
            }
            // Rule 11: another user's browser-held connection never pushes for the actor.
            let chosen = highest_permission(team, |user, c| c.pushes_for(user, actor))
                .ok_or(AttributionError::NoCredentials { crm: Some(crm) })?;
            let team_sync_why = reasons::team_sync_blocked(crm, blocked, team_sync);
            notes.reason(reasons::fell_to_highest(
                &team_sync_why,
                chosen.user,
                chosen.connection.permission,
                actor,
            ));
            if let Some(skipped) = highest_permission(team, |_, _| true)
                .filter(|unrestricted| unrestricted.user.id != chosen.user.id)
            {
                notes.reason(reasons::kept_in_browser(skipped.user));
            }
            if blocked == Blocked::ReadOnly {
                // A read-only team sync is a non-admin team sync this save tried to use.
                notes.warn(Warning::TeamSyncNotAdmin);
                notes.reason(reasons::team_sync_not_admin(crm));
            }
            Ok(chosen)
        }
    }
}

/// Whether a connection may push: it exists, is not read-only, and its CRM user is not inactive.
fn usable<'a>(
    team: &TeamState,
    connection: Option<&'a PersonalConnection>,
) -> Result<&'a PersonalConnection, Blocked> {
    let connection = connection.ok_or(Blocked::Missing)?;
    if !connection.permission.can_push() {
        return Err(Blocked::ReadOnly);
    }
    if team.is_inactive(&connection.crm_user_id) {
        return Err(Blocked::Inactive);
    }
    Ok(connection)
}

/// Rule 3's last resort: among the usable connections that `may_push` allows, the one with the
/// highest permission, first listed on a tie.
fn highest_permission<'a>(
    team: &'a TeamState,
    may_push: impl Fn(&AppUser, &PersonalConnection) -> bool,
) -> Option<Pushing<'a>> {
    let mut best: Option<Pushing<'a>> = None;
    for user in &team.users {
        let allowed = usable(team, user.personal.as_ref())
            .ok()
            .filter(|c| may_push(user, c));
        if let Some(connection) = allowed {
            let better =
                best.is_none_or(|b| connection.permission.rank() > b.connection.permission.rank());
            if better {
                best = Some(Pushing {
                    kind: CredentialKind::HighestPermission,
                    user,
                    connection,
                });
            }
        }
    }
    best
}

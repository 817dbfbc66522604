//! Team-state checks shared by the options page and every save (rules 7 and 9).

use std::collections::BTreeMap;

use crate::decision::Warning;
use crate::error::AttributionError;
use crate::model::{AppUser, Crm, Held, Permission, PersonalConnection, TeamState};

/// Checks a team state: app user ids are unique, no CRM user is held by two app users (rule 7),
/// and team sync, when set, names a connected app user (rule 9) whose connection the team holds
/// (rule 11).
///
/// `decide` runs the same checks, so a save in an invalid team is refused.
pub fn validate_team(team: &TeamState) -> Result<(), AttributionError> {
    validate_team_for(team, None)
}

/// [`validate_team`], with the CRM known so messages can name it.
pub(crate) fn validate_team_for(
    team: &TeamState,
    crm: Option<Crm>,
) -> Result<(), AttributionError> {
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    let mut holders: BTreeMap<&str, &AppUser> = BTreeMap::new();
    for (index, user) in team.users.iter().enumerate() {
        if ids.insert(user.id.as_str(), index).is_some() {
            return Err(AttributionError::invalid(
                format!("team.users[{index}].id"),
                format!("app user id \"{}\" appears twice", user.id),
            ));
        }
        if let Some(personal) = &user.personal {
            if let Some(holder) = holders.insert(personal.crm_user_id.as_str(), user) {
                return Err(duplicate(crm, personal, holder, user));
            }
        }
    }
    match &team.team_sync {
        Some(id) => check_team_sync_for(team, id, crm).map(|_| ()),
        None => Ok(()),
    }
}

/// Rule 7 for the options page: may `app_user_id` connect `connection`? Refused with
/// `duplicate_crm_account` when another app user already holds that CRM user, and with
/// `unknown_actor` when `app_user_id` is not on the team. Reconnecting the same CRM user is fine.
pub fn check_connect(
    team: &TeamState,
    app_user_id: &str,
    connection: &PersonalConnection,
) -> Result<(), AttributionError> {
    check_connect_for(team, app_user_id, connection, None)
}

/// [`check_connect`], with the CRM known so messages can name it.
pub(crate) fn check_connect_for(
    team: &TeamState,
    app_user_id: &str,
    connection: &PersonalConnection,
    crm: Option<Crm>,
) -> Result<(), AttributionError> {
    let user = team
        .user(app_user_id)
        .ok_or_else(|| AttributionError::UnknownActor {
            actor: app_user_id.to_owned(),
        })?;
    let holder = team.users.iter().find(|other| {
        other.id != app_user_id
            && other
                .personal
                .as_ref()
                .is_some_and(|p| p.crm_user_id == connection.crm_user_id)
    });
    match holder {
        Some(holder) => Err(duplicate(crm, connection, holder, user)),
        None => Ok(()),
    }
}

/// Rules 9 and 11 for the options page: may `app_user_id` become team sync? Refused with
/// `team_sync_not_connected` when the user has no personal connection, when that connection is
/// held only in the user's own browser, or when the user is not on the team.
/// Accepted with the warning `team_sync_not_admin` when the connection is not `admin`.
pub fn check_team_sync_choice(
    team: &TeamState,
    app_user_id: &str,
) -> Result<Vec<Warning>, AttributionError> {
    check_team_sync_for(team, app_user_id, None)
}

/// [`check_team_sync_choice`], with the CRM known so messages can name it.
pub(crate) fn check_team_sync_for(
    team: &TeamState,
    app_user_id: &str,
    crm: Option<Crm>,
) -> Result<Vec<Warning>, AttributionError> {
    let user = team
        .user(app_user_id)
        .ok_or_else(|| AttributionError::TeamSyncUnknownUser {
            user: app_user_id.to_owned(),
        })?;
    let personal =
        user.personal
            .as_ref()
            .ok_or_else(|| AttributionError::TeamSyncNotConnected {
                crm,
                user: user.email.clone(),
            })?;
    if personal.held != Held::Team {
        return Err(AttributionError::TeamSyncHeldInBrowser {
            crm,
            user: user.email.clone(),
        });
    }
    Ok(match personal.permission {
        Permission::Admin => Vec::new(),
        Permission::Standard | Permission::ReadOnly => vec![Warning::TeamSyncNotAdmin],
    })
}

fn duplicate(
    crm: Option<Crm>,
    connection: &PersonalConnection,
    holder: &AppUser,
    other: &AppUser,
) -> AttributionError {
    AttributionError::DuplicateCrmAccount {
        crm,
        crm_user_id: connection.crm_user_id.clone(),
        holder: holder.email.clone(),
        other: other.email.clone(),
    }
}

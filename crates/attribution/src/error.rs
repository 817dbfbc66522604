//! Typed errors: each says what went wrong in words a rep or admin understands, and the fix.

use crate::model::{wire_enum, Crm};

wire_enum! {
    /// The stable error codes of the JSON contract.
    ErrorCode {
        /// No connection can push the record.
        NoCredentials => "no_credentials",
        /// The actor is not an app user of the team.
        UnknownActor => "unknown_actor",
        /// Two app users hold the same CRM user (rule 7).
        DuplicateCrmAccount => "duplicate_crm_account",
        /// Team sync names a user with no personal connection, or no user at all (rule 9), or
        /// a connection held only in its user's browser (rule 11).
        TeamSyncNotConnected => "team_sync_not_connected",
        /// The input does not have the documented shape.
        InvalidInput => "invalid_input",
    }
}

/// Why a decision or a team change is refused. The words hold wherever the core runs (a
/// rep's browser alone, or with a team server, or the server itself), so they name no page:
/// where to fix it is the caller's hint.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttributionError {
    /// Rule 3: nothing can push (no team sync, no connected user who may write).
    #[error(
        "Nobody on the team has a {crm} connection that can push this record. Fix: connect a \
         {crm} account with Standard or Admin permission in Options, or ask an admin to set up \
         team sync.",
        crm = crm_name(*.crm)
    )]
    NoCredentials {
        /// The CRM of the save, when known.
        crm: Option<Crm>,
    },
    /// The app user who saved is not on the team.
    #[error(
        "The app user \"{actor}\" is not on this team. Fix: sign in again, or ask an admin to \
         add you to the team."
    )]
    UnknownActor {
        /// The unknown app user id.
        actor: String,
    },
    /// Rule 7: a CRM user is held by two app users.
    #[error(
        "{user} {crm_user_id} is already connected by {holder}; one {user} can belong to only \
         one app user. Fix: {holder} disconnects it, or connect a different {crm} account.",
        user = crm_user_word(*.crm),
        crm = crm_name(*.crm)
    )]
    DuplicateCrmAccount {
        /// The CRM of the team, when known.
        crm: Option<Crm>,
        /// The CRM user held twice.
        crm_user_id: String,
        /// The app user who already holds it.
        holder: String,
        /// The app user who connects it again (or holds it too).
        other: String,
    },
    /// Rule 9: team sync names an app user without a personal connection.
    #[error(
        "Team sync is set to {user}, who has no personal {crm} connection. Fix: have {user} \
         connect {crm} first, or choose a connected user for team sync.",
        crm = crm_name(*.crm)
    )]
    TeamSyncNotConnected {
        /// The CRM of the team, when known.
        crm: Option<Crm>,
        /// The app user named as team sync.
        user: String,
    },
    /// Rules 9 and 11: team sync names a connection kept only in its own user's browser, which
    /// can't push the rest of the team's saves.
    #[error(
        "Team sync is set to {user}, whose {crm} connection is kept only in their own browser, \
         so it can't push the rest of the team's saves. Fix: have {user} reconnect {crm} so the \
         team holds the connection, or choose for team sync a user whose connection the team \
         holds.",
        crm = crm_name(*.crm)
    )]
    TeamSyncHeldInBrowser {
        /// The CRM of the team, when known.
        crm: Option<Crm>,
        /// The app user named as team sync.
        user: String,
    },
    /// Rule 9: team sync names someone who is not on the team.
    #[error(
        "Team sync is set to \"{user}\", who is not on this team. Fix: choose a connected user \
         for team sync."
    )]
    TeamSyncUnknownUser {
        /// The id named as team sync.
        user: String,
    },
    /// The input does not have the documented shape.
    #[error("Invalid input at `{field}`: {problem}.")]
    InvalidInput {
        /// Path of the offending field, e.g. `team.users[1].personal.permission`.
        field: String,
        /// What is wrong with it.
        problem: String,
    },
}

impl AttributionError {
    /// The stable code of the JSON contract.
    pub fn code(&self) -> ErrorCode {
        match self {
            AttributionError::NoCredentials { .. } => ErrorCode::NoCredentials,
            AttributionError::UnknownActor { .. } => ErrorCode::UnknownActor,
            AttributionError::DuplicateCrmAccount { .. } => ErrorCode::DuplicateCrmAccount,
            AttributionError::TeamSyncNotConnected { .. }
            | AttributionError::TeamSyncHeldInBrowser { .. }
            | AttributionError::TeamSyncUnknownUser { .. } => ErrorCode::TeamSyncNotConnected,
            AttributionError::InvalidInput { .. } => ErrorCode::InvalidInput,
        }
    }

    /// Shorthand for an [`AttributionError::InvalidInput`].
    pub(crate) fn invalid(field: impl Into<String>, problem: impl Into<String>) -> Self {
        AttributionError::InvalidInput {
            field: field.into(),
            problem: problem.into(),
        }
    }
}

fn crm_name(crm: Option<Crm>) -> &'static str {
    crm.map_or("CRM", Crm::name)
}

fn crm_user_word(crm: Option<Crm>) -> &'static str {
    crm.map_or("CRM user", Crm::user_word)
}

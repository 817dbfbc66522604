//! What `decide` answers: the pushing credential, the owner, and why.

use crate::model::{wire_enum, Source};

wire_enum! {
    /// Which connection pushes the record (rules 1 to 3).
    CredentialKind {
        /// The actor's own connection.
        Personal => "personal",
        /// The team sync connection chosen by an admin.
        TeamSync => "team_sync",
        /// No team sync is set up: the connected app user with the highest permission.
        HighestPermission => "highest_permission",
    }
}

wire_enum! {
    /// Something the product must ask the rep before its answer is final.
    Need {
        /// Rule 8: the rep's CRM email differs from the login email; ask which CRM user to
        /// sync their actions under.
        CrmUserPick => "crm_user_pick",
    }
}

wire_enum! {
    /// Something the rep or admin should know about a decision that still succeeds.
    Warning {
        /// The team sync connection is not `admin`, and this decision used it (or tried to and
        /// could not because it is read-only).
        TeamSyncNotAdmin => "team_sync_not_admin",
        /// Rule 6: a candidate owner is inactive in the CRM and was skipped.
        OwnerInactive => "owner_inactive",
    }
}

wire_enum! {
    /// Which step of rules 4 and 5 chose the owner (an extra output field, `owner_from`).
    OwnerBasis {
        /// Rule 4, step 1: the actor's owner mapping.
        OwnerMapping => "owner_mapping",
        /// Rule 4, step 2: the CRM user of the actor's personal connection.
        PersonalConnection => "personal_connection",
        /// Rule 5: the active CRM user whose email is the actor's login email.
        EmailMatch => "email_match",
        /// Rule 4, step 3: the CRM user of the connection that pushes.
        PushingConnection => "pushing_connection",
    }
}

/// The connection that pushes a record: Salesforce stamps its CRM user as Created By.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    /// Why this connection was chosen.
    pub kind: CredentialKind,
    /// The app user who owns the connection.
    pub user: String,
    /// The CRM user behind the connection's token.
    pub crm_user_id: String,
}

/// The answer for one save.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The connection that pushes the record.
    pub credential: Credential,
    /// The CRM user the CRM will show as Created By (the credential's CRM user).
    pub created_by: String,
    /// The CRM user who owns the record.
    pub owner: String,
    /// Which step chose the owner.
    pub owner_from: OwnerBasis,
    /// Questions to ask the rep (rule 8).
    pub needs: Vec<Need>,
    /// Things to tell the rep or admin, without duplicates.
    pub warnings: Vec<Warning>,
    /// One short sentence per step that mattered; never empty.
    pub reasons: Vec<String>,
    /// The source the credential rules used (a hand push of one record counts as `manual`).
    pub source: Source,
    /// The actor, when someone else's connection pushes for them (an "on behalf of" stamp).
    pub on_behalf_of: Option<String>,
}

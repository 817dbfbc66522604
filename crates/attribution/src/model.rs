//! The domain model of the spec: connections, users and the team. The shared words (CRM,
//! source, record kind, push mode, permission, CRM user) live in the `vocab` crate and are
//! re-exported.
//!
//! The types read the JSON contract with serde derives; each field names its shape in
//! [`crate::de`] (texts, wire names, objects, lists and their limits, `null` as absent). Read
//! them through [`crate::parse_decision_input`] and its siblings, which also check the text
//! rules, name the offending field's path in errors and refuse an array where the top object
//! belongs (a derive alone would read a struct from a positional array there).

use serde::{Deserialize, Serialize};

use crate::de;

pub(crate) use vocab::wire_enum;
pub use vocab::{Crm, CrmUser, Permission, PushMode, RecordKind, Source};

wire_enum! {
    /// Where a personal connection's token is kept (rule 11). The contract's default is `team`.
    #[derive(Default)]
    Held {
        /// The team holds the token (the team server, or the one browser of a team without a
        /// server): the connection may push anyone's saves.
        #[default]
        Team => "team",
        /// Only its own user's browser holds the token: it pushes that user's saves only.
        OwnBrowser => "own_browser",
    }
}

impl de::Wire for Held {
    fn parse(wire: &str) -> Option<Self> {
        Held::parse(wire)
    }
    fn expected() -> String {
        Held::expected()
    }
}

/// An app user's own OAuth connection to the CRM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonalConnection {
    /// The connected CRM user (Salesforce User id or HubSpot owner id).
    #[serde(deserialize_with = "de::text")]
    pub crm_user_id: String,
    /// That CRM user's email (rule 8 compares it with the login email).
    #[serde(deserialize_with = "de::text")]
    pub email: String,
    /// What the connection may do in the CRM.
    #[serde(deserialize_with = "de::name")]
    pub permission: Permission,
    /// Where its token is kept (rule 11): who it may push for. Absent or `null` means `team`.
    #[serde(default, deserialize_with = "de::name_or_default")]
    pub held: Held,
}

impl PersonalConnection {
    /// Rule 11: whether this connection, belonging to `owner`, may push a save of `actor`.
    /// A connection the team holds pushes anyone's saves; one held only in its own user's
    /// browser pushes that user's saves only.
    pub fn pushes_for(&self, owner: &AppUser, actor: &AppUser) -> bool {
        self.held == Held::Team || owner.id == actor.id
    }
}

/// A rep or admin of the team using the extension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppUser {
    /// The app's id for this user.
    #[serde(deserialize_with = "de::text")]
    pub id: String,
    /// The email the user signs in to the app with.
    #[serde(deserialize_with = "de::text")]
    pub email: String,
    /// The user's own CRM connection, if connected.
    #[serde(default, deserialize_with = "de::optional_object")]
    pub personal: Option<PersonalConnection>,
    /// Owner mapping: the CRM user id that owns this user's records, if chosen.
    #[serde(default, deserialize_with = "de::optional_text")]
    pub owner_mapping: Option<String>,
}

/// Everything known about the team: its users, its team sync and the CRM directory.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TeamState {
    /// The app users, in the order the admin lists them (rule 3 breaks ties by it).
    #[serde(deserialize_with = "de::app_users")]
    pub users: Vec<AppUser>,
    /// The app user whose personal connection is the team sync, if one is chosen.
    #[serde(default, deserialize_with = "de::optional_text")]
    pub team_sync: Option<String>,
    /// The CRM user directory as far as it is known (empty when unknown, absent or `null`).
    #[serde(default, deserialize_with = "de::crm_users")]
    pub crm_users: Vec<CrmUser>,
}

impl TeamState {
    /// The app user with this id.
    pub fn user(&self, id: &str) -> Option<&AppUser> {
        self.users.iter().find(|u| u.id == id)
    }

    /// The directory entry for this CRM user id.
    pub fn crm_user(&self, id: &str) -> Option<&CrmUser> {
        self.crm_users.iter().find(|u| u.id == id)
    }

    /// Rule 6: whether the directory marks this CRM user inactive. Unknown users are not.
    pub fn is_inactive(&self, crm_user_id: &str) -> bool {
        self.crm_user(crm_user_id).is_some_and(|u| !u.active)
    }
}

/// One save to decide: who saved what, from where, and the team it happens in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionInput {
    /// The CRM the record goes to.
    #[serde(deserialize_with = "de::name")]
    pub crm: Crm,
    /// Where the save came from.
    #[serde(deserialize_with = "de::name")]
    pub source: Source,
    /// What kind of record it is.
    #[serde(deserialize_with = "de::name")]
    pub record: RecordKind,
    /// Single (by hand) or bulk push. Absent or `null` means `bulk`.
    #[serde(default, deserialize_with = "de::name_or_default")]
    pub push: PushMode,
    /// The app user id of the rep who saved it.
    #[serde(deserialize_with = "de::text")]
    pub actor: String,
    /// The team state the save happens in.
    #[serde(deserialize_with = "de::object")]
    pub team: TeamState,
}

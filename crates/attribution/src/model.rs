//! The domain vocabulary of the spec: CRMs, sources, records, connections, users and the team.

use serde::Serialize;

/// Declares a closed set of wire names: the enum, `as_str`, `parse`, `ALL` and `Serialize`.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// Every value, in the order the spec lists them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The exact name used in the JSON contract.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $wire),+
                }
            }

            /// Reads a JSON-contract name; `None` for anything else (names are case-sensitive).
            pub fn parse(wire: &str) -> Option<Self> {
                match wire {
                    $($wire => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// The accepted names, comma-separated, for error messages.
            pub fn expected() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}
pub(crate) use wire_enum;

wire_enum! {
    /// The CRM a team syncs with. Rule 10: both follow the same rules.
    Crm {
        /// Salesforce: owners are User ids (`OwnerId`).
        Salesforce => "salesforce",
        /// HubSpot: owners are owner ids (`hubspot_owner_id`).
        Hubspot => "hubspot",
    }
}

impl Crm {
    /// The product name reps see ("Salesforce", "HubSpot").
    pub fn name(self) -> &'static str {
        match self {
            Crm::Salesforce => "Salesforce",
            Crm::Hubspot => "HubSpot",
        }
    }

    /// What this CRM calls the people who own records ("Salesforce user", "HubSpot owner").
    pub fn user_word(self) -> &'static str {
        match self {
            Crm::Salesforce => "Salesforce user",
            Crm::Hubspot => "HubSpot owner",
        }
    }
}

wire_enum! {
    /// Where a save came from (rule 1 picks the credential from it).
    Source {
        /// A record the rep typed in by hand, or the "push to CRM" action on one record.
        Manual => "manual",
        /// A row of a CSV import.
        CsvImport => "csv_import",
        /// A save from the Gmail sidebar.
        GmailExtension => "gmail_extension",
        /// A save from a LinkedIn profile or search page.
        LinkedinExtension => "linkedin_extension",
        /// A save from the product's prospecting search.
        ProspectingSearch => "prospecting_search",
        /// An update triggered by a tracked job change.
        JobChange => "job_change",
    }
}

impl Source {
    /// Rule 1: whether this source wants the actor's personal connection (else team sync).
    pub fn wants_personal(self) -> bool {
        matches!(
            self,
            Source::Manual | Source::CsvImport | Source::GmailExtension
        )
    }

    /// How reps call saves from this source, as the start of a sentence.
    pub fn saves_phrase(self) -> &'static str {
        match self {
            Source::Manual => "Records you add by hand",
            Source::CsvImport => "CSV imports",
            Source::GmailExtension => "Gmail saves",
            Source::LinkedinExtension => "LinkedIn saves",
            Source::ProspectingSearch => "Prospecting search saves",
            Source::JobChange => "Job change updates",
        }
    }
}

wire_enum! {
    /// The kind of CRM record being pushed.
    RecordKind {
        /// A person at a company.
        Contact => "contact",
        /// A company.
        Account => "account",
        /// A not yet qualified person.
        Lead => "lead",
        /// An email, note, task, call or meeting logged against a contact (rule 2).
        Activity => "activity",
    }
}

wire_enum! {
    /// How many records the rep pushes at once (rule 5). The contract's default is `bulk`.
    #[derive(Default)]
    PushMode {
        /// One record the rep pushes by hand.
        Single => "single",
        /// Anything else: imports, list saves, background syncs.
        #[default]
        Bulk => "bulk",
    }
}

wire_enum! {
    /// The permission a personal connection has in the CRM.
    Permission {
        /// Reads and writes every synced object.
        Admin => "admin",
        /// Creates and edits the records the user works with.
        Standard => "standard",
        /// Reads only: never pushes (rule 3).
        ReadOnly => "read_only",
    }
}

impl Permission {
    /// Whether a connection with this permission may push records (rule 3).
    pub fn can_push(self) -> bool {
        !matches!(self, Permission::ReadOnly)
    }

    /// Rank for rule 3's "highest permission" (higher wins).
    pub fn rank(self) -> u8 {
        match self {
            Permission::Admin => 2,
            Permission::Standard => 1,
            Permission::ReadOnly => 0,
        }
    }
}

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

/// An app user's own OAuth connection to the CRM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonalConnection {
    /// The connected CRM user (Salesforce User id or HubSpot owner id).
    pub crm_user_id: String,
    /// That CRM user's email (rule 8 compares it with the login email).
    pub email: String,
    /// What the connection may do in the CRM.
    pub permission: Permission,
    /// Where its token is kept (rule 11): who it may push for.
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AppUser {
    /// The app's id for this user.
    pub id: String,
    /// The email the user signs in to the app with.
    pub email: String,
    /// The user's own CRM connection, if connected.
    pub personal: Option<PersonalConnection>,
    /// Owner mapping: the CRM user id that owns this user's records, if chosen.
    pub owner_mapping: Option<String>,
}

/// One entry of the CRM's user directory (Salesforce users or HubSpot owners).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CrmUser {
    /// The CRM's id for the user.
    pub id: String,
    /// The user's email, when the directory gives one.
    pub email: Option<String>,
    /// False when the CRM marks the user inactive (rule 6). Absent in JSON means active.
    pub active: bool,
    /// A display name for reasons, when known (an optional input field).
    pub name: Option<String>,
}

/// Everything known about the team: its users, its team sync and the CRM directory.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct TeamState {
    /// The app users, in the order the admin lists them (rule 3 breaks ties by it).
    pub users: Vec<AppUser>,
    /// The app user whose personal connection is the team sync, if one is chosen.
    pub team_sync: Option<String>,
    /// The CRM user directory as far as it is known (empty when unknown).
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecisionInput {
    /// The CRM the record goes to.
    pub crm: Crm,
    /// Where the save came from.
    pub source: Source,
    /// What kind of record it is.
    pub record: RecordKind,
    /// Single (by hand) or bulk push.
    pub push: PushMode,
    /// The app user id of the rep who saved it.
    pub actor: String,
    /// The team state the save happens in.
    pub team: TeamState,
}

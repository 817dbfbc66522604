//! The spec's shared words, one definition each: the [`Crm`] a team syncs with, where a save
//! comes from ([`Source`]), the [`RecordKind`] pushed, single or bulk ([`PushMode`]), a
//! connection's [`Permission`] and an entry of the CRM's user directory ([`CrmUser`]). `attribution` (the rules), `crm` (the protocols) and `saves`
//! (the pipeline) all use these, so a name means the same thing, and is written the same way
//! on the wire, everywhere.
//!
//! Each type is a closed set of wire names declared with [`wire_enum!`]: `as_str` gives the
//! exact JSON name, `parse` reads it back (case-sensitive), and serde reads and writes the same
//! names (an unknown name is refused with serde's "unknown variant" error).
//!
//! This crate depends on nothing but serde: no I/O, no clock, no randomness.

#[doc(hidden)]
pub use serde as __serde;

/// Declares a closed set of wire names: the enum, `as_str`, `parse`, `ALL`, `expected`, and
/// serde's `Serialize` / `Deserialize` over the same names.
#[macro_export]
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

            /// The wire names, in the order of [`Self::ALL`].
            pub const NAMES: &'static [&'static str] = &[$($wire),+];

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
                Self::NAMES.join(", ")
            }
        }

        impl $crate::__serde::Serialize for $name {
            fn serialize<S: $crate::__serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                struct Names;
                impl $crate::__serde::de::Visitor<'_> for Names {
                    type Value = $name;
                    fn expecting(
                        &self,
                        f: &mut ::core::fmt::Formatter<'_>,
                    ) -> ::core::fmt::Result {
                        f.write_str("variant identifier")
                    }
                    fn visit_str<E: $crate::__serde::de::Error>(
                        self,
                        wire: &str,
                    ) -> ::core::result::Result<$name, E> {
                        $name::parse(wire).ok_or_else(|| E::unknown_variant(wire, $name::NAMES))
                    }
                }
                deserializer.deserialize_str(Names)
            }
        }
    };
}

wire_enum! {
    /// The CRM a team syncs with. Rule 10: both follow the same rules. Salesforce is the
    /// default of a new team's settings.
    #[derive(Default)]
    Crm {
        #[default]
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

/// One entry of the CRM's user directory (a Salesforce User or a HubSpot owner): what owner
/// mapping lists, what rule 6 reads (`active`) and how reasons name a user (`name`, else
/// `email`). JSON `{id, email, active, name}`; when read, `email` and `name` may be absent or
/// null and an absent `active` means true, as the decision API says.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CrmUser {
    /// The CRM's id for the user: a Salesforce User Id or a HubSpot owner `id` (what goes in
    /// `OwnerId` / `hubspot_owner_id`).
    pub id: String,
    /// The user's email, when the directory gives one.
    #[serde(default)]
    pub email: Option<String>,
    /// False when the CRM marks the user inactive or the owner archived (rule 6).
    #[serde(default = "active_when_absent")]
    pub active: bool,
    /// A display name, when known.
    #[serde(default)]
    pub name: Option<String>,
}

fn active_when_absent() -> bool {
    true
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn serde_reads_and_writes_the_wire_names() {
        for crm in Crm::ALL {
            let text = serde_json::to_string(crm).unwrap();
            assert_eq!(text, format!("\"{}\"", crm.as_str()));
            assert_eq!(serde_json::from_str::<Crm>(&text).unwrap(), *crm);
        }
        assert_eq!(serde_json::to_string(&Crm::Hubspot).unwrap(), "\"hubspot\"");
        assert_eq!(
            serde_json::from_str::<Source>("\"fax\"")
                .unwrap_err()
                .to_string(),
            "unknown variant `fax`, expected one of `manual`, `csv_import`, `gmail_extension`, \
             `linkedin_extension`, `prospecting_search`, `job_change` at line 1 column 5"
        );
        assert!(serde_json::from_str::<PushMode>("1").is_err());
        assert_eq!(PushMode::default(), PushMode::Bulk);
        assert_eq!(Crm::default(), Crm::Salesforce);
        assert_eq!(Permission::expected(), "admin, standard, read_only");
    }

    #[test]
    fn a_crm_user_reads_its_optional_fields_and_writes_them_all() {
        let bare: CrmUser = serde_json::from_str(r#"{"id":"005A"}"#).unwrap();
        let expected = CrmUser {
            id: "005A".into(),
            email: None,
            active: true,
            name: None,
        };
        assert_eq!(bare, expected);
        let full = r#"{"id":"005B","email":"b@acme.example","active":false,"name":"Bo"}"#;
        let user: CrmUser = serde_json::from_str(full).unwrap();
        assert_eq!((user.active, user.name.as_deref()), (false, Some("Bo")));
        assert_eq!(serde_json::to_string(&user).unwrap(), full);
        assert_eq!(
            serde_json::to_string(&expected).unwrap(),
            r#"{"id":"005A","email":null,"active":true,"name":null}"#
        );
        assert!(serde_json::from_str::<CrmUser>(r#"{"email":"b@acme.example"}"#).is_err());
        assert!(serde_json::from_str::<CrmUser>(r#"{"id":"005C","active":"yes"}"#).is_err());
    }
}

//! The seeded org "Acme": its people, profiles and OAuth apps, identical on both CRMs.

use crate::ids;

/// Every seeded user's password.
pub const PASSWORD: &str = "sandbox";
/// The Salesforce org id.
pub const ORG_ID_SEQ: u64 = 1;
/// The org name.
pub const ORG_NAME: &str = "Acme";
/// The HubSpot account (portal) id.
pub const HUB_ID: u64 = 24_681_357;
/// The HubSpot account domain.
pub const HUB_DOMAIN: &str = "acme.example";
/// The Salesforce External Client App for the extension: PKCE required, no secret.
pub const SF_PUBLIC_CLIENT_ID: &str = "leadline-sandbox-client";
/// A confidential Salesforce app for scripts and client libraries (jsforce's password flow
/// needs a secret).
pub const SF_SCRIPTS_CLIENT_ID: &str = "leadline-sandbox-scripts";
/// The secret of [`SF_SCRIPTS_CLIENT_ID`].
pub const SF_SCRIPTS_SECRET: &str = "leadline-sandbox-secret";
/// The team server's confidential Salesforce app: its secret is required for the web server
/// and refresh token flows, and PKCE too.
pub const SF_SERVER_CLIENT_ID: &str = "leadline-sandbox-server";
/// The secret of [`SF_SERVER_CLIENT_ID`].
pub const SF_SERVER_SECRET: &str = "leadline-sandbox-server-secret";
/// Live refresh tokens (approvals) one user may hold per app; issuing one more revokes the
/// oldest (Salesforce Help 000205876).
pub const MAX_APPROVALS_PER_USER_PER_APP: usize = 5;
/// The HubSpot public app's client id.
pub const HS_CLIENT_ID: &str = "leadline-hubspot-client";
/// The HubSpot public app's client secret.
pub const HS_CLIENT_SECRET: &str = "leadline-hubspot-secret";
/// The HubSpot app id.
pub const HS_APP_ID: u64 = 3_141_592;
/// A HubSpot private-app token acting as integration@acme.example.
pub const HS_PRIVATE_APP_TOKEN: &str = "pat-sandbox-integration";
/// A HubSpot service key acting as integration@acme.example. HubSpot documents no format for
/// service keys; this one is opaque on purpose (it does not start with `pat-`).
pub const HS_SERVICE_KEY: &str = "sandbox-service-key-integration";
/// The user the Lead assignment rule assigns new Leads to.
pub const LEAD_QUEUE_OWNER: &str = "admin@acme.example";

/// A profile and the permissions it grants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// Full access, Modify All Data.
    SystemAdministrator,
    /// Create and edit records.
    StandardUser,
    /// Read only.
    ReadOnly,
}

impl Profile {
    /// All profiles, in seed order.
    pub const ALL: [Profile; 3] = [
        Profile::SystemAdministrator,
        Profile::StandardUser,
        Profile::ReadOnly,
    ];

    /// The profile's display name.
    pub fn name(self) -> &'static str {
        match self {
            Profile::SystemAdministrator => "System Administrator",
            Profile::StandardUser => "Standard User",
            Profile::ReadOnly => "Read Only",
        }
    }

    /// The profile's record id (`00e...`).
    pub fn id(self) -> String {
        let seq = match self {
            Profile::SystemAdministrator => 1,
            Profile::StandardUser => 2,
            Profile::ReadOnly => 3,
        };
        ids::sf_id("00e", seq)
    }

    /// Whether users with this profile may create and edit records.
    pub fn can_write(self) -> bool {
        !matches!(self, Profile::ReadOnly)
    }

    /// Modify All Data.
    pub fn modify_all_data(self) -> bool {
        matches!(self, Profile::SystemAdministrator)
    }

    /// The profile whose id is `id`.
    pub fn from_id(id: &str) -> Option<Profile> {
        Profile::ALL.into_iter().find(|p| p.id() == id)
    }
}

/// One seeded person (a Salesforce user and a HubSpot owner).
#[derive(Debug, Clone, Copy)]
pub struct SeedUser {
    /// Login and e-mail.
    pub email: &'static str,
    /// Given name.
    pub first_name: &'static str,
    /// Family name.
    pub last_name: &'static str,
    /// Salesforce profile.
    pub profile: Profile,
    /// Whether the user is active (HubSpot: not archived).
    pub active: bool,
    /// HubSpot owner id.
    pub hs_owner_id: u64,
    /// HubSpot user id.
    pub hs_user_id: u64,
}

/// The seeded people.
pub const USERS: [SeedUser; 9] = [
    SeedUser {
        email: "admin@acme.example",
        first_name: "Ada",
        last_name: "Admin",
        profile: Profile::SystemAdministrator,
        active: true,
        hs_owner_id: 41_629_001,
        hs_user_id: 9_586_001,
    },
    SeedUser {
        email: "integration@acme.example",
        first_name: "Ivan",
        last_name: "Integration",
        profile: Profile::SystemAdministrator,
        active: true,
        hs_owner_id: 41_629_002,
        hs_user_id: 9_586_002,
    },
    SeedUser {
        email: "rep@acme.example",
        first_name: "Rita",
        last_name: "Rep",
        profile: Profile::StandardUser,
        active: true,
        hs_owner_id: 41_629_003,
        hs_user_id: 9_586_003,
    },
    SeedUser {
        email: "rep2@acme.example",
        first_name: "Remy",
        last_name: "Rep",
        profile: Profile::StandardUser,
        active: true,
        hs_owner_id: 41_629_004,
        hs_user_id: 9_586_004,
    },
    SeedUser {
        email: "readonly@acme.example",
        first_name: "Rosa",
        last_name: "Readonly",
        profile: Profile::ReadOnly,
        active: true,
        hs_owner_id: 41_629_005,
        hs_user_id: 9_586_005,
    },
    SeedUser {
        email: "gone@acme.example",
        first_name: "Gus",
        last_name: "Gone",
        profile: Profile::StandardUser,
        active: false,
        hs_owner_id: 41_629_006,
        hs_user_id: 9_586_006,
    },
    // Three more reps, so a team of six reps (issue 15's test: six browsers connecting team
    // sync as one user pass Salesforce's five approvals per user per app).
    SeedUser {
        email: "rep3@acme.example",
        first_name: "Raj",
        last_name: "Rep",
        profile: Profile::StandardUser,
        active: true,
        hs_owner_id: 41_629_007,
        hs_user_id: 9_586_007,
    },
    SeedUser {
        email: "rep4@acme.example",
        first_name: "Ruth",
        last_name: "Rep",
        profile: Profile::StandardUser,
        active: true,
        hs_owner_id: 41_629_008,
        hs_user_id: 9_586_008,
    },
    SeedUser {
        email: "rep5@acme.example",
        first_name: "Rory",
        last_name: "Rep",
        profile: Profile::StandardUser,
        active: true,
        hs_owner_id: 41_629_009,
        hs_user_id: 9_586_009,
    },
];

/// The org id (`00D...`).
pub fn org_id() -> String {
    ids::sf_id("00D", ORG_ID_SEQ)
}

/// The Salesforce user id (`005...`) of the n-th seeded user.
pub fn user_id(index: usize) -> String {
    ids::sf_id("005", index as u64 + 1)
}

/// The seeded user with this Salesforce id.
pub fn user_by_id(id: &str) -> Option<(String, SeedUser)> {
    USERS
        .iter()
        .enumerate()
        .map(|(i, u)| (user_id(i), *u))
        .find(|(uid, _)| uid == id)
}

/// The seeded user with this login (case-insensitive).
pub fn user_by_email(email: &str) -> Option<(String, SeedUser)> {
    USERS
        .iter()
        .enumerate()
        .find(|(_, u)| u.email.eq_ignore_ascii_case(email))
        .map(|(i, u)| (user_id(i), *u))
}

/// A printable summary of the seed (shown at start and in `./build.sh sandbox`).
pub fn summary() -> String {
    let mut out = format!(
        "Seeded org \"{ORG_NAME}\" (Salesforce org {}, HubSpot hub {HUB_ID}); every password is \"{PASSWORD}\".\n",
        org_id()
    );
    for (i, u) in USERS.iter().enumerate() {
        out.push_str(&format!(
            "  {:<26} {:<21} {:<9} sf {}  hs owner {} / user {}\n",
            u.email,
            u.profile.name(),
            if u.active { "active" } else { "inactive" },
            user_id(i),
            u.hs_owner_id,
            u.hs_user_id
        ));
    }
    out.push_str(&format!(
        "Salesforce apps: {SF_PUBLIC_CLIENT_ID} (PKCE S256 required, no secret; redirect https://<32 a-z>.chromiumapp.org/... or http://localhost...),\n  {SF_SCRIPTS_CLIENT_ID} / {SF_SCRIPTS_SECRET} (confidential, for the password grant from scripts and jsforce),\n  {SF_SERVER_CLIENT_ID} / {SF_SERVER_SECRET} (the team server's: secret and PKCE required; any https callback); {MAX_APPROVALS_PER_USER_PER_APP} approvals per user per app, the oldest revoked past that\n"
    ));
    out.push_str(&format!(
        "HubSpot app: {HS_CLIENT_ID} / {HS_CLIENT_SECRET}; private app token {HS_PRIVATE_APP_TOKEN} and service key {HS_SERVICE_KEY} (both act as integration@acme.example)\n"
    ));
    out.push_str(&format!(
        "Rules: Lead assignment rule assigns new Leads to {LEAD_QUEUE_OWNER} unless Sforce-Auto-Assign: FALSE; duplicate rules on Contact and Lead Email.\n"
    ));
    out
}

//! The local team state: how this browser's extension maps onto the attribution spec's team.
//!
//! One browser holds at most two connections:
//! - **personal**: the rep's own OAuth connection ("Connect my account");
//! - **team sync**: the connection the admin made with "Connect team sync" (typically the
//!   integration user, e.g. `integration@acme.example`), or HubSpot's private-app token.
//!
//! The spec's team is built from them like this (see [`LocalTeam::attribution_team`]):
//! - app user [`ME`] is the rep: login email = the configured `me_email`, else the personal
//!   connection's CRM email; `personal` = the personal connection; `owner_mapping` = the
//!   explicit owner mapping, else the CRM user picked in the email-mismatch prompt (rule 8).
//! - app user [`TEAM_SYNC_USER`] holds the team sync connection as *its* personal connection
//!   (spec: team sync is always some connected app user's personal connection), and
//!   `team_sync` names it. If both connections are the same CRM user (the rep connected
//!   themself as team sync), there is a single app user [`ME`] and `team_sync = "me"`, so
//!   rule 7 (one CRM account per app user) holds.
//! - `crm_users` is the CRM user directory fetched at connect time (owner mapping list).
//!
//! So attribution sees exactly the team the spec describes, and the credential it picks
//! names an app user, which maps back to a [`Role`] and so to a stored token.
//!
//! **HubSpot.** HubSpot documents no secret-less token exchange: the code exchange and every
//! refresh need the app's client secret (`../shared/reference/crm-api-reference.md` B1.2).
//! - **Team sync** uses the admin's private-app token (or service key), entered once in
//!   Options and stored only in the worker like an OAuth token; it acts for the HubSpot owner
//!   the admin names (normally the integration user), so its connection's CRM user is that
//!   owner. HubSpot records no creating user for it.
//! - **Personal** ("Connect my account") is real OAuth: the admin enters the HubSpot app's
//!   client id (a team setting) and client secret (write-only) in Options. The secret is kept
//!   under the worker-only key `secret:hubspot_client_secret` in `chrome.storage.local`
//!   (whose access level the worker restricts to trusted contexts, so content scripts cannot
//!   read it); it is never part of a message answer, the state view, an export or a log line,
//!   and it is not accepted from policy ([`policy`]). The worker runs
//!   `launchWebAuthFlow` with `state` and PKCE S256, exchanges the code with the secret, maps
//!   the token's `user_id` to an owner (`/crm/v3/owners/{userId}?idProperty=userId`) and
//!   refreshes with the secret. Records pushed with that token carry the rep as creator.
//! - **Trade-off**: the secret sits on each rep's machine, so a user with devtools on their own
//!   browser can read it (and with it act as the app: redeem codes and refresh tokens of anyone
//!   who authorises it, were they to get those too). The
//!   mitigations are HubSpot's secret rotation (rotate when someone leaves) and, to remove the
//!   secret from browsers entirely, a team-level token broker that does the exchange and the
//!   refreshes server-side (not built). Without a secret, personal HubSpot connect answers
//!   `missing_client_secret` and rule 3 falls back to team sync.
//!
//! **Who holds what** (rules 7 and 9, [`choice`]): the admin may make "my connection" the team
//! sync ([`LocalTeam::team_sync_is_mine`]); a connection whose CRM user the other role holds is
//! the same person only then (or when its email is the rep's login email), else the core
//! refuses it with `duplicate_crm_account`.
//!
//! **Inside**: [`config`], the options page's [`TeamConfig`] and [`Settings`] and the policy
//! file's shape; [`mailbox`], when two addresses are one inbox; [`policy`], team settings from
//! `chrome.storage.managed` merged over a team; [`choice`], who may hold which connection;
//! `session`, a connection's stored `Tokens` and the CRM sessions made from them.

use attribution::{
    AppUser, Credential, CredentialKind, DecisionInput, PersonalConnection, RecordKind, Source,
    TeamState,
};
use crm::{CrmUser, Permission, RecordKindExt};
use serde::{Deserialize, Serialize};
use vocab::PushMode as Push;

use config::ManagedSettings;
pub use config::{CrmKind, LoginHostChoice, Settings, TeamConfig, TeamConfigPatch};

pub mod choice;
pub mod config;
pub mod mailbox;
pub mod policy;
pub(crate) mod session;

/// The app user id of the rep using this browser.
pub const ME: &str = "me";
/// The app user id of the team sync connection's holder (when it is not the rep).
pub const TEAM_SYNC_USER: &str = "team_sync_user";

/// The rep's login email while it is unknown (no `me_email`, no personal connection): a
/// reserved `.invalid` address, so it never matches a CRM user (rule 5) and the attribution
/// core still gets the non-empty email it requires.
pub const UNKNOWN_EMAIL: &str = "me@leadline.invalid";

/// Whether a connection's tokens still work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    /// Working (or not yet known to be broken).
    #[default]
    Ok,
    /// The refresh token was refused (`invalid_grant`): the holder must reconnect.
    ReconnectNeeded,
}

/// A connection as the UI may see it: who, what level, how healthy. Tokens live elsewhere
/// (under [`Role::token_key`] in the worker's storage).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Connection {
    /// Team sync or personal.
    pub role: Role,
    /// The CRM user behind the token.
    pub crm_user_id: String,
    /// Their display name.
    pub name: String,
    /// Their CRM email.
    pub email: String,
    /// Their permission level; `None` when reading it failed at connect time (not checked).
    /// Stored and shown as `"unknown"` then ([`permission_or_unknown`]).
    #[serde(with = "permission_or_unknown")]
    pub permission: Option<Permission>,
    /// Token health.
    #[serde(default)]
    pub health: Health,
    /// Last successful call (ISO 8601).
    #[serde(default)]
    pub last_success: Option<String>,
    /// The org's API host (`instance_url`).
    #[serde(default)]
    pub instance_url: String,
    /// For a pasted HubSpot token, which kind it is (`private_app_token` or `service_key`),
    /// as the connect flow decided it; absent for sign-ins and for tokens stored before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<crm::Credential>,
}

impl Connection {
    /// The permission the attribution spec sees: an unchecked permission (the check failed at
    /// connect time) counts as `standard`, so such a connection may push and is never taken
    /// for an admin.
    pub fn attribution_permission(&self) -> Permission {
        self.permission.unwrap_or(Permission::Standard)
    }

    /// The permission's name as stored and shown: the level's, or `"unknown"` when not checked.
    pub fn permission_name(&self) -> &'static str {
        self.permission
            .map_or(permission_or_unknown::UNKNOWN, Permission::as_str)
    }
}

/// Serde for a connection's permission: a level's name, or `"unknown"` for one not checked
/// (`None`). Stored connections and the popup and options pages use these names, so a
/// connection stored by any version reads back.
pub mod permission_or_unknown {
    use super::Permission;
    use serde::de::{Deserializer, Error, Visitor};
    use serde::Serializer;

    /// The name of a permission that was not checked.
    pub const UNKNOWN: &str = "unknown";

    /// Every name read, for the "unknown variant" error.
    const NAMES: &[&str] = &["admin", "standard", "read_only", UNKNOWN];

    /// Writes the level's name, or `"unknown"`.
    pub fn serialize<S: Serializer>(
        permission: &Option<Permission>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(permission.map_or(UNKNOWN, Permission::as_str))
    }

    /// Reads a level's name, or `"unknown"` as `None`.
    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Permission>, D::Error> {
        struct Names;
        impl Visitor<'_> for Names {
            type Value = Option<Permission>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("variant identifier")
            }
            fn visit_str<E: Error>(self, wire: &str) -> Result<Self::Value, E> {
                match Permission::parse(wire) {
                    Some(level) => Ok(Some(level)),
                    None if wire == UNKNOWN => Ok(None),
                    None => Err(E::unknown_variant(wire, NAMES)),
                }
            }
        }
        deserializer.deserialize_str(Names)
    }
}

/// A connection's role: which of this browser's two connections (the options page connects
/// each).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The team-wide connection chosen by an admin.
    TeamSync,
    /// This rep's own connection.
    Personal,
}

impl Role {
    /// The storage key of this role's tokens (read by the worker only, never by the UI).
    pub fn token_key(self) -> &'static str {
        match self {
            Role::TeamSync => "secret:token:team_sync",
            Role::Personal => "secret:token:personal",
        }
    }
}

/// Everything this browser knows about its team, persisted by the worker as JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LocalTeam {
    /// Options-page configuration.
    pub config: TeamConfig,
    /// Push settings.
    pub settings: Settings,
    /// At most one per role.
    pub connections: Vec<Connection>,
    /// "Records I own go to this CRM user".
    pub owner_mapping: Option<String>,
    /// The answer to the email-mismatch prompt.
    pub picked_crm_user: Option<String>,
    /// The CRM user directory.
    pub crm_users: Vec<CrmUser>,
    /// True when the admin made this rep's own connection the team sync.
    pub team_sync_is_mine: bool,
    /// Team settings rolled out by policy (they win over local ones).
    pub policy: Option<ManagedSettings>,
    /// Who decides with this team: a browser alone, a rep's browser on a team server, or the
    /// team server itself. Set by `crate::team_server::server_team` (a rep's browser) and by
    /// the server on the teams it pushes with: never read from JSON, written, or stored.
    #[serde(skip)]
    pub mode: TeamMode,
}

/// Who decides with a [`LocalTeam`], and so where its shared settings and team sync live.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum TeamMode {
    /// One browser is the whole team (solo mode): everything is set in its options page.
    #[default]
    Solo,
    /// A rep's browser on a team server (`crate::team_server`): the team sync connection is
    /// the server's, and the rep's own connection is held only in this browser (rule 11).
    ServerMember,
    /// The team server itself, pushing with the team's connection.
    Server,
}

impl TeamMode {
    /// Is the team run by a team server (from the rep's browser or on the server)?
    pub fn has_server(self) -> bool {
        self != TeamMode::Solo
    }
}

impl LocalTeam {
    /// The Lightning page of a Salesforce record this team found, for the "already in
    /// Salesforce" link (`None` for HubSpot or before a connection knows its instance).
    pub fn record_url(&self, kind: crm::RecordKind, id: &str) -> Option<String> {
        self.record_url_on(self.connections.first()?, kind, id)
    }

    /// [`Self::record_url`] on `conn`'s instance (the connection that saved the record).
    pub fn record_url_on(
        &self,
        conn: &Connection,
        kind: crm::RecordKind,
        id: &str,
    ) -> Option<String> {
        (self.config.crm == CrmKind::Salesforce && !conn.instance_url.is_empty()).then(|| {
            format!(
                "{}/lightning/r/{}/{id}/view",
                conn.instance_url.trim_end_matches('/'),
                kind.sobject()
            )
        })
    }

    /// The connection held in a role.
    pub fn connection(&self, role: Role) -> Option<&Connection> {
        self.connections.iter().find(|c| c.role == role)
    }

    /// Stores (or replaces) the connection of its role.
    pub fn set_connection(&mut self, conn: Connection) {
        self.connections.retain(|c| c.role != conn.role);
        self.connections.push(conn);
    }

    /// Forgets a role's connection.
    pub fn remove_connection(&mut self, role: Role) {
        self.connections.retain(|c| c.role != role);
    }

    /// The rep's login email: configured, else learned from the personal connection.
    pub fn me_email(&self) -> Option<String> {
        self.config.me_email.clone().or_else(|| {
            self.connection(Role::Personal)
                .map(|c| c.email.to_lowercase())
        })
    }

    /// True when team sync and the personal connection are the same CRM user.
    fn team_sync_is_me(&self) -> bool {
        matches!(
            (self.connection(Role::TeamSync), self.connection(Role::Personal)),
            (Some(t), Some(p)) if t.crm_user_id == p.crm_user_id
        )
    }

    /// The app user holding team sync in the spec's team: [`ME`] when both connections are
    /// the same CRM user, [`TEAM_SYNC_USER`] otherwise, none without a team sync connection.
    pub fn team_sync_app_user(&self) -> Option<&'static str> {
        match self.connection(Role::TeamSync) {
            None => None,
            Some(_) if self.team_sync_is_me() => Some(ME),
            Some(_) => Some(TEAM_SYNC_USER),
        }
    }

    /// The spec's team (see the module docs).
    pub fn attribution_team(&self) -> TeamState {
        let team_sync = self.team_sync_app_user();
        let personal = |c: &Connection| PersonalConnection {
            crm_user_id: c.crm_user_id.clone(),
            email: c.email.clone(),
            permission: c.attribution_permission(),
            // Rule 11: without a team server, every connection in this browser's team counts
            // as held by the team (one browser, one team). With one, the team sync is the
            // server's and the rep's own connection is held only here.
            held: if self.mode == TeamMode::ServerMember
                && c.role == Role::Personal
                && team_sync != Some(ME)
            {
                attribution::Held::OwnBrowser
            } else {
                attribution::Held::Team
            },
        };
        let mut users = vec![AppUser {
            id: ME.into(),
            email: self.me_email().unwrap_or_else(|| UNKNOWN_EMAIL.to_owned()),
            personal: self.connection(Role::Personal).map(personal),
            owner_mapping: self
                .owner_mapping
                .clone()
                .or_else(|| self.picked_crm_user.clone()),
        }];
        if let (Some(TEAM_SYNC_USER), Some(t)) = (team_sync, self.connection(Role::TeamSync)) {
            users.push(AppUser {
                id: TEAM_SYNC_USER.into(),
                email: t.email.clone(),
                personal: Some(personal(t)),
                owner_mapping: None,
            });
        }
        // The directory without names, so the reasons a rep reads keep naming CRM users by
        // email (as they always have here).
        let crm_users = self
            .crm_users
            .iter()
            .map(|u| CrmUser {
                name: None,
                ..u.clone()
            })
            .collect();
        TeamState {
            users,
            team_sync: team_sync.map(str::to_owned),
            crm_users,
        }
    }

    /// A full `decide` input for the rep.
    pub fn decision_input(&self, source: Source, record: RecordKind, push: Push) -> DecisionInput {
        DecisionInput {
            crm: self.config.crm,
            source,
            record,
            push,
            actor: ME.into(),
            team: self.attribution_team(),
        }
    }

    /// Which stored connection a decision's credential means.
    pub fn role_for(&self, credential: &Credential) -> Option<Role> {
        let role = match (credential.kind, credential.user.as_str()) {
            (CredentialKind::TeamSync, _) if self.connection(Role::TeamSync).is_some() => {
                Role::TeamSync
            }
            (_, TEAM_SYNC_USER) => Role::TeamSync,
            (_, ME) => Role::Personal,
            _ => return None,
        };
        self.connection(role).map(|c| c.role)
    }

    /// A CRM user's display name from the directory or the connections.
    pub fn user_name(&self, crm_user_id: &str) -> Option<String> {
        self.crm_users
            .iter()
            .find(|u| u.id == crm_user_id)
            .map(|u| u.name.clone().unwrap_or_default())
            .or_else(|| {
                self.connections
                    .iter()
                    .find(|c| c.crm_user_id == crm_user_id)
                    .map(|c| c.name.clone())
            })
    }

    /// True when `role` pushes with HubSpot's private-app token (or service key): HubSpot then
    /// records no creating user (team sync, unless the rep's own OAuth grant is team sync).
    pub fn pushes_as_private_app(&self, role: Role) -> bool {
        self.config.crm == CrmKind::Hubspot && role == Role::TeamSync && !self.team_sync_is_mine
    }

    /// What the CRM will show as Created By for a push with `role`'s connection as
    /// `crm_user_id`: [`PRIVATE_APP_CREATOR`] for a HubSpot private-app push,
    /// [`SERVICE_KEY_CREATOR`] for a service-key push, else the name.
    pub fn creator_name(&self, role: Option<Role>, crm_user_id: &str) -> Option<String> {
        match role {
            Some(r) if self.pushes_as_private_app(r) => {
                let key = self.connection(r).and_then(|c| c.credential)
                    == Some(crm::Credential::ServiceKey);
                Some(
                    if key {
                        SERVICE_KEY_CREATOR
                    } else {
                        PRIVATE_APP_CREATOR
                    }
                    .to_owned(),
                )
            }
            _ => self.user_name(crm_user_id),
        }
    }
}

/// Created By of a HubSpot private-app push, in the words toasts, badges and the journal use.
pub const PRIVATE_APP_CREATOR: &str = "the private app (HubSpot records no user)";

/// Created By of a HubSpot service-key push (a service key acts for no user either).
pub const SERVICE_KEY_CREATOR: &str = "the service key (HubSpot records no user)";

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    pub(crate) fn conn(role: Role, id: &str, email: &str, permission: Permission) -> Connection {
        Connection {
            role,
            crm_user_id: id.into(),
            name: email.split('@').next().unwrap_or_default().into(),
            email: email.into(),
            permission: Some(permission),
            health: Health::Ok,
            last_success: None,
            instance_url: "https://acme.my.salesforce.com".into(),
            credential: None,
        }
    }

    /// The "already in Salesforce" link is the record's Lightning page on the connection's
    /// instance; HubSpot, or a connection that has no instance yet, gives no link.
    #[test]
    fn a_record_link_is_its_lightning_page_on_the_instance() {
        let mut team = LocalTeam::default();
        assert_eq!(team.record_url(crm::RecordKind::Contact, "003X"), None);
        let mut sync = conn(Role::TeamSync, "005I", "i@acme.example", Permission::Admin);
        sync.instance_url = "https://acme.my.salesforce.com/".into();
        team.set_connection(sync.clone());
        assert_eq!(
            team.record_url(crm::RecordKind::Lead, "00QX").as_deref(),
            Some("https://acme.my.salesforce.com/lightning/r/Lead/00QX/view")
        );
        let mut no_instance = sync.clone();
        no_instance.instance_url.clear();
        assert_eq!(
            team.record_url_on(&no_instance, crm::RecordKind::Contact, "003X"),
            None
        );
        team.config.crm = CrmKind::Hubspot;
        assert_eq!(team.record_url(crm::RecordKind::Contact, "501"), None);
    }

    /// The worker keeps each role's tokens under its own `secret:` key (the prefix no message
    /// answer, page or UI ever receives), the key extension/background/storage.js's `tokenKey`
    /// mirrors.
    #[test]
    fn token_keys_are_the_workers_secret_keys() {
        let storage = include_str!("../../../../extension/background/storage.js");
        let keys = [Role::TeamSync.token_key(), Role::Personal.token_key()];
        assert_ne!(keys[0], keys[1], "one key per role");
        for key in keys {
            assert!(key.starts_with("secret:"), "{key}");
            assert!(
                storage.contains(&format!("'{key}'")),
                "storage.js's tokenKey names {key}"
            );
        }
    }

    #[test]
    fn integration_user_is_its_own_app_user() {
        let mut t = LocalTeam::default();
        t.config.me_email = Some("rep@acme.example".into());
        t.set_connection(conn(
            Role::TeamSync,
            "005I",
            "integration@acme.example",
            Permission::Admin,
        ));
        t.set_connection(conn(
            Role::Personal,
            "005R",
            "rep@acme.example",
            Permission::Standard,
        ));
        let team = t.attribution_team();
        assert_eq!(team.team_sync.as_deref(), Some(TEAM_SYNC_USER));
        assert_eq!(team.users[0].id, ME);
        let personal = |i: usize| team.users[i].personal.clone().unwrap();
        assert_eq!(personal(0).crm_user_id, "005R");
        assert_eq!(personal(1).crm_user_id, "005I");
        assert_eq!(personal(1).permission, attribution::Permission::Admin);
        let credential = |kind, user: &str| Credential {
            kind,
            user: user.into(),
            crm_user_id: "005I".into(),
        };
        assert_eq!(
            t.role_for(&credential(CredentialKind::TeamSync, TEAM_SYNC_USER)),
            Some(Role::TeamSync)
        );
        assert_eq!(
            t.role_for(&credential(CredentialKind::Personal, ME)),
            Some(Role::Personal)
        );
        // Chosen for its permission (rule 3), a connection is still the role of its app user.
        assert_eq!(
            t.role_for(&credential(
                CredentialKind::HighestPermission,
                TEAM_SYNC_USER
            )),
            Some(Role::TeamSync)
        );
        assert_eq!(
            t.role_for(&credential(CredentialKind::HighestPermission, ME)),
            Some(Role::Personal)
        );
        assert_eq!(
            t.role_for(&credential(CredentialKind::Personal, "someone_else")),
            None
        );
    }

    #[test]
    fn unchecked_permission_is_stored_as_unknown_and_decided_as_standard() {
        let mut t = LocalTeam::default();
        t.config.me_email = Some("rep@acme.example".into());
        t.set_connection(Connection {
            permission: None,
            ..conn(
                Role::TeamSync,
                "005I",
                "integration@acme.example",
                Permission::Admin,
            )
        });
        let stored = serde_json::to_value(&t).unwrap();
        assert_eq!(stored["connections"][0]["permission"], "unknown");
        let back: LocalTeam = serde_json::from_value(stored).unwrap();
        assert_eq!(back.connections[0].permission, None);
        let team = t.attribution_team();
        let personal = team.users[1].personal.clone().unwrap();
        assert_eq!(personal.permission, attribution::Permission::Standard);
        let decided = attribution::decide(&t.decision_input(
            Source::LinkedinExtension,
            RecordKind::Contact,
            Push::Single,
        ))
        .unwrap();
        assert_eq!(decided.credential.kind, CredentialKind::TeamSync);
    }

    #[test]
    fn same_crm_user_in_both_roles_is_one_app_user() {
        let mut t = LocalTeam::default();
        t.set_connection(conn(
            Role::TeamSync,
            "005A",
            "admin@acme.example",
            Permission::Admin,
        ));
        t.set_connection(conn(
            Role::Personal,
            "005A",
            "admin@acme.example",
            Permission::Admin,
        ));
        let team = t.attribution_team();
        assert_eq!(team.team_sync.as_deref(), Some(ME));
        assert_eq!(team.users.len(), 1);
        assert_eq!(team.users[0].email, "admin@acme.example");
    }

    #[test]
    fn no_connections_no_team_sync() {
        let t = LocalTeam {
            picked_crm_user: Some("005P".into()),
            ..LocalTeam::default()
        };
        let team = t.attribution_team();
        assert_eq!(team.team_sync, None);
        assert_eq!(team.users[0].personal, None);
        assert_eq!(team.users[0].owner_mapping.as_deref(), Some("005P"));
        let mine = Credential {
            kind: CredentialKind::Personal,
            user: ME.into(),
            crm_user_id: "005P".into(),
        };
        assert_eq!(t.role_for(&mine), None);
    }
}

//! The cast shared by the table tests: one small Salesforce team and ways to change it.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use attribution::{
    AppUser, Crm, CrmUser, DecisionInput, Held, Permission, PersonalConnection, PushMode,
    RecordKind, Source, TeamState,
};

/// CRM user ids of the cast.
pub const ADMIN: &str = "005A";
/// The rep's CRM user.
pub const REP: &str = "005R";
/// The read-only viewer's CRM user.
pub const VIEWER: &str = "005V";
/// A CRM user with the new rep's login email, not connected by anyone.
pub const NEW: &str = "005N";
/// An inactive CRM user.
pub const GONE: &str = "005X";

/// A personal connection the team holds, whose CRM email is `<crm_user_id>@acme.example`-like
/// `email`.
pub fn conn(crm_user_id: &str, email: &str, permission: Permission) -> PersonalConnection {
    PersonalConnection {
        crm_user_id: crm_user_id.to_owned(),
        email: email.to_owned(),
        permission,
        held: Held::Team,
    }
}

/// An app user with login email `<name>@acme.example`.
pub fn app_user(id: &str, personal: Option<PersonalConnection>) -> AppUser {
    AppUser {
        id: id.to_owned(),
        email: format!("{}@acme.example", id.trim_start_matches("u_")),
        personal,
        owner_mapping: None,
    }
}

/// A directory entry.
pub fn crm_user(id: &str, email: &str, active: bool) -> CrmUser {
    CrmUser {
        id: id.to_owned(),
        email: Some(email.to_owned()),
        active,
        name: None,
    }
}

/// The team: an admin (team sync), a standard rep, a read-only viewer and a new rep without a
/// connection, with a directory that knows them all plus one inactive user.
pub fn acme() -> TeamState {
    TeamState {
        users: vec![
            app_user(
                "u_admin",
                Some(conn(ADMIN, "admin@acme.example", Permission::Admin)),
            ),
            app_user(
                "u_rep",
                Some(conn(REP, "rep@acme.example", Permission::Standard)),
            ),
            app_user(
                "u_viewer",
                Some(conn(VIEWER, "viewer@acme.example", Permission::ReadOnly)),
            ),
            app_user("u_new", None),
        ],
        team_sync: Some("u_admin".to_owned()),
        crm_users: vec![
            crm_user(ADMIN, "admin@acme.example", true),
            crm_user(REP, "rep@acme.example", true),
            crm_user(VIEWER, "viewer@acme.example", true),
            crm_user(NEW, "new@acme.example", true),
            crm_user(GONE, "gone@acme.example", false),
        ],
    }
}

/// The app user with this id, to change it.
pub fn user_mut<'a>(team: &'a mut TeamState, id: &str) -> &'a mut AppUser {
    team.users.iter_mut().find(|u| u.id == id).unwrap()
}

/// Rule 11: the app user's connection is kept only in their own browser.
pub fn hold_in_browser(team: &mut TeamState, id: &str) {
    user_mut(team, id).personal.as_mut().unwrap().held = Held::OwnBrowser;
}

/// Marks a CRM user of the directory inactive.
pub fn deactivate(team: &mut TeamState, crm_user_id: &str) {
    team.crm_users
        .iter_mut()
        .find(|u| u.id == crm_user_id)
        .unwrap()
        .active = false;
}

/// A bulk Salesforce contact save.
pub fn input(actor: &str, source: Source, team: TeamState) -> DecisionInput {
    DecisionInput {
        crm: Crm::Salesforce,
        source,
        record: RecordKind::Contact,
        push: PushMode::Bulk,
        actor: actor.to_owned(),
        team,
    }
}

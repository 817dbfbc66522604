//! Who may hold which connection: spec rules 7 (one CRM account per app user) and 9 (team sync
//! must be a connected user), asked of the attribution core with this browser's two app users
//! ([`ME`] and [`TEAM_SYNC_USER`], see [`crate::team`]).
//!
//! - [`LocalTeam::admit`]: may a freshly authorised connection take its role? When the other
//!   role already holds the same CRM user, that is the same person only if the team sync is
//!   "mine" (the admin made their own connection the team sync) or the CRM user's email is the
//!   rep's login email; then both roles are one app user and the answer explains what that
//!   means. Otherwise the core's `check_connect` refuses with `duplicate_crm_account`.
//! - [`LocalTeam::choose_team_sync`]: the admin picks team sync among the connected users; the
//!   core's `check_team_sync_choice` refuses one without a connection (`team_sync_not_connected`)
//!   and warns about a non-admin one.

use serde_json::{json, Value};

use crate::journal::records::ErrorInfo;
use crate::team::{Connection, LocalTeam, Role, ME, TEAM_SYNC_USER};

/// What [`LocalTeam::choose_team_sync`] changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamSyncChoice {
    /// The core's warnings (`team_sync_not_admin`).
    pub warnings: Vec<String>,
    /// True when the personal token must now also serve as the team sync token.
    pub copy_personal_token: bool,
}

/// The core's `{ok:false, error:{code, message}}` as an [`ErrorInfo`] with our hint.
fn core_refusal(answer: &Value, hint: &str) -> Option<ErrorInfo> {
    if answer.get("ok") == Some(&json!(true)) {
        return None;
    }
    let text = |k: &str| {
        answer
            .pointer(&format!("/error/{k}"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    Some(ErrorInfo {
        code: text("code"),
        message: text("message"),
        hint: hint.to_owned(),
    })
}

fn personal_json(c: &Connection) -> Value {
    json!({"crm_user_id": c.crm_user_id, "email": c.email, "permission": c.attribution_permission()})
}

fn same_email(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

impl LocalTeam {
    /// The spec's team with each role held by its own app user (no merging), leaving out
    /// `skip`'s connection: the team a new connection for `skip` joins.
    fn team_without(&self, skip: Option<Role>) -> Value {
        let held = |role: Role| {
            self.connection(role)
                .filter(|_| Some(role) != skip)
                .map(personal_json)
        };
        let me_email = self
            .config
            .me_email
            .clone()
            .unwrap_or_else(|| crate::team::UNKNOWN_EMAIL.to_owned());
        let sync_email = self
            .connection(Role::TeamSync)
            .map(|c| c.email.clone())
            .unwrap_or_else(|| "team-sync@leadline.invalid".to_owned());
        json!({"users": [
            {"id": ME, "email": me_email, "personal": held(Role::Personal)},
            {"id": TEAM_SYNC_USER, "email": sync_email, "personal": held(Role::TeamSync)},
        ]})
    }

    /// True when the team sync holder is the rep of this browser.
    fn team_sync_held_by_me(&self, conn: &Connection) -> bool {
        self.team_sync_is_mine
            || self
                .config
                .me_email
                .as_deref()
                .is_some_and(|e| same_email(e, &conn.email))
    }

    /// Rule 7 for a freshly authorised `conn`: `Ok(None)` to store it, `Ok(Some(text))` to
    /// store it and tell the rep what sharing one CRM account between both roles means, or
    /// the core's refusal.
    pub fn admit(&self, conn: &Connection) -> Result<Option<String>, ErrorInfo> {
        let other = match conn.role {
            Role::Personal => Role::TeamSync,
            Role::TeamSync => Role::Personal,
        };
        let clash = self
            .connection(other)
            .is_some_and(|o| o.crm_user_id == conn.crm_user_id);
        if clash && self.team_sync_held_by_me(conn) {
            return Ok(Some(format!(
                "{} is both your own connection and the team sync: you are one user to Leadline, \
                 so LinkedIn and Gmail saves all show {} as Created By.",
                conn.email, conn.name
            )));
        }
        let app_user = match conn.role {
            Role::Personal => ME,
            Role::TeamSync => TEAM_SYNC_USER,
        };
        let answer = attribution::check_connect_json(&json!({
            "crm": self.config.crm.as_str(),
            "team": self.team_without(Some(conn.role)),
            "app_user": app_user,
            "personal": personal_json(conn),
        }));
        match core_refusal(
            &answer,
            "Sign in with your own CRM account. If this account is yours, enter it as your \
             login email in step 1 (or make your connection the team sync) and connect again.",
        ) {
            Some(refusal) => Err(refusal),
            None => Ok(None),
        }
    }

    /// [`Self::admit`]s `conn` and stores it: `Ok(note)` as there, or the refusal (nothing
    /// stored).
    pub fn store_connection(&mut self, conn: Connection) -> Result<Option<String>, ErrorInfo> {
        let note = self.admit(&conn)?;
        if conn.role == Role::TeamSync {
            self.team_sync_is_mine = note.is_some();
        }
        self.set_connection(conn);
        Ok(note)
    }

    /// Rule 9: makes `app_user` ([`ME`] or [`TEAM_SYNC_USER`]) the team sync, as the core allows.
    pub fn choose_team_sync(&mut self, app_user: &str) -> Result<TeamSyncChoice, ErrorInfo> {
        let mut team = self.team_without(None);
        if self.team_sync_is_mine {
            // The current team sync is a copy of my own connection: nobody else holds it.
            team["users"][1]["personal"] = Value::Null;
        }
        let answer = attribution::check_team_sync_choice_json(&json!({
            "crm": self.config.crm.as_str(),
            "team": team,
            "app_user": app_user,
        }));
        if let Some(refusal) = core_refusal(
            &answer,
            "Connect that user first (step 2), then choose them as team sync.",
        ) {
            return Err(refusal);
        }
        let warnings = answer
            .get("warnings")
            .and_then(Value::as_array)
            .map(|w| {
                w.iter()
                    .filter_map(|s| s.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let copy_personal_token = app_user == ME;
        if let (true, Some(mine)) = (copy_personal_token, self.connection(Role::Personal)) {
            let mut sync = mine.clone();
            sync.role = Role::TeamSync;
            self.set_connection(sync);
            self.team_sync_is_mine = true;
        }
        Ok(TeamSyncChoice {
            warnings,
            copy_personal_token,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::team::Health;
    use crm::Permission;

    fn conn(role: Role, id: &str, email: &str, permission: Permission) -> Connection {
        Connection {
            role,
            crm_user_id: id.into(),
            name: email.into(),
            email: email.into(),
            permission: Some(permission),
            health: Health::Ok,
            last_success: None,
            instance_url: String::new(),
            credential: None,
        }
    }

    fn with_integration_sync() -> LocalTeam {
        let mut t = LocalTeam::default();
        t.config.me_email = Some("rep@acme.example".into());
        t.set_connection(conn(
            Role::TeamSync,
            "005I",
            "integration@acme.example",
            Permission::Admin,
        ));
        t
    }

    #[test]
    fn someone_elses_account_is_refused_with_the_cores_message() {
        let t = with_integration_sync();
        let err = t
            .admit(&conn(
                Role::Personal,
                "005I",
                "integration@acme.example",
                Permission::Admin,
            ))
            .unwrap_err();
        assert_eq!(err.code, "duplicate_crm_account");
        assert!(
            err.message.contains("integration@acme.example"),
            "{}",
            err.message
        );
        assert!(!err.hint.is_empty());
    }

    #[test]
    fn own_distinct_account_is_admitted_silently() {
        let t = with_integration_sync();
        let ok = t.admit(&conn(
            Role::Personal,
            "005R",
            "rep@acme.example",
            Permission::Standard,
        ));
        assert_eq!(ok, Ok(None));
    }

    #[test]
    fn same_person_in_both_roles_is_explained() {
        let mut t = with_integration_sync();
        t.config.me_email = Some("Integration@Acme.example".into());
        let note = t
            .admit(&conn(
                Role::Personal,
                "005I",
                "integration@acme.example",
                Permission::Admin,
            ))
            .unwrap()
            .expect("an explanation");
        assert!(note.contains("both"), "{note}");
    }

    /// A rep who connects team sync with their own account (already their connection) is
    /// told so, and team sync is then theirs: on HubSpot its pushes are Created By that user,
    /// not by the private app. Connecting one's own account beside an integration user's team
    /// sync leaves team sync the private app's.
    #[test]
    fn team_sync_connected_as_my_own_account_is_mine() {
        use crate::team::CrmKind;
        let mut t = LocalTeam::default();
        t.config.crm = CrmKind::Hubspot;
        t.config.me_email = Some("rep@acme.example".into());
        t.set_connection(conn(
            Role::Personal,
            "41629003",
            "rep@acme.example",
            Permission::Admin,
        ));
        let note = t
            .store_connection(conn(
                Role::TeamSync,
                "41629003",
                "rep@acme.example",
                Permission::Admin,
            ))
            .unwrap();
        assert!(note.is_some_and(|n| n.contains("both")));
        assert!(!t.pushes_as_private_app(Role::TeamSync));
        assert_eq!(
            t.creator_name(Some(Role::TeamSync), "41629003").as_deref(),
            Some("rep@acme.example")
        );

        let mut apart = with_integration_sync();
        apart.config.crm = CrmKind::Hubspot;
        let note = apart.store_connection(conn(
            Role::Personal,
            "41629003",
            "rep@acme.example",
            Permission::Standard,
        ));
        assert_eq!(note, Ok(None));
        assert!(apart.pushes_as_private_app(Role::TeamSync));
    }

    #[test]
    fn team_sync_over_my_personal_account_by_someone_else_is_refused() {
        let mut t = LocalTeam::default();
        t.config.me_email = Some("rep@acme.example".into());
        t.set_connection(conn(
            Role::Personal,
            "005X",
            "shared@acme.example",
            Permission::Admin,
        ));
        let err = t
            .admit(&conn(
                Role::TeamSync,
                "005X",
                "shared@acme.example",
                Permission::Admin,
            ))
            .unwrap_err();
        assert_eq!(err.code, "duplicate_crm_account");
    }

    #[test]
    fn choosing_me_without_a_connection_is_refused() {
        let mut t = with_integration_sync();
        let err = t.choose_team_sync(ME).unwrap_err();
        assert_eq!(err.code, "team_sync_not_connected");
        assert!(err.message.contains("rep@acme.example"), "{}", err.message);
        assert_eq!(
            t.connection(Role::TeamSync).unwrap().crm_user_id,
            "005I",
            "unchanged"
        );
    }

    #[test]
    fn choosing_me_makes_my_connection_the_team_sync() {
        let mut t = with_integration_sync();
        t.set_connection(conn(
            Role::Personal,
            "005R",
            "rep@acme.example",
            Permission::Standard,
        ));
        let choice = t.choose_team_sync(ME).unwrap();
        assert!(choice.copy_personal_token);
        assert_eq!(choice.warnings, vec!["team_sync_not_admin".to_owned()]);
        assert_eq!(t.connection(Role::TeamSync).unwrap().crm_user_id, "005R");
        assert!(t.team_sync_is_mine);
        assert_eq!(t.attribution_team().team_sync.as_deref(), Some(ME));
        // Reconnecting my own account later is the same person, not a duplicate.
        assert!(t
            .admit(&conn(
                Role::Personal,
                "005R",
                "rep@acme.example",
                Permission::Standard
            ))
            .unwrap()
            .is_some());
    }

    #[test]
    fn choosing_the_current_holder_keeps_it() {
        let mut t = with_integration_sync();
        let choice = t.choose_team_sync(TEAM_SYNC_USER).unwrap();
        assert!(!choice.copy_personal_token);
        assert!(choice.warnings.is_empty());
        let mut empty = LocalTeam::default();
        assert_eq!(
            empty.choose_team_sync(TEAM_SYNC_USER).unwrap_err().code,
            "team_sync_not_connected"
        );
    }
}

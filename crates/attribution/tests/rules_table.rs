//! One row per situation of `shared/spec/attribution.md`: the rule it checks, the save, and the
//! expected credential, Created By, owner, needs and warnings (or error code).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use attribution::{
    decide, CredentialKind, Crm, CrmUser, DecisionInput, ErrorCode, Need, Permission, PushMode,
    RecordKind, Source, TeamState, Warning,
};
use common::*;
use CredentialKind::{HighestPermission, Personal, TeamSync};
use Permission::Standard;
use RecordKind::Activity;
use Source::{CsvImport, GmailExtension, JobChange, LinkedinExtension, Manual, ProspectingSearch};

struct Row {
    rule: &'static str,
    input: DecisionInput,
    pushes: Option<(CredentialKind, &'static str, &'static str)>,
    owner: Option<&'static str>,
    needs: Vec<Need>,
    warnings: Vec<Warning>,
    says: Vec<&'static str>,
    fails: Option<ErrorCode>,
}

fn row(rule: &'static str, actor: &str, source: Source) -> Row {
    Row {
        rule,
        input: input(actor, source, acme()),
        pushes: None,
        owner: None,
        needs: Vec::new(),
        warnings: Vec::new(),
        says: Vec::new(),
        fails: None,
    }
}

impl Row {
    fn team(mut self, change: impl FnOnce(&mut TeamState)) -> Self {
        change(&mut self.input.team);
        self
    }
    fn record(mut self, record: RecordKind) -> Self {
        self.input.record = record;
        self
    }
    fn single(mut self) -> Self {
        self.input.push = PushMode::Single;
        self
    }
    fn hubspot(mut self) -> Self {
        self.input.crm = Crm::Hubspot;
        self
    }
    /// Expected credential kind, its app user, and Created By.
    fn pushes(
        mut self,
        kind: CredentialKind,
        user: &'static str,
        created_by: &'static str,
    ) -> Self {
        self.pushes = Some((kind, user, created_by));
        self
    }
    fn owner(mut self, owner: &'static str) -> Self {
        self.owner = Some(owner);
        self
    }
    fn needs(mut self, needs: &[Need]) -> Self {
        self.needs = needs.to_vec();
        self
    }
    fn warns(mut self, warnings: &[Warning]) -> Self {
        self.warnings = warnings.to_vec();
        self
    }
    /// A fragment one of the reasons must contain.
    fn says(mut self, fragment: &'static str) -> Self {
        self.says.push(fragment);
        self
    }
    fn fails(mut self, code: ErrorCode) -> Self {
        self.fails = Some(code);
        self
    }

    /// What is wrong with `decide`'s answer for this row, if anything.
    fn check(&self) -> Option<String> {
        let answer = decide(&self.input);
        if let Some(code) = self.fails {
            return match answer {
                Err(e) if e.code() == code => None,
                other => Some(format!("expected error {code:?}, got {other:?}")),
            };
        }
        let d = match answer {
            Ok(d) => d,
            Err(e) => return Some(format!("unexpected error {e:?}")),
        };
        let (kind, user, created_by) = self.pushes.expect("row without .pushes()");
        let owner = self.owner.expect("row without .owner()");
        let got = (
            d.credential.kind,
            d.credential.user.as_str(),
            d.created_by.as_str(),
            d.owner.as_str(),
            &d.needs,
            &d.warnings,
        );
        let want = (kind, user, created_by, owner, &self.needs, &self.warnings);
        if got != want {
            return Some(format!(
                "got {got:?}\n    want {want:?}\n    reasons {:?}",
                d.reasons
            ));
        }
        if d.credential.crm_user_id != d.created_by {
            return Some("credential.crm_user_id differs from created_by".to_owned());
        }
        if d.reasons.is_empty() {
            return Some("no reasons".to_owned());
        }
        let missing: Vec<_> = self
            .says
            .iter()
            .filter(|f| !d.reasons.iter().any(|r| r.contains(*f)))
            .collect();
        if !missing.is_empty() {
            return Some(format!("reasons {:?} do not say {missing:?}", d.reasons));
        }
        None
    }
}

// Team changes used by the rows.
fn no_team_sync(t: &mut TeamState) {
    t.team_sync = None;
}
fn team_sync(user: &'static str) -> impl FnOnce(&mut TeamState) {
    move |t| t.team_sync = Some(user.to_owned())
}
fn mapping(user: &'static str, crm_user: &'static str) -> impl FnOnce(&mut TeamState) {
    move |t| user_mut(t, user).owner_mapping = Some(crm_user.to_owned())
}
fn crm_email(user: &'static str, email: &'static str) -> impl FnOnce(&mut TeamState) {
    move |t| user_mut(t, user).personal.as_mut().unwrap().email = email.to_owned()
}
fn permission(user: &'static str, permission: Permission) -> impl FnOnce(&mut TeamState) {
    move |t| user_mut(t, user).personal.as_mut().unwrap().permission = permission
}
fn inactive(crm_user: &'static str) -> impl FnOnce(&mut TeamState) {
    move |t| deactivate(t, crm_user)
}
fn only(users: &'static [&'static str]) -> impl FnOnce(&mut TeamState) {
    move |t| {
        t.users.retain(|u| users.contains(&u.id.as_str()));
        t.team_sync = None;
    }
}
fn admin_listed_second(t: &mut TeamState) {
    t.users.swap(0, 1);
}
fn in_browser(user: &'static str) -> impl FnOnce(&mut TeamState) {
    move |t| hold_in_browser(t, user)
}
/// `holder` connects the CRM user `crm_user` (with that user's directory email).
fn holds(holder: &'static str, crm_user: &'static str) -> impl FnOnce(&mut TeamState) {
    move |t| {
        let email = t.crm_user(crm_user).unwrap().email.clone().unwrap();
        user_mut(t, holder).personal = Some(conn(crm_user, &email, Standard));
    }
}

/// The team (see `common::acme`): u_admin (admin, 005A, team sync), u_rep (standard, 005R),
/// u_viewer (read_only, 005V), u_new (no connection; the directory's 005N has its email),
/// 005X inactive. Rows read: rule, actor, source, changes → credential, user, Created By, owner.
#[rustfmt::skip] // A table: one situation per row reads better than rustfmt's layout.
fn rows() -> Vec<Row> {
    use Warning::{OwnerInactive, TeamSyncNotAdmin};
    vec![
        // Rule 1: manual, csv_import, gmail use the actor's personal connection…
        row("1 manual → personal", "u_rep", Manual).pushes(Personal, "u_rep", REP).owner(REP)
            .says("Records you add by hand are pushed with your personal connection"),
        row("1 csv_import → personal", "u_rep", CsvImport).pushes(Personal, "u_rep", REP).owner(REP),
        row("1 gmail → personal", "u_rep", GmailExtension).pushes(Personal, "u_rep", REP).owner(REP)
            .says("Gmail saves are pushed with your personal connection"),
        // …linkedin, prospecting search and job change use team sync even with a personal one.
        row("1 linkedin → team sync", "u_rep", LinkedinExtension).pushes(TeamSync, "u_admin", ADMIN).owner(REP)
            .says("LinkedIn saves are pushed with the team sync connection"),
        row("1 prospecting → team sync", "u_rep", ProspectingSearch).pushes(TeamSync, "u_admin", ADMIN).owner(REP),
        row("1 job change → team sync", "u_rep", JobChange).pushes(TeamSync, "u_admin", ADMIN).owner(REP),
        row("1 single linkedin save stays team sync", "u_rep", LinkedinExtension).single()
            .pushes(TeamSync, "u_admin", ADMIN).owner(REP),
        // Rule 2: activities follow the person, whatever the source.
        row("2 activity from linkedin → personal", "u_rep", LinkedinExtension).record(Activity)
            .pushes(Personal, "u_rep", REP).owner(REP).says("Activities follow the person"),
        row("2 activity from job change → personal", "u_rep", JobChange).record(Activity)
            .pushes(Personal, "u_rep", REP).owner(REP),
        row("2+3 activity, no personal → team sync", "u_new", ProspectingSearch).record(Activity)
            .pushes(TeamSync, "u_admin", ADMIN).owner(ADMIN),
        // Rule 3: personal → team sync → highest permission → no_credentials; read_only never pushes.
        row("3 gmail, no personal → team sync", "u_new", GmailExtension).pushes(TeamSync, "u_admin", ADMIN).owner(ADMIN)
            .says("You have no personal Salesforce connection, so team sync"),
        row("3 linkedin, no team sync → highest", "u_rep", LinkedinExtension).team(no_team_sync)
            .pushes(HighestPermission, "u_admin", ADMIN).owner(REP).says("highest permission"),
        row("3 gmail, no personal nor team sync → highest", "u_new", GmailExtension).team(no_team_sync)
            .pushes(HighestPermission, "u_admin", ADMIN).owner(ADMIN)
            .says("You have no personal Salesforce connection, so it falls back to team sync")
            .says("No team sync connection is set up, so admin@acme.example created it"),
        row("3 admin beats a standard listed first", "u_new", LinkedinExtension).team(no_team_sync).team(admin_listed_second)
            .pushes(HighestPermission, "u_admin", ADMIN).owner(ADMIN),
        row("3 tie → first listed", "u_new", LinkedinExtension).team(no_team_sync).team(permission("u_admin", Standard))
            .pushes(HighestPermission, "u_admin", ADMIN).owner(ADMIN),
        row("3 tie → first listed (swapped)", "u_new", LinkedinExtension).team(no_team_sync)
            .team(permission("u_admin", Standard)).team(admin_listed_second)
            .pushes(HighestPermission, "u_rep", REP).owner(REP),
        row("3 read-only personal → team sync, still owns", "u_viewer", GmailExtension)
            .pushes(TeamSync, "u_admin", ADMIN).owner(VIEWER).says("read-only"),
        row("3 read-only team sync → highest + warning", "u_new", LinkedinExtension).team(team_sync("u_viewer"))
            .pushes(HighestPermission, "u_admin", ADMIN).owner(ADMIN).warns(&[TeamSyncNotAdmin])
            .says("The team sync connection (viewer@acme.example) is read-only, so admin@acme.example"),
        row("3 only read-only connections", "u_new", LinkedinExtension).team(only(&["u_viewer", "u_new"]))
            .fails(ErrorCode::NoCredentials),
        row("3 nobody connected", "u_new", Manual).team(only(&["u_new"])).fails(ErrorCode::NoCredentials),
        row("3 inactive team sync user can't push", "u_new", LinkedinExtension).team(inactive(ADMIN))
            .pushes(HighestPermission, "u_rep", REP).owner(REP)
            .says("The team sync connection's Salesforce user (admin@acme.example) is inactive"),
        // Rule 4: owner = mapping, else personal CRM user, else the pushing CRM user.
        row("4 mapping, no personal: rep owns", "u_new", LinkedinExtension).team(mapping("u_new", NEW))
            .pushes(TeamSync, "u_admin", ADMIN).owner(NEW).says("Owner: your owner mapping (new@acme.example)"),
        row("4 mapping beats personal", "u_rep", Manual).team(mapping("u_rep", NEW)).pushes(Personal, "u_rep", REP).owner(NEW),
        row("4 nothing → pushing user", "u_new", Manual).pushes(TeamSync, "u_admin", ADMIN).owner(ADMIN),
        // Rule 5: a single hand push matches the login email before the last step; bulk never.
        row("5 single manual → email match", "u_new", Manual).single()
            .pushes(TeamSync, "u_admin", ADMIN).owner(NEW).says("login email")
            .says("Records you push to Salesforce by hand are pushed with your personal connection")
            .says("You have no personal Salesforce connection, so team sync (admin@acme.example) created it"),
        row("5 single csv_import → like manual", "u_new", CsvImport).single().pushes(TeamSync, "u_admin", ADMIN).owner(NEW),
        row("5 bulk manual → no email match", "u_new", Manual).pushes(TeamSync, "u_admin", ADMIN).owner(ADMIN),
        row("5 single linkedin save: no email match", "u_new", LinkedinExtension).single()
            .pushes(TeamSync, "u_admin", ADMIN).owner(ADMIN),
        row("5 email match ignores case", "u_new", Manual).single().team(|t| user_mut(t, "u_new").email = "New@ACME.example".into())
            .pushes(TeamSync, "u_admin", ADMIN).owner(NEW),
        row("5 inactive email match skipped", "u_new", Manual).single().team(inactive(NEW))
            .pushes(TeamSync, "u_admin", ADMIN).owner(ADMIN),
        row("5 shared email → none picked", "u_new", Manual).single()
            .team(|t| t.crm_users.push(crm_user("005N2", "new@acme.example", true)))
            .pushes(TeamSync, "u_admin", ADMIN).owner(ADMIN).says("Several"),
        row("5 email match skips a CRM user another app user holds", "u_new", Manual).single().team(holds("u_viewer", NEW))
            .pushes(TeamSync, "u_admin", ADMIN).owner(ADMIN).says("No active Salesforce user has your login email"),
        row("5 unknown directory → pushing user", "u_new", Manual).single().team(|t| t.crm_users.clear())
            .pushes(TeamSync, "u_admin", ADMIN).owner(ADMIN),
        row("5+6 inactive mapping → email match", "u_new", Manual).single().team(mapping("u_new", GONE))
            .pushes(TeamSync, "u_admin", ADMIN).owner(NEW).warns(&[OwnerInactive]),
        // Rule 6: inactive owners are skipped with owner_inactive; unknown ones are not inactive.
        row("6 inactive mapping → personal", "u_rep", Manual).team(mapping("u_rep", GONE))
            .pushes(Personal, "u_rep", REP).owner(REP).warns(&[OwnerInactive]).says("inactive in Salesforce"),
        row("6 inactive mapping, no personal", "u_new", LinkedinExtension).team(mapping("u_new", GONE))
            .pushes(TeamSync, "u_admin", ADMIN).owner(ADMIN).warns(&[OwnerInactive]),
        row("6 inactive personal user can't push or own", "u_rep", GmailExtension).team(inactive(REP))
            .pushes(TeamSync, "u_admin", ADMIN).owner(ADMIN).warns(&[OwnerInactive])
            .says("Your Salesforce user is inactive, so your connection can't push"),
        row("6 unknown mapping is not inactive", "u_rep", Manual).team(mapping("u_rep", "005UNKNOWN"))
            .pushes(Personal, "u_rep", REP).owner("005UNKNOWN"),
        // Rule 7: two app users holding one CRM user make the team invalid.
        row("7 duplicate CRM user", "u_rep", Manual)
            .team(|t| user_mut(t, "u_new").personal = Some(conn(REP, "rep@acme.example", Standard)))
            .fails(ErrorCode::DuplicateCrmAccount),
        // Rule 8: CRM email ≠ login email and no mapping → ask; owner stays the connected user.
        row("8 email mismatch → crm_user_pick", "u_rep", Manual).team(crm_email("u_rep", "r.smith@acme-sf.example"))
            .pushes(Personal, "u_rep", REP).owner(REP).needs(&[Need::CrmUserPick]),
        row("8 mismatch with a mapping: no question", "u_rep", Manual)
            .team(crm_email("u_rep", "r.smith@acme-sf.example")).team(mapping("u_rep", NEW))
            .pushes(Personal, "u_rep", REP).owner(NEW),
        row("8 emails differing in case match", "u_rep", Manual).team(crm_email("u_rep", "REP@Acme.Example"))
            .pushes(Personal, "u_rep", REP).owner(REP),
        // Rule 9: team sync must name a connected app user.
        row("9 team sync without connection", "u_rep", Manual).team(team_sync("u_new")).fails(ErrorCode::TeamSyncNotConnected),
        row("9 team sync naming nobody", "u_rep", Manual).team(team_sync("u_ghost")).fails(ErrorCode::TeamSyncNotConnected),
        // Rule 11: a browser-held connection pushes only its own user's saves; team sync must
        // be team-held; owners (rules 4, 5, 8) and duplicates (rule 7) see every connection.
        row("11 own browser-held connection pushes own manual save", "u_rep", Manual).team(in_browser("u_rep"))
            .pushes(Personal, "u_rep", REP).owner(REP),
        row("11 own browser-held connection pushes own activity", "u_rep", LinkedinExtension).record(Activity)
            .team(in_browser("u_rep")).pushes(Personal, "u_rep", REP).owner(REP),
        row("11 linkedin save by a browser-held rep → team sync, rep owns", "u_rep", LinkedinExtension)
            .team(in_browser("u_rep")).pushes(TeamSync, "u_admin", ADMIN).owner(REP),
        row("11 browser-held team sync refused", "u_rep", Manual).team(in_browser("u_admin"))
            .fails(ErrorCode::TeamSyncNotConnected),
        row("11 highest skips another's browser-held admin", "u_new", LinkedinExtension).team(no_team_sync)
            .team(in_browser("u_admin")).pushes(HighestPermission, "u_rep", REP).owner(REP)
            .says("admin@acme.example's connection is kept only in their own browser"),
        row("11 highest skips another's browser-held first-listed tie", "u_new", LinkedinExtension).team(no_team_sync)
            .team(permission("u_admin", Standard)).team(in_browser("u_admin"))
            .pushes(HighestPermission, "u_rep", REP).owner(REP).says("kept only in their own browser"),
        row("11 highest may pick the actor's own browser-held", "u_admin", LinkedinExtension).team(no_team_sync)
            .team(in_browser("u_admin")).pushes(HighestPermission, "u_admin", ADMIN).owner(ADMIN)
            .says("you (with your own connection)"),
        row("11 only others' browser-held connections", "u_new", GmailExtension).team(no_team_sync)
            .team(in_browser("u_admin")).team(in_browser("u_rep")).fails(ErrorCode::NoCredentials),
        row("11 duplicate CRM user held in a browser", "u_rep", Manual).team(in_browser("u_rep")).team(holds("u_new", REP))
            .fails(ErrorCode::DuplicateCrmAccount),
        row("11 email match skips a CRM user held in another's browser", "u_new", Manual).single()
            .team(holds("u_viewer", NEW)).team(in_browser("u_viewer")).pushes(TeamSync, "u_admin", ADMIN).owner(ADMIN),
        row("11 browser-held email mismatch → crm_user_pick", "u_rep", LinkedinExtension).team(in_browser("u_rep"))
            .team(crm_email("u_rep", "r.smith@acme-sf.example")).pushes(TeamSync, "u_admin", ADMIN).owner(REP)
            .needs(&[Need::CrmUserPick]),
        // Rule 10: HubSpot follows the same rules and says HubSpot.
        row("10 hubspot linkedin → team sync", "u_rep", LinkedinExtension).hubspot()
            .pushes(TeamSync, "u_admin", ADMIN).owner(REP).says("HubSpot owner"),
        row("10 hubspot gmail, no personal", "u_new", GmailExtension).hubspot()
            .pushes(TeamSync, "u_admin", ADMIN).owner(ADMIN).says("You have no personal HubSpot connection"),
        // team_sync_not_admin: when a non-admin team sync pushes, not when it is unused.
        row("warning: standard team sync pushes", "u_new", LinkedinExtension).team(team_sync("u_rep"))
            .pushes(TeamSync, "u_rep", REP).owner(REP).warns(&[TeamSyncNotAdmin])
            .says("The team sync connection is not a Salesforce admin; ask an admin to choose an admin user"),
        row("no warning: standard team sync unused", "u_admin", GmailExtension).team(team_sync("u_rep"))
            .pushes(Personal, "u_admin", ADMIN).owner(ADMIN),
        // unknown_actor and invalid_input.
        row("unknown actor", "u_ghost", Manual).fails(ErrorCode::UnknownActor),
        row("duplicate app user id", "u_rep", Manual).team(|t| t.users.push(app_user("u_rep", None)))
            .fails(ErrorCode::InvalidInput),
    ]
}

#[test]
fn every_row_of_the_rules_table_holds() {
    let failures: Vec<String> = rows()
        .iter()
        .filter_map(|r| r.check().map(|why| format!("rule {}: {why}", r.rule)))
        .collect();
    assert!(
        failures.is_empty(),
        "{} rows fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn the_table_covers_every_rule_and_error_code() {
    let rows = rows();
    for rule in 1..=11 {
        let prefix = rule.to_string();
        assert!(
            rows.iter()
                .any(|r| r.rule.split([' ', '+']).next() == Some(prefix.as_str())),
            "no row for rule {rule}"
        );
    }
    for code in ErrorCode::ALL {
        assert!(
            rows.iter().any(|r| r.fails == Some(*code)),
            "no row for {code:?}"
        );
    }
}

#[test]
fn unknown_directory_entries_are_ignored_not_fatal() {
    // A directory entry without email can't match by email (rule 5) but does no harm.
    let mut team = acme();
    team.crm_users.push(CrmUser {
        id: "005Q".into(),
        email: None,
        active: true,
        name: None,
    });
    let mut save = input("u_new", Manual, team);
    save.push = PushMode::Single;
    assert_eq!(decide(&save).unwrap().owner, NEW);
}

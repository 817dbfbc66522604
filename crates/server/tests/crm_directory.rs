//! The team's CRM user directory on the server, against the sandbox org: read with the team
//! sync connection when the admin connects it and when the admin refreshes it (a failed read
//! keeps the directory and says why), carried to the extension by `GET /api/team`, used by
//! the Members page (an id it does not list, or lists as inactive, is refused) and by the
//! server's decisions (spec rule 6: an inactive owner is skipped before the push, so the CRM
//! gets one create call, and the journal names who owns the record).
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;
#[path = "common/oauth.rs"]
mod oauth_common;
#[path = "common/pages.rs"]
mod pages;

use std::time::Duration;

use common::{Session, TestServer};
use oauth_common::{Org, SF_SECRET};
use pages::signed_in_admin;
use reqwest::StatusCode;
use serde_json::{json, Value};
use server::config::Config;

const INTEGRATION: &str = "integration@acme.example";
const REP: &str = "rep@acme.example";
/// The sandbox's seeded inactive user (Gus Gone).
const GONE: &str = "gone@acme.example";

fn sf_id(login: &str) -> String {
    sandbox::seed::user_by_email(login).unwrap().0
}

fn configure(org: &Org) -> impl FnOnce(&mut Config) + '_ {
    move |c| {
        org.configure(c, SF_SECRET);
        c.push.sweep_every = Duration::from_millis(200);
    }
}

/// The admin connects team sync on the server as the integration user; answers the callback
/// page's text.
async fn connect_team_sync(server: &TestServer, org: &Org, admin: &Session) -> String {
    org.connect_team_sync(server.addr, &admin.token, INTEGRATION)
        .await
}

async fn sandbox(org: &Org, method: &str, route: &str, body: Option<Value>) -> Value {
    let url = format!("{}/__sandbox/{route}", org.url());
    let reply = match body {
        None => org.send(method, &url, None).await,
        Some(body) => org.send_json(method, &url, &body).await,
    };
    assert!(
        reply.status < 300,
        "{route}: {} {}",
        reply.status,
        reply.body
    );
    serde_json::from_str(&reply.body).unwrap()
}

/// The directory entry of `login` in a `crm_users` list.
fn entry<'a>(users: &'a Value, login: &str) -> &'a Value {
    users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == sf_id(login).as_str())
        .unwrap_or_else(|| panic!("{login} not in {users}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_directory_read_at_connect_skips_an_inactive_owner_before_the_push() {
    let org = Org::start();
    let server = TestServer::start_with(configure(&org)).await;
    let (browser, admin) = signed_in_admin(&server, "Acme", INTEGRATION).await;

    // Before any connect the directory is unknown, and any id is accepted.
    let before = server.get("/api/admin/crm-users", &admin.token).await;
    assert_eq!(before.body["crm_users"], json!([]), "{}", before.text);
    assert_eq!(before.body["read_at"], Value::Null);

    let page = connect_team_sync(&server, &org, &admin).await;
    let users = sandbox::seed::USERS.len();
    assert!(
        page.contains(&format!(
            "Read the org's user directory: {users} Salesforce users."
        )),
        "{page}"
    );
    let read = server.get("/api/admin/crm-users", &admin.token).await;
    assert_eq!(read.body["crm_users"].as_array().unwrap().len(), users);
    assert!(read.body["read_at"].as_i64().is_some(), "{}", read.text);
    assert_eq!(read.body["error"], Value::Null);
    let gone = entry(&read.body["crm_users"], GONE);
    assert_eq!(gone["active"], false, "{gone}");
    assert_eq!(gone["name"], "Gus Gone");
    assert_eq!(entry(&read.body["crm_users"], REP)["active"], true);

    // The rep's snapshot carries it, as the server decides with it.
    let rep = server.rep(&admin, REP).await;
    let team = server.get("/api/team", &rep.token).await;
    assert_eq!(
        entry(&team.body["state"]["crm_users"], GONE)["active"],
        false,
        "{}",
        team.text
    );

    // The Members page offers the active users and refuses an inactive or unknown one.
    let members = browser.get("/admin/members").await;
    assert!(
        members.body.contains(&format!(
            "<option value=\"{}\">Rita Rep &lt;rep@acme.example&gt; ({})</option>",
            sf_id(REP),
            sf_id(REP)
        )),
        "{}",
        members.body
    );
    assert!(!members
        .body
        .contains(&format!("<option value=\"{}\"", sf_id(GONE))));
    let csrf = members.csrf();
    let refused = browser
        .post(
            &format!("/admin/members/{}/crm", rep.member),
            &[
                ("csrf", &csrf),
                ("crm_user_id", ""),
                ("owner_mapping", &sf_id(GONE)),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(
        refused.body.contains(&format!(
            "The owner mapping Gus Gone &lt;gone@acme.example&gt; ({}) is inactive in Salesforce: \
             an inactive user is never assigned as owner. Choose an active user.",
            sf_id(GONE)
        )),
        "{}",
        refused.body
    );
    let unknown = server
        .set_crm(
            &admin,
            &rep.member,
            json!({ "owner_mapping": "005000000000NOPE" }),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "{}", unknown.text);
    assert_eq!(unknown.error_code(), "unknown_crm_user");
    assert!(unknown.body["error"]["message"]
        .as_str()
        .unwrap()
        .contains("is not in the team's Salesforce directory"));
    let members_now = server.get("/api/admin/members", &admin.token).await;
    assert!(
        !members_now.text.contains(&sf_id(GONE)),
        "nothing was saved"
    );
    let mapped = server
        .set_crm(&admin, &rep.member, json!({ "owner_mapping": sf_id(REP) }))
        .await;
    assert_eq!(mapped.status, StatusCode::OK, "{}", mapped.text);

    // The mapped owner was deactivated since (as stored before the directory knew): the save
    // is decided with the next owner (rule 4: the rep has no connection, so the pushing
    // connection's user), with `owner_inactive`, and the CRM gets exactly one create call.
    let statement = format!(
        "UPDATE members SET owner_mapping = '{}' WHERE email = '{REP}'",
        sf_id(GONE)
    );
    server.sql(Box::leak(statement.into_boxed_str())).await;
    sandbox(&org, "POST", "reset-counts", None).await;
    let saved = server
        .post(
            "/api/saves",
            &rep.token,
            json!({
                "save_id": "directory-0001",
                "source": "linkedin_extension",
                "push": "single",
                "prospects": [{
                    "full_name": "Grace Hopper",
                    "email": "grace.directory@example.com",
                    "linkedin_url": "https://www.linkedin.com/in/grace-directory",
                }],
            }),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text);
    assert_eq!(saved.body["status"], "pushed", "{}", saved.text);
    let result = &saved.body["results"][0];
    assert_eq!(result["status"], "created", "{result}");
    assert_eq!(result["owner"]["id"], sf_id(INTEGRATION).as_str());
    assert_eq!(result["owner"]["name"], "Ivan Integration");
    assert!(
        result["warnings"]
            .as_array()
            .unwrap()
            .contains(&json!("owner_inactive")),
        "{result}"
    );
    assert!(saved.body["decision"]["warnings"]
        .as_array()
        .unwrap()
        .contains(&json!("owner_inactive")));
    let counts = sandbox(&org, "GET", "counts", None).await;
    assert_eq!(
        counts["POST /services/data/vXX.X/composite"], 1,
        "one create call, none refused: {counts}"
    );
    let records = sandbox(&org, "GET", "records?object=Contact", None).await;
    let created: Vec<&Value> = records["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["Email"] == "grace.directory@example.com")
        .collect();
    assert_eq!(created.len(), 1);
    assert_eq!(created[0]["OwnerId"], sf_id(INTEGRATION).as_str());

    // The journal names the owner by the directory.
    let journal = server.get("/api/admin/journal", &admin.token).await;
    assert!(
        journal.text.contains(&format!(
            "Grace Hopper: created Contact {}, Owner Ivan Integration ({})",
            created[0]["Id"].as_str().unwrap(),
            sf_id(INTEGRATION)
        )),
        "{}",
        journal.text
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_refreshes_the_directory_and_a_failed_read_keeps_it() {
    let org = Org::start();
    let server = TestServer::start_with(configure(&org)).await;
    let (browser, admin) = signed_in_admin(&server, "Acme", INTEGRATION).await;
    connect_team_sync(&server, &org, &admin).await;
    server
        .sql("UPDATE teams SET crm_users = '[]', crm_users_read_at = 1")
        .await;

    // The Members page's button reads it again.
    let members = browser.get("/admin/members").await;
    assert!(
        members
            .body
            .contains("0 Salesforce users (0 inactive), read 1970-01-01 00:00 UTC"),
        "{}",
        members.body
    );
    let refreshed = browser
        .post("/admin/crm-users/refresh", &[("csrf", &members.csrf())])
        .await;
    assert_eq!(
        refreshed.status,
        StatusCode::SEE_OTHER,
        "{}",
        refreshed.body
    );
    assert_eq!(refreshed.location(), "/admin/members?done=crm_users");
    let users = sandbox::seed::USERS.len();
    let page = browser.get("/admin/members?done=crm_users").await;
    assert!(
        page.body
            .contains(&format!("{users} Salesforce users (1 inactive), read ")),
        "{}",
        page.body
    );
    let first = server.get("/api/admin/crm-users", &admin.token).await;
    assert!(first.body["read_at"].as_i64().unwrap() > 1);

    // The API's route, the CRM answering 503: nothing is replaced, and the admin reads why.
    sandbox(
        &org,
        "POST",
        "faults",
        Some(json!({"status": 503, "count": 1, "path_prefix": "/services/data"})),
    )
    .await;
    let failed = server
        .post("/api/admin/crm-users/refresh", &admin.token, json!({}))
        .await;
    assert_eq!(failed.status, StatusCode::BAD_GATEWAY, "{}", failed.text);
    assert_eq!(failed.error_code(), "crm_users_not_read");
    let message = failed.body["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "The CRM user directory could not be read: Salesforce refused to list the org's users"
        ),
        "{message}"
    );
    assert!(
        message.ends_with(&format!("The previous directory ({users} users) is kept.")),
        "{message}"
    );
    let kept = server.get("/api/admin/crm-users", &admin.token).await;
    assert_eq!(kept.body["crm_users"], first.body["crm_users"]);
    assert_eq!(kept.body["read_at"], first.body["read_at"]);
    assert!(kept.body["error"]
        .as_str()
        .unwrap()
        .starts_with("Salesforce refused to list the org's users"));
    let page = browser.get("/admin/members").await;
    assert!(
        page.body
            .contains("The last read failed: Salesforce refused to list the org&#39;s users")
            || page
                .body
                .contains("The last read failed: Salesforce refused to list the org&#x27;s users"),
        "{}",
        page.body
    );
    assert!(page
        .body
        .contains("The directory above is the one read before."));

    // A read that works again clears the error.
    let again = server
        .post("/api/admin/crm-users/refresh", &admin.token, json!({}))
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(again.body["error"], Value::Null);
    server.stop().await;
}

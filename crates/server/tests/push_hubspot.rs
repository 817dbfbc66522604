//! HubSpot pushes from the server, end to end against the sandbox's HubSpot emulation: a
//! HubSpot team's private-app token lives on the server (sealed like every secret, stored
//! through the admin API), and reps' LinkedIn saves posted to the server are pushed by the
//! engine with it: the contact lands once, owned by the rep's HubSpot owner (the owner
//! mapping), a repeated save id is answered from the ledger, the same person saved again while
//! HubSpot's search lags is linked, not created twice, and the token appears in no
//! answer and no file of the data directory. A token HubSpot refuses reads as a reconnect.
#![allow(clippy::unwrap_used, clippy::expect_used)] // tests: a failed setup should panic

mod common;
#[path = "../../engine/tests/common/mod.rs"]
mod sandbox;

use std::time::Duration;

use common::{Session, TestServer};
use reqwest::StatusCode;
use sandbox::{Sandbox, PINNED};
use serde_json::{json, Value};
use server::config::Config;

/// The sandbox's private-app token (acts as integration@acme.example).
const PRIVATE_APP_TOKEN: &str = "pat-sandbox-integration";
/// integration@acme.example's and rep@acme.example's HubSpot owner ids (the sandbox's seed).
const INTEGRATION_OWNER: &str = "41629002";
const REP_OWNER: &str = "41629003";

/// Points the server's CRM client at the sandbox, HubSpot's API host included. No Salesforce
/// app: a HubSpot team needs none.
fn push_to(sb: &Sandbox, config: &mut Config) {
    config.push.crm_ca_file = Some(sb.cert_path());
    config.push.crm_resolve = PINNED
        .iter()
        .chain(&["api.hubapi.com"])
        .map(|h| (h.to_string(), sb.addr()))
        .collect();
    config.push.sweep_every = Duration::from_millis(200);
}

fn save(save_id: &str, tag: &str) -> Value {
    json!({
        "save_id": save_id,
        "source": "linkedin_extension",
        "push": "single",
        "prospects": [{
            "full_name": format!("Ada {tag} Lovelace"),
            "email": format!("ada.{tag}@hubspot-push.example"),
            "linkedin_url": format!("https://www.linkedin.com/in/ada-{tag}-hs"),
            "company": "Analytical Engines",
        }],
    })
}

/// The sandbox's HubSpot contacts with this email.
async fn contacts_with(sb: &Sandbox, email: &str) -> Vec<Value> {
    sb.admin("GET", "records?object=contacts", json!({})).await["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["properties"]["email"] == email)
        .cloned()
        .collect()
}

/// A HubSpot team whose admin's team-held connection is `token`, chosen as team sync; a rep
/// whose records rep@'s HubSpot owner owns.
async fn hubspot_team(server: &TestServer, token: &str) -> (Session, Session) {
    let admin = server
        .admin_on("Initech", "admin@initech.example", "hubspot")
        .await;
    server
        .connect_ok(&admin, &admin.member, INTEGRATION_OWNER, "admin", token)
        .await;
    assert_eq!(
        server.set_team_sync(&admin, &admin.member).await.status,
        StatusCode::OK
    );
    let rep = server.rep(&admin, "rep@initech.example").await;
    let mapped = server
        .set_crm(&admin, &rep.member, json!({ "owner_mapping": REP_OWNER }))
        .await;
    assert_eq!(mapped.status, StatusCode::OK, "{}", mapped.text);
    (admin, rep)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hubspot_teams_save_is_pushed_once_with_its_private_app_token_and_owned_by_the_rep() {
    let sb = Sandbox::start();
    let server = TestServer::start_with(|c| push_to(&sb, c)).await;
    let (admin, rep) = hubspot_team(&server, PRIVATE_APP_TOKEN).await;

    // The team's directory is HubSpot's owners, the archived ones inactive, read with the
    // team's private-app token.
    let read = server
        .post("/api/admin/crm-users/refresh", &admin.token, json!({}))
        .await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.text);
    let users = read.body["crm_users"].as_array().unwrap();
    assert_eq!(users.len(), ::sandbox::seed::USERS.len(), "{}", read.text);
    let owner = |email: &str| users.iter().find(|u| u["email"] == email).unwrap();
    assert_eq!(owner("gone@acme.example")["active"], false);
    assert_eq!(owner("rep@acme.example")["id"], REP_OWNER);
    assert_eq!(owner("rep@acme.example")["active"], true);

    let body = save("hs-push-0001", "a");
    let first = server.post("/api/saves", &rep.token, body.clone()).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    assert_eq!(first.body["status"], "pushed", "{}", first.text);
    let result = &first.body["results"][0];
    assert_eq!(result["status"], "created", "{result}");
    assert_eq!(result["owner"]["id"], REP_OWNER, "{result}");
    let landed = contacts_with(&sb, "ada.a@hubspot-push.example").await;
    assert_eq!(landed.len(), 1, "{landed:?}");
    assert_eq!(landed[0]["properties"]["hubspot_owner_id"], REP_OWNER);
    // A private app is no user: HubSpot records no creating user.
    assert!(
        landed[0]["properties"]["hs_created_by_user_id"].is_null(),
        "{}",
        landed[0]
    );

    // The same save id again: answered from the ledger, nothing pushed.
    let again = server.post("/api/saves", &rep.token, body).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(
        again.headers.get("leadline-replayed").unwrap(),
        "true",
        "{}",
        again.text
    );
    assert_eq!(
        contacts_with(&sb, "ada.a@hubspot-push.example").await.len(),
        1
    );

    // The same person saved again under a new save id at once, while HubSpot's search still
    // lags (2 s in the sandbox, as in HubSpot): linked to the contact, not created twice.
    let mut body = save("hs-push-0003", "a");
    body["prospects"][0]["full_name"] = json!("Ada Lovelace (again)");
    let linked = server.post("/api/saves", &rep.token, body).await;
    assert_eq!(linked.status, StatusCode::OK, "{}", linked.text);
    assert_eq!(
        linked.body["results"][0]["status"], "linked",
        "{}",
        linked.text
    );
    assert_eq!(
        linked.body["results"][0]["record_id"], first.body["results"][0]["record_id"],
        "{}",
        linked.text
    );
    assert_eq!(
        contacts_with(&sb, "ada.a@hubspot-push.example").await.len(),
        1
    );

    // The token is sealed: in no answer, no file of the data directory.
    let health = server.get("/api/admin/connections", &admin.token).await;
    assert_eq!(
        health.body["connections"][0]["status"], "ok",
        "{}",
        health.text
    );
    // This server has no Salesforce app: it pushes this HubSpot team, not a Salesforce one.
    assert_eq!(health.body["pushing"], true, "{}", health.text);
    let salesforce = server.admin("Acme", "admin@acme.example").await;
    let theirs = server
        .get("/api/admin/connections", &salesforce.token)
        .await;
    assert_eq!(theirs.body["pushing"], false, "{}", theirs.text);
    for answer in [&first, &again, &health] {
        assert!(!answer.text.contains(PRIVATE_APP_TOKEN));
    }
    assert!(!server.data_files_contain(PRIVATE_APP_TOKEN.as_bytes()));
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_app_token_hubspot_refuses_reads_as_a_reconnect_and_pushes_nothing() {
    let sb = Sandbox::start();
    let server = TestServer::start_with(|c| push_to(&sb, c)).await;
    let (admin, rep) = hubspot_team(&server, "pat-na1-revoked-or-mistyped").await;

    let refused = server
        .post("/api/saves", &rep.token, save("hs-push-0002", "b"))
        .await;
    assert_eq!(refused.status, StatusCode::ACCEPTED, "{}", refused.text);
    assert_eq!(
        refused.body["status"], "reconnect_needed",
        "{}",
        refused.text
    );
    assert!(contacts_with(&sb, "ada.b@hubspot-push.example")
        .await
        .is_empty());
    let health = server.get("/api/admin/connections", &admin.token).await;
    assert_eq!(
        health.body["connections"][0]["status"], "reconnect_needed",
        "{}",
        health.text
    );
    server.stop().await;
}
